/*
 * Enrichment: fills the catalog for every track the plays name, whatever
 * brought the play (pages or imports). What needs enriching is a query,
 * never a list kept aside: plays whose track has no catalog row, artists
 * without genres, tracks without audio features or analysis.
 *
 * For each, the landing store is read first (enrich/<endpoint>/<id>.json,
 * one object per id: batch answers are split per id), then the network is
 * asked (prov != NULL) for the rest, in batches where allowed; every answer
 * is landed before it is loaded, and each request's answer is loaded in its
 * own transaction (a savepoint when nested).
 *
 * An id the ETL cannot use never blocks the others: one that is not a
 * Spotify id (core/ids.h) is set aside before it can reach a URL; one the
 * provider says does not exist (404, null in a batch answer; for audio
 * features: at every provider) or whose own answer cannot be used is set
 * aside for that endpoint alone (store.h's set-aside ids), and is not
 * asked again.
 * A refused batch or an answer that is not JSON at all sets nothing aside:
 * those ids are asked again next run.
 */
#ifndef PIPELINE_ENRICH_H
#define PIPELINE_ENRICH_H

#include <stdint.h>

#include "core/config.h"
#include "core/strbuf.h"
#include "core/strvec.h"
#include "pipeline/load.h"
#include "pipeline/providers.h"
#include "store/store.h"

struct landing;

/* Zero-initialised (memset) is ready; enrich_stats_release frees it. */
struct enrich_stats {
	long pending;      /* wanted, not asked: rate limit, outage, offline */
	long unknown;      /* asked, no usable answer as a whole (asked again) */
	long from_landing; /* answers read back from the landing store */
	long aside[SA_KINDS];                /* newly set aside, by kind */
	struct strvec aside_shown[SA_KINDS]; /* the first few: "'id': why" */
	struct load_stats load;
	/* called every ETL_PROGRESS_EVERY answers read back, when set */
	void (*progress)(void *arg, const struct enrich_stats *st);
	void *progress_arg;
};

void enrich_stats_release(struct enrich_stats *st);

/* prov NULL: offline (rebuild), the landing store only. 0 or -1 with err. */
int enrich_run(struct store *s, struct landing *l, struct prov *prov,
	       const struct config *cfg, int nested, int64_t now_ms,
	       struct enrich_stats *st, struct strbuf *err);

#endif
