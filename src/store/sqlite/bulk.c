/*
 * The SQLite engine's bulk loading (store_bulk_begin .. store_bulk_end):
 * connection settings, the rollback journal instead of WAL, and indexes
 * set aside and built again, each measured on an import of a million plays.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/strvec.h"
#include "core/xalloc.h"
#include "store/sqlite/db.h"
#include "store/sqlite/import.h"
#include "store/sqlite/stmtcache.h"
#include "core/banned.h"

struct sqlite_bulk {
	int fk_was_on;       /* foreign keys to put back on */
	int journal;         /* switched to the rollback journal */
	struct strvec idx;   /* CREATE statements of the indexes set aside */
};

/*
 * Bulk mode for a big import: the rollback journal instead of WAL while the
 * import runs. In WAL every page is written twice (to the log, then by the
 * checkpoint into the database); a rollback journal only saves the pages
 * that existed before, and a big import mostly appends new ones. Switching
 * needs the database to ourselves: when another process has it open the
 * switch fails and the import simply runs in WAL. db_open puts WAL back for
 * every later open; we put it back at once.
 */
static int journal_mode(sqlite3 *db, int bulk)
{
	sqlite3_stmt *st = db_prepare(db, bulk ? "PRAGMA journal_mode = DELETE"
					       : "PRAGMA journal_mode = WAL");
	int ok = 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		ok = !strcmp((const char *)sqlite3_column_text(st, 0),
			     bulk ? "delete" : "wal");
	sqlite3_finalize(st);
	return ok;
}

/* At most one ListenBrainz request's listens (MAX_LISTENS). */
#define SQ_BULK_SMALL 1000
/*
 * From this many rows on, an import takes the rollback journal and sets
 * the indexes aside (when it brings more plays than the store has). It was
 * "more than 100,000", which left a 100,000-row Last.fm CSV in WAL with
 * every index kept: 1.03-1.30 s, against 0.58-0.87 s now (20,000 distinct
 * songs, bench/lastfm_bench.sh).
 */
#define SQ_BULK_BIG 10000

/*
 * Settings of the connection while an import writes. A small page cache
 * measured fastest (the table is written once, in order) and keeps the peak
 * memory down; the sorter may use a thread when indexes are built again.
 *
 * No statement journal. A multi-row INSERT that may abort half-way gets
 * one, and every page it changes that an earlier statement wrote is first
 * copied there: with the time indexes kept (sq_bulk_indexes_off), 800,000
 * writes to a temporary file for a million plays, over a second of wall
 * time; with all indexes dropped still 0.3 s. Two things make a statement
 * "may abort": constraints with the default ABORT, hence INSERT OR FAIL
 * (sqlite/import.c: it stops at the failing row without undoing the rows
 * before it, and any error rolls the whole import back anyway); and an
 * immediate foreign key, hence foreign keys are off while we write (put
 * back by sq_bulk_end). The one foreign key on plays is account_id, and
 * every row gets the account the import resolved or created in the same
 * transaction, so no check is lost that could fail.
 */
int sq_bulk_begin(struct store *s, size_t rows, struct strbuf *err)
{
	struct sqlite_store *q = sqlite_of(s);

	if (q->bulk)
		sq_bulk_end(s);
	q->bulk = xcalloc(1, sizeof(*q->bulk));
	/*
	 * Kept statements: serve begins a bulk import for every submission
	 * (issue 14). Turning foreign keys off or on expires every prepared
	 * statement of the connection (SQLite recompiles them for the new
	 * setting: 16% of a single submission's CPU went to sqlite3Reprepare,
	 * perf), so an import of one request's listens keeps them on.
	 */
	q->bulk->fk_was_on = rows > SQ_BULK_SMALL &&
			     stc_int(s, "PRAGMA foreign_keys", NULL) != 0;
	if (stc_int(s, "PRAGMA cache_size = -8192", NULL) < 0 ||
	    stc_int(s, "PRAGMA threads = 2", NULL) < 0 ||
	    (q->bulk->fk_was_on &&
	     stc_int(s, "PRAGMA foreign_keys = OFF", NULL) < 0)) {
		db_error(q->db, err);
		sq_bulk_end(s);
		return -1;
	}
	if (rows >= SQ_BULK_BIG)
		q->bulk->journal = journal_mode(q->db, 1);
	return 0;
}

