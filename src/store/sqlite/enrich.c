/*
 * The SQLite engine's enrichment side: what needs enriching (a query over
 * plays and the catalog, never a list kept aside), provider blocks,
 * set-aside ids, the ETL's walk over accounts and landed pages, and the
 * savepoints a rebuild's batches use.
 */
#include <stdlib.h>
#include <string.h>

#include "core/strvec.h"
#include "core/xalloc.h"
#include "store/sqlite/db.h"
#include "store/sqlite/catalog.h"
#include "core/banned.h"

static const char *const pending_sql[] = {
	[PENDING_TRACKS] =
		"SELECT t.spotify_id FROM track_keys t WHERE t.spotify_id IS NOT NULL"
		" AND t.spotify_id NOT IN (SELECT id FROM tracks) AND EXISTS (SELECT 1"
		" FROM play_rows p WHERE p.track = t.id AND p.kind = 1)"
		" ORDER BY t.spotify_id",
	[PENDING_ARTISTS] =
		"SELECT id FROM artists WHERE enriched_ms IS NULL ORDER BY id",
	[PENDING_FEATURES] =
		"SELECT t.spotify_id FROM track_keys t WHERE t.spotify_id IS NOT NULL"
		" AND t.spotify_id NOT IN (SELECT track_id FROM audio_features) AND EXISTS (SELECT 1"
		" FROM play_rows p WHERE p.track = t.id AND p.kind = 1)"
		" ORDER BY t.spotify_id",
	[PENDING_ANALYSIS] =
		"SELECT t.spotify_id FROM track_keys t WHERE t.spotify_id IS NOT NULL"
		" AND t.spotify_id NOT IN (SELECT track_id FROM audio_analysis) AND EXISTS (SELECT 1"
		" FROM play_rows p WHERE p.track = t.id AND p.kind = 1)"
		" ORDER BY t.spotify_id",
};

int sq_pending(struct store *s, enum store_pending what, struct strvec *ids,
	       struct strbuf *err)
{
	sqlite3 *db = sqlite_of(s)->db;
	sqlite3_stmt *st = db_prepare(db, pending_sql[what]);
	int rc, r = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		if (id)
			strvec_push(ids, id);
	}
	if (rc != SQLITE_DONE) {
		db_error(db, err);
		r = -1;
	}
	sqlite3_finalize(st);
	return r;
}

int64_t sq_blocks_until(struct store *s, const char *provider,
			int64_t account_id, int64_t now_ms)
{
	sqlite3_stmt *st = db_prepare(sqlite_of(s)->db,
		"SELECT until_ms FROM provider_blocks WHERE provider = ? AND "
		"account_id = ? AND until_ms > ?");
	int64_t until = 0;

	sqlite3_bind_text(st, 1, provider, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, account_id);
	sqlite3_bind_int64(st, 3, now_ms);
	if (sqlite3_step(st) == SQLITE_ROW)
		until = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return until;
}

int sq_blocks_put(struct store *s, const char *provider, int64_t account_id,
		  int64_t until_ms, const char *reason, struct strbuf *err)
{
	sqlite3 *db = sqlite_of(s)->db;
	sqlite3_stmt *st = db_prepare(db,
		"INSERT OR REPLACE INTO provider_blocks (provider, account_id, "
		"until_ms, reason) VALUES (?, ?, ?, ?)");
	int r = 0;

	sqlite3_bind_text(st, 1, provider, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, account_id);
	sqlite3_bind_int64(st, 3, until_ms);
	sqlite3_bind_text(st, 4, reason, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		db_error(db, err);
		r = -1;
	}
	sqlite3_finalize(st);
	return r;
}

int sq_setaside_add(struct store *s, enum setaside_kind k, const char *id,
		    const char *reason, int64_t now_ms, struct strbuf *err)
{
	sqlite3 *db = sqlite_of(s)->db;
	sqlite3_stmt *st = db_prepare(db,
		"INSERT OR IGNORE INTO set_aside (kind, id, reason, set_ms) "
		"VALUES (?, ?, ?, ?)");
	int r;

	sqlite3_bind_text(st, 1, store_setaside_kind_name(k), -1,
			  SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now_ms);
	if (sqlite3_step(st) == SQLITE_DONE) {
		r = sqlite3_changes(db) > 0;
	} else {
		db_error(db, err);
		r = -1;
	}
	sqlite3_finalize(st);
	return r;
}

