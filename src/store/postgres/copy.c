/*
 * store copy on PostgreSQL (store.h "store copy"): the logical tables of
 * store/copy.c read from and written to this engine's tables. Most are
 * tables here under the same name and columns; plays is read from the view
 * plays and written through a temporary table, copy_plays, whose rows go
 * into texts, items and play_rows by four statements at the end of the
 * table, as an import's batches do (postgres/import.c).
 *
 * Reads go through a cursor, 2,000 rows per FETCH, so a table of a million
 * plays is never one result in memory. Writes are COPY, sent 1 MB at a time
 * within one copy_write call, so the connection is never left inside a
 * COPY between calls (a rollback may come at any moment). A logical table
 * this engine has no table for (a store made by an older build) reads
 * as empty and refuses rows, naming it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/postgres/copy.h"
#include "store/postgres/namekeyed.h" /* round 6: canon */
#include "core/banned.h"

#define FETCH_ROWS 2000
#define SEND_BYTES (1 << 20)

struct pg_copy {
	struct strbuf buf;   /* COPY text not sent yet */
	int64_t rows;        /* rows of the current table sent or held */
};

void pgc_release(struct pg_copy *c)
{
	if (c) {
		strbuf_release(&c->buf);
		free(c);
	}
}

static int is_plays(const struct store_copy_table *t)
{
	return !strcmp(t->name, "plays");
}

/* A statement with rows or none; NULL with err on failure. */
static PGresult *run(struct pg_store *s, const char *sql, struct strbuf *err)
{
	PGresult *r = PQexec(s->conn, sql);

	if (PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK)
		return r;
	PQclear(r);
	pg_error(s, err);
	return NULL;
}

static int run_ok(struct pg_store *s, const char *sql, struct strbuf *err)
{
	PGresult *r = run(s, sql, err);

	PQclear(r);
	return r ? 0 : -1;
}

static int has_table(struct pg_store *s, const char *name)
{
	static struct pg_q q = PG_Q("SELECT count(*) FROM pg_tables"
		" WHERE schemaname = current_schema() AND tablename = $1");
	struct pg_params p;

	pg_params_init(&p);
	pg_text(&p, !strcmp(name, "plays") ? "play_rows" : name);
	return pg_scalar(s, &q, &p, 0) > 0;
}

int64_t pgc_copy_count(struct store *st, const struct store_copy_table *t,
		       struct strbuf *err)
{
	struct pg_store *s = pg_of(st);
	struct strbuf q = STRBUF_INIT;
	PGresult *r;
	int64_t n = -1;

	if (!has_table(s, t->name))
		return 0;
	strbuf_addf(&q, "SELECT count(*) FROM %s", is_plays(t) ? "play_rows" : t->name);
	if ((r = run(s, q.buf, err)))
		n = pg_get_int(r, 0, 0, 0);
	PQclear(r);
	strbuf_release(&q);
	return n;
}

static void select_sql(struct strbuf *q, const struct store_copy_table *t)
{
	strbuf_addstr(q, "DECLARE spinlog_copy NO SCROLL CURSOR FOR SELECT ");
	for (int c = 0; c < t->ncols; c++)
		strbuf_addf(q, "%s\"%s\"", c ? ", " : "", t->cols[c]);
	strbuf_addf(q, " FROM %s ORDER BY ", t->name);
	/* texts by bytes, as SQLite's BINARY, whatever the database's collation */
	for (int c = 0; c < t->nkey; c++)
		strbuf_addf(q, "%s\"%s\"%s", c ? ", " : "", t->cols[c],
			    t->types[c] == 't' ? " COLLATE \"C\"" : "");
}

static void get_value(const PGresult *r, int row, int c, char type,
		      struct store_copy_value *v)
{
	const char *x = PQgetvalue(r, row, c);

