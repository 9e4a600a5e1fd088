/*
 * The ListenBrainz endpoint's tables (migration 5) and the plays read back
 * as listens. A play's listened_at is the start of the listen: the one a
 * client submitted when the play has kept metadata, else its end time less
 * ms_played, in seconds (LISTEN_TS below). Reading listens scans the
 * account's music plays; there is no index on that expression.
 */
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/sources.h"
#include "store/sqlite/db.h"
#include "store/sqlite/listenbrainz.h"
#include "store/sqlite/sqlite.h"
#include "store/sqlite/stmtcache.h"
#include "core/banned.h"

static int fail(struct store *s, struct strbuf *err, const char *what)
{
	strbuf_addf(err, "cannot %s: ", what);
	db_error(sqlite_of(s)->db, err);
	return -1;
}

int sqlb_token_add(struct store *s, int64_t account_id, const char *hash,
		   const char *prefix, int64_t now_ms, int64_t *id,
		   struct strbuf *err)
{
	sqlite3 *db = sqlite_of(s)->db;
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO lb_tokens (account_id,"
				      " hash, prefix, created_ms) VALUES (?, ?, ?, ?)");
	int rc;

	sqlite3_bind_int64(st, 1, account_id);
	sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, prefix, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now_ms);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return fail(s, err, "store the token");
	*id = sqlite3_last_insert_rowid(db);
	return 0;
}

int sqlb_token_find(struct store *s, const char *hash, int64_t now_ms,
		    int64_t *account_id, char **account, struct strbuf *err)
{
	sqlite3_stmt *st = stc_get(s, "SELECT t.id, t.account_id, a.name"
		" FROM lb_tokens t JOIN accounts a ON a.id = t.account_id"
		" WHERE t.hash = ?");
	int64_t id = 0;
	int rc;

	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		*account_id = sqlite3_column_int64(st, 1);
		*account = xstrdup((const char *)sqlite3_column_text(st, 2));
	}
	stc_done(s, st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(s, err, "read the tokens");
	if (!id)
		return 0;
	/* when it was last used, to the minute: not a write per request */
	st = stc_get(s, "UPDATE lb_tokens SET last_used_ms = ?1 WHERE id = ?2"
			" AND (last_used_ms IS NULL OR last_used_ms < ?1 - 60000)");
	sqlite3_bind_int64(st, 1, now_ms);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_step(st);
	stc_done(s, st);
	return 1;
}

int sqlb_token_list(struct store *s, const char *account,
		    int (*fn)(void *, const struct store_lb_token *), void *arg,
		    struct strbuf *err)
{
	sqlite3_stmt *st = db_prepare(sqlite_of(s)->db,
		"SELECT t.id, a.name, t.prefix, t.created_ms,"
		" coalesce(t.last_used_ms, -1) FROM lb_tokens t"
		" JOIN accounts a ON a.id = t.account_id"
		" WHERE ?1 IS NULL OR a.name = ?1 ORDER BY t.id");
	int rc, stop = 0;

	if (account)
		sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_lb_token t = {
			sqlite3_column_int64(st, 0),
			(const char *)sqlite3_column_text(st, 1),
			(const char *)sqlite3_column_text(st, 2),
			sqlite3_column_int64(st, 3), sqlite3_column_int64(st, 4),
		};
		stop = fn(arg, &t);
	}
	sqlite3_finalize(st);
	if (!stop && rc != SQLITE_DONE)
		return fail(s, err, "read the tokens");
	return stop;
}

int sqlb_token_revoke(struct store *s, int64_t id, const char *account,
		      struct strbuf *err)
{
	sqlite3 *db = sqlite_of(s)->db;
	sqlite3_stmt *st = db_prepare(db, "DELETE FROM lb_tokens WHERE id = ?1"
		" AND (?2 IS NULL OR account_id = (SELECT id FROM accounts"
		" WHERE name = ?2))");
	int rc;

	sqlite3_bind_int64(st, 1, id);
	if (account)
		sqlite3_bind_text(st, 2, account, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return fail(s, err, "revoke the token");
	return sqlite3_changes(db) > 0;
}

int sqlb_playing_set(struct store *s, int64_t account_id, const char *json,
		     int64_t expires_ms, struct strbuf *err)
{
	sqlite3_stmt *st = db_prepare(sqlite_of(s)->db,
		"INSERT OR REPLACE INTO lb_playing_now (account_id, metadata,"
		" expires_ms) VALUES (?, ?, ?)");
	int rc;

	sqlite3_bind_int64(st, 1, account_id);
	sqlite3_bind_text(st, 2, json, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, expires_ms);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : fail(s, err, "store playing-now");
}

int sqlb_playing_get(struct store *s, int64_t account_id, int64_t now_ms,
		     char **json, struct strbuf *err)
{
	sqlite3_stmt *st = db_prepare(sqlite_of(s)->db,
		"SELECT metadata FROM lb_playing_now WHERE account_id = ?"
		" AND expires_ms > ?");
	int rc;

	sqlite3_bind_int64(st, 1, account_id);
	sqlite3_bind_int64(st, 2, now_ms);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*json = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(s, err, "read playing-now");
	return rc == SQLITE_ROW;
}

int sqlb_keep(struct store *s, int64_t account_id,
	      const struct store_lb_kept *v, size_t n, int64_t now_ms,
	      struct strbuf *err)
{
	sqlite3 *db = sqlite_of(s)->db;
	sqlite3_stmt *st;
	int rc = SQLITE_DONE;

