/*
 * store copy on SQLite (store.h "store copy"): the logical tables of
 * store/copy.c read from and written to this engine's tables. Most logical
 * tables are tables here under the same name and columns; plays is the view
 * over play_rows and its dictionaries (read through the view, written into
 * play_rows with the dictionaries' ids as an import writes them: copyplays.c),
 * and play_fps the view over play_fp, keyed by play id * 16 + source.
 * track_keys.canon is not a logical column: it is derived from the plays
 * and refilled at the end (sqn_fill_canon), as an import does.
 */
#include <string.h>

#include "store/sqlite/copy.h"
#include "store/sqlite/copyplays.h"
#include "store/sqlite/db.h"
#include "store/sqlite/namekeyed.h"
#include "core/banned.h"

static void add_cols(struct strbuf *q, const struct store_copy_table *t)
{
	for (int c = 0; c < t->ncols; c++)
		strbuf_addf(q, "%s%s", c ? ", " : "", t->cols[c]);
}

static int has_table(sqlite3 *db, const char *name)
{
	sqlite3_stmt *q = db_prepare(db, "SELECT 1 FROM sqlite_master"
				     " WHERE type IN ('table', 'view') AND name = ?");
	int r;

	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	r = sqlite3_step(q) == SQLITE_ROW;
	sqlite3_finalize(q);
	return r;
}

int64_t sqc_copy_count(struct store *st, const struct store_copy_table *t,
		       struct strbuf *err)
{
	sqlite3 *db = sqlite_of(st)->db;
	struct strbuf q = STRBUF_INIT;
	int64_t n;

	if (!has_table(db, t->name))
		return 0;
	/* plays: count the rows, not the view's joins */
	strbuf_addf(&q, "SELECT count(*) FROM %s",
		    !strcmp(t->name, "plays") ? "play_rows" :
		    !strcmp(t->name, "play_fps") ? "play_fp" : t->name);
	n = db_scalar(db, q.buf);
	strbuf_release(&q);
	if (n < 0)
		db_error(db, err);
	return n;
}

static void get_value(sqlite3_stmt *q, int c, char type, struct store_copy_value *v)
{
	memset(v, 0, sizeof(*v));
	if (sqlite3_column_type(q, c) == SQLITE_NULL) {
		v->null = 1;
	} else if (type == 'i') {
		v->i = sqlite3_column_int64(q, c);
	} else if (type == 'r') {
		v->r = sqlite3_column_double(q, c);
	} else {
		v->s = (const char *)sqlite3_column_text(q, c);
		v->len = (size_t)sqlite3_column_bytes(q, c);
	}
}

int sqc_copy_read(struct store *st, const struct store_copy_table *t,
		  int (*fn)(void *, const struct store_copy_value *), void *arg,
		  struct strbuf *err)
{
	sqlite3 *db = sqlite_of(st)->db;
	struct store_copy_value row[64];
	struct strbuf q = STRBUF_INIT;
	sqlite3_stmt *stmt;
	int rc, r = 0;

	if (!has_table(db, t->name))
		return 0;
	strbuf_addstr(&q, "SELECT ");
	add_cols(&q, t);
	strbuf_addf(&q, " FROM %s ORDER BY ", t->name);
	for (int c = 0; c < t->nkey; c++)
		strbuf_addf(&q, "%s%s", c ? ", " : "", t->cols[c]);
	stmt = db_prepare(db, q.buf);
	strbuf_release(&q);
	while (!r && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		for (int c = 0; c < t->ncols; c++)
			get_value(stmt, c, t->types[c], &row[c]);
		r = fn(arg, row);
	}
	if (!r && rc != SQLITE_DONE) {
		strbuf_addf(err, "cannot read '%s': ", t->name);
		db_error(db, err);
		r = -1;
	}
	sqlite3_finalize(stmt);
	return r ? -1 : 0;
}

static sqlite3_stmt *insert_stmt(sqlite3 *db, const struct store_copy_table *t)
{
	struct strbuf q = STRBUF_INIT;
	sqlite3_stmt *stmt;

	if (!strcmp(t->name, "play_fps")) {
		strbuf_addstr(&q, "INSERT INTO play_fp (key, fp) VALUES (?1 * 16 + ?2, ?3)");
	} else {
		strbuf_addf(&q, "INSERT INTO %s (", t->name);
		add_cols(&q, t);
		strbuf_addstr(&q, ") VALUES (");
		for (int c = 0; c < t->ncols; c++)
			strbuf_addf(&q, "%s?%d", c ? ", " : "", c + 1);
		strbuf_addstr(&q, ")");
	}
	stmt = db_prepare(db, q.buf);
	strbuf_release(&q);
	return stmt;
}

static void bind_value(sqlite3_stmt *q, int c, char type, const struct store_copy_value *v)
{
	if (v->null)
		sqlite3_bind_null(q, c + 1);
	else if (type == 'i')
		sqlite3_bind_int64(q, c + 1, v->i);
	else if (type == 'r')
		sqlite3_bind_double(q, c + 1, v->r);
	else
		sqlite3_bind_text(q, c + 1, v->s, (int)v->len, SQLITE_STATIC);
}

int sqc_copy_write(struct store *st, const struct store_copy_table *t,
		   const struct store_copy_value *row, struct strbuf *err)
{
	struct sqlite_store *s = sqlite_of(st);
	int rc;

	if (!strcmp(t->name, "plays"))
		return sqc_plays_write(s, t, row, err);
	if (!row) {
		sqlite3_finalize(s->q_copy);
		s->q_copy = NULL;
		return 0;
	}
	if (!s->q_copy)
		s->q_copy = insert_stmt(s->db, t);
	for (int c = 0; c < t->ncols; c++)
		bind_value(s->q_copy, c, t->types[c], &row[c]);
	rc = sqlite3_step(s->q_copy);
	sqlite3_reset(s->q_copy);
	if (rc != SQLITE_DONE) {
		strbuf_addf(err, "cannot write a row of '%s': ", t->name);
		db_error(s->db, err);
		sqlite3_finalize(s->q_copy);
		s->q_copy = NULL;
		return -1;
	}
	return 0;
}

int sqc_copy_finish(struct store *st, struct strbuf *err)
{
	struct sqlite_store *s = sqlite_of(st);

	sqlite3_finalize(s->q_copy);
	s->q_copy = NULL;
	sqc_plays_release(s);
	return sqn_fill_canon(s->db, err);
}