	memset(v, 0, sizeof(*v));
	if (PQgetisnull(r, row, c))
		v->null = 1;
	else if (type == 'i')
		v->i = strtoll(x, NULL, 10);
	else if (type == 'r')
		v->r = strtod(x, NULL);
	else {
		v->s = x;
		v->len = (size_t)PQgetlength(r, row, c);
	}
}

/* Fetches and hands out the cursor's rows: 0, fn's non-zero, or -1. */
static int fetch_all(struct pg_store *s, const struct store_copy_table *t,
		     int (*fn)(void *, const struct store_copy_value *), void *arg,
		     struct strbuf *err)
{
	struct store_copy_value row[64];
	char sql[64];
	int ret = 0, n;

	snprintf(sql, sizeof(sql), "FETCH %d FROM spinlog_copy", FETCH_ROWS);
	do {
		PGresult *r = run(s, sql, err);
		if (!r)
			return -1;
		n = PQntuples(r);
		for (int i = 0; i < n && !ret; i++) {
			for (int c = 0; c < t->ncols; c++)
				get_value(r, i, c, t->types[c], &row[c]);
			ret = fn(arg, row);
		}
		PQclear(r);
	} while (!ret && n == FETCH_ROWS);
	return ret;
}

int pgc_copy_read(struct store *st, const struct store_copy_table *t,
		  int (*fn)(void *, const struct store_copy_value *), void *arg,
		  struct strbuf *err)
{
	struct pg_store *s = pg_of(st);
	int own = PQtransactionStatus(s->conn) == PQTRANS_IDLE, ret;
	struct strbuf q = STRBUF_INIT;

	if (!has_table(s, t->name))
		return 0;
	if (own && run_ok(s, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err))
		return -1;
	select_sql(&q, t);
	ret = run_ok(s, q.buf, err);
	strbuf_release(&q);
	if (!ret)
		ret = fetch_all(s, t, fn, arg, err);
	if (ret >= 0 && run_ok(s, "CLOSE spinlog_copy", err))
		ret = -1;
	if (own)
		run_ok(s, ret ? "ROLLBACK" : "COMMIT", NULL);
	return ret ? -1 : 0;
}

/* A value as COPY's text format has it. */
static void put_value(struct strbuf *b, char type, const struct store_copy_value *v)
{
	if (v->null) {
		strbuf_addstr(b, "\\N");
	} else if (type == 'i') {
		strbuf_addf(b, "%lld", (long long)v->i);
	} else if (type == 'r') {
		if (isnan(v->r))
			strbuf_addstr(b, "NaN");
		else if (isinf(v->r))
			strbuf_addstr(b, v->r > 0 ? "Infinity" : "-Infinity");
		else
			strbuf_addf(b, "%.17g", v->r); /* exact: 17 digits round-trip */
	} else {
		for (size_t i = 0; i < v->len; i++) {
			char ch = v->s[i];
			if (ch == '\\')
				strbuf_addstr(b, "\\\\");
			else if (ch == '\n')
				strbuf_addstr(b, "\\n");
			else if (ch == '\r')
				strbuf_addstr(b, "\\r");
			else if (ch == '\t')
				strbuf_addstr(b, "\\t");
			else
				strbuf_addch(b, ch);
		}
	}
}

/* The temporary table plays are written to first. */
static int make_stage(struct pg_store *s, const struct store_copy_table *t,
		      struct strbuf *err)
{
	struct strbuf q = STRBUF_INIT;
	int r;

	strbuf_addstr(&q, "CREATE TEMP TABLE copy_plays (");
	for (int c = 0; c < t->ncols; c++)
		strbuf_addf(&q, "%s\"%s\" %s", c ? ", " : "", t->cols[c],
			    t->types[c] == 'i' ? "bigint" :
			    t->types[c] == 'r' ? "float8" : "text");
	strbuf_addstr(&q, ") ON COMMIT DROP");
	r = run_ok(s, q.buf, err);
	strbuf_release(&q);
	return r;
}

