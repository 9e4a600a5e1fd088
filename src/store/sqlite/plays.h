/*
 * The plays table, seen from the collector: inserting plays that came from
 * recently-played. plays_add_api is the one place API plays enter the store
 * (the import's cross-source merge extends it). An API play is identified by
 * (account, played_ms, track_id): a unique partial index (sources has
 * SRC_API) makes a second insert of the same play a no-op. Strings are
 * borrowed for the call.
 */
#ifndef STORE_SQLITE_PLAYS_H
#define STORE_SQLITE_PLAYS_H

#include <sqlite3.h>
#include <stdint.h>

#include "store/store.h"

/* struct api_play is in store.h */

/* 1 when stored, 0 when already there, -1 on a database error. */
int plays_add_api(sqlite3 *db, int64_t account_id, int64_t page_id,
		  const struct api_play *p);
/* The newest play recently-played gave this account, 0 when none. */
int64_t plays_newest_api_ms(sqlite3 *db, int64_t account_id);
/* Plays stored for the account (all sources). */
int64_t plays_count(sqlite3 *db, int64_t account_id);

#endif