/* Outside the transaction, after commit or rollback. */
void sq_bulk_end(struct store *s)
{
	struct sqlite_store *q = sqlite_of(s);

	if (!q->bulk)
		return;
	if (q->bulk->journal)
		journal_mode(q->db, 0);
	if (q->bulk->fk_was_on)
		stc_int(s, "PRAGMA foreign_keys = ON", NULL);
	strvec_clear(&q->bulk->idx);
	free(q->bulk);
	q->bulk = NULL;
}

/*
 * Drops the indexes worth building again, keeping their SQL in sqls: the
 * plays' own, and the two that find a name row (play_names_all) or a
 * name-keyed track (track_keys_name). A Last.fm CSV of 100,000 new songs
 * spent 35 % of its import in sq_dict_flush, most of it putting 100,000
 * random keys into those two B-trees one by one (perf). With them set
 * aside the import's dictionary holds every row (sq_bulk_names_off), so
 * nothing looks a name up in SQL until they are back; a duplicate the
 * dictionary let through would fail the UNIQUE index's CREATE and so the
 * whole import.
 */
static int drop_indexes(sqlite3 *db, struct strvec *sqls, struct strbuf *err)
{
	sqlite3_stmt *st = db_prepare(db,
		"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND"
		" sql IS NOT NULL AND ((tbl_name = 'play_rows' AND sql NOT LIKE"
		" '% WHERE %') OR name IN ('play_names_all', 'track_keys_name'))");
	struct strvec names = STRVEC_INIT;
	int ret = 0;

	while (sqlite3_step(st) == SQLITE_ROW) {
		strvec_push(&names, (const char *)sqlite3_column_text(st, 0));
		strvec_push(sqls, (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	for (size_t i = 0; i < names.n && !ret; i++) {
		struct strbuf q = STRBUF_INIT;
		strbuf_addf(&q, "DROP INDEX \"%s\"", names.v[i]);
		ret = db_exec(db, q.buf, err);
		strbuf_release(&q);
	}
	strvec_clear(&names);
	return ret;
}

/*
 * Indexes are cheaper built once than maintained row by row when inserts
 * land all over them: for a big import into a small table, drop the plays
 * indexes and create them again from their own SQL afterwards (inside the
 * transaction, so all or nothing). play_rows_track kept cost 3 s more at
 * 1M plays. The time index (plays_time) is rebuilt too, though the rows
 * come in time order: SQLite leaves each leaf of an index grown at its end
 * 13% empty (518 bytes of 4096), and built by CREATE INDEX it is packed,
 * 14.2 MB instead of 16.4 at 1M plays, which brings the store under
 * 100 MB (98.9). Measured at 1M plays: 0.46 s of CPU to build it against
 * 0.1-0.2 s to keep it. Partial indexes are kept: imported rows are not
 * in them, and building one would scan the whole table again.
 */
int sq_bulk_indexes_off(struct store *s, size_t new_rows, struct strbuf *err)
{
	struct sqlite_store *q = sqlite_of(s);

	if (!q->bulk) {
		strbuf_addstr(err, "indexes set aside outside bulk mode");
		return -1;
	}
	if (new_rows != SIZE_MAX &&
	    (new_rows < SQ_BULK_BIG ||
	     (int64_t)new_rows <= db_scalar(q->db, "SELECT count(*) FROM play_rows")))
		return 0;
	if (drop_indexes(q->db, &q->bulk->idx, err))
		return -1;
	return q->bulk->idx.n > 0;
}

/* The name indexes go with the plays' (drop_indexes): set aside while any is. */
int sq_bulk_names_off(struct store *s)
{
	struct sqlite_store *q = sqlite_of(s);

	return q->bulk && q->bulk->idx.n > 0;
}

/*
 * Creates the indexes set aside. Measured: SQLite's sorter builds them
 * fastest with a small page cache.
 */
int sq_bulk_indexes_on(struct store *s, struct strbuf *err)
{
	struct sqlite_store *q = sqlite_of(s);
	struct strvec *idx = q->bulk ? &q->bulk->idx : NULL;

	if (!idx || !idx->n)
		return 0;
	if (db_exec(q->db, "PRAGMA cache_size = -2048", err))
		return -1;
	for (size_t i = 0; i < idx->n; i++)
		if (db_exec(q->db, idx->v[i], err))
			return -1;
	strvec_clear(idx);
	return 0;
}
