/*
 * serve's ListenBrainz-compatible API (doc/listenbrainz.md): the endpoints
 * a scrobbler (multi-scrobbler, Navidrome, Jellyfin, Pano Scrobbler, Web
 * Scrobbler...) pointed at a custom ListenBrainz URL uses:
 *   POST /1/submit-listens             listen_type single, playing_now, import
 *   GET  /1/validate-token
 *   GET  /1/user/NAME/listens          count, min_ts, max_ts
 *   GET  /1/user/NAME/listen-count
 *   GET  /1/user/NAME/playing-now
 * NAME is a spinlog account. Validation, limits, status codes and error
 * strings follow ListenBrainz's server (listenbrainz-server,
 * webserver/views/api.py and api_tools.py): {"code": N, "error": "..."}.
 * Accepted listens are plays of the token's account with source
 * listenbrainz, written through the import path (pipeline/import_mem.h),
 * so they merge with Spotify's plays of the same listen.
 *
 * The server (server.c) reads the request and its body; this module knows
 * nothing of HTTP libraries. One caller at a time per store.
 */
#ifndef WEB_LISTENBRAINZ_H
#define WEB_LISTENBRAINZ_H

#include <stddef.h>

#include "core/strbuf.h"
#include "web/routes.h"

/* ListenBrainz's MAX_LISTEN_PAYLOAD_SIZE: 1000 listens of 10240 bytes. */
#define LB_MAX_PAYLOAD (1000u * 10240u)

struct store;

struct lb_request {
	const char *pattern;       /* the route row's ("/1/user/%U/listens") */
	const char *method;
	const char *user;          /* %U, decoded */
	const char *authorization; /* the header, or NULL */
	route_query_fn *query;
	void *query_cls;
	const char *body;          /* POST: the first LB_MAX_PAYLOAD bytes */
	size_t body_len;           /* the whole body's length */
	long long min_ms_played;
};

/* The SHA-256 of a token as 64 hex digits: all the store keeps of it. */
void lb_token_hash(const char *token, char hex[65]);
/* A new random token (a UUID, as ListenBrainz's look) in out; 0 or -1. */
int lb_token_new(char out[37]);

/* The answer to r: its JSON in out (reset first); returns the HTTP status. */
unsigned lb_answer(struct store *s, const struct lb_request *r, struct strbuf *out);

#endif
