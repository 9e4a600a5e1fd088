/*
 * The PostgreSQL engine's connection and statement helpers (see pg.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/xalloc.h"
#include "store/postgres/libpq.h"   /* issue 9: libpq is loaded here */
#include "store/postgres/pg.h"
#include "core/banned.h"

static void quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg; /* NOTICEs ("already exists, skipping") are not for users */
}

/* The first line of a libpq message, without its "FATAL:  " or "ERROR:  ". */
static void add_line(struct strbuf *err, const char *msg)
{
	size_t n;

	if (!msg || !*msg) {
		strbuf_addstr(err, "unknown error");
		return;
	}
	if (!strncmp(msg, "ERROR:  ", 8) || !strncmp(msg, "FATAL:  ", 8))
		msg += 8;
	n = strcspn(msg, "\n");
	while (n && (msg[n - 1] == ' ' || msg[n - 1] == '\r'))
		n--;
	strbuf_add(err, msg, n);
}

int pg_connect(const char *url, struct pg_store *s, struct strbuf *err)
{
	struct strbuf m = STRBUF_INIT;

	config_mask_url(&m, url);
	s->masked = strbuf_detach(&m, NULL);
	if (pg_libpq_load(err))   /* issue 9: the binary does not link libpq */
		return -1;
	s->conn = PQconnectdb(url);
	if (!s->conn || PQstatus(s->conn) != CONNECTION_OK) {
		strbuf_addf(err, "cannot connect to %s: ", s->masked);
		add_line(err, s->conn ? PQerrorMessage(s->conn) : "out of memory");
		strbuf_addstr(err, "; is the server running?");
		return -1;
	}
	PQsetNoticeProcessor(s->conn, quiet, NULL);
	return 0;
}

void pg_error(struct pg_store *s, struct strbuf *err)
{
	strbuf_addstr(err, "database: ");
	add_line(err, PQerrorMessage(s->conn));
}

void pg_params_init(struct pg_params *p)
{
	p->n = 0;
}

void pg_params_range(struct pg_params *p, int64_t from, int64_t to, int64_t account_id)
{
	pg_params_init(p);
	pg_int(p, from);
	pg_int(p, to);
	if (account_id)
		pg_int(p, account_id);
}

static int slot(struct pg_params *p)
{
	if (p->n >= PG_MAX_PARAMS) {
		fprintf(stderr, "BUG: more than %d parameters\n", PG_MAX_PARAMS);
		abort();
	}
	return p->n++;
}

void pg_int(struct pg_params *p, int64_t v)
{
	int i = slot(p);

	snprintf(p->num[i], sizeof(p->num[i]), "%lld", (long long)v);
	p->v[i] = p->num[i];
	p->len[i] = 0;
	p->fmt[i] = 0;
}

void pg_null(struct pg_params *p)
{
	int i = slot(p);

	p->v[i] = NULL;
	p->len[i] = 0;
	p->fmt[i] = 0;
}

void pg_textn(struct pg_params *p, const char *s, size_t len)
{
	int i;

	if (!s) {
		pg_null(p);
		return;
	}
	i = slot(p);
	p->v[i] = s;
	p->len[i] = (int)len;
	p->fmt[i] = 1; /* binary text is the bytes themselves */
}

void pg_text(struct pg_params *p, const char *s)
{
	pg_textn(p, s, s ? strlen(s) : 0);
}

void pg_text_array(struct pg_params *p, struct strbuf *buf, const char *const *v, int n)
{
	strbuf_reset(buf);
	strbuf_addch(buf, '{');
	for (int i = 0; i < n; i++) {
		strbuf_addstr(buf, i ? ",\"" : "\"");
		for (const char *c = v[i]; *c; c++) {
			if (*c == '"' || *c == '\\')
				strbuf_addch(buf, '\\');
			strbuf_addch(buf, *c);
		}
		strbuf_addch(buf, '"');
	}
	strbuf_addch(buf, '}');
	pg_textn(p, buf->buf, buf->len);
}

