/*
 * The collector's bookkeeping tables: pages (one row per raw page landed)
 * and gaps (spans recently-played could not cover). Strings are borrowed.
 */
#ifndef STORE_SQLITE_PAGES_H
#define STORE_SQLITE_PAGES_H

#include <sqlite3.h>
#include <stdint.h>

#include "store/store.h"

/* struct page_info is in store.h */

/* The new row id, or -1 on error. */
int64_t pages_add(sqlite3 *db, int64_t account_id, const struct page_info *p);
/* 1 when a new gap was recorded, 0 when known, -1 on error. */
int gaps_add(sqlite3 *db, int64_t account_id, int64_t from_ms, int64_t to_ms,
	     int64_t detected_ms);
/* Gaps not healed yet for the account. */
int64_t gaps_open_count(sqlite3 *db, int64_t account_id);

#endif
