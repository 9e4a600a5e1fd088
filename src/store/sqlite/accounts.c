#include "core/timeutil.h"
#include "store/sqlite/accounts.h"
#include "store/sqlite/db.h"
#include "store/sqlite/sqlite.h"
#include "store/sqlite/stmtcache.h"
#include "core/banned.h"

int64_t accounts_find(struct store *s, const char *name)
{
	/* cached: every ListenBrainz submission asks (issue 14) */
	int64_t id = stc_int(s, "SELECT id FROM accounts WHERE name = ?", name);

	return id > 0 ? id : 0;
}

int64_t accounts_ensure(struct store *s, const char *name)
{
	sqlite3 *db = sqlite_of(s)->db;
	sqlite3_stmt *st;
	int64_t id = accounts_find(s, name);

	if (id)
		return id;
	st = stc_get(s, "INSERT INTO accounts (name, created_ms) VALUES (?, ?)");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, time_now_ms());
	id = sqlite3_step(st) == SQLITE_DONE ? sqlite3_last_insert_rowid(db) : -1;
	stc_done(s, st);
	if (id > 0 && accounts_index(db, NULL))
		return -1;
	return id;
}

int accounts_index(sqlite3 *db, struct strbuf *err)
{
	if (db_scalar(db, "SELECT count(*) FROM accounts") < 2 ||
	    db_scalar(db, "SELECT count(*) FROM sqlite_master WHERE type = 'index'"
		      " AND name = 'play_rows_account_time'") > 0)
		return 0;
	return db_exec(db, "CREATE INDEX play_rows_account_time"
		       " ON play_rows(account_id, played_ms)", err);
}

int accounts_record_poll(sqlite3 *db, int64_t id, int64_t when_ms,
			 const char *status, int ok)
{
	sqlite3_stmt *st = db_prepare(db,
		"UPDATE accounts SET last_poll_ms = ?1, last_poll_status = ?2,"
		" polls = polls + 1,"
		" last_success_ms = CASE WHEN ?3 THEN ?1 ELSE last_success_ms END"
		" WHERE id = ?4");
	int rc;

	sqlite3_bind_int64(st, 1, when_ms);
	sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, ok);
	sqlite3_bind_int64(st, 4, id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}
