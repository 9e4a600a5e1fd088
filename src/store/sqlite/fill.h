/*
 * The SQLite engine's calls of store.h's "record fill" section (issue 10):
 * what a song record takes when the analysis is missing, and the albums
 * whose cover is known or wanted.
 */
#ifndef STORE_SQLITE_FILL_H
#define STORE_SQLITE_FILL_H

#include "store/sqlite/sqlite.h"

int sq_track_fill(struct store *s, const char *id,
		  struct store_track_fill *out, struct strbuf *err);

/* Each (id, url) row of sql, its one parameter now_ms, to fn until it
 * returns non-zero (returned); -1 with err on a database error. */
int sq_each_id_url(struct store *s, const char *sql, int64_t now_ms,
		   int (*fn)(void *, const char *, const char *), void *arg,
		   struct strbuf *err);
int sq_album_covers(struct store *s, int64_t now_ms,
		    int (*fn)(void *, const char *, const char *), void *arg,
		    struct strbuf *err);
int sq_cover_failed(struct store *s, const char *album_id, int64_t now_ms,
		    const char *reason, struct strbuf *err);
int sq_cover_fetched(struct store *s, const char *album_id,
		     struct strbuf *err);

#endif
