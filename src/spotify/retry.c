#include <cjson/cJSON.h>
#include <errno.h>
#include <openssl/rand.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/timeutil.h"
#include "spotify/retry.h"
#include "core/banned.h"

int64_t sp_backoff_ms(int attempt, int64_t base, int64_t cap, uint64_t rnd)
{
	int64_t hi = base;

	for (int i = 0; i < attempt && hi < cap; i++)
		hi *= 2;
	if (hi > cap)
		hi = cap;
	if (hi <= 0)
		return 0;
	return (int64_t)(rnd % ((uint64_t)hi + 1));
}

uint64_t sp_random64(void)
{
	uint64_t v = 0;

	if (RAND_bytes((unsigned char *)&v, sizeof(v)) != 1)
		v = (uint64_t)time_mono_ms() * 6364136223846793005ULL ^
		    (uint64_t)getpid();
	return v;
}

int sp_sleep_ms(int64_t ms, volatile sig_atomic_t *stop)
{
	struct timespec ts, rem;

	if (ms < 0)
		ms = 0;
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	for (;;) {
		if (stop && *stop)
			return -1;
		if (!nanosleep(&ts, &rem))
			break;
		if (errno != EINTR)
			break;
		ts = rem;
	}
	return stop && *stop ? -1 : 0;
}

int64_t sp_retry_after_ms(long retry_after_s)
{
	return retry_after_s < 0 ? 1000 : (int64_t)retry_after_s * 1000;
}

static int complete_json(const struct strbuf *body)
{
	cJSON *doc = cJSON_ParseWithLength(body->buf, body->len);
	int ok = doc != NULL;

	cJSON_Delete(doc);
	return ok;
}

enum http_result sp_perform(struct http *h, const struct sp_policy *pol,
			    const struct http_request *req,
			    struct http_response *res, const char *what,
			    int64_t *not_before_ms, struct strbuf *err)
{
	int attempts = pol->retries > 0 ? pol->retries : 1;
	int failures = 0, waits = 0;
	enum http_result r;

	for (;;) {
		r = http_perform(h, req, res);
		if (r == HTTP_OK && complete_json(&res->body))
			return HTTP_OK;
		if (r == HTTP_OK) {
			r = HTTP_SERVER_ERROR;
			snprintf(res->error, sizeof(res->error),
				 "incomplete or malformed JSON answer");
		}
		if (r == HTTP_RATE_LIMITED) {
			int64_t wait = sp_retry_after_ms(res->retry_after_s);
			if (wait > (int64_t)pol->max_wait_s * 1000 ||
			    ++waits > attempts) {
				*not_before_ms = time_now_ms() + wait;
				strbuf_addf(err, "%s: rate limited for %lld s "
					    "(Retry-After)", what,
					    (long long)(wait / 1000));
				return r;
			}
			log_info("%s: rate limited, waiting %lld ms as told",
				 what, (long long)wait);
			if (sp_sleep_ms(wait, pol->stop))
				goto interrupted;
			continue;
		}
		if (r == HTTP_NETWORK && pol->unanswered)
			(*pol->unanswered)++;
		if (r != HTTP_SERVER_ERROR && r != HTTP_NETWORK) {
			strbuf_addf(err, "%s: %s", what, res->error);
			return r;
		}
		if (++failures >= attempts) {
			strbuf_addf(err, "%s: %s (after %d attempts)", what,
				    res->error, failures);
			return r;
		}
		log_debug("%s: %s, retrying", what, res->error);
		if (sp_sleep_ms(sp_backoff_ms(failures - 1, SP_BACKOFF_BASE_MS,
					      SP_BACKOFF_CAP_MS, sp_random64()),
				pol->stop))
			goto interrupted;
	}
interrupted:
	strbuf_addf(err, "%s: interrupted", what);
	return HTTP_NETWORK;
}