	if (db_begin(db, err))
		return -1;
	st = stc_get(s, "INSERT OR IGNORE INTO lb_listens (account_id, fp,"
			" listened_at, inserted_ms, metadata) VALUES (?, ?, ?, ?, ?)");
	for (size_t i = 0; i < n && rc == SQLITE_DONE; i++) {
		sqlite3_bind_int64(st, 1, account_id);
		sqlite3_bind_int64(st, 2, (int64_t)v[i].fp);
		sqlite3_bind_int64(st, 3, v[i].listened_at);
		sqlite3_bind_int64(st, 4, now_ms);
		sqlite3_bind_text(st, 5, v[i].json, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
	}
	stc_done(s, st);
	if (rc != SQLITE_DONE) {
		fail(s, err, "keep the listens");
		db_rollback(db);
		return -1;
	}
	return db_commit(db, err);
}

/* The plays of an account as listens; ?1 account, ?2 the listenbrainz source. */
#define LISTEN_FROM \
	" FROM plays p LEFT JOIN play_fps f ON f.play_id = p.id AND f.source = ?2" \
	" LEFT JOIN lb_listens l ON l.account_id = p.account_id AND l.fp = f.fp" \
	" WHERE p.account_id = ?1 AND p.kind = 'music'" \
	" AND p.track_name IS NOT NULL AND p.artist_name IS NOT NULL"
#define LISTEN_TS \
	"coalesce(l.listened_at, (p.played_ms - max(coalesce(p.ms_played, 0), 0)) / 1000)"
#define LISTEN_COLS \
	"SELECT p.id, " LISTEN_TS " AS ts, coalesce(l.inserted_ms, p.played_ms)," \
	" p.track_name, p.artist_name, p.album_name, p.track_id, l.metadata," \
	" coalesce(p.ms_played, -1), p.sources"

static const char *col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

int sqlb_listens(struct store *s, int64_t account_id, int64_t min_ts,
		 int64_t max_ts, int64_t count,
		 int (*fn)(void *, const struct store_lb_listen *), void *arg,
		 struct strbuf *err)
{
	/* only min_ts: the count listens after it, then newest first */
	static const char *const q[2] = {
		"SELECT * FROM (" LISTEN_COLS LISTEN_FROM ") WHERE (?3 = 0 OR ts > ?3)"
		" AND (?4 = 0 OR ts < ?4) ORDER BY ts DESC, id DESC LIMIT ?5",
		"SELECT * FROM (SELECT * FROM (" LISTEN_COLS LISTEN_FROM ")"
		" WHERE ts > ?3 ORDER BY ts, id LIMIT ?5) ORDER BY ts DESC, id DESC",
	};
	sqlite3_stmt *st = db_prepare(sqlite_of(s)->db, q[min_ts && !max_ts]);
	int rc, stop = 0;

	sqlite3_bind_int64(st, 1, account_id);
	sqlite3_bind_int(st, 2, SOURCE_LISTENBRAINZ);
	sqlite3_bind_int64(st, 3, min_ts);
	sqlite3_bind_int64(st, 4, max_ts);
	sqlite3_bind_int64(st, 5, count);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_lb_listen l = {
			sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
			sqlite3_column_int64(st, 2), col(st, 3), col(st, 4),
			col(st, 5), col(st, 6), col(st, 7),
			sqlite3_column_int64(st, 8), sqlite3_column_int(st, 9),
		};
		stop = fn(arg, &l);
	}
	sqlite3_finalize(st);
	if (!stop && rc != SQLITE_DONE)
		return fail(s, err, "read the listens");
	return stop;
}

int sqlb_listen_stats(struct store *s, int64_t account_id, int64_t *count,
		      int64_t *oldest, int64_t *latest, struct strbuf *err)
{
	sqlite3_stmt *st = db_prepare(sqlite_of(s)->db,
		"SELECT count(*), coalesce(min(" LISTEN_TS "), 0), coalesce(max("
		LISTEN_TS "), 0)" LISTEN_FROM);
	int rc;

	sqlite3_bind_int64(st, 1, account_id);
	sqlite3_bind_int(st, 2, SOURCE_LISTENBRAINZ);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*count = sqlite3_column_int64(st, 0);
		*oldest = sqlite3_column_int64(st, 1);
		*latest = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : fail(s, err, "count the listens");
}
