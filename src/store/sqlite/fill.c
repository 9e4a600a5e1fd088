#include <math.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/sqlite/db.h"
#include "store/sqlite/fill.h"
#include "core/banned.h"

static double num(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL
		? NAN : sqlite3_column_double(st, i);
}

int sq_track_fill(struct store *s, const char *id,
		  struct store_track_fill *out, struct strbuf *err)
{
	sqlite3 *db = sqlite_of(s)->db;
	sqlite3_stmt *st = db_prepare(db,
		"SELECT t.duration_ms, f.provider, f.tempo, f.key, f.mode, "
		"f.loudness FROM (SELECT ?1 AS id) q "
		"LEFT JOIN tracks t ON t.id = q.id "
		"LEFT JOIN audio_features f ON f.track_id = q.id");
	int rc;

	out->duration_ms = out->tempo = out->key = NAN;
	out->mode = out->loudness = NAN;
	out->features_source = NULL;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->duration_ms = num(st, 0);
		if (sqlite3_column_type(st, 1) != SQLITE_NULL) {
			out->features_source = xstrdup(
				(const char *)sqlite3_column_text(st, 1));
			out->tempo = num(st, 2);
			out->key = num(st, 3);
			out->mode = num(st, 4);
			out->loudness = num(st, 5);
		}
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return 0;
	db_error(db, err);
	return -1;
}

int sq_each_id_url(struct store *s, const char *sql, int64_t now_ms,
		   int (*fn)(void *, const char *, const char *), void *arg,
		   struct strbuf *err)
{
	sqlite3 *db = sqlite_of(s)->db;
	sqlite3_stmt *st = db_prepare(db, sql);
	int rc, r = 0;

	sqlite3_bind_int64(st, 1, now_ms);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((r = fn(arg, (const char *)sqlite3_column_text(st, 0),
			    (const char *)sqlite3_column_text(st, 1))))
			break;
	if (!r && rc != SQLITE_DONE) {
		db_error(db, err);
		r = -1;
	}
	sqlite3_finalize(st);
	return r;
}

int sq_album_covers(struct store *s, int64_t now_ms,
		    int (*fn)(void *, const char *, const char *), void *arg,
		    struct strbuf *err)
{
	return sq_each_id_url(s,
		"SELECT im.album_id, im.url FROM album_images im "
		"LEFT JOIN cover_misses m ON m.album_id = im.album_id "
		"WHERE im.position = 0 AND (m.retry_ms IS NULL OR "
		"m.retry_ms <= ?) ORDER BY im.album_id", now_ms, fn, arg, err);
}

/* A day after the first failure, doubling, at most 30 days. */
#define COVER_RETRY_MS (24LL * 3600 * 1000)

int sq_cover_failed(struct store *s, const char *album_id, int64_t now_ms,
		    const char *reason, struct strbuf *err)
{
	sqlite3 *db = sqlite_of(s)->db;
	sqlite3_stmt *st = db_prepare(db,
		"INSERT INTO cover_misses (album_id, failures, failed_ms, "
		"retry_ms, reason) VALUES (?1, 1, ?2, ?2 + ?3, ?4) "
		"ON CONFLICT (album_id) DO UPDATE SET failures = failures + 1, "
		"failed_ms = ?2, retry_ms = ?2 + ?3 * (1 << min(failures, 5)), "
		"reason = ?4");
	int rc;

	sqlite3_bind_text(st, 1, album_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now_ms);
	sqlite3_bind_int64(st, 3, COVER_RETRY_MS);
	sqlite3_bind_text(st, 4, reason, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return 0;
	db_error(db, err);
	return -1;
}

int sq_cover_fetched(struct store *s, const char *album_id,
		     struct strbuf *err)
{
	sqlite3 *db = sqlite_of(s)->db;
	sqlite3_stmt *st = db_prepare(db,
		"DELETE FROM cover_misses WHERE album_id = ?");
	int rc;

	sqlite3_bind_text(st, 1, album_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return 0;
	db_error(db, err);
	return -1;
}
