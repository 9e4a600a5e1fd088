/*
 * The SQLite engine's dictionaries of plays (dict.h): an open-addressing
 * map per table from a key's bytes to its row id. A key is its fields one
 * after the other, each a tag byte (0 NULL, 1 text, 2 integer) and its
 * bytes, so NULL and '' differ as they do in the tables.
 */
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "core/strbuf.h"
#include "core/xalloc.h"
#include "store/sqlite/db.h"
#include "store/sqlite/dict.h"
#include "store/sqlite/import.h"
#include "store/sqlite/stmtcache.h"
#include "core/banned.h"

struct sq_dict_ent {
	uint64_t h;
	int64_t id;     /* 0: empty slot */
	size_t off, len; /* the key in keys */
};

struct sq_dict_map {
	struct sq_dict_ent *e;
	size_t cap, n;
	struct strbuf keys;
};

static const struct {
	int nf, keyed;       /* fields, fields in the key */
	const char *load, *ins, *get;
	const char *table, *cols; /* for rows written with their id (sq_dict_flush) */
} tabs[SQD_COUNT] = {
	[SQD_STR] = { 1, 1, "SELECT id, s FROM strs",
		"INSERT INTO strs (s) VALUES (?1)",
		"SELECT id FROM strs WHERE s = ?1", "strs", "(id, s)" },
	[SQD_TRACK_ID] = { 1, 1,
		"SELECT id, spotify_id FROM track_keys WHERE spotify_id IS NOT NULL",
		"INSERT INTO track_keys (spotify_id) VALUES (?1)",
		"SELECT id FROM track_keys WHERE spotify_id = ?1", "track_keys",
		"(id, spotify_id)" },
	[SQD_TRACK_NAME] = { 2, 1,
		"SELECT id, name_key FROM track_keys WHERE spotify_id IS NULL",
		"INSERT INTO track_keys (name_key, names) VALUES (?1, ?2)",
		"SELECT id FROM track_keys WHERE spotify_id IS NULL AND name_key = ?1",
		"track_keys", "(id, name_key, names)" },
	[SQD_NAMES] = { 4, 4,
		"SELECT id, track_name, artist_name, album_name, name_key FROM play_names",
		"INSERT INTO play_names (track_name, artist_name, album_name, name_key)"
		" VALUES (?1, ?2, ?3, ?4)",
		"SELECT min(id) FROM play_names WHERE track_name IS ?1 AND"
		" artist_name IS ?2 AND album_name IS ?3 AND name_key IS ?4",
		"play_names", "(id, track_name, artist_name, album_name, name_key)" },
	[SQD_CTX] = { 6, 6,
		"SELECT id, platform, country, ip_addr, user_agent, reason_start,"
		" reason_end FROM play_ctx",
		"INSERT INTO play_ctx (platform, country, ip_addr, user_agent,"
		" reason_start, reason_end) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
		"SELECT min(id) FROM play_ctx WHERE platform IS ?1 AND country IS ?2"
		" AND ip_addr IS ?3 AND user_agent IS ?4 AND reason_start IS ?5"
		" AND reason_end IS ?6", "play_ctx", "(id, platform, country, ip_addr,"
		" user_agent, reason_start, reason_end)" },
};

void sq_dict_init(struct sq_dict *d, sqlite3 *db)
{
	memset(d, 0, sizeof(*d));
	d->db = db;
	strbuf_init(&d->k, 0);
}

/* A row made but not written yet: its id, and its fields (texts in text). */
struct sq_dict_prow {
	int64_t id;
	struct {
		size_t off, len;
		int64_t i;
		unsigned char tag; /* 0 NULL, 1 text, 2 integer */
	} f[6];
};

struct sq_dict_pend {
	struct strbuf text;
	struct sq_dict_prow *rows;
	size_t n, alloc;
};

/* Rows written per statement by sq_dict_flush, as import.c's BATCH. */
#define SQ_DICT_BATCH 16

static void maps_free(struct sq_dict *d);

void sq_dict_free(struct sq_dict *d)
{
	maps_free(d);
	for (int t = 0; t < SQD_COUNT; t++) {
		stc_done_on(d->store, d->ins[t]);
		stc_done_on(d->store, d->get[t]);
		stc_done_on(d->store, d->many[t]);
		stc_done_on(d->store, d->one[t]);
		if (d->pend[t]) {
			strbuf_release(&d->pend[t]->text);
			free(d->pend[t]->rows);
			free(d->pend[t]);
		}
	}
	strbuf_release(&d->k);
	memset(d, 0, sizeof(*d));
}

