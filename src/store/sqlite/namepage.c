/*
 * The name-keyed track pages section of store.h: a track known by its
 * names only, found by its name key (track_keys_name, unique where
 * spotify_id IS NULL), and its music plays by time (play_rows_track).
 * Once per page asked: no cached statements.
 */
#include <stdlib.h>

#include "core/xalloc.h"
#include "store/sqlite/db.h"
#include "store/sqlite/sqlite.h"
#include "store/sqlite/summary.h"
#include "core/banned.h"

static int64_t ref_of(sqlite3 *db, uint64_t name_key)
{
	sqlite3_stmt *q = db_prepare(db, "SELECT id FROM track_keys"
				     " WHERE spotify_id IS NULL AND name_key = ?1");
	int64_t ref = 0;

	sqlite3_bind_int64(q, 1, (int64_t)name_key);
	if (sqlite3_step(q) == SQLITE_ROW)
		ref = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return ref;
}

int sqa_name_key_plays(struct store *s, uint64_t name_key, int64_t *ref,
		       int64_t **v, int *n, struct strbuf *err)
{
	sqlite3 *db = sqlite_of(s)->db;
	sqlite3_stmt *q;
	int rc, alloc = 0;

	*ref = ref_of(db, name_key);
	if (!*ref)
		return 0;
	q = db_prepare(db, "SELECT played_ms FROM play_rows WHERE track = ?1"
		       " AND kind = 1 ORDER BY played_ms");
	sqlite3_bind_int64(q, 1, *ref);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (*n == alloc) {
			alloc = alloc ? alloc * 2 : 64;
			*v = xrealloc(*v, (size_t)alloc * sizeof(**v));
		}
		(*v)[(*n)++] = sqlite3_column_int64(q, 0);
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		strbuf_addf(err, "cannot read the plays of a track: %s",
			    sqlite3_errmsg(db));
		free(*v);
		*v = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}
