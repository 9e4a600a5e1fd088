/*
 * The SQLite engine's local analysis (store.h's "analysis"): the results
 * kept by content hash in local_analyses (migration 5) and the reads that
 * match files to tracks.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/strvec.h"
#include "core/xalloc.h"
#include "store/sqlite/db.h"
#include "store/sqlite/analysis.h"
#include "store/sqlite/catalog.h"
#include "core/banned.h"

static int done(sqlite3 *db, sqlite3_stmt *st, int rc, struct strbuf *err)
{
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return 0;
	db_error(db, err);
	return -1;
}

int sq_analysis_by_isrc(struct store *s, const char *isrc, struct strvec *ids,
			struct strbuf *err)
{
	sqlite3 *db = sqlite_of(s)->db;
	sqlite3_stmt *st = db_prepare(db,
		"SELECT id FROM tracks WHERE upper(isrc) = upper(?) ORDER BY id");
	int rc;

	sqlite3_bind_text(st, 1, isrc, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		strvec_push(ids, (const char *)sqlite3_column_text(st, 0));
	return done(db, st, rc, err);
}

static int walk(sqlite3 *db, const char *sql,
		int (*fn)(void *, const struct store_named_track *), void *arg,
		struct strbuf *err)
{
	sqlite3_stmt *st = db_prepare(db, sql);
	int rc, r = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_named_track t = {
			.id = (const char *)sqlite3_column_text(st, 0),
			.name = (const char *)sqlite3_column_text(st, 1),
			.artists = (const char *)sqlite3_column_text(st, 2),
			.duration_ms = sqlite3_column_type(st, 3) == SQLITE_NULL
				? NAN : sqlite3_column_double(st, 3),
		};
		if (t.id && t.name && (r = fn(arg, &t)))
			break;
	}
	if (r) {
		sqlite3_finalize(st);
		return r;
	}
	return done(db, st, rc, err);
}

int sq_analysis_tracks(struct store *s,
		       int (*fn)(void *, const struct store_named_track *),
		       void *arg, struct strbuf *err)
{
	sqlite3 *db = sqlite_of(s)->db;
	int r = walk(db,
		"SELECT t.id, t.name, (SELECT group_concat(name, ', ') FROM "
		"(SELECT ar.name FROM track_artists ta JOIN artists ar ON "
		"ar.id = ta.artist_id WHERE ta.track_id = t.id ORDER BY "
		"ta.position)), t.duration_ms FROM tracks t ORDER BY t.id",
		fn, arg, err);

	if (r)
		return r;
	return walk(db,
		"SELECT track_id, max(track_name), max(artist_name), NULL FROM "
		"plays WHERE kind = 'music' AND track_id IS NOT NULL AND "
		"track_name IS NOT NULL AND track_id NOT IN (SELECT id FROM "
		"tracks) GROUP BY track_id ORDER BY track_id", fn, arg, err);
}

char *sq_analysis_cached(struct store *s, const char *hash, char **track_id)
{
	sqlite3_stmt *st = db_prepare(sqlite_of(s)->db,
		"SELECT result, track_id FROM local_analyses WHERE "
		"content_hash = ?");
	char *r = NULL;

	*track_id = NULL;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 1);
		r = xstrdup((const char *)sqlite3_column_text(st, 0));
		*track_id = id ? xstrdup(id) : NULL;
	}
	sqlite3_finalize(st);
	return r;
}

int sq_analysis_cache_put(struct store *s, const char *hash, const char *path,
			  const char *track_id, const char *json,
			  int64_t now_ms, struct strbuf *err)
{
	sqlite3 *db = sqlite_of(s)->db;
	sqlite3_stmt *st = db_prepare(db,
		"INSERT OR REPLACE INTO local_analyses (content_hash, path, "
		"track_id, result, analysed_ms) VALUES (?, ?, ?, ?, ?)");

	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
	if (track_id)
		sqlite3_bind_text(st, 3, track_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, json, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, now_ms);
	return done(db, st, sqlite3_step(st), err);
}

int sq_analysis_put_local(struct store *s, const struct store_analysis *a,
			  int64_t now_ms, struct strbuf *err)
{
	sqlite3 *db = sqlite_of(s)->db;
	sqlite3_stmt *st = db_prepare(db,
		"SELECT provider FROM audio_analysis WHERE track_id = ?");
	int rc, other = 0;

	sqlite3_bind_text(st, 1, a->track_id, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		other = strcmp((const char *)sqlite3_column_text(st, 0), "local");
	if (done(db, st, rc, err))
		return -1;
	if (other)
		return 0;
	return sq_catalog_put_analyses(s, a, 1, now_ms, err) ? -1 : 1;
}
