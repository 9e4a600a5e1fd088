/*
 * The read-only dashboard server (libmicrohttpd): the pages, the JSON API
 * and the covers of the route table (web/routes.h), covers sent from
 * <data>/covers. Binds exactly the address given (loopback by default),
 * answers only GET and HEAD, and rejects requests whose Host is not a
 * loopback name or the bound address (DNS rebinding).
 * What it refuses to protect itself (web/guard.h): requests other sites
 * make through the user's browser, more than a few connections or requests
 * a second per address, and headers that take too long to arrive.
 *
 * Speed: rendered answers are kept in memory per instance of a route (LRU,
 * 32 MB at most, pages that exist only) and reused until the store changes
 * (store_data_version) or new covers arrive, so a page request costs a
 * hash lookup. A background thread with its own database
 * connection downloads missing covers.
 */
#ifndef WEB_SERVER_H
#define WEB_SERVER_H

#include "core/strbuf.h"

struct store;

struct server_options {
	const char *listen;     /* "host:port", "[v6]:port"; port 0 = any */
	const char *port_file;  /* where to write the chosen port, or NULL */
	const char *data_dir;
	const char *db_path;
	long long min_ms_played;
	int threads;            /* 0 = 2 */
	int fetch_covers;       /* download missing covers in the background */
	int max_per_address;    /* connections at once per client address; 0 = default */
	int header_timeout_s;   /* a request's headers must arrive within; 0 = default */
	int rate_per_second;    /* requests per client address; 0 = no limit */
};

/* A browser opens 6 connections per host name; localhost and 127.0.0.1 are two. */
#define SERVER_MAX_PER_ADDRESS 64
#define SERVER_HEADER_TIMEOUT 10

/* Serves until SIGINT or SIGTERM. 0, or -1 with err filled. */
int server_run(struct store *db, const struct server_options *o, struct strbuf *err);

/* Parses a listen address into host and port; 0 or -1. */
int server_parse_listen(const char *s, char *host, size_t hlen, int *port);

#endif