/* The key of fields f[0..n) into k; 0 when every field is NULL. */
static int make_key(struct strbuf *k, const struct sq_dv *f, int n)
{
	int any = 0;

	strbuf_reset(k);
	for (int i = 0; i < n; i++) {
		if (f[i].is_int) {
			strbuf_addch(k, 2);
			strbuf_add(k, &f[i].i, sizeof(f[i].i));
			any = 1;
		} else if (f[i].s) {
			strbuf_addch(k, 1);
			strbuf_add(k, f[i].s, f[i].len);
			strbuf_addch(k, 0);
			any = 1;
		} else {
			strbuf_addch(k, 0);
		}
	}
	return any;
}

static uint64_t key_hash(const char *k, size_t len)
{
	uint64_t h = HASH_FNV_OFFSET;

	for (size_t i = 0; i < len; i++)
		h = hash_fnv1a_byte(h, (unsigned char)k[i]);
	return h | 1;
}

/* The slot of key k in m: its entry, or the empty slot it would take. */
static struct sq_dict_ent *slot(struct sq_dict_map *m, uint64_t h,
				const char *k, size_t len)
{
	size_t i = (size_t)h & (m->cap - 1);

	for (;; i = (i + 1) & (m->cap - 1)) {
		struct sq_dict_ent *e = &m->e[i];
		if (!e->id || (e->h == h && e->len == len &&
			       !memcmp(m->keys.buf + e->off, k, len)))
			return e;
	}
}

static void put(struct sq_dict_map *m, uint64_t h, const char *k, size_t len,
		int64_t id)
{
	struct sq_dict_ent *e;

	if (2 * (m->n + 1) > m->cap) {
		struct sq_dict_ent *old = m->e;
		size_t oldcap = m->cap;
		m->cap = m->cap ? 2 * m->cap : 1024;
		m->e = xcalloc(m->cap, sizeof(*m->e));
		for (size_t i = 0; i < oldcap; i++)
			if (old[i].id)
				*slot(m, old[i].h, m->keys.buf + old[i].off,
				      old[i].len) = old[i];
		free(old);
	}
	e = slot(m, h, k, len);
	if (e->id)
		return;
	e->h = h;
	e->id = id;
	e->off = m->keys.len;
	e->len = len;
	strbuf_add(&m->keys, k, len);
	m->n++;
}

static void column_fields(sqlite3_stmt *st, struct sq_dv *f, int n)
{
	for (int i = 0; i < n; i++) {
		int c = i + 1, type = sqlite3_column_type(st, c);
		memset(&f[i], 0, sizeof(f[i]));
		if (type == SQLITE_INTEGER) {
			f[i].is_int = 1;
			f[i].i = sqlite3_column_int64(st, c);
		} else if (type != SQLITE_NULL) {
			f[i].s = (const char *)sqlite3_column_text(st, c);
			f[i].len = (size_t)sqlite3_column_bytes(st, c);
		}
	}
}

static int load(struct sq_dict *d)
{
	struct strbuf k = STRBUF_INIT;
	struct sq_dv f[6];
	int rc = SQLITE_DONE;

	for (int t = 0; t < SQD_COUNT && rc == SQLITE_DONE; t++) {
		sqlite3_stmt *st = db_prepare(d->db, tabs[t].load);
		d->m[t] = xcalloc(1, sizeof(*d->m[t]));
		strbuf_init(&d->m[t]->keys, 0);
		d->m[t]->cap = 1024;
		d->m[t]->e = xcalloc(d->m[t]->cap, sizeof(*d->m[t]->e));
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			column_fields(st, f, tabs[t].keyed);
			if (make_key(&k, f, tabs[t].keyed))
				put(d->m[t], key_hash(k.buf, k.len), k.buf, k.len,
				    sqlite3_column_int64(st, 0));
		}
		sqlite3_finalize(st);
	}
	strbuf_release(&k);
	d->loaded = 1;
	return rc == SQLITE_DONE ? 0 : -1;
}

