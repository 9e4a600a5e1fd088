/*
 * A Spotify Web API client for one account, with the platform's rules built
 * in (see ../shared/docs/spotify-platform.md):
 *
 *  - the access token is refreshed when it has expired, and once on a 401;
 *    a rotated refresh token is persisted (atomically, mode 0600) BEFORE the
 *    new access token is used;
 *  - invalid_grant marks the account "needs re-auth" and keeps its
 *    credentials; every later call answers SP_REAUTH without a request;
 *  - 429: a Retry-After up to spotify.max_wait seconds is slept through and
 *    the request retried; a longer one is persisted as the account's
 *    "not before" time and SP_RATE_LIMITED is returned; until that time every
 *    call answers SP_RATE_LIMITED without a request, in this process or the
 *    next one;
 *  - 5xx and network errors are retried spotify.retries times with capped
 *    exponential backoff and full jitter;
 *  - one writer per account (account_lock): a refresh, and every save of
 *    the account file, happens under the account's lock, taken here when
 *    the caller has not taken it with spotify_client_lock; state is
 *    reloaded once locked, as another process may have rotated the token.
 *
 * Account state (tokens, not-before, needs-reauth) lives in
 * <data-dir>/accounts/<name>.json, mode 0600; nothing in it is ever logged.
 * Ownership: spotify_client_open returns a client the caller frees with
 * spotify_client_free; bodies are appended to caller buffers.
 */
#ifndef SPOTIFY_CLIENT_H
#define SPOTIFY_CLIENT_H

#include <signal.h>
#include <stdint.h>

#include "core/config.h"
#include "core/strbuf.h"

enum sp_result {
	SP_OK,
	SP_NOT_FOUND,     /* 404 */
	SP_FORBIDDEN,     /* 403: e.g. audio-features for development-mode apps */
	SP_BAD_REQUEST,   /* other 4xx */
	SP_RATE_LIMITED,  /* penalty in force; see spotify_client_not_before */
	SP_REAUTH,        /* refresh token refused: user must run 'spinlog auth' */
	SP_UNAVAILABLE,   /* 5xx or network error after every retry */
	SP_NO_ACCOUNT,    /* no such account file */
};

struct spotify_client;

/* Opens the named account's state; NULL with err filled when it has none. */
struct spotify_client *spotify_client_open(const struct config *cfg,
					   const char *data_dir,
					   const char *account,
					   struct strbuf *err);
void spotify_client_free(struct spotify_client *c);
/*
 * Holds the account's lock until spotify_client_free, waiting up to
 * collect.lock_wait seconds, and reloads the state. 0, or -1 with err
 * filled: errno EWOULDBLOCK and "another spinlog is collecting 'NAME'
 * (pid N)..." when another process kept it. A call that needs the lock
 * while another process keeps it answers SP_UNAVAILABLE.
 */
int spotify_client_lock(struct spotify_client *c, struct strbuf *err);

/*
 * GET an API path ("/v1/me/player/recently-played?limit=50") or an absolute
 * URL on the configured API host (a page's "next"). On SP_OK the body is
 * appended to out; otherwise err says what happened, without secrets.
 */
enum sp_result spotify_get(struct spotify_client *c, const char *path_or_url,
			   struct strbuf *out, struct strbuf *err);

/* When the current rate-limit penalty ends (0 when none). */
int64_t spotify_client_not_before(const struct spotify_client *c);
const char *spotify_client_account(const struct spotify_client *c);
const char *sp_result_name(enum sp_result r);

/* Sleeps inside calls end early once *stop is non-zero (signal handlers). */
void spotify_client_set_stop(struct spotify_client *c,
			     volatile sig_atomic_t *stop);
struct account_state;
/* The account's state as loaded and updated (borrowed; read only). */
const struct account_state *spotify_client_state(const struct spotify_client *c);

#endif
