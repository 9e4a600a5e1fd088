/*
 * The SQLite engine's calls of store.h's "resolve" section (issue 10). The
 * only file of this work that reads plays: the lead ports it when plays
 * reference a track-key table.
 */
#ifndef STORE_SQLITE_RESOLVE_H
#define STORE_SQLITE_RESOLVE_H

#include "store/sqlite/sqlite.h"

int sq_resolve_pending(struct store *s, int64_t now_ms,
		       int (*fn)(void *, const struct store_resolve_name *),
		       void *arg, struct strbuf *err);
int sq_resolve_set(struct store *s, uint64_t name_key, const char *artist,
		   const char *track, const char *track_id, const char *why,
		   int64_t now_ms, int64_t retry_ms, struct strbuf *err);
int sq_resolve_apply(struct store *s, int64_t *plays, struct strbuf *err);
int sq_resolve_unresolved(struct store *s, int64_t *plays, int64_t *names,
			  struct strbuf *err);
int sq_resolve_catalog(struct store *s,
		       int (*fn)(void *, const struct store_resolve_track *),
		       void *arg, struct strbuf *err);

#endif
