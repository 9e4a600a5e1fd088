/*
 * The ETL run: extract -> transform -> load for every landed page not yet
 * processed (a watermark per account in the state table: the last pages.id
 * done), then enrichment of whatever the plays name that the catalog lacks
 * (see enrich.h). The daemon and 'spinlog etl' both call etl_run.
 *
 * The page stage is one transaction: a page that cannot be read fails the
 * run and changes nothing. Enrichment commits per request, so a run that
 * meets a long rate-limit penalty keeps what it has and leaves the rest
 * pending. A rebuild empties the catalog tables and rebuilds them from the
 * landing store alone, with no request, in one transaction.
 *
 * summary gets one line: "etl: 12 pages, 340 plays, 57 new tracks;
 * requests: ...; pending: 0". Returns 0, or -1 with err filled.
 */
#ifndef PIPELINE_ETL_H
#define PIPELINE_ETL_H

#include "core/config.h"
#include "core/strbuf.h"

struct landing;
struct store;

int etl_run(struct store *s, struct landing *l, const struct config *cfg,
	    const char *data_dir, const char *account, int rebuild,
	    struct strbuf *summary, struct strbuf *err);

/*
 * Progress (issue 11: 'etl --rebuild' on a terminal): fn gets the pages
 * and the landed answers done so far every ETL_PROGRESS_EVERY of either,
 * then once more with last 1 when the run's work is done (not on failure).
 * etl_run is etl_run_progress with NULL.
 */
#define ETL_PROGRESS_EVERY 100
struct etl_progress {
	void (*fn)(void *arg, long pages, long answers, int last);
	void *arg;
};
int etl_run_progress(struct store *s, struct landing *l, const struct config *cfg,
		     const char *data_dir, const char *account, int rebuild,
		     const struct etl_progress *pr, struct strbuf *summary,
		     struct strbuf *err);

#endif
