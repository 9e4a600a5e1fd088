/* Unit tests for store/: migrations and state. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "store/db.h"

static void migrates_and_reopens(void **state)
{
	char dir[] = "/tmp/spinlog-db-XXXXXX";
	char path[256];
	struct strbuf err = STRBUF_INIT;
	sqlite3 *db;
	int64_t v = 0;
	char *s;
	(void)state;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/t.db", dir);
	assert_int_equal(db_open(path, &db, &err), 0);
	assert_int_equal(db_schema_version(db), db_latest_version());
	{
		sqlite3_stmt *st = db_prepare(db, "PRAGMA journal_mode");
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
		sqlite3_finalize(st);
	}
	assert_int_equal(db_state_set_int(db, "w", 42), 0);
	db_close(db);
	assert_int_equal(db_open(path, &db, &err), 0);
	assert_int_equal(db_state_get_int(db, "w", &v), 0);
	assert_int_equal(v, 42);
	assert_null(db_state_get(db, "missing"));
	assert_int_equal(db_state_set(db, "s", "x"), 0);
	s = db_state_get(db, "s");
	assert_string_equal(s, "x");
	free(s);
	/* a database from a newer spinlog is refused, not damaged */
	assert_int_equal(db_exec(db, "PRAGMA user_version = 999", &err), 0);
	db_close(db);
	assert_int_equal(db_open(path, &db, &err), -1);
	assert_non_null(strstr(err.buf, "newer"));
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(migrates_and_reopens),
	};
	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