void pg_num(struct pg_params *p, double v, int as_int)
{
	int i;

	if (isnan(v)) {
		pg_null(p);
		return;
	}
	if (as_int) {
		pg_int(p, (int64_t)v);
		return;
	}
	i = slot(p);
	snprintf(p->num[i], sizeof(p->num[i]), "%.17g", v);
	p->v[i] = p->num[i];
	p->len[i] = 0;
	p->fmt[i] = 0;
}

void pg_forget_prepared(struct pg_store *s)
{
	memset(s->prepared, 0, (size_t)s->nprepared);
}

static int next_index = 1;

static int prepare(struct pg_store *s, struct pg_q *q, int nparams)
{
	char name[24];
	PGresult *r;
	int ok;

	if (!q->index)
		q->index = next_index++;
	if (q->index < s->nprepared && s->prepared[q->index])
		return 0;
	if (q->index >= s->nprepared) {
		int n = q->index + 64;
		s->prepared = xrealloc(s->prepared, (size_t)n);
		memset(s->prepared + s->nprepared, 0, (size_t)(n - s->nprepared));
		s->nprepared = n;
	}
	snprintf(name, sizeof(name), "q%d", q->index);
	(void)nparams;
	r = PQprepare(s->conn, name, q->sql, 0, NULL);
	ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	if (ok)
		s->prepared[q->index] = 1;
	return ok ? 0 : -1;
}

PGresult *pg_exec(struct pg_store *s, struct pg_q *q,
		  const struct pg_params *p, struct strbuf *err)
{
	static const struct pg_params none;
	char name[24];
	PGresult *r;
	ExecStatusType st;

	if (!p)
		p = &none;
	if (pg_copy_wait(s, err))
		return NULL;
	s->stmts++;
	if (prepare(s, q, p->n))
		goto fail;
	snprintf(name, sizeof(name), "q%d", q->index);
	r = PQexecPrepared(s->conn, name, p->n, p->v, p->len, p->fmt, q->binary);
	st = PQresultStatus(r);
	if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
		return r;
	PQclear(r);
fail:
	strbuf_reset(&s->errmsg);
	pg_error(s, &s->errmsg);
	if (err)
		strbuf_addstr(err, s->errmsg.buf);
	return NULL;
}

