/*
 * Tracks known by names (a track_keys row without a Spotify id): their
 * stored names, for the pages that show such a track (report/nav.c).
 */
#include <stdlib.h>

#include "core/xalloc.h"
#include "store/sqlite/db.h"
#include "store/sqlite/namekeyed.h"
#include "core/banned.h"

static char *dup_col(sqlite3_stmt *q, int i)
{
	const char *s = (const char *)sqlite3_column_text(q, i);
	return s ? xstrdup(s) : NULL;
}

int sqn_ref_names(struct store *st, int64_t ref, char **name, char **artist, char **album)
{
	/* Once per distinct track a page shows: not worth a cached statement. */
	sqlite3_stmt *q = db_prepare(sqlite_of(st)->db,
		"SELECT n.track_name, n.artist_name, n.album_name FROM track_keys t"
		" JOIN play_names n ON n.id = t.names WHERE t.id = ?1");
	int found = 0;

	sqlite3_bind_int64(q, 1, ref);
	if (sqlite3_step(q) == SQLITE_ROW) {
		found = 1;
		*name = dup_col(q, 0);
		*artist = dup_col(q, 1);
		*album = dup_col(q, 2);
	}
	sqlite3_finalize(q);
	return found;
}
