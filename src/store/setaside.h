/*
 * Set-aside ids: an id the ETL cannot use is written here with its kind,
 * the reason and the time, so it never blocks the other ids of its batch
 * and no provider is asked for it again. Reasons: it is not a Spotify id
 * (core/ids.h), the provider says it does not exist (404, null in a batch
 * answer), or the answer for it cannot be used. 'spinlog etl' says what a
 * run set aside, 'spinlog status' lists them, and 'spinlog etl
 * --retry-set-aside' forgets them so they are asked again.
 *
 * Strings passed in are borrowed for the call; setaside_list fills entries
 * the caller frees with setaside_list_release.
 */
#ifndef STORE_SETASIDE_H
#define STORE_SETASIDE_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"

enum setaside_kind {
	SA_TRACK,    /* every track endpoint skips it */
	SA_ARTIST,   /* the artist endpoint skips it */
	SA_FEATURES, /* only audio features skip it */
	SA_ANALYSIS, /* only audio analysis skips it */
	SA_KINDS
};

/* "track", "artist", "audio-features", "audio-analysis". */
const char *setaside_kind_name(enum setaside_kind k);

/* 1 when newly set aside, 0 when it was already, -1 on a database error
 * (err gets "database: ..."). */
int setaside_add(sqlite3 *db, enum setaside_kind k, const char *id,
		 const char *reason, int64_t now_ms, struct strbuf *err);

/* 1 when id is set aside for k; a track set aside (SA_TRACK) is also set
 * aside for its audio features and analysis. */
int setaside_has(sqlite3 *db, enum setaside_kind k, const char *id);

/* Ids set aside, all kinds. */
int64_t setaside_count(sqlite3 *db);

struct setaside_entry {
	enum setaside_kind kind;
	char *id, *reason;
	int64_t set_ms;
};
struct setaside_list {
	struct setaside_entry *v;
	size_t n;
};
#define SETASIDE_LIST_INIT { NULL, 0 }

/* The first max entries, by kind then id. 0, or -1 on a database error. */
int setaside_list(sqlite3 *db, size_t max, struct setaside_list *out);
void setaside_list_release(struct setaside_list *l);

/* Forgets every set-aside id; the number forgotten, or -1 with err. */
int64_t setaside_forget(sqlite3 *db, struct strbuf *err);

/* Appends "'<id>': <reason>" with the id made printable and cut at 40
 * bytes, as messages show an id that may be hostile. */
void setaside_describe(struct strbuf *out, const char *id, const char *reason);

#endif