int sq_setaside_has(struct store *s, enum setaside_kind k, const char *id)
{
	sqlite3_stmt *st = db_prepare(sqlite_of(s)->db,
		"SELECT 1 FROM set_aside WHERE id = ?1 AND (kind = ?2 OR "
		"(kind = 'track' AND ?2 IN ('audio-features', 'audio-analysis')))");
	int found;

	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, store_setaside_kind_name(k), -1,
			  SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

int64_t sq_setaside_count(struct store *s)
{
	return db_scalar(sqlite_of(s)->db, "SELECT count(*) FROM set_aside");
}

static enum setaside_kind kind_of(const char *name)
{
	for (int k = 0; k < SA_KINDS; k++)
		if (name && !strcmp(name, store_setaside_kind_name(k)))
			return (enum setaside_kind)k;
	return SA_TRACK;
}

int sq_setaside_list(struct store *s, size_t max, struct setaside_list *out,
		     struct strbuf *err)
{
	sqlite3 *db = sqlite_of(s)->db;
	sqlite3_stmt *st = db_prepare(db,
		"SELECT kind, id, reason, set_ms FROM set_aside "
		"ORDER BY CASE kind WHEN 'track' THEN 0 WHEN 'artist' THEN 1 "
		"WHEN 'audio-features' THEN 2 ELSE 3 END, id LIMIT ?");
	int rc;

	out->v = xcalloc(max + 1, sizeof(*out->v));
	out->n = 0;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct setaside_entry *e = &out->v[out->n++];
		const char *reason = (const char *)sqlite3_column_text(st, 2);
		e->kind = kind_of((const char *)sqlite3_column_text(st, 0));
		e->id = xstrdup((const char *)sqlite3_column_text(st, 1));
		e->reason = xstrdup(reason ? reason : "");
		e->set_ms = sqlite3_column_int64(st, 3);
	}
	if (rc != SQLITE_DONE)
		db_error(db, err);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int64_t sq_setaside_forget(struct store *s, struct strbuf *err)
{
	sqlite3 *db = sqlite_of(s)->db;

	if (db_exec(db, "DELETE FROM set_aside", err))
		return -1;
	return sqlite3_changes(db);
}

int sq_accounts_list(struct store *s, const char *only,
		     struct store_account **out, size_t *n, struct strbuf *err)
{
	sqlite3 *db = sqlite_of(s)->db;
	sqlite3_stmt *st = db_prepare(db,
		"SELECT id, name FROM accounts WHERE ?1 IS NULL OR name = ?1 "
		"ORDER BY id");
	size_t alloc = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (only)
		sqlite3_bind_text(st, 1, only, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ALLOC_GROW(*out, *n + 1, alloc);
		(*out)[*n].id = sqlite3_column_int64(st, 0);
		(*out)[*n].name =
			xstrdup((const char *)sqlite3_column_text(st, 1));
		(*n)++;
	}
	if (rc != SQLITE_DONE)
		db_error(db, err);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int sq_pages_after(struct store *s, int64_t account_id, int64_t after_id,
		   int (*fn)(void *arg, int64_t id, const char *key), void *arg,
		   struct strbuf *err)
{
	sqlite3 *db = sqlite_of(s)->db;
	sqlite3_stmt *st = db_prepare(db,
		"SELECT id, key FROM pages WHERE account_id = ? AND id > ? "
		"ORDER BY id");
	int rc, r = 0;

	sqlite3_bind_int64(st, 1, account_id);
	sqlite3_bind_int64(st, 2, after_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((r = fn(arg, sqlite3_column_int64(st, 0),
			    (const char *)sqlite3_column_text(st, 1))))
			break;
	if (!r && rc != SQLITE_DONE) {
		db_error(db, err);
		r = -1;
	}
	sqlite3_finalize(st);
	return r;
}

int sq_etl_marks_clear(struct store *s, struct strbuf *err)
{
	return db_exec(sqlite_of(s)->db,
		       "DELETE FROM state WHERE key LIKE 'etl.pages.%';"
		       "DELETE FROM set_aside WHERE kind = 'landed-page'", err);
}

int sq_savepoint(struct store *s, struct strbuf *err)
{
	return db_exec(sqlite_of(s)->db, "SAVEPOINT etl_batch", err);
}

int sq_savepoint_release(struct store *s, struct strbuf *err)
{
	return db_exec(sqlite_of(s)->db, "RELEASE etl_batch", err);
}

void sq_savepoint_rollback(struct store *s)
{
	sqlite3 *db = sqlite_of(s)->db;

	sqlite3_exec(db, "ROLLBACK TO etl_batch", NULL, NULL, NULL);
	sqlite3_exec(db, "RELEASE etl_batch", NULL, NULL, NULL);
}
