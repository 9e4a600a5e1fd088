/*
 * Providers: where enrichment answers come from over the network. Spotify
 * endpoints go through the API client (spotify/client.h: refresh, retries,
 * persisted Retry-After) of the first account not blocked for them;
 * ReccoBeats is asked directly over HTTP (no account, no key).
 *
 * A 403 from a Spotify endpoint is remembered in provider_blocks for that
 * account (etl.forbidden_ttl seconds) so the endpoint is not asked again;
 * a long rate-limit penalty ends every Spotify request of the run. Counters
 * say how many requests went to each endpoint. Ownership: prov_open returns
 * a struct the caller frees with prov_free; bodies go to caller buffers.
 */
#ifndef PIPELINE_PROVIDERS_H
#define PIPELINE_PROVIDERS_H

#include <stdint.h>

#include "core/config.h"
#include "core/strbuf.h"

enum prov_ep {
	EP_TRACKS,          /* /v1/tracks */
	EP_ARTISTS,         /* /v1/artists */
	EP_FEATURES,        /* /v1/audio-features */
	EP_ANALYSIS,        /* /v1/audio-analysis/{id} */
	EP_RECCOBEATS,      /* ReccoBeats /v1/audio-features */
	EP_SEARCH,          /* /v1/search (pipeline/resolve.h) */
	EP_COUNT
};

enum prov_result {
	PR_OK,
	PR_NOT_FOUND,    /* unknown id: remembered for this run only */
	PR_FORBIDDEN,    /* 403: the caller blocks the endpoint */
	PR_STOPPED,      /* rate limited, no usable account, unavailable */
	PR_BAD_ID,       /* an id in the path is not a Spotify id: not asked */
};

struct prov;
struct store;

/* account: NULL for every account, else only that one. */
struct prov *prov_open(struct store *s, const struct config *cfg,
		       const char *data_dir, const char *account,
		       int64_t now_ms);
void prov_free(struct prov *p);

/* The endpoint's name in summaries and landing keys ("audio-features"). */
const char *prov_ep_name(enum prov_ep ep);

/*
 * GET a path for an endpoint ("/v1/artists?ids=a,b", "/v1/audio-analysis/x",
 * or for ReccoBeats "/v1/audio-features?ids=..."). The batch flag says the
 * batch form is asked (a 403 on it blocks only the batch form). Every id
 * in the path (after "ids=", comma-separated, or after the last '/') must
 * be a Spotify id (core/ids.h), or nothing is asked: PR_BAD_ID. EP_SEARCH
 * takes "/v1/search?q=..." with the query already URL-encoded.
 */
enum prov_result prov_get(struct prov *p, enum prov_ep ep, int batch,
			  const char *path, struct strbuf *body,
			  struct strbuf *err);

/* 1 when the endpoint (or its batch form) must not be asked this run. */
int prov_blocked(struct prov *p, enum prov_ep ep, int batch);
/* 1 when the endpoint stopped for this run (rate limit, outage), not blocked. */
int prov_stopped(const struct prov *p, enum prov_ep ep);
/* Requests made to an endpoint in this run. */
long prov_requests(const struct prov *p, enum prov_ep ep);
/* When a rate-limit penalty ends (0: none met in this run). */
int64_t prov_rate_limited_until(const struct prov *p);
/* A description of blocks in force ("audio-analysis until 2026-..."), or "". */
void prov_describe_blocks(struct prov *p, struct strbuf *out);

#endif
