/*
 * The SQLite engine's local-analysis calls (store.h's "analysis"), for the
 * ops table in engine.c.
 */
#ifndef STORE_SQLITE_ANALYSIS_H
#define STORE_SQLITE_ANALYSIS_H

#include "store/sqlite/sqlite.h"

int sq_analysis_by_isrc(struct store *s, const char *isrc, struct strvec *ids,
			struct strbuf *err);
int sq_analysis_tracks(struct store *s,
		       int (*fn)(void *, const struct store_named_track *),
		       void *arg, struct strbuf *err);
char *sq_analysis_cached(struct store *s, const char *hash, char **track_id);
int sq_analysis_cache_put(struct store *s, const char *hash, const char *path,
			  const char *track_id, const char *json,
			  int64_t now_ms, struct strbuf *err);
int sq_analysis_put_local(struct store *s, const struct store_analysis *a,
			  int64_t now_ms, struct strbuf *err);

#endif
