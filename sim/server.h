/*
 * server.h - the HTTP face of the simulator: one libmicrohttpd daemon (a
 * thread per connection, one global lock around all state) that routes the
 * Spotify endpoints, the /_sim/... control endpoints and the cover images,
 * counts requests and injects faults. server_run owns the catalog, the
 * world, the accounts and the faults for the life of the process.
 */
#ifndef SIM_SERVER_H
#define SIM_SERVER_H

#include <stdint.h>

struct sim_config {
	int port;
	uint64_t seed;
	int users;
	int dev; /* --app-mode development */
	int64_t start_ms;
	int64_t token_ttl_s;
	const char *port_file;
	const char *bind;
	const char *faults;
	int verbose;
};

/* Serves until SIGTERM or SIGINT. Returns 0, or -1 after printing why it
 * could not start. */
int server_run(const struct sim_config *cfg);

#endif