static void bind_fields(sqlite3_stmt *st, const struct sq_dv *f, int n)
{
	for (int i = 0; i < n; i++) {
		if (f[i].is_int)
			sqlite3_bind_int64(st, i + 1, f[i].i);
		else if (f[i].s)
			sqlite3_bind_text(st, i + 1, f[i].s, (int)f[i].len,
					  SQLITE_STATIC);
		else
			sqlite3_bind_null(st, i + 1);
	}
}

/* The row's id from the table itself (made by SQL the map did not see). */
static int64_t lookup(struct sq_dict *d, enum sq_dict_table t,
		      const struct sq_dv *f)
{
	sqlite3_stmt *st;
	int64_t id = 0;

	if (!d->get[t])
		d->get[t] = stc_get_on(d->store, d->db, tabs[t].get);
	st = d->get[t];
	bind_fields(st, f, tabs[t].keyed);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		id = sqlite3_column_int64(st, 0);
		break;
	case SQLITE_DONE:
		break;
	default:
		/*
		 * -1, not "not found": after an out-of-memory error SQLite may
		 * have rolled the transaction back, and an INSERT now would
		 * land outside it (t0802 found a half-written store so)
		 */
		id = -1;
	}
	sqlite3_reset(st);
	return id;
}

/*
 * Until an import has looked up SQ_DICT_LAZY distinct values, each is
 * looked up by its index (one SELECT) instead of loading the maps whole:
 * a submission of one listen to serve's endpoint loaded every dictionary
 * for its one play (36 % of its CPU on a store of 1,300 plays, perf). A
 * big import pays the lookups once, then loads as before.
 */
#define SQ_DICT_LAZY 4096

static void maps_free(struct sq_dict *d)
{
	for (int t = 0; t < SQD_COUNT; t++) {
		if (d->m[t]) {
			free(d->m[t]->e);
			strbuf_release(&d->m[t]->keys);
			free(d->m[t]);
			d->m[t] = NULL;
		}
	}
}

static void maps_new(struct sq_dict *d)
{
	for (int t = 0; t < SQD_COUNT; t++) {
		d->m[t] = xcalloc(1, sizeof(*d->m[t]));
		strbuf_init(&d->m[t]->keys, 0);
		d->m[t]->cap = 64;
		d->m[t]->e = xcalloc(d->m[t]->cap, sizeof(*d->m[t]->e));
	}
}

/* The maps to use: lazy ones at first, the whole tables after enough lookups. */
static int ready(struct sq_dict *d)
{
	if (d->loaded)
		return 0;
	if (d->lookups < SQ_DICT_LAZY && !(d->store && sq_bulk_names_off(d->store))) {
		if (!d->m[0])
			maps_new(d);
		return 0;
	}
	maps_free(d);
	return load(d);
}

/* The table whose ids t's rows take: track_keys' rows are of two kinds. */
static int seq_of(enum sq_dict_table t)
{
	return t == SQD_TRACK_NAME ? SQD_TRACK_ID : (int)t;
}

/* Queues a new row of t with fields f; its id, or -1. */
static int64_t defer(struct sq_dict *d, enum sq_dict_table t, const struct sq_dv *f)
{
	int s = seq_of(t);
	struct sq_dict_pend *p;
	struct sq_dict_prow *r;

	if (!d->next[s]) {
		struct strbuf q = STRBUF_INIT;
		strbuf_addf(&q, "SELECT coalesce(max(id), 0) + 1 FROM %s", tabs[s].table);
		d->next[s] = db_scalar(d->db, q.buf);
		strbuf_release(&q);
		if (d->next[s] <= 0) {
			d->next[s] = 0;
			return -1;
		}
	}
	if (!d->pend[t]) {
		d->pend[t] = xcalloc(1, sizeof(*d->pend[t]));
		strbuf_init(&d->pend[t]->text, 0);
	}
	p = d->pend[t];
	ALLOC_GROW(p->rows, p->n + 1, p->alloc);
	r = &p->rows[p->n++];
	memset(r, 0, sizeof(*r));
	r->id = d->next[s]++;
	for (int i = 0; i < tabs[t].nf; i++) {
		if (f[i].is_int) {
			r->f[i].tag = 2;
			r->f[i].i = f[i].i;
		} else if (f[i].s) {
			r->f[i].tag = 1;
			r->f[i].off = p->text.len;
			r->f[i].len = f[i].len;
			strbuf_add(&p->text, f[i].s, f[i].len);
		}
	}
	return r->id;
}

