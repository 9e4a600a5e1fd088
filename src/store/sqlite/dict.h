/*
 * The rows plays refer to instead of storing strings (migration 5): strs
 * (one string), track_keys (a Spotify id, or a name key), play_names (the
 * names a play carried) and play_ctx (platform, country, network, reasons),
 * each looked up or made through an in-memory map, so a bulk import asks
 * the database nothing per distinct value. The map is loaded whole once an
 * import has looked up SQ_DICT_LAZY values one by one (small imports never
 * do); rows other statements make meanwhile (the plays view's triggers)
 * are found by a lookup once sq_dict_dirty says so. One sq_dict per connection
 * and writer; the caller owns it and frees it with sq_dict_free.
 * Private to the SQLite engine.
 */
#ifndef STORE_SQLITE_DICT_H
#define STORE_SQLITE_DICT_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"

/* The id of 'music' in strs (migration 5 makes it). */
#define SQ_KIND_MUSIC 1

enum sq_dict_table { SQD_STR, SQD_TRACK_ID, SQD_TRACK_NAME, SQD_NAMES, SQD_CTX,
		     SQD_COUNT };

/* A field of a key: NULL (s NULL and !is_int), a text, or an integer. */
struct sq_dv {
	const char *s;
	size_t len;
	int64_t i;
	int is_int;
};

struct sq_dict_map;
struct sq_dict_pend;

struct sq_dict {
	sqlite3 *db;
	struct sq_dict_map *m[SQD_COUNT];
	sqlite3_stmt *ins[SQD_COUNT], *get[SQD_COUNT];
	struct strbuf k; /* scratch key */
	int loaded, dirty;
	size_t lookups;  /* made before the maps were loaded (dict.c: SQ_DICT_LAZY) */
	size_t made[SQD_COUNT]; /* rows this dictionary inserted, per table */
	int failed;      /* a statement failed: every later call fails too */
	/*
	 * Once the maps are loaded, new rows get their ids here (the largest
	 * + 1, as a rowid would) and wait in pend, to be written SQ_DICT_BATCH
	 * per statement by sq_dict_flush.
	 */
	int64_t next[SQD_COUNT]; /* by table: track_keys' in SQD_TRACK_ID */
	struct sq_dict_pend *pend[SQD_COUNT];
	sqlite3_stmt *many[SQD_COUNT], *one[SQD_COUNT];
	/* issue 14: when set, the statements above come from its cache (stmtcache.h) */
	struct store *store;
};

void sq_dict_init(struct sq_dict *d, sqlite3 *db);
void sq_dict_free(struct sq_dict *d);
/* Rows may have been made by SQL behind the map's back. */
static inline void sq_dict_dirty(struct sq_dict *d) { d->dirty = 1; }
/*
 * The id of the row of table t with the fields f (as many as t has:
 * SQD_STR 1, SQD_TRACK_ID 1, SQD_TRACK_NAME 2 (name key, names id),
 * SQD_NAMES 4, SQD_CTX 6), made when missing; 0 when every field is NULL
 * (no row), -1 on a database error. SQD_TRACK_NAME is keyed by its first
 * field only.
 */
int64_t sq_dict_id(struct sq_dict *d, enum sq_dict_table t, const struct sq_dv *f);
/*
 * Writes the rows sq_dict_id made but has not written yet; call it before
 * anything reads the dictionary tables (a scan, a merge's read, the canon
 * pass) and before the transaction ends. 0, or -1 on a database error.
 */
int sq_dict_flush(struct sq_dict *d);

#endif
