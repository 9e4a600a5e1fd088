#include "store/sqlite/db.h"
#include "store/sqlite/pages.h"
#include "core/banned.h"

static void bind_opt(sqlite3_stmt *st, int i, int64_t v)
{
	if (v)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

int64_t pages_add(sqlite3 *db, int64_t account_id, const struct page_info *p)
{
	sqlite3_stmt *st = db_prepare(db,
		"INSERT INTO pages (account_id, key, fetched_ms, after_ms, items,"
		" newest_ms, oldest_ms) VALUES (?, ?, ?, ?, ?, ?, ?)");
	int64_t id = -1;

	sqlite3_bind_int64(st, 1, account_id);
	sqlite3_bind_text(st, 2, p->key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, p->fetched_ms);
	bind_opt(st, 4, p->after_ms);
	sqlite3_bind_int(st, 5, p->items);
	bind_opt(st, 6, p->newest_ms);
	bind_opt(st, 7, p->oldest_ms);
	if (sqlite3_step(st) == SQLITE_DONE)
		id = sqlite3_last_insert_rowid(db);
	sqlite3_finalize(st);
	return id;
}

int gaps_add(sqlite3 *db, int64_t account_id, int64_t from_ms, int64_t to_ms,
	     int64_t detected_ms)
{
	sqlite3_stmt *st = db_prepare(db,
		"INSERT OR IGNORE INTO gaps (account_id, from_ms, to_ms,"
		" detected_ms) VALUES (?, ?, ?, ?)");
	int rc;

	sqlite3_bind_int64(st, 1, account_id);
	sqlite3_bind_int64(st, 2, from_ms);
	sqlite3_bind_int64(st, 3, to_ms);
	sqlite3_bind_int64(st, 4, detected_ms);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	return sqlite3_changes(db) > 0;
}

int64_t gaps_open_count(sqlite3 *db, int64_t account_id)
{
	return db_scalar_arg(db,
		"SELECT count(*) FROM gaps WHERE account_id = ?"
		" AND healed_ms IS NULL",
		account_id);
}
