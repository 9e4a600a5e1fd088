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
 * own transaction (a savepoint when nested). Nothing is remembered about
 * ids a provider did not know: they are asked again in a later run.
 */
#ifndef PIPELINE_ENRICH_H
#define PIPELINE_ENRICH_H

#include <sqlite3.h>
#include <stdint.h>

#include "core/config.h"
#include "core/strbuf.h"
#include "pipeline/load.h"
#include "pipeline/providers.h"

struct landing;

struct enrich_stats {
	long pending;      /* wanted, not asked: rate limit, outage, offline */
	long unknown;      /* asked, no provider knew it (asked again later) */
	long from_landing; /* answers read back from the landing store */
	struct load_stats load;
};

/* prov NULL: offline (rebuild), the landing store only. 0 or -1 with err. */
int enrich_run(sqlite3 *db, struct landing *l, struct prov *prov,
	       const struct config *cfg, int nested, int64_t now_ms,
	       struct enrich_stats *st, struct strbuf *err);

#endif
