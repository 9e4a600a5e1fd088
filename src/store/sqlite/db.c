#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fsutil.h"
#include "core/xalloc.h"
#include "store/sqlite/db.h"
#include "store/sqlite/accounts.h"
#include "store/sqlite/schema.h"
#include "store/sources.h"
#include "core/banned.h"

int db_full(sqlite3 *db)
{
	int rc = sqlite3_errcode(db);

	/* SQLite says SQLITE_FULL for a short write, but a WAL or -shm
	 * file that cannot grow comes back as an I/O error with ENOSPC */
	return rc == SQLITE_FULL ||
	       (rc == SQLITE_IOERR && sqlite3_system_errno(db) == ENOSPC) ||
	       (rc == SQLITE_IOERR && sqlite3_system_errno(db) == EDQUOT);
}

void db_error(sqlite3 *db, struct strbuf *err)
{
	const char *path = sqlite3_db_filename(db, "main");
	struct strbuf scratch = STRBUF_INIT;

	if (!err)
		err = &scratch;
	if (db_full(db)) {
		if (path && *path)
			fs_note_full(path);
		strbuf_addf(err, "disk full while writing '%s'",
			    path && *path ? path : "the database");
	} else {
		strbuf_addf(err, "database: %s", sqlite3_errmsg(db));
	}
	strbuf_release(&scratch);
}

int db_exec(sqlite3 *db, const char *sql, struct strbuf *err)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		db_error(db, err);
		return -1;
	}
	return 0;
}

int db_begin(sqlite3 *db, struct strbuf *err)
{
	return db_exec(db, "BEGIN IMMEDIATE", err);
}

int db_commit(sqlite3 *db, struct strbuf *err)
{
	return db_exec(db, "COMMIT", err);
}

void db_rollback(sqlite3 *db)
{
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

sqlite3_stmt *db_prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;

	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

	/* Out of memory is no bug: it ends as xmalloc's does (t0802). */
	if (rc == SQLITE_NOMEM) {
		fprintf(stderr, "fatal: out of memory in sqlite preparing a statement\n");
		abort();
	}
	if (rc != SQLITE_OK) {
		fprintf(stderr, "BUG: cannot prepare \"%s\": %s\n", sql,
			sqlite3_errmsg(db));
		abort();
	}
	return st;
}

int64_t db_scalar(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = db_prepare(db, sql);
	int64_t v = -1;

	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

int64_t db_scalar_arg(sqlite3 *db, const char *sql, int64_t arg)
{
	sqlite3_stmt *st = db_prepare(db, sql);
	int64_t v = 0;

	sqlite3_bind_int64(st, 1, arg);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

int db_schema_version(sqlite3 *db)
{
	return (int)db_scalar(db, "PRAGMA user_version");
}

int db_latest_version(void)
{
	return schema_migrations_len;
}

/* Applies each pending migration in its own transaction. */
static int migrate(sqlite3 *db, struct strbuf *err)
{
	int v = db_schema_version(db);

	if (v > schema_migrations_len) {
		strbuf_addf(err,
			    "database schema version %d is newer than this "
			    "spinlog knows (%d); upgrade spinlog",
			    v, schema_migrations_len);
		return -1;
	}
	for (; v < schema_migrations_len; v++) {
		char pragma[64];

		if (db_begin(db, err))
			return -1;
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d",
			 v + 1);
		if (db_exec(db, schema_migrations[v], err) ||
		    db_exec(db, pragma, err) || db_commit(db, err)) {
			db_rollback(db);
			strbuf_addf(err, " (migration %d)", v + 1);
			return -1;
		}
	}
	return 0;
}

/*
 * Writes the rows of store/sources.c the sources table lacks; a row whose
 * id names another source means the file was written by a spinlog with a
 * different list, and is refused. Writes only when rows are missing, so an
 * open does not take the write lock for nothing.
 */
static int seed_sources(sqlite3 *db, struct strbuf *err)
{
	sqlite3_stmt *get, *put;
	int ret = 0;

	if (db_scalar(db, "SELECT count(*) FROM sources") == (int64_t)sources_len)
		goto check;
	if (db_begin(db, err))
		return -1;
	put = db_prepare(db, "INSERT OR IGNORE INTO sources (id, name) VALUES (?, ?)");
	for (size_t i = 0; i < sources_len && !ret; i++) {
		sqlite3_bind_int(put, 1, sources[i].id);
		sqlite3_bind_text(put, 2, sources[i].name, -1, SQLITE_STATIC);
		ret = sqlite3_step(put) == SQLITE_DONE ? 0 : -1;
		sqlite3_reset(put);
	}
	sqlite3_finalize(put);
	if (ret || db_commit(db, err)) {
		db_error(db, err);
		db_rollback(db);
		return -1;
	}
check:
	get = db_prepare(db, "SELECT id, name FROM sources ORDER BY id");
	while (!ret && sqlite3_step(get) == SQLITE_ROW) {
		const struct source *src = source_by_id(sqlite3_column_int(get, 0));
		const char *name = (const char *)sqlite3_column_text(get, 1);
		if (src && strcmp(src->name, name)) {
			strbuf_addf(err, "database: source %d is '%s', not '%s'"
				    " as this spinlog knows it", src->id, name,
				    src->name);
			ret = -1;
		}
	}
	sqlite3_finalize(get);
	return ret;
}

/* The database the process opened, for full-disk notes from the log. */
static char *open_path;

/*
 * SQLite's error log sees every error, also those a caller reports with
 * sqlite3_errmsg alone ("database or disk is full", no path): a full disk
 * is noted for cmd/ (core/fsutil.h) wherever it was met.
 */
static void log_cb(void *arg, int code, const char *msg)
{
	(void)arg;
	(void)msg;
	if ((code & 0xff) == SQLITE_FULL && open_path)
		fs_note_full(open_path);
}

int db_open(const char *path, sqlite3 **out, struct strbuf *err)
{
	static int logging;
	sqlite3 *db = NULL;

	if (!logging++) /* MISUSE when SQLite is already initialised: fine */
		sqlite3_config(SQLITE_CONFIG_LOG, log_cb, NULL);
	if (!open_path && strcmp(path, ":memory:"))
		open_path = xstrdup(path);

	if (sqlite3_open_v2(path, &db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				    SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		strbuf_addf(err, "cannot open database '%s': %s", path,
			    db ? sqlite3_errmsg(db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(db, 10000);
	if (db_exec(db,
		    "PRAGMA journal_mode = WAL;"
		    "PRAGMA synchronous = NORMAL;"
		    "PRAGMA foreign_keys = ON;",
		    err))
		goto fail;
	if (migrate(db, err) || seed_sources(db, err) || accounts_index(db, err))
		goto fail;
	*out = db;
	return 0;
fail:
	sqlite3_close(db);
	return -1;
}

void db_close(sqlite3 *db)
{
	if (db)
		sqlite3_close(db);
}

char *db_state_get(sqlite3 *db, const char *key)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT value FROM state WHERE key = ?");
	char *v = NULL;

	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		v = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v;
}

int db_state_set(sqlite3 *db, const char *key, const char *v)
{
	sqlite3_stmt *st = db_prepare(
		db, "INSERT INTO state(key, value) VALUES (?, ?) "
		    "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
	int rc;

	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, v, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int db_state_get_int(sqlite3 *db, const char *key, int64_t *out)
{
	char *v = db_state_get(db, key);

	if (!v)
		return -1;
	*out = strtoll(v, NULL, 10);
	free(v);
	return 0;
}

int db_state_set_int(sqlite3 *db, const char *key, int64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", (long long)v);
	return db_state_set(db, key, buf);
}
