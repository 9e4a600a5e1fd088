/*
 * faults.h - injected failures for the Spotify-facing endpoints (/v1/...,
 * /api/token, /reccobeats/...): their configuration, the fault PRNG seeded
 * from --seed, and rate-limit penalties that run on the real wall clock.
 * struct faults owns everything in it.
 */
#ifndef SIM_FAULTS_H
#define SIM_FAULTS_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "rng.h"

enum fault_kind { FAULT_NONE, FAULT_RESET, FAULT_5XX, FAULT_429, FAULT_TRUNCATE, FAULT_MALFORMED };

struct fault_penalty {
	char key[32];
	int64_t until_ms; /* CLOCK_MONOTONIC */
};

struct faults {
	double rate_5xx, rate_429, rate_slow, rate_reset, rate_truncate, rate_malformed;
	int retry_after_s, retry_date, quota, slow_ms;
	/*
	 * Token endpoint only. token_hold_ms: a refresh is held this long
	 * before the accounts service acts on it, and dropped unanswered and
	 * unprocessed when the client hung up meanwhile (as a request that never
	 * got past the load balancer). lose_token_answers: the next N refreshes
	 * are carried out (the refresh token rotates) and then the connection is
	 * dropped, so the answer is lost on the wire.
	 */
	int token_hold_ms, lose_token_answers;
	struct rng rng;
	struct fault_penalty penalties[64];
	int npenalties;
};

void faults_init(struct faults *f, uint64_t seed);
/* Resets every rate to 0 and the parameters to their defaults. */
void faults_clear(struct faults *f);
/*
 * Sets one parameter from its text form. Returns 0, or -1 with a message in
 * err for an unknown name or a bad value. expire_access, revoke_refresh and
 * replay_refresh are one-shot actions handled by the caller, not here;
 * penalties=over forgets every rate-limit penalty, as once they ran out.
 */
int faults_set(struct faults *f, const char *key, const char *val, char *err, size_t errlen);
cJSON *faults_json(const struct faults *f);

/* Draws the fault for one request; *slow_ms gets a delay or 0. */
enum fault_kind faults_draw(struct faults *f, int *slow_ms);

int64_t faults_now_ms(void);
/* Remaining penalty of key in ms, or 0. */
int64_t faults_penalty_left(const struct faults *f, const char *key);
void faults_penalise(struct faults *f, const char *key, int64_t ms);
/* The Retry-After value for a wait of `secs` seconds: digits or an HTTP-date. */
void faults_retry_after(const struct faults *f, int64_t secs, char *out, size_t n);

#endif
