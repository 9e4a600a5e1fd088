#include "store/sqlite/db.h"
#include "store/sqlite/playmerge.h"
#include "store/sqlite/plays.h"
#include "core/banned.h"

/*
 * An API play not stored yet goes in through the plays view, whose trigger
 * makes the rows it refers to (schema.c, migration 5). A view reports no
 * changes, so whether it is stored already is asked first: the play of the
 * account at that time with that track and the API's bit, which is what
 * the unique index and the NOT EXISTS (local files: a NULL track_id, which
 * a unique index treats as distinct) kept out before.
 */
int plays_add_api(sqlite3 *db, int64_t account_id, int64_t page_id,
		  const struct api_play *p)
{
	sqlite3_stmt *st;
	int rc;

	/* A play an import stored first takes the API's view (playmerge.h). */
	rc = playmerge_api(db, account_id, page_id, p);
	if (rc)
		return rc;
	st = db_prepare(db, "SELECT 1 FROM plays WHERE account_id = ?1"
			"  AND played_ms = ?2 AND track_id IS ?3 AND (sources & 1) != 0");
	sqlite3_bind_int64(st, 1, account_id);
	sqlite3_bind_int64(st, 2, p->played_ms);
	sqlite3_bind_text(st, 3, p->track_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return rc == SQLITE_ROW ? 0 : -1;
	st = db_prepare(db,
		"INSERT INTO plays (account_id, played_ms, precision_ms,"
		" kind, track_id, track_name, artist_name, album_name,"
		" context_uri, sources, page_id)"
		" VALUES (?1, ?2, 1, 'music', ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
	sqlite3_bind_int64(st, 1, account_id);
	sqlite3_bind_int64(st, 2, p->played_ms);
	sqlite3_bind_text(st, 3, p->track_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, p->track_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, p->artist_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, p->album_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, p->context_uri, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 8, SRC_API);
	if (page_id > 0)
		sqlite3_bind_int64(st, 9, page_id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 1 : -1;
}

int64_t plays_newest_api_ms(sqlite3 *db, int64_t account_id)
{
	return db_scalar_arg(db,
		"SELECT played_ms FROM play_rows WHERE account_id = ?"
		" AND (sources & 1) != 0 ORDER BY played_ms DESC LIMIT 1",
		account_id);
}

int64_t plays_count(sqlite3 *db, int64_t account_id)
{
	return db_scalar_arg(db,
		"SELECT count(*) FROM play_rows WHERE account_id = ?",
		account_id);
}
