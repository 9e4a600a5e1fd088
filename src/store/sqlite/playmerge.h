/*
 * The store's half of the merge rule (pipeline/merge.h has the whole rule
 * and doc/import.md states it; the tolerances and the name key are in
 * core/playmatch.h): the hook through which an API play merges into a play an import
 * stored before the collector saw it. Strings are borrowed for the call.
 */
#ifndef STORE_SQLITE_PLAYMERGE_H
#define STORE_SQLITE_PLAYMERGE_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "store/sqlite/plays.h"

/*
 * If an imported play without SRC_API matches p (same track id within
 * PLAYMATCH_TOL_ID_MS, or for rows without an id the same names within the
 * minute rule; nearest first), the row takes p's millisecond end time, SRC_API
 * and the names and context it lacked. Returns 1 when merged, 0 when not
 * (also when the API play is already stored), -1 on a database error.
 */
int playmerge_api(sqlite3 *db, int64_t account_id, int64_t page_id,
		  const struct api_play *p);

#endif
