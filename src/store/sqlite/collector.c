/*
 * The SQLite engine's plays and collector calls: the existing table modules
 * (store/plays.c, playmerge.c, pages.c, accounts.c) on the store's
 * connection.
 */
#include "core/strvec.h"
#include "core/xalloc.h"
#include "store/sqlite/accounts.h"
#include "store/sqlite/db.h"
#include "store/sqlite/pages.h"
#include "store/sqlite/playmerge.h"
#include "store/sqlite/plays.h"
#include "store/sqlite/collector.h"
#include "store/sqlite/stmtcache.h"
#include "core/banned.h"

int sq_plays_add_api(struct store *s, int64_t account_id, int64_t page_id,
		     const struct api_play *p)
{
	return plays_add_api(sqlite_of(s)->db, account_id, page_id, p);
}

int sq_plays_merge_api(struct store *s, int64_t account_id, int64_t page_id,
		       const struct api_play *p)
{
	return playmerge_api(sqlite_of(s)->db, account_id, page_id, p);
}

int64_t sq_plays_newest_api_ms(struct store *s, int64_t account_id)
{
	return plays_newest_api_ms(sqlite_of(s)->db, account_id);
}

int64_t sq_plays_count(struct store *s, int64_t account_id)
{
	return plays_count(sqlite_of(s)->db, account_id);
}

int64_t sq_pages_add(struct store *s, int64_t account_id,
		     const struct page_info *p)
{
	return pages_add(sqlite_of(s)->db, account_id, p);
}

int sq_gaps_add(struct store *s, int64_t account_id, int64_t from_ms,
		int64_t to_ms, int64_t detected_ms)
{
	return gaps_add(sqlite_of(s)->db, account_id, from_ms, to_ms,
			detected_ms);
}

int64_t sq_gaps_open_count(struct store *s, int64_t account_id)
{
	return gaps_open_count(sqlite_of(s)->db, account_id);
}

int64_t sq_accounts_ensure(struct store *s, const char *name)
{
	return accounts_ensure(s, name);
}

int64_t sq_accounts_find(struct store *s, const char *name)
{
	return accounts_find(s, name);
}

int sq_accounts_record_poll(struct store *s, int64_t id, int64_t when_ms,
			    const char *status, int ok)
{
	return accounts_record_poll(sqlite_of(s)->db, id, when_ms, status, ok);
}

int sq_accounts_names(struct store *s, struct strvec *names)
{
	sqlite3_stmt *st = stc_get(s, "SELECT name FROM accounts ORDER BY name");
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		strvec_push(names, (const char *)sqlite3_column_text(st, 0));
	stc_done(s, st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int sq_accounts_poll_info(struct store *s, int64_t id,
			  struct store_poll_info *out)
{
	sqlite3_stmt *st = db_prepare(sqlite_of(s)->db,
		"SELECT last_poll_ms, last_poll_status, last_success_ms, polls"
		" FROM accounts WHERE id = ?");
	const char *status;
	int rc;

	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		status = (const char *)sqlite3_column_text(st, 1);
		out->last_poll_ms = sqlite3_column_int64(st, 0);
		out->last_status = status ? xstrdup(status) : NULL;
		out->last_success_ms = sqlite3_column_int64(st, 2);
		out->polls = sqlite3_column_int64(st, 3);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

const char *sq_errmsg(struct store *s)
{
	return sqlite3_errmsg(sqlite_of(s)->db);
}
