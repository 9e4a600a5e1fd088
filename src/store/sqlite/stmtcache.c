/* Prepared statements kept per store handle: see stmtcache.h. */
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/sqlite/db.h"
#include "store/sqlite/sqlite.h"
#include "store/sqlite/stmtcache.h"
#include "core/banned.h"

/* More than one submission's statements; beyond it, prepared each time. */
#define STC_MAX 64

struct stc_entry {
	char *sql;
	sqlite3_stmt *st;
	int out; /* handed out by stc_get, not yet back through stc_done */
};

struct stc {
	struct stc_entry e[STC_MAX];
	int n;
};

sqlite3_stmt *stc_get(struct store *s, const char *sql)
{
	struct sqlite_store *ss = sqlite_of(s);
	struct stc *c = ss->stc;
	struct stc_entry *e;

	if (!c)
		c = ss->stc = xcalloc(1, sizeof(*c));
	for (int i = 0; i < c->n; i++) {
		e = &c->e[i];
		if (!e->out && !strcmp(e->sql, sql)) {
			e->out = 1;
			return e->st;
		}
	}
	if (c->n == STC_MAX)
		return db_prepare(ss->db, sql);
	e = &c->e[c->n++];
	e->sql = xstrdup(sql);
	e->st = db_prepare(ss->db, sql);
	e->out = 1;
	return e->st;
}

void stc_done(struct store *s, sqlite3_stmt *st)
{
	struct stc *c = sqlite_of(s)->stc;

	if (!st)
		return;
	for (int i = 0; c && i < c->n; i++) {
		if (c->e[i].st == st) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			c->e[i].out = 0;
			return;
		}
	}
	sqlite3_finalize(st);
}

sqlite3_stmt *stc_get_on(struct store *s, sqlite3 *db, const char *sql)
{
	return s ? stc_get(s, sql) : db_prepare(db, sql);
}

void stc_done_on(struct store *s, sqlite3_stmt *st)
{
	if (s)
		stc_done(s, st);
	else
		sqlite3_finalize(st);
}

void stc_free(struct stc *c)
{
	if (!c)
		return;
	for (int i = 0; i < c->n; i++) {
		sqlite3_finalize(c->e[i].st);
		free(c->e[i].sql);
	}
	free(c);
}

int64_t stc_int(struct store *s, const char *sql, const char *text)
{
	sqlite3_stmt *st = stc_get(s, sql);
	int64_t v = 0;
	int rc;

	if (text)
		sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE)
		v = -1;
	stc_done(s, st);
	return v;
}
