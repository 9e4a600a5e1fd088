#include "store/sqlite/db.h"
#include "store/sqlite/playmerge.h"
#include "store/sqlite/plays.h"
#include "core/banned.h"

int plays_add_api(sqlite3 *db, int64_t account_id, int64_t page_id,
		  const struct api_play *p)
{
	/*
	 * NOT EXISTS covers local files (NULL track_id, which a unique index
	 * treats as distinct); the unique index covers everything else.
	 */
	sqlite3_stmt *st = db_prepare(db,
		"INSERT OR IGNORE INTO plays (account_id, played_ms, precision_ms,"
		" kind, track_id, track_name, artist_name, album_name,"
		" context_uri, sources, page_id)"
		" SELECT ?1, ?2, 1, 'music', ?3, ?4, ?5, ?6, ?7, ?8, ?9"
		" WHERE NOT EXISTS (SELECT 1 FROM plays WHERE account_id = ?1"
		"  AND played_ms = ?2 AND track_id IS ?3 AND (sources & ?8) != 0)");
	int rc;

	/* A play an import stored first takes the API's view (playmerge.h). */
	rc = playmerge_api(db, account_id, page_id, p);
	if (rc) {
		sqlite3_finalize(st);
		return rc;
	}
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
	if (rc != SQLITE_DONE)
		return -1;
	return sqlite3_changes(db) > 0;
}

int64_t plays_newest_api_ms(sqlite3 *db, int64_t account_id)
{
	return db_scalar_arg(db,
		"SELECT played_ms FROM plays WHERE account_id = ?"
		" AND (sources & 1) != 0 ORDER BY played_ms DESC LIMIT 1",
		account_id);
}

int64_t plays_count(sqlite3 *db, int64_t account_id)
{
	return db_scalar_arg(db,
		"SELECT count(*) FROM plays WHERE account_id = ?",
		account_id);
}