/* Sends what c->buf holds with one COPY into t (or copy_plays). */
static int send_rows(struct pg_store *s, const struct store_copy_table *t,
		     struct strbuf *err)
{
	struct pg_copy *c = s->copy;
	struct strbuf q = STRBUF_INIT;
	PGresult *r;
	int ok;

	if (!c->buf.len)
		return 0;
	strbuf_addf(&q, "COPY %s (", is_plays(t) ? "copy_plays" : t->name);
	for (int i = 0; i < t->ncols; i++)
		strbuf_addf(&q, "%s\"%s\"", i ? ", " : "", t->cols[i]);
	strbuf_addstr(&q, ") FROM STDIN");
	r = PQexec(s->conn, q.buf);
	strbuf_release(&q);
	ok = PQresultStatus(r) == PGRES_COPY_IN;
	PQclear(r);
	if (!ok)
		goto fail;
	ok = PQputCopyData(s->conn, c->buf.buf, (int)c->buf.len) == 1;
	if (PQputCopyEnd(s->conn, ok ? NULL : "cannot send the rows") != 1)
		ok = 0;
	while ((r = PQgetResult(s->conn))) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			ok = 0;
		PQclear(r);
	}
	strbuf_reset(&c->buf);
	if (ok)
		return 0;
fail:
	c->rows = 0; /* the transaction is lost: the next copy starts afresh */
	strbuf_reset(&c->buf);
	strbuf_addf(err, "cannot write '%s': ", t->name);
	pg_error(s, err);
	return -1;
}

/*
 * copy_plays into the tables: its new texts, the items, the plays under
 * their own ids (postgres/import.c's move_stage, with every column).
 */
static const char *const move_plays[] = {
	"ANALYZE copy_plays",
	"INSERT INTO texts (s) SELECT DISTINCT v FROM copy_plays,"
	" LATERAL (VALUES (kind), (track_id), (episode_id), (track_name),"
	" (artist_name), (album_name), (context_uri), (reason_start),"
	" (reason_end), (platform), (country), (ip_addr), (user_agent)) x(v)"
	" WHERE v IS NOT NULL ON CONFLICT (md5(s)) DO NOTHING",
	/* without it the planner takes the new texts for empty and joins 13
	 * times by nested loops: 9.7 s instead of 0.2 s at 8,000 plays */
	"ANALYZE texts",
	"CREATE TEMP TABLE copy_ids ON COMMIT DROP AS SELECT st.id,"
	" coalesce(a.id, 0) a, coalesce(b.id, 0) b, coalesce(c.id, 0) c,"
	" coalesce(d.id, 0) d, coalesce(e.id, 0) e, k.id k, coalesce(cx.id, 0) cx,"
	" coalesce(rs.id, 0) rs, coalesce(re.id, 0) re, coalesce(pl.id, 0) pl,"
	" coalesce(co.id, 0) co, coalesce(ip.id, 0) ip, coalesce(ua.id, 0) ua"
	" FROM copy_plays st LEFT JOIN texts a ON a.s = st.track_id"
	" LEFT JOIN texts b ON b.s = st.episode_id"
	" LEFT JOIN texts c ON c.s = st.track_name"
	" LEFT JOIN texts d ON d.s = st.artist_name"
	" LEFT JOIN texts e ON e.s = st.album_name"
	" LEFT JOIN texts k ON k.s = st.kind"
	" LEFT JOIN texts cx ON cx.s = st.context_uri"
	" LEFT JOIN texts rs ON rs.s = st.reason_start"
	" LEFT JOIN texts re ON re.s = st.reason_end"
	" LEFT JOIN texts pl ON pl.s = st.platform"
	" LEFT JOIN texts co ON co.s = st.country"
	" LEFT JOIN texts ip ON ip.s = st.ip_addr"
	" LEFT JOIN texts ua ON ua.s = st.user_agent",
	"ANALYZE copy_ids",
	"INSERT INTO items (track_id, episode_id, track_name, artist_name,"
	" album_name) SELECT DISTINCT a, b, c, d, e FROM copy_ids"
	" ON CONFLICT DO NOTHING",
	"INSERT INTO play_rows (id, account_id, played_ms, precision_ms, kind,"
	" item, ms_played, context_uri, reason_start, reason_end, skipped,"
	" shuffle, offline, offline_ms, incognito, platform, country, ip_addr,"
	" user_agent, sources, page_id, import_id, name_key)"
	" SELECT st.id, st.account_id, st.played_ms, st.precision_ms, x.k, i.id,"
	" st.ms_played, x.cx, x.rs, x.re, st.skipped, st.shuffle, st.offline,"
	" st.offline_ms, st.incognito, x.pl, x.co, x.ip, x.ua, st.sources,"
	" st.page_id, st.import_id, st.name_key"
	" FROM copy_plays st JOIN copy_ids x ON x.id = st.id"
	" JOIN items i ON i.track_id = x.a AND i.episode_id = x.b"
	" AND i.track_name = x.c AND i.artist_name = x.d AND i.album_name = x.e"
	" ORDER BY st.id",
	"ANALYZE items",
	"DROP TABLE copy_ids",
	"DROP TABLE copy_plays",
};

