#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/db.h"
#include "store/setaside.h"
#include "core/banned.h"

/* The longest id a message shows: a set-aside id may be any length. */
#define SHOW_MAX 40

static const char *const kind_names[SA_KINDS] = {
	"track", "artist", "audio-features", "audio-analysis",
};

const char *setaside_kind_name(enum setaside_kind k)
{
	return kind_names[k];
}

static enum setaside_kind kind_of(const char *name)
{
	for (int k = 0; k < SA_KINDS; k++)
		if (name && !strcmp(name, kind_names[k]))
			return (enum setaside_kind)k;
	return SA_TRACK;
}

int setaside_add(sqlite3 *db, enum setaside_kind k, const char *id,
		 const char *reason, int64_t now_ms, struct strbuf *err)
{
	sqlite3_stmt *st = db_prepare(db,
		"INSERT OR IGNORE INTO set_aside (kind, id, reason, set_ms) "
		"VALUES (?, ?, ?, ?)");
	int r;

	sqlite3_bind_text(st, 1, kind_names[k], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now_ms);
	if (sqlite3_step(st) == SQLITE_DONE) {
		r = sqlite3_changes(db) > 0;
	} else {
		db_error(db, err);
		r = -1;
	}
	sqlite3_finalize(st);
	return r;
}

int setaside_has(sqlite3 *db, enum setaside_kind k, const char *id)
{
	sqlite3_stmt *st = db_prepare(db,
		"SELECT 1 FROM set_aside WHERE id = ?1 AND (kind = ?2 OR "
		"(kind = 'track' AND ?2 IN ('audio-features', 'audio-analysis')))");
	int found;

	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, kind_names[k], -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

int64_t setaside_count(sqlite3 *db)
{
	return db_scalar(db, "SELECT count(*) FROM set_aside");
}

int setaside_list(sqlite3 *db, size_t max, struct setaside_list *out)
{
	sqlite3_stmt *st = db_prepare(db,
		"SELECT kind, id, reason, set_ms FROM set_aside "
		"ORDER BY CASE kind WHEN 'track' THEN 0 WHEN 'artist' THEN 1 "
		"WHEN 'audio-features' THEN 2 ELSE 3 END, id LIMIT ?");
	int rc;

	out->v = xcalloc(max + 1, sizeof(*out->v));
	out->n = 0;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct setaside_entry *e = &out->v[out->n++];
		const char *reason = (const char *)sqlite3_column_text(st, 2);
		e->kind = kind_of((const char *)sqlite3_column_text(st, 0));
		e->id = xstrdup((const char *)sqlite3_column_text(st, 1));
		e->reason = xstrdup(reason ? reason : "");
		e->set_ms = sqlite3_column_int64(st, 3);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

void setaside_list_release(struct setaside_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].id);
		free(l->v[i].reason);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int64_t setaside_forget(sqlite3 *db, struct strbuf *err)
{
	if (db_exec(db, "DELETE FROM set_aside", err))
		return -1;
	return sqlite3_changes(db);
}

void setaside_describe(struct strbuf *out, const char *id, const char *reason)
{
	size_t n = strlen(id), start = out->len;

	strbuf_addch(out, '\'');
	if (n > SHOW_MAX) {
		/* cut on a character boundary: no UTF-8 continuation byte first */
		n = SHOW_MAX;
		while (n && ((unsigned char)id[n] & 0xC0) == 0x80)
			n--;
		strbuf_add(out, id, n);
		strbuf_addstr(out, "…");
	} else {
		strbuf_add(out, id, n);
	}
	str_make_printable(out->buf + start);
	strbuf_addf(out, "': %s", reason);
}
