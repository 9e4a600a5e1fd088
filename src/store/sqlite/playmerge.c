#include <string.h>

#include "core/playmatch.h"
#include "store/sqlite/db.h"
#include "store/sqlite/playmerge.h"
#include "core/banned.h"


/* The gap between end-time intervals [a, a+pa) and [b, b+pb). */
static int64_t gap(int64_t a, int64_t pa, int64_t b, int64_t pb)
{
	if (b >= a + pa)
		return b - (a + pa);
	if (a >= b + pb)
		return a - (b + pb);
	return 0;
}

int playmerge_api(sqlite3 *db, int64_t account_id, int64_t page_id,
		  const struct api_play *p)
{
	sqlite3_stmt *st;
	uint64_t k[2];
	int64_t best = 0, best_d = INT64_MAX;
	int rc, ret = -1;

	/* Already stored from the API: the caller's insert is a no-op. */
	st = db_prepare(db, "SELECT 1 FROM plays WHERE account_id = ?1 AND"
			" played_ms = ?2 AND track_id IS ?3 AND (sources & 1) != 0");
	sqlite3_bind_int64(st, 1, account_id);
	sqlite3_bind_int64(st, 2, p->played_ms);
	sqlite3_bind_text(st, 3, p->track_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc != SQLITE_DONE)
		return -1;

	playmatch_api_namekeys(p->artist_name, p->track_name, k);
	st = db_prepare(db,
		"SELECT id, played_ms, precision_ms, track_id IS NOT NULL"
		" FROM plays WHERE account_id = ?1 AND (sources & 1) = 0"
		" AND played_ms BETWEEN ?2 - 150000 AND ?2 + 150000"
		" AND (track_id = ?3 OR (track_id IS NULL AND name_key IN (?4, ?5)))");
	sqlite3_bind_int64(st, 1, account_id);
	sqlite3_bind_int64(st, 2, p->played_ms);
	sqlite3_bind_text(st, 3, p->track_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (int64_t)k[0]);
	sqlite3_bind_int64(st, 5, (int64_t)k[1]);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t t = sqlite3_column_int64(st, 1);
		int64_t prec = sqlite3_column_int64(st, 2);
		int by_id = sqlite3_column_int(st, 3);
		int64_t d = gap(t, prec < 1 ? 1 : prec, p->played_ms, 1);
		if (d > (by_id ? PLAYMATCH_TOL_ID_MS : PLAYMATCH_TOL_NAME_MS))
			continue;
		/* nearest first; among equals the nearest mid-point */
		d = d * 1000000 + (t + prec / 2 > p->played_ms
				   ? t + prec / 2 - p->played_ms
				   : p->played_ms - t - prec / 2) % 1000000;
		if (d < best_d) {
			best_d = d;
			best = sqlite3_column_int64(st, 0);
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	if (!best)
		return 0;
	st = db_prepare(db,
		"UPDATE plays SET played_ms = ?2, precision_ms = 1,"
		" sources = sources | 1, track_id = coalesce(track_id, ?3),"
		" track_name = coalesce(track_name, ?4),"
		" artist_name = coalesce(artist_name, ?5),"
		" album_name = coalesce(album_name, ?6),"
		" context_uri = coalesce(context_uri, ?7),"
		" page_id = coalesce(page_id, ?8) WHERE id = ?1");
	sqlite3_bind_int64(st, 1, best);
	sqlite3_bind_int64(st, 2, p->played_ms);
	sqlite3_bind_text(st, 3, p->track_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, p->track_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, p->artist_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, p->album_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, p->context_uri, -1, SQLITE_STATIC);
	if (page_id > 0)
		sqlite3_bind_int64(st, 8, page_id);
	if (sqlite3_step(st) == SQLITE_DONE)
		ret = 1;
	sqlite3_finalize(st);
	return ret;
}
