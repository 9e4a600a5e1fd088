/*
 * The store: everything spinlog keeps about plays, the catalog, enrichment,
 * the collector's bookkeeping and imports, behind one opaque handle. Callers
 * speak in domain calls (scan the plays of a time range, put a track, the
 * pending enrichment work), never in SQL: each engine (SQLite under
 * store/sqlite/, PostgreSQL to follow) implements the calls in its own SQL,
 * through the table of operations in store/engine.h, the way git's refs
 * have a ref_storage_be per backend and landing.h hides its files.
 *
 * Ownership: store_open returns a handle the caller frees with
 * store_close. Strings passed in are borrowed for the call; strings handed
 * out are new and freed by the caller unless a comment says otherwise. Calls
 * return 0 (or a count, or 1/0 for a yes/no) and -1 on failure with a
 * message appended to err where an err is taken. A handle is used by one
 * thread at a time.
 */
#ifndef STORE_STORE_H
#define STORE_STORE_H

#include <stdint.h>

#include "core/strbuf.h"

struct store;

/*
 * Opens (creating and migrating as needed) the store at url: "sqlite:PATH"
 * or a plain path of an SQLite file.
 */
int store_open(const char *url, struct store **out, struct strbuf *err);
void store_close(struct store *s);
/* The engine's name ("sqlite") and where it keeps the data, for messages. */
const char *store_engine(const struct store *s);
const char *store_where(const struct store *s);

/*
 * Transactions. store_begin takes the write lock at once (so a second
 * writer waits at the start, not at its first write); they do not nest.
 */
int store_begin(struct store *s, struct strbuf *err);
int store_commit(struct store *s, struct strbuf *err);
void store_rollback(struct store *s);

/*
 * A number that changes whenever another connection committed a change
 * since the last call on this handle, or this handle changed the data:
 * caches of what was read compare it to know when to forget.
 */
int64_t store_data_version(struct store *s);

/* Small named values (watermarks, the collector's cursors). */
char *store_state_get(struct store *s, const char *key); /* NULL when unset */
int store_state_set(struct store *s, const char *key, const char *value);
int store_state_get_int(struct store *s, const char *key, int64_t *out);
int store_state_set_int(struct store *s, const char *key, int64_t value);

/* ---- plays and the collector ---- */
/* (end of plays and the collector) */

/* ---- catalog and enrichment ---- */
/* (end of catalog and enrichment) */

/* ---- imports ---- */
/* (end of imports) */

/* ---- reports ---- */
/* (end of reports) */

#endif
