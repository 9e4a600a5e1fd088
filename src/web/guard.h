/*
 * What the dashboard refuses before it does any work, so that neither a web
 * page the user visits nor another host can wear it down:
 *
 * - guard_fetch_ok: requests a browser sends on behalf of another site
 *   (<img>, fetch, forms, frames). Only a top-level navigation may come from
 *   elsewhere, and the JSON API answers only the dashboard's own pages.
 * - struct guard_rate: a token bucket per client address, so a flood from
 *   one address gets 429s while others are served.
 * - struct guard_conns: a deadline for each request's headers that bytes do
 *   not extend (libmicrohttpd's own timeout is reset by every byte, so a
 *   client sending one header line a second holds a connection forever).
 *
 * The rate and connection tables have their own locks: every function may
 * be called from any thread. _new allocates, _free frees everything.
 */
#ifndef WEB_GUARD_H
#define WEB_GUARD_H

#include <stdint.h>
#include <sys/socket.h>

/* Request headers the fetch check reads; NULL when absent. */
struct guard_fetch {
	const char *site;   /* Sec-Fetch-Site */
	const char *mode;   /* Sec-Fetch-Mode */
	const char *dest;   /* Sec-Fetch-Dest */
	const char *origin; /* Origin */
	const char *host;   /* Host (already checked to be ours) */
};

/* 1 when a request for path with these headers may be answered, else 0. */
int guard_fetch_ok(const struct guard_fetch *f, const char *path);

struct guard_rate;

/*
 * per_second requests per address, with a bucket of twice that and at least
 * GUARD_BURST_MIN. per_second <= 0: no limit (guard_rate_take always 0).
 */
#define GUARD_BURST_MIN 1000
struct guard_rate *guard_rate_new(int per_second);
void guard_rate_free(struct guard_rate *r);
/* Takes a token for addr: 0 when the request may go on, else the seconds to
 * wait before the next one will (for Retry-After). */
int guard_rate_take(struct guard_rate *r, const struct sockaddr *addr, int64_t now_ms);

struct guard_conns;
struct guard_conn;

struct guard_conns *guard_conns_new(int header_timeout_s);
void guard_conns_free(struct guard_conns *g);
/* A new connection on fd: its first request's headers are due in the
 * timeout. Returns the handle the other calls take. */
struct guard_conn *guard_conn_open(struct guard_conns *g, int fd, int64_t now_ms);
/* The headers arrived: no deadline while the request is answered. */
void guard_conn_busy(struct guard_conns *g, struct guard_conn *c);
/* The answer is sent: the next request's headers are due in the timeout. */
void guard_conn_idle(struct guard_conns *g, struct guard_conn *c, int64_t now_ms);
/* The connection is closed (before its socket is): forgets and frees c. */
void guard_conn_close(struct guard_conns *g, struct guard_conn *c);
/*
 * Shuts down (shutdown(2), the server then closes them) the connections
 * past their deadline; returns how many.
 */
int guard_conns_sweep(struct guard_conns *g, int64_t now_ms);

#endif
