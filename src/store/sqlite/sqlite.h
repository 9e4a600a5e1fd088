/*
 * The SQLite engine's own header: its handle, and the helpers its files
 * share. Only files under store/sqlite/ include it.
 */
#ifndef STORE_SQLITE_SQLITE_H
#define STORE_SQLITE_SQLITE_H

#include <sqlite3.h>

#include "store/engine.h"

struct sqlite_store {
	struct store base;
	sqlite3 *db;
	int64_t seen_data_version, seen_changes, version;
	sqlite3_stmt *q_data_version; /* kept: serve asks on every request */
	struct sqlite_bulk *bulk; /* sqlite/import.c: between bulk_begin and _end */
	struct sqlite_report *report; /* prepared report queries (report.c) */
	struct sqlite_nav *nav; /* prepared navigation queries (nav.c) */
	sqlite3_stmt *q_ref_names; /* kept: trackref.c asks once per track */
	sqlite3_stmt *q_copy; /* copy.c: the insert of the table being copied in */
	struct sqc_plays *copy_plays; /* copyplays.c: while plays are copied in */
	/* r6-pages: every reference's first play names, read at once (trackref.c) */
	struct sqlite_refnames *refnames;
	struct stc *stc; /* issue 14: statements kept for reuse (stmtcache.c) */
};

static inline struct sqlite_store *sqlite_of(struct store *s)
{
	return (struct sqlite_store *)s;
}

#endif
