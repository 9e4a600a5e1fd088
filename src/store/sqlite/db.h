/*
 * The SQLite store: opening (WAL, foreign keys, busy timeout), versioned
 * migrations (PRAGMA user_version), and small helpers. The schema itself is
 * in schema.c, one migration per entry. Functions return 0 or -1 and leave
 * a message in err; the caller owns the sqlite3 handle and closes it with
 * db_close. Private to the SQLite engine (src/store/sqlite/) and its tests.
 */
#ifndef STORE_SQLITE_DB_H
#define STORE_SQLITE_DB_H

#include <sqlite3.h>
#include <stdint.h>

#include "core/strbuf.h"
#include "store/store.h"

/* enum play_source (the bits of plays.sources) is in store.h */

struct store;
/*
 * The SQLite connection under a store handle (NULL for another engine), for
 * the engine's white-box tests, which build fixtures in SQL. Nothing in src/
 * outside this folder may use it (tests/e2e/t0002-layers.sh checks).
 */
sqlite3 *store_sqlite_db(struct store *s);

int db_open(const char *path, sqlite3 **out, struct strbuf *err);
void db_close(sqlite3 *db);
int db_schema_version(sqlite3 *db);
int db_latest_version(void);

/*
 * The last error of db, for a message: "disk full while writing
 * '/path/spinlog.db'" when the disk (or quota) is full, else "database:
 * <sqlite's message>". The caller says what was kept ("nothing was
 * imported"). err may be NULL.
 */
void db_error(sqlite3 *db, struct strbuf *err);
/* 1 when the last error of db was a full disk (SQLITE_FULL, ENOSPC). */
int db_full(sqlite3 *db);

/* Runs SQL with no result rows; on error appends db_error's text to err. */
int db_exec(sqlite3 *db, const char *sql, struct strbuf *err);
int db_begin(sqlite3 *db, struct strbuf *err);   /* BEGIN IMMEDIATE */
int db_commit(sqlite3 *db, struct strbuf *err);
void db_rollback(sqlite3 *db);

/* Prepares or dies on a programming error (bad SQL is a bug, not input). */
sqlite3_stmt *db_prepare(sqlite3 *db, const char *sql);

/* The state table: small named values such as watermarks. */
int db_state_get_int(sqlite3 *db, const char *key, int64_t *out);
int db_state_set_int(sqlite3 *db, const char *key, int64_t v);
/* Returns a new string the caller frees, or NULL when unset. */
char *db_state_get(sqlite3 *db, const char *key);
int db_state_set(sqlite3 *db, const char *key, const char *v);

/* A single integer from a query with no parameters; -1 on error. */
int64_t db_scalar(sqlite3 *db, const char *sql);
/* A single integer from a query with one integer parameter; 0 when no row or NULL. */
int64_t db_scalar_arg(sqlite3 *db, const char *sql, int64_t arg);

#endif
