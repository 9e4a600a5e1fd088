#include "faults.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/banned.h"

void faults_init(struct faults *f, uint64_t seed)
{
	memset(f, 0, sizeof(*f));
	rng_init(&f->rng, seed, 0xfa017, 0);
	faults_clear(f);
}

void faults_clear(struct faults *f)
{
	f->rate_5xx = f->rate_429 = f->rate_slow = f->rate_reset = f->rate_truncate = f->rate_malformed = 0;
	f->retry_after_s = 1;
	f->retry_date = 0;
	f->quota = 0;
	f->slow_ms = 2000;
	f->token_hold_ms = 0;
	f->lose_token_answers = 0;
}

static int parse_rate(const char *val, double *out)
{
	char *end;
	double d = strtod(val, &end);
	if (end == val || *end || d < 0 || d > 1)
		return -1;
	*out = d;
	return 0;
}

static int parse_int(const char *val, long lo, long hi, int *out)
{
	char *end;
	long v = strtol(val, &end, 10);
	if (end == val || *end || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

int faults_set(struct faults *f, const char *key, const char *val, char *err, size_t errlen)
{
	static const struct {
		const char *name;
		size_t off;
	} rates[] = {
		{ "rate_5xx", offsetof(struct faults, rate_5xx) },
		{ "rate_429", offsetof(struct faults, rate_429) },
		{ "rate_slow", offsetof(struct faults, rate_slow) },
		{ "rate_reset", offsetof(struct faults, rate_reset) },
		{ "rate_truncate", offsetof(struct faults, rate_truncate) },
		{ "rate_malformed", offsetof(struct faults, rate_malformed) },
	};
	int rc = 0;
	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		if (strcmp(key, rates[i].name))
			continue;
		if (parse_rate(val, (double *)((char *)f + rates[i].off)))
			goto bad;
		return 0;
	}
	if (!strcmp(key, "retry_after")) {
		if (!strcmp(val, "date"))
			f->retry_date = 1;
		else if (parse_int(val, 0, 86400 * 2, &f->retry_after_s))
			goto bad;
		else
			f->retry_date = 0;
	} else if (!strcmp(key, "retry_after_s")) {
		rc = parse_int(val, 0, 86400 * 2, &f->retry_after_s);
	} else if (!strcmp(key, "quota")) {
		rc = parse_int(val, 0, 1, &f->quota);
	} else if (!strcmp(key, "token_hold_ms")) {
		rc = parse_int(val, 0, 600000, &f->token_hold_ms);
	} else if (!strcmp(key, "lose_token_answers")) {
		rc = parse_int(val, 0, 1000000, &f->lose_token_answers);
	} else if (!strcmp(key, "slow_ms")) {
		rc = parse_int(val, 0, 600000, &f->slow_ms);
	} else if (!strcmp(key, "penalties") && !strcmp(val, "over")) {
		/* as once every Retry-After has run out (a 20-hour one in t1010) */
		f->npenalties = 0;
	} else {
		snprintf(err, errlen, "unknown fault parameter \"%s\"", key);
		return -1;
	}
	if (!rc)
		return 0;
bad:
	snprintf(err, errlen, "bad value \"%s\" for fault parameter \"%s\"", val, key);
	return -1;
}

cJSON *faults_json(const struct faults *f)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "rate_5xx", f->rate_5xx);
	cJSON_AddNumberToObject(o, "rate_429", f->rate_429);
	if (f->retry_date)
		cJSON_AddStringToObject(o, "retry_after", "date");
	else
		cJSON_AddNumberToObject(o, "retry_after", f->retry_after_s);
	cJSON_AddNumberToObject(o, "retry_after_s", f->retry_after_s);
	cJSON_AddNumberToObject(o, "quota", f->quota);
	cJSON_AddNumberToObject(o, "rate_slow", f->rate_slow);
	cJSON_AddNumberToObject(o, "slow_ms", f->slow_ms);
	cJSON_AddNumberToObject(o, "rate_reset", f->rate_reset);
	cJSON_AddNumberToObject(o, "rate_truncate", f->rate_truncate);
	cJSON_AddNumberToObject(o, "rate_malformed", f->rate_malformed);
	cJSON_AddNumberToObject(o, "token_hold_ms", f->token_hold_ms);
	cJSON_AddNumberToObject(o, "lose_token_answers", f->lose_token_answers);
	return o;
}

enum fault_kind faults_draw(struct faults *f, int *slow_ms)
{
	double u = rng_unit(&f->rng), acc = 0;
	*slow_ms = rng_unit(&f->rng) < f->rate_slow ? f->slow_ms : 0;
	if (u < (acc += f->rate_reset))
		return FAULT_RESET;
	if (u < (acc += f->rate_5xx))
		return FAULT_5XX;
	if (u < (acc += f->rate_429))
		return FAULT_429;
	if (u < (acc += f->rate_truncate))
		return FAULT_TRUNCATE;
	if (u < (acc += f->rate_malformed))
		return FAULT_MALFORMED;
	return FAULT_NONE;
}

int64_t faults_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t faults_penalty_left(const struct faults *f, const char *key)
{
	int64_t now = faults_now_ms();
	for (int i = 0; i < f->npenalties; i++)
		if (!strcmp(f->penalties[i].key, key))
			return f->penalties[i].until_ms > now ? f->penalties[i].until_ms - now : 0;
	return 0;
}

void faults_penalise(struct faults *f, const char *key, int64_t ms)
{
	int i;
	for (i = 0; i < f->npenalties; i++)
		if (!strcmp(f->penalties[i].key, key))
			break;
	if (i == f->npenalties) {
		if (f->npenalties == (int)(sizeof(f->penalties) / sizeof(f->penalties[0])))
			i = 0; /* full: reuse the oldest slot */
		else
			f->npenalties++;
		snprintf(f->penalties[i].key, sizeof(f->penalties[i].key), "%s", key);
	}
	f->penalties[i].until_ms = faults_now_ms() + ms;
}

void faults_retry_after(const struct faults *f, int64_t secs, char *out, size_t n)
{
	if (f->retry_date) {
		time_t t = time(NULL) + (time_t)secs;
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(out, n, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	} else {
		snprintf(out, n, "%lld", (long long)secs);
	}
}