int pg_run(struct pg_store *s, struct pg_q *q, const struct pg_params *p,
	   int64_t *changed, struct strbuf *err)
{
	PGresult *r = pg_exec(s, q, p, err);

	if (!r)
		return -1;
	if (changed)
		*changed = strtoll(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	return 0;
}

int pg_sql(struct pg_store *s, const char *sql, struct strbuf *err)
{
	PGresult *r;
	/* a failed COPY aborted the transaction: the sql runs still (a ROLLBACK) */
	int bad = pg_copy_wait(s, err), ok;

	s->stmts++;
	r = PQexec(s->conn, sql);
	ok = !bad && (PQresultStatus(r) == PGRES_COMMAND_OK ||
		      PQresultStatus(r) == PGRES_TUPLES_OK);

	PQclear(r);
	if (!ok && !bad) {
		strbuf_reset(&s->errmsg);
		pg_error(s, &s->errmsg);
		if (err)
			strbuf_addstr(err, s->errmsg.buf);
	}
	return ok ? 0 : -1;
}

int64_t pg_scalar(struct pg_store *s, struct pg_q *q,
		  const struct pg_params *p, int64_t dflt)
{
	PGresult *r = pg_exec(s, q, p, NULL);
	int64_t v = dflt;

	if (!r)
		return -1;
	if (PQntuples(r) > 0)
		v = pg_get_int(r, 0, 0, dflt);
	PQclear(r);
	return v;
}

/* A binary integer (smallint, integer, bigint, boolean): big-endian bytes. */
static int64_t binary_int(const unsigned char *v, int len)
{
	uint64_t u = 0;

	for (int i = 0; i < len; i++)
		u = u << 8 | v[i];
	if (len > 0 && len < 8 && (v[0] & 0x80)) /* sign-extend */
		u |= ~(uint64_t)0 << (8 * len);
	return (int64_t)u;
}

int64_t pg_get_int(const PGresult *r, int row, int col, int64_t dflt)
{
	const char *v;

	if (PQgetisnull(r, row, col))
		return dflt;
	v = PQgetvalue(r, row, col);
	if (PQfformat(r, col) == 1)
		return binary_int((const unsigned char *)v, PQgetlength(r, row, col));
	if (*v == 't')
		return 1;
	if (*v == 'f')
		return 0;
	return strtoll(v, NULL, 10);
}

const char *pg_get_str(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
}

char *pg_get_dup(const PGresult *r, int row, int col)
{
	const char *v = pg_get_str(r, row, col);

	return v ? xstrdup(v) : NULL;
}

double pg_get_num(const PGresult *r, int row, int col)
{
	if (PQgetisnull(r, row, col))
		return NAN;
	return strtod(PQgetvalue(r, row, col), NULL);
}

/*
 * The whole answer first, then a callback per row: a callback may call the
 * store again (a song record reads the catalog for each play), which a
 * connection in the middle of a streamed answer cannot serve. A million
 * plays' rows take about 150 MB while the walk runs.
 */
int pg_each(struct pg_store *s, struct pg_q *q, const struct pg_params *p,
	    int (*fn)(void *arg, const PGresult *r, int row), void *arg,
	    struct strbuf *err)
{
	PGresult *r = pg_exec(s, q, p, err);
	int stop = 0;

	if (!r)
		return -1;
	for (int i = 0; i < PQntuples(r) && !stop; i++)
		stop = fn(arg, r, i);
	PQclear(r);
	return stop;
}

/*
 * COPY (the statement copy_sql, "... FROM STDIN", text or binary as it
 * says) of the rows in buf.
 * The failure says "cannot write the plays: " and the server's message.
 */
int pg_copy_send(struct pg_store *s, const char *copy_sql,
		 const struct strbuf *buf, struct strbuf *err)
{
	PGconn *c = s->conn;
	PGresult *r;
	int ok;

	if (pg_copy_wait(s, err))
		return -1;
	s->stmts++;
	r = PQexec(c, copy_sql);
	ok = PQresultStatus(r) == PGRES_COPY_IN;
	PQclear(r);
	if (ok) {
		ok = PQputCopyData(c, buf->buf, (int)buf->len) == 1;
		if (PQputCopyEnd(c, ok ? NULL : "cannot send the rows") != 1)
			ok = 0;
		s->copy_pending = 1;
		if (ok)
			return 0;
		pg_copy_wait(s, NULL);
	}
	strbuf_reset(&s->errmsg);
	pg_error(s, &s->errmsg);
	strbuf_addf(err, "cannot write the plays: %s", s->errmsg.buf);
	return -1;
}

int pg_copy_wait(struct pg_store *s, struct strbuf *err)
{
	PGresult *r;
	int ok = 1;

	if (!s->copy_pending)
		return 0;
	s->copy_pending = 0;
	while ((r = PQgetResult(s->conn))) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			ok = 0;
		PQclear(r);
	}
	if (ok)
		return 0;
	strbuf_reset(&s->errmsg);
	pg_error(s, &s->errmsg);
	if (err)
		strbuf_addf(err, "cannot write the plays: %s", s->errmsg.buf);
	return -1;
}

int pg_copy_in(struct pg_store *s, const char *copy_sql,
	       const struct strbuf *buf, struct strbuf *err)
{
	return pg_copy_send(s, copy_sql, buf, err) || pg_copy_wait(s, err) ? -1 : 0;
}

/* s (len bytes) escaped for COPY's text format; NUL bytes are dropped. */
void pg_copy_str(struct strbuf *b, const char *s, size_t len)
{
	size_t run = 0;

	for (size_t i = 0; i < len; i++) {
		const char *esc;
		switch (s[i]) {
		case '\\': esc = "\\\\"; break;
		case '\t': esc = "\\t"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\0': esc = ""; break;
		default: continue;
		}
		strbuf_add(b, s + run, i - run);
		strbuf_addstr(b, esc);
		run = i + 1;
	}
	strbuf_add(b, s + run, len - run);
}
