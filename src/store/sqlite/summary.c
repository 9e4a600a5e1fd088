/*
 * The account summary of store.h: an account's plays by source and its
 * imports, for 'spinlog status'. Two small queries, once per account shown.
 */
#include <stdlib.h>

#include "core/xalloc.h"
#include "store/sources.h"
#include "store/sqlite/db.h"
#include "store/sqlite/sqlite.h"
#include "store/sqlite/summary.h"
#include "core/banned.h"

/* Plays grouped by their set of sources: a handful of rows. */
static int by_source(sqlite3 *db, int64_t id, struct store_account_summary *out)
{
	sqlite3_stmt *q = db_prepare(db, "SELECT sources, count(*) FROM play_rows"
				     " WHERE account_id = ?1 GROUP BY sources");
	int rc;

	sqlite3_bind_int64(q, 1, id);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		int64_t bits = sqlite3_column_int64(q, 0), n = sqlite3_column_int64(q, 1);
		out->plays += n;
		for (int b = 0; b < SOURCE_COUNT; b++)
			if (bits & SOURCE_BIT(b))
				out->by_source[b] += n;
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int imports(sqlite3 *db, int64_t id, struct store_account_summary *out)
{
	sqlite3_stmt *q = db_prepare(db, "SELECT coalesce(finished_ms, started_ms),"
		" added, paths, (SELECT count(*) FROM imports WHERE account_id = ?1)"
		" FROM imports WHERE account_id = ?1 ORDER BY id DESC LIMIT 1");
	int rc = SQLITE_DONE;

	sqlite3_bind_int64(q, 1, id);
	if ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *p = (const char *)sqlite3_column_text(q, 2);
		out->last_import_ms = sqlite3_column_int64(q, 0);
		out->last_import_added = sqlite3_column_int64(q, 1);
		out->last_import_paths = p ? xstrdup(p) : NULL;
		out->imports = sqlite3_column_int64(q, 3);
		rc = SQLITE_DONE;
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : -1;
}

int sqa_account_summary(struct store *s, int64_t account_id,
			struct store_account_summary *out, struct strbuf *err)
{
	sqlite3 *db = sqlite_of(s)->db;

	if (by_source(db, account_id, out) || imports(db, account_id, out)) {
		strbuf_addf(err, "cannot read the account's plays: %s",
			    sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}
