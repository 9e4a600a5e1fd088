#include <string.h>

#include "store/sqlite/db.h"
#include "store/sqlite/resolve.h"
#include "core/banned.h"

static const char *text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* 0 when a walk ended well, else -1 with err (r: fn's stop value). */
static int walk_end(sqlite3 *db, sqlite3_stmt *st, int rc, int r,
		    struct strbuf *err)
{
	sqlite3_finalize(st);
	if (r)
		return r;
	if (rc == SQLITE_DONE)
		return 0;
	db_error(db, err);
	return -1;
}

int sq_resolve_pending(struct store *s, int64_t now_ms,
		       int (*fn)(void *, const struct store_resolve_name *),
		       void *arg, struct strbuf *err)
{
	sqlite3 *db = sqlite_of(s)->db;
	sqlite3_stmt *st = db_prepare(db,
		"SELECT p.name_key, min(p.artist_name), min(p.track_name), "
		"min(p.album_name), count(*), max(coalesce(p.ms_played, -1)) "
		"FROM plays p LEFT JOIN resolve_names r ON r.name_key = p.name_key "
		"WHERE p.track_id IS NULL AND p.name_key IS NOT NULL "
		"AND p.kind = 'music' AND (r.name_key IS NULL OR "
		"(r.track_id IS NULL AND r.retry_ms <= ?)) "
		"GROUP BY p.name_key ORDER BY count(*) DESC, p.name_key");
	int rc, r = 0;

	sqlite3_bind_int64(st, 1, now_ms);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_resolve_name n = {
			.name_key = (uint64_t)sqlite3_column_int64(st, 0),
			.artist = text(st, 1) ? text(st, 1) : "",
			.track = text(st, 2) ? text(st, 2) : "",
			.album = text(st, 3),
			.plays = sqlite3_column_int64(st, 4),
			.max_ms_played = sqlite3_column_int64(st, 5),
		};
		if ((r = fn(arg, &n)))
			break;
	}
	return walk_end(db, st, rc, r, err);
}

int sq_resolve_set(struct store *s, uint64_t name_key, const char *artist,
		   const char *track, const char *track_id, const char *why,
		   int64_t now_ms, int64_t retry_ms, struct strbuf *err)
{
	sqlite3 *db = sqlite_of(s)->db;
	sqlite3_stmt *st = db_prepare(db,
		"INSERT OR REPLACE INTO resolve_names (name_key, artist, track, "
		"track_id, why, asked_ms, retry_ms) VALUES (?, ?, ?, ?, ?, ?, ?)");
	int rc;

	sqlite3_bind_int64(st, 1, (int64_t)name_key);
	sqlite3_bind_text(st, 2, artist, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, track, -1, SQLITE_STATIC);
	if (track_id)
		sqlite3_bind_text(st, 4, track_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, why, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, now_ms);
	if (!track_id)
		sqlite3_bind_int64(st, 7, retry_ms);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return 0;
	db_error(db, err);
	return -1;
}

/* Plays a resolve may still give an id (those with a name key and none). */
static int64_t open_plays(sqlite3 *db)
{
	sqlite3_stmt *st;
	int64_t n = -1;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM plays WHERE track_id IS NULL"
			       " AND name_key IS NOT NULL AND kind = 'music'", -1, &st, NULL))
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/*
 * The plays view's INSTEAD OF trigger does the UPDATE, and sqlite3_changes()
 * counts no change a trigger makes (it said 0 while 113 plays got an id in
 * t1010), so the plays given an id are counted before and after.
 */
int sq_resolve_apply(struct store *s, int64_t *plays, struct strbuf *err)
{
	sqlite3 *db = sqlite_of(s)->db;
	int64_t before = open_plays(db), after;

	*plays = 0;
	if (before < 0 || db_exec(db,
		"UPDATE plays SET track_id = r.track_id FROM resolve_names r "
		"WHERE plays.track_id IS NULL AND plays.name_key IS NOT NULL "
		"AND plays.name_key = r.name_key AND plays.kind = 'music' "
		"AND r.track_id IS NOT NULL", err))
		goto fail;
	if ((after = open_plays(db)) < 0)
		goto fail;
	*plays = before - after;
	return 0;
fail:
	if (!err->len)
		db_error(db, err);
	return -1;
}

int sq_resolve_unresolved(struct store *s, int64_t *plays, int64_t *names,
			  struct strbuf *err)
{
	sqlite3 *db = sqlite_of(s)->db;
	sqlite3_stmt *st = db_prepare(db,
		"SELECT count(*), count(DISTINCT name_key) FROM plays "
		"WHERE track_id IS NULL AND kind = 'music'");
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW) {
		*plays = sqlite3_column_int64(st, 0);
		*names = sqlite3_column_int64(st, 1);
	}
	return walk_end(db, st, rc == SQLITE_ROW ? SQLITE_DONE : rc, 0, err);
}

int sq_resolve_catalog(struct store *s,
		       int (*fn)(void *, const struct store_resolve_track *),
		       void *arg, struct strbuf *err)
{
	sqlite3 *db = sqlite_of(s)->db;
	sqlite3_stmt *st = db_prepare(db,
		"SELECT t.id, t.name, (SELECT group_concat(name, ', ') FROM "
		"(SELECT ar.name FROM track_artists ta JOIN artists ar ON "
		"ar.id = ta.artist_id WHERE ta.track_id = t.id ORDER BY "
		"ta.position)), al.name, coalesce(t.duration_ms, -1) "
		"FROM tracks t LEFT JOIN albums al ON al.id = t.album_id "
		"ORDER BY t.id");
	int rc, r = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_resolve_track t = {
			.id = text(st, 0),
			.name = text(st, 1),
			.artists = text(st, 2) ? text(st, 2) : "",
			.album = text(st, 3),
			.duration_ms = sqlite3_column_int64(st, 4),
		};
		if ((r = fn(arg, &t)))
			break;
	}
	return walk_end(db, st, rc, r, err);
}