static int table_end(struct pg_store *s, const struct store_copy_table *t,
		     struct strbuf *err)
{
	struct pg_copy *c = s->copy;
	int r = 0;

	if (!c || !c->rows)
		return 0;
	if (send_rows(s, t, err))
		r = -1;
	for (size_t i = 0; !r && is_plays(t) && i < sizeof(move_plays) / sizeof(*move_plays); i++)
		if (run_ok(s, move_plays[i], err)) {
			strbuf_addstr(err, " (writing the plays)");
			r = -1;
		}
	c->rows = 0;
	return r;
}

int pgc_copy_write(struct store *st, const struct store_copy_table *t,
		   const struct store_copy_value *row, struct strbuf *err)
{
	struct pg_store *s = pg_of(st);
	struct pg_copy *c;

	if (!row)
		return table_end(s, t, err);
	if (!s->copy)
		s->copy = xcalloc(1, sizeof(*s->copy));
	c = s->copy;
	if (!c->rows) {
		strbuf_reset(&c->buf);
		if (!has_table(s, t->name)) {
			strbuf_addf(err, "cannot copy '%s': the postgresql engine has no"
				    " such table yet", t->name);
			return -1;
		}
		if (is_plays(t) && make_stage(s, t, err))
			return -1;
	}
	for (int i = 0; i < t->ncols; i++) {
		if (i)
			strbuf_addch(&c->buf, '\t');
		put_value(&c->buf, t->types[i], &row[i]);
	}
	strbuf_addch(&c->buf, '\n');
	c->rows++;
	return c->buf.len >= SEND_BYTES ? send_rows(s, t, err) : 0;
}

/*
 * Identity columns start after the ids copied in; the planner learns the
 * new tables' sizes.
 */
int pgc_copy_finish(struct store *st, struct strbuf *err)
{
	struct pg_store *s = pg_of(st);

	if (s->copy) {
		strbuf_reset(&s->copy->buf);
		s->copy->rows = 0;
	}
	return run_ok(s, "DO $$ DECLARE t text; BEGIN FOREACH t IN ARRAY ARRAY["
		      "'accounts', 'pages', 'imports', 'play_rows', 'gaps',"
		      " 'lb_tokens', 'similar_labels', 'similar_models'] LOOP"
		      " IF to_regclass(t) IS NOT NULL AND"
		      " pg_get_serial_sequence(t, 'id') IS NOT NULL THEN"
		      " EXECUTE format('SELECT setval(pg_get_serial_sequence(%L,"
		      " ''id''), max(id)) FROM %I HAVING max(id) IS NOT NULL', t, t);"
		      " END IF; END LOOP; END $$", err) ||
	       run_ok(s, "ANALYZE", err) || pgk_fill_canon(s, err); /* round 6: canon */
}
