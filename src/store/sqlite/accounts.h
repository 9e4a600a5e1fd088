/*
 * The accounts table: one row per account name, for joins (plays, pages,
 * gaps) and poll statistics. Tokens, the rate-limit penalty and the re-auth
 * flag live in the account's state file (spotify/account.h), not here.
 */
#ifndef STORE_SQLITE_ACCOUNTS_H
#define STORE_SQLITE_ACCOUNTS_H

#include <sqlite3.h>
#include <stdint.h>

#include "core/strbuf.h"

struct store;

/* The row id of the account, creating the row when needed; -1 on error. */
int64_t accounts_ensure(struct store *s, const char *name);
/* The row id, or 0 when there is no such row. */
int64_t accounts_find(struct store *s, const char *name);
/*
 * The index one account's reads go through (store.h: account_id), made
 * when the store holds a second account: a store of one account does not
 * pay its size (18.4 MB per million plays, measured) nor its upkeep on import,
 * and its reads filter the rows plays_time reaches anyway. 0, or -1.
 */
int accounts_index(sqlite3 *db, struct strbuf *err);
/* Records the outcome of a poll ("ok", "rate limited", ...). */
int accounts_record_poll(sqlite3 *db, int64_t id, int64_t when_ms,
			 const char *status, int ok);

#endif
