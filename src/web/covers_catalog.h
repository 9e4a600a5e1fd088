/*
 * The cover of every album in the catalog (issue 10), not only of the
 * albums a calendar shows: 'spinlog etl' runs it after enrichment, so
 * track pages, an import-only calendar and 'site' have covers. Then the
 * image of every artist that has one (issue 11), into the same cache.
 *
 * Economy: an album whose cover file is cached is never asked again (the
 * cache is the record, web/covers.h); a failed fetch (404, not an image)
 * waits in the store (store_cover_failed: a day, doubling); a 429 or an
 * outage ends the run, and a Retry-After is kept in the state table
 * ("covers.not_before") so no later run asks before it; so does a cover
 * that cannot be written here (a full disk: nothing recorded). One request at a
 * time (the CDN is not the API, but bounded is polite). Each cover is
 * written atomically, so a killed run resumes where it stopped.
 */
#ifndef WEB_COVERS_CATALOG_H
#define WEB_COVERS_CATALOG_H

#include <stdint.h>

#include "core/strbuf.h"
#include "web/covers.h"

struct store;

struct covers_catalog_stats {
	long albums;   /* with a cover URL, not waiting after a failure */
	long cached;   /* already in the cache */
	long fetched;  /* fetched now */
	long failed;   /* failed now (retried later) */
	long pending;  /* not asked: rate limit, outage */
	int64_t not_before_ms; /* a rate-limit penalty in force, or 0 */
	/* the artists' images (store_artist_images), as the albums' above */
	long artists, artist_cached, artist_fetched, artist_failed, artist_pending;
};

/* 0, or -1 with err when the store fails (a failed fetch is not an error). */
int covers_catalog_sync(struct covers *c, struct http *h, struct store *s,
			int64_t now_ms, struct covers_catalog_stats *st,
			struct strbuf *err);

#endif
