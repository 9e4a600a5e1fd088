/*
 * The retry policy for every request to Spotify, in one place:
 *  - 5xx, network errors, and 2xx answers whose body is not complete JSON
 *    (truncated, or an HTML error page with status 200)
 *    are retried up to `retries` attempts in all, after a capped exponential
 *    backoff with full jitter (base 200 ms doubling, cap 10 s);
 *  - a 429 whose Retry-After is at most max_wait_s is slept through exactly
 *    (never a call before it ends) and the request retried; a longer one
 *    ends the call with HTTP_RATE_LIMITED and *not_before_ms set.
 * Sleeps end early when *stop becomes non-zero (a signal handler sets it);
 * the call then answers HTTP_NETWORK with "interrupted" in err.
 */
#ifndef SPOTIFY_RETRY_H
#define SPOTIFY_RETRY_H

#include <signal.h>
#include <stdint.h>

#include "core/http.h"
#include "core/strbuf.h"

#define SP_BACKOFF_BASE_MS 200
#define SP_BACKOFF_CAP_MS 10000

struct sp_policy {
	int retries;                  /* attempts in all, at least 1 */
	long max_wait_s;              /* longest Retry-After slept through */
	volatile sig_atomic_t *stop;  /* may be NULL */
	int *unanswered;              /* may be NULL: counts attempts that got
				       * no answer at all (network errors) */
};

/*
 * The delay before retry number `attempt` (0-based): a uniform draw in
 * [0, min(cap, base * 2^attempt)] using rnd as the random source.
 */
int64_t sp_backoff_ms(int attempt, int64_t base, int64_t cap, uint64_t rnd);
/* A random 64-bit value from OpenSSL. */
uint64_t sp_random64(void);
/* Sleeps ms milliseconds; -1 when *stop was set during the sleep. */
int sp_sleep_ms(int64_t ms, volatile sig_atomic_t *stop);
/* Retry-After seconds -> milliseconds to wait (at least 1 s when absent). */
int64_t sp_retry_after_ms(long retry_after_s);

/*
 * Performs req with the policy. Answers HTTP_OK (body is complete JSON),
 * HTTP_RATE_LIMITED (a penalty longer than max_wait: *not_before_ms is when
 * it ends), or the final result of other statuses (4xx at once, 5xx and
 * network errors after the last attempt). err gets a message for every
 * result but HTTP_OK; what names the request in it ("recently-played").
 */
enum http_result sp_perform(struct http *h, const struct sp_policy *pol,
			    const struct http_request *req,
			    struct http_response *res, const char *what,
			    int64_t *not_before_ms, struct strbuf *err);

#endif
