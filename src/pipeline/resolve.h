/*
 * Name resolution: Spotify ids for plays that have names but no id
 * (account data; extended rows without a URI), so they count as tracks.
 * 'spinlog resolve' runs it, and 'spinlog etl' after enrichment.
 *
 * For each distinct unresolved name key (core/playmatch.h: normalised
 * artist + title), most played first:
 *  1. the catalog: a catalog track whose names give the same key, when
 *     exactly one track id does (no request);
 *  2. else one GET /v1/search?q=track:"T" artist:"A"&type=track&limit=10
 *     (T, A the normalised names; 10 is development mode's maximum; no
 *     paging). A result is a candidate when its names give the play's key
 *     (its whole artist list or its first artist) and, where the plays'
 *     longest ms_played is known, the play is not longer than the track
 *     plus 3 s. One candidate id: matched. Several: the album name
 *     (normalised) breaks the tie when the plays have one; otherwise no
 *     guess ("ambiguous").
 * Every outcome is stored at once (store_resolve_set), a miss too: it is
 * not asked again for RESOLVE_MISS_RETRY_DAYS. So a second run asks
 * nothing, and a run killed with -9 resumes with the names not yet
 * answered. A rate-limit penalty (Retry-After persisted by the API
 * client, even 20 hours) stops the run: nothing is asked during it.
 * Finally the plays of matched names get their track id.
 */
#ifndef PIPELINE_RESOLVE_H
#define PIPELINE_RESOLVE_H

#include <stdint.h>

#include "core/config.h"
#include "core/strbuf.h"

struct store;

#define RESOLVE_MISS_RETRY_DAYS 180
/* A play longer than the track by more than this is not that track. */
#define RESOLVE_DURATION_TOL_MS 3000

struct resolve_stats {
	long names;         /* distinct unresolved names at the start */
	long from_catalog;  /* matched without a request */
	long from_search;   /* matched by a search */
	long missed;        /* asked, no confident match (stored) */
	long ambiguous;     /* of missed: several candidates */
	long pending;       /* not asked: rate limit, no account, outage */
	long requests;
	int64_t plays_set;  /* plays given a track id */
	int64_t left_plays, left_names; /* still without an id afterwards */
	int64_t rate_limited_until;
};

/* Progress after each name (NULL: none); done counts answered names. */
typedef void (*resolve_progress_fn)(void *arg, const struct resolve_stats *st,
				    long done);

/* 0, or -1 with err (a store failure; a network failure leaves pending). */
int resolve_run(struct store *s, const struct config *cfg,
		const char *data_dir, const char *account, int offline,
		resolve_progress_fn progress, void *parg,
		struct resolve_stats *st, struct strbuf *err);

#endif
