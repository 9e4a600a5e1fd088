/*
 * Statements prepared once per store handle and reused (issue 14). A
 * ListenBrainz submission of one listen prepared ~10-25 statements, each
 * parse costing more than its run: 1.4-2.0 ms of server CPU a request.
 *
 * stc_get returns a statement for sql on the store's connection, ready to
 * bind (the cache borrows sql only for the call: it keeps its own copy).
 * The caller owns it until stc_done, which resets it and clears its
 * bindings for the next caller (a statement it did not cache, it
 * finalizes). A statement still out when the same sql is asked for again
 * (a nested use) makes a second one, finalized by its stc_done. stc_free
 * finalizes them all; the store calls it before closing the connection.
 */
#ifndef STORE_SQLITE_STMTCACHE_H
#define STORE_SQLITE_STMTCACHE_H

#include <sqlite3.h>
#include <stdint.h>

struct store;
struct stc;

sqlite3_stmt *stc_get(struct store *s, const char *sql);
void stc_done(struct store *s, sqlite3_stmt *st);
void stc_free(struct stc *c);
/*
 * For code that runs with or without a store handle: stc_get and stc_done
 * when s is set, else a statement prepared on db and finalized.
 */
sqlite3_stmt *stc_get_on(struct store *s, sqlite3 *db, const char *sql);
void stc_done_on(struct store *s, sqlite3_stmt *st);
/*
 * Runs one statement of sql (a PRAGMA, a lookup) with text, when not NULL,
 * bound to ?1: the first column of its first row, 0 when it has none, -1
 * when it fails.
 */
int64_t stc_int(struct store *s, const char *sql, const char *text);

#endif