static sqlite3_stmt *insert_rows(struct sq_dict *d, enum sq_dict_table t, int rows)
{
	struct strbuf q = STRBUF_INIT;
	sqlite3_stmt *st;

	/* OR FAIL: no statement journal (import.c: insert_sql); a failure ends the import */
	strbuf_addf(&q, "INSERT OR FAIL INTO %s %s VALUES ", tabs[t].table, tabs[t].cols);
	for (int k = 0; k < rows; k++) {
		strbuf_addstr(&q, k ? ", (?" : "(?");
		for (int c = 0; c < tabs[t].nf; c++)
			strbuf_addstr(&q, ", ?");
		strbuf_addch(&q, ')');
	}
	st = stc_get_on(d->store, d->db, q.buf);
	strbuf_release(&q);
	return st;
}

static void bind_prow(sqlite3_stmt *st, int o, const struct sq_dict_pend *p,
		      const struct sq_dict_prow *r, int nf)
{
	sqlite3_bind_int64(st, o + 1, r->id);
	for (int i = 0; i < nf; i++) {
		if (r->f[i].tag == 2)
			sqlite3_bind_int64(st, o + 2 + i, r->f[i].i);
		else if (r->f[i].tag == 1)
			sqlite3_bind_text(st, o + 2 + i, p->text.buf + r->f[i].off,
					  (int)r->f[i].len, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, o + 2 + i);
	}
}

static int step_reset(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int flush_table(struct sq_dict *d, enum sq_dict_table t)
{
	struct sq_dict_pend *p = d->pend[t];
	int cols = tabs[t].nf + 1;
	size_t i = 0;

	if (!p || !p->n)
		return 0;
	if (p->n >= SQ_DICT_BATCH && !d->many[t])
		d->many[t] = insert_rows(d, t, SQ_DICT_BATCH);
	for (; i + SQ_DICT_BATCH <= p->n; i += SQ_DICT_BATCH) {
		for (int k = 0; k < SQ_DICT_BATCH; k++)
			bind_prow(d->many[t], k * cols, p, &p->rows[i + (size_t)k], tabs[t].nf);
		if (step_reset(d->many[t]))
			return -1;
	}
	if (i < p->n && !d->one[t])
		d->one[t] = insert_rows(d, t, 1);
	for (; i < p->n; i++) {
		bind_prow(d->one[t], 0, p, &p->rows[i], tabs[t].nf);
		if (step_reset(d->one[t]))
			return -1;
	}
	p->n = 0;
	strbuf_reset(&p->text);
	return 0;
}

int sq_dict_flush(struct sq_dict *d)
{
	for (int t = 0; t < SQD_COUNT && !d->failed; t++)
		if (flush_table(d, (enum sq_dict_table)t))
			d->failed = 1;
	return d->failed ? -1 : 0;
}

int64_t sq_dict_id(struct sq_dict *d, enum sq_dict_table t, const struct sq_dv *f)
{
	struct strbuf *k = &d->k;
	struct sq_dict_ent *e;
	int64_t id = 0;
	uint64_t h;

	if (d->failed || ready(d))
		return -1;
	if (!make_key(k, f, tabs[t].keyed))
		return 0;
	h = key_hash(k->buf, k->len);
	e = slot(d->m[t], h, k->buf, k->len);
	if ((id = e->id))
		return id;
	if (d->dirty || !d->loaded) {
		id = lookup(d, t, f);
		d->lookups++;
		if (id < 0) {
			d->failed = 1; /* and every call after: nothing more is written */
			return -1;
		}
	}
	if (!id && d->loaded && !d->dirty) {
		/* the map knows every row: a new one is written with others */
		id = defer(d, t, f);
		d->made[t] += id > 0;
		d->failed |= id < 0;
	} else if (!id) {
		/* a rowid after the queued rows' ids: write them first */
		if (sq_dict_flush(d))
			return -1;
		memset(d->next, 0, sizeof(d->next));
		if (!d->ins[t])
			d->ins[t] = stc_get_on(d->store, d->db, tabs[t].ins);
		bind_fields(d->ins[t], f, tabs[t].nf);
		id = sqlite3_step(d->ins[t]) == SQLITE_DONE
			? sqlite3_last_insert_rowid(d->db) : -1;
		sqlite3_reset(d->ins[t]);
		d->made[t] += id > 0;
		d->failed |= id < 0;
	}
	if (id > 0)
		put(d->m[t], h, k->buf, k->len, id);
	return id;
}
