/*
 * The SQLite engine's import writes: the imports row, the scan of the plays
 * the merge needs, the batched inserts of new plays, merges into stored
 * plays and gap healing. Statements are prepared once per import handle.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/sqlite/db.h"
#include "store/sqlite/dict.h"
#include "store/sqlite/import.h"
#include "store/sqlite/namekeyed.h"
#include "store/sqlite/stmtcache.h"
#include "core/banned.h"

/*
 * Inserts of BATCH rows per statement: one sqlite3_step for many rows
 * saves a good part of the per-row cost of a bulk load.
 */
#define BATCH 16
#define COLS 16
/* Fingerprint rows (play_fps) per insert statement, 2 parameters each. */
#define FP_BATCH 32

struct sq_fp {
	int64_t play_id;
	int source;
	uint64_t fp;
};

struct sq_import {
	struct store_import base;
	sqlite3 *db;
	sqlite3_stmt *one, *many, *cur, *upd, *heal;
	sqlite3_stmt *fp_one, *fp_many, *fp_put;
	struct sq_fp fps[FP_BATCH]; /* fingerprint rows not written yet */
	int nfps;
	struct sq_dict dict;
	int64_t next_id;  /* the id of the next new play; 0: not read yet */
	int id_plays;     /* plays with a Spotify id added, or plays merged */
};

static struct sq_import *sq_import_of(struct store_import *im)
{
	return (struct sq_import *)im;
}

static int add_fail(struct sq_import *im, struct strbuf *err);

/* A new play, as integers (schema.c, migration 5). */
static const char insert_sql[] =
	"INSERT OR FAIL INTO play_rows (played_ms, id, kind, track, ms_played,"
	" flags, account_id, precision_ms, sources, names, episode, offline_d,"
	" ctx, context, page_id, import_id)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
	" ?15, ?16)";

static const char insert_fp_sql[] =
	"INSERT INTO play_fp (key, fp) VALUES (?1, ?2)";

/* A fingerprint's key in play_fps: the play's id and its source. */
static int64_t fp_key(int64_t play_id, int source)
{
	return play_id * 16 + source;
}

/*
 * A merge reads the stored play's row with its strings (cur_sql), makes the
 * merged fields in C and writes play_rows itself (merged_sql), the strings
 * through the import's maps (dict.h). Through the plays view's INSTEAD OF
 * UPDATE trigger it ran 12 lookups and 5 inserts-if-missing per merged play.
 */
static const char cur_sql[] =
	"SELECT r.played_ms, r.precision_ms, r.kind, t.spotify_id, r.episode,"
	" e.s, n.track_name, n.artist_name, n.album_name, n.name_key,"
	" r.ms_played, r.flags, r.offline_d, r.ctx, c.platform, c.country,"
	" c.ip_addr, c.user_agent, c.reason_start, c.reason_end, r.sources,"
	" r.import_id FROM play_rows r LEFT JOIN track_keys t ON t.id = r.track"
	" LEFT JOIN strs e ON e.id = r.episode"
	" LEFT JOIN play_names n ON n.id = r.names"
	" LEFT JOIN play_ctx c ON c.id = r.ctx WHERE r.id = ?1";

static const char merged_sql[] =
	"UPDATE play_rows SET played_ms = ?1, precision_ms = ?2, kind = ?3,"
	" track = ?4, ms_played = ?5, flags = ?6, sources = ?7, names = ?8,"
	" episode = ?9, offline_d = ?10, ctx = ?11, import_id = ?12 WHERE id = ?13";

/* The one-row insert sql made an insert of rows rows of cols columns. */
static sqlite3_stmt *many_statement(struct store *s, const char *sql, int rows,
				    int cols)
{
	struct strbuf q = STRBUF_INIT;
	const char *values = strstr(sql, " VALUES ");
	sqlite3_stmt *st;

	strbuf_add(&q, sql, (size_t)(values - sql));
	strbuf_addstr(&q, " VALUES ");
	for (int k = 0; k < rows; k++) {
		strbuf_addstr(&q, k ? ", (" : "(");
		for (int c = 1; c <= cols; c++)
			strbuf_addf(&q, "%s?%d", c > 1 ? ", " : "", k * cols + c);
		strbuf_addch(&q, ')');
	}
	st = stc_get(s, q.buf);
	strbuf_release(&q);
	return st;
}

int sq_import_start(struct store *s, int64_t account_id, const char *paths,
		    int64_t started_ms, struct store_import **out,
		    struct strbuf *err)
{
	sqlite3 *db = sqlite_of(s)->db;
	sqlite3_stmt *st = stc_get(s, "INSERT INTO imports (started_ms,"
				      " paths, account_id) VALUES (?, ?, ?)");
	struct sq_import *im;
	int rc;

	*out = NULL;
	sqlite3_bind_int64(st, 1, started_ms);
	sqlite3_bind_text(st, 2, paths, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, account_id);
	rc = sqlite3_step(st);
	stc_done(s, st);
	if (rc != SQLITE_DONE) {
		strbuf_addf(err, "cannot record the import: %s", sqlite3_errmsg(db));
		return -1;
	}
	im = xcalloc(1, sizeof(*im));
	im->base.store = s;
	im->base.id = sqlite3_last_insert_rowid(db);
	im->base.account_id = account_id;
	im->db = db;
	sq_dict_init(&im->dict, db);
	im->dict.store = s; /* issue 14 */
	*out = &im->base;
	return 0;
}

void sq_import_free(struct store_import *base)
{
	struct sq_import *im = sq_import_of(base);

	if (!im)
		return;
	stc_done(base->store, im->one);
	stc_done(base->store, im->many);
	stc_done(base->store, im->cur);
	stc_done(base->store, im->upd);
	stc_done(base->store, im->heal);
	stc_done(base->store, im->fp_one);
	stc_done(base->store, im->fp_many);
	stc_done(base->store, im->fp_put);
	sq_dict_free(&im->dict);
	free(im);
}

int sq_import_account_has_plays(struct store_import *base)
{
	struct sq_import *im = sq_import_of(base);
	sqlite3_stmt *st = stc_get(im->base.store,
		"SELECT 1 FROM play_rows WHERE account_id = ? LIMIT 1");
	int rc;

	sqlite3_bind_int64(st, 1, base->account_id);
	rc = sqlite3_step(st);
	stc_done(base->store, st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/*
 * The scan joins play_fps, so a play comes as one result row per
 * fingerprint, one after the other (the left table of a LEFT JOIN is the
 * outer loop). Its strings are copied, to outlive the steps over its
 * other fingerprints.
 */
struct scan_play {
	struct store_import_row r;
	struct strbuf text;
	int off[5];              /* kind, track_id, episode_id, artist, track; -1: NULL */
	int have;
};

static void scan_fp(sqlite3_stmt *st, struct store_import_row *r)
{
	int s = sqlite3_column_int(st, 11);

	if (sqlite3_column_type(st, 11) != SQLITE_NULL && s >= 0 &&
	    s < SOURCE_COUNT)
		r->fp[s] = (uint64_t)sqlite3_column_int64(st, 12);
}

static void scan_row(sqlite3_stmt *st, struct scan_play *sp)
{
	struct store_import_row *r = &sp->r;

	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(st, 0);
	r->played_ms = sqlite3_column_int64(st, 1);
	r->precision_ms = sqlite3_column_int64(st, 2);
	strbuf_reset(&sp->text);
	for (int k = 0; k < 5; k++) {
		const unsigned char *t = sqlite3_column_text(st, 3 + k);
		sp->off[k] = t ? (int)sp->text.len : -1;
		if (t)
			strbuf_add(&sp->text, t,
				   (size_t)sqlite3_column_bytes(st, 3 + k) + 1);
	}
	r->ms_played = sqlite3_column_type(st, 8) == SQLITE_NULL
		? -1 : (int32_t)sqlite3_column_int64(st, 8);
	r->sources = (uint8_t)sqlite3_column_int(st, 9);
	r->has_name_key = sqlite3_column_type(st, 10) != SQLITE_NULL;
	r->name_key = (uint64_t)sqlite3_column_int64(st, 10);
	scan_fp(st, r);
	sp->have = 1;
}

/* Calls fn for the play sp holds. */
static int scan_emit(struct scan_play *sp,
		     int (*fn)(void *arg, const struct store_import_row *r),
		     void *arg)
{
	const char **to[5] = { &sp->r.kind, &sp->r.track_id, &sp->r.episode_id,
			       &sp->r.artist_name, &sp->r.track_name };

	for (int k = 0; k < 5; k++)
		*to[k] = sp->off[k] < 0 ? NULL : sp->text.buf + sp->off[k];
	sp->have = 0;
	return fn(arg, &sp->r);
}

int sq_import_scan(struct store_import *base, int64_t lo, int64_t hi,
		   int (*fn)(void *arg, const struct store_import_row *r),
		   void *arg, struct strbuf *err)
{
	struct sq_import *im = sq_import_of(base);
	sqlite3_stmt *st = stc_get(im->base.store,
		"SELECT p.id, p.played_ms, p.precision_ms, k.s, t.spotify_id,"
		" e.s, n.artist_name, n.track_name, p.ms_played,"
		" p.sources, n.name_key, f.key & 15, f.fp FROM play_rows p"
		" JOIN strs k ON k.id = p.kind LEFT JOIN track_keys t ON t.id = p.track"
		" LEFT JOIN strs e ON e.id = p.episode"
		" LEFT JOIN play_names n ON n.id = p.names"
		" LEFT JOIN play_fp f ON f.key BETWEEN p.id * 16 AND p.id * 16 + 15"
		" WHERE p.account_id = ?1 AND p.played_ms BETWEEN ?2 AND ?3");
	struct scan_play sp = { .text = STRBUF_INIT };
	int rc, stop = 0;

	if (sq_dict_flush(&im->dict)) {
		stc_done(base->store, st);
		return add_fail(im, err);
	}

	sqlite3_bind_int64(st, 1, base->account_id);
	sqlite3_bind_int64(st, 2, lo);
	sqlite3_bind_int64(st, 3, hi);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sp.have && sqlite3_column_int64(st, 0) == sp.r.id) {
			scan_fp(st, &sp.r);
			continue;
		}
		if (sp.have && (stop = scan_emit(&sp, fn, arg)))
			break;
		scan_row(st, &sp);
	}
	if (!stop && rc == SQLITE_DONE && sp.have)
		stop = scan_emit(&sp, fn, arg);
	if (!stop && rc != SQLITE_DONE)
		strbuf_addf(err, "cannot read the plays: %s", sqlite3_errmsg(im->db));
	stc_done(base->store, st);
	strbuf_release(&sp.text);
	return stop ? stop : rc == SQLITE_DONE ? 0 : -1;
}

static void bind_opt(sqlite3_stmt *st, int i, int64_t v, int present)
{
	if (present)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

static struct sq_dv dv_text(const struct store_text *t)
{
	return (struct sq_dv){ .s = t->s, .len = t->len };
}

static int tri_code(uint8_t v)
{
	return v == STORE_TRI_NULL ? 0 : v ? 2 : 1;
}

/* The references of play p to the rows of its strings (dict.h). */
struct play_refs {
	int64_t kind, track, names, episode, ctx;
};

static int play_refs(struct sq_import *im, const struct store_import_play *p,
		     struct play_refs *r)
{
	struct sq_dict *d = &im->dict;
	struct sq_dv f[6] = { { .s = p->kind, .len = p->kind ? strlen(p->kind) : 0 } };

	r->kind = sq_dict_id(d, SQD_STR, f);
	f[0] = dv_text(&p->episode_id);
	r->episode = sq_dict_id(d, SQD_STR, f);
	f[0] = dv_text(&p->track_name);
	f[1] = dv_text(&p->artist_name);
	f[2] = dv_text(&p->album_name);
	f[3] = (struct sq_dv){ .i = (int64_t)p->name_key, .is_int = p->name_key != 0 };
	r->names = sq_dict_id(d, SQD_NAMES, f);
	if (p->track_id.s) {
		f[0] = dv_text(&p->track_id);
		r->track = sq_dict_id(d, SQD_TRACK_ID, f);
		im->id_plays = 1;
	} else if (p->name_key) {
		f[0] = f[3];
		f[1] = (struct sq_dv){ .i = r->names, .is_int = 1 };
		r->track = sq_dict_id(d, SQD_TRACK_NAME, f);
	} else {
		r->track = 0;
	}
	f[0] = dv_text(&p->platform);
	f[1] = dv_text(&p->country);
	f[2] = dv_text(&p->ip_addr);
	f[3] = dv_text(&p->user_agent);
	f[4] = dv_text(&p->reason_start);
	f[5] = dv_text(&p->reason_end);
	r->ctx = sq_dict_id(d, SQD_CTX, f);
	return r->kind < 0 || r->episode < 0 || r->names < 0 || r->track < 0 ||
	       r->ctx < 0 ? -1 : 0;
}

/* Binds row k (from 0) of an insert statement: the play p, new play id. */
static int bind_insert(struct sq_import *im, sqlite3_stmt *st, int k,
		       const struct store_import_play *p, int64_t id)
{
	struct play_refs r;
	int o = k * COLS;

	if (play_refs(im, p, &r))
		return -1;
	sqlite3_bind_int64(st, o + 1, p->played_ms);
	sqlite3_bind_int64(st, o + 2, id);
	bind_opt(st, o + 3, r.kind, r.kind > 0); /* NULL: refused, kind is required */
	bind_opt(st, o + 4, r.track, r.track > 0);
	bind_opt(st, o + 5, p->ms_played, p->ms_played >= 0);
	sqlite3_bind_int(st, o + 6, tri_code(p->skipped) | tri_code(p->shuffle) << 2 |
			 tri_code(p->offline) << 4 | tri_code(p->incognito) << 6);
	sqlite3_bind_int64(st, o + 7, im->base.account_id);
	sqlite3_bind_int64(st, o + 8, p->precision_ms);
	sqlite3_bind_int(st, o + 9, p->sources);
	bind_opt(st, o + 10, r.names, r.names > 0);
	bind_opt(st, o + 11, r.episode, r.episode > 0);
	bind_opt(st, o + 12, p->played_ms - p->offline_ms, p->offline_ms != 0);
	bind_opt(st, o + 13, r.ctx, r.ctx > 0);
	sqlite3_bind_null(st, o + 14);
	sqlite3_bind_null(st, o + 15);
	sqlite3_bind_int64(st, o + 16, im->base.id);
	return 0;
}

static int step(sqlite3 *db, sqlite3_stmt *st, struct strbuf *err)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st); /* every statement binds all its parameters */
	if (rc == SQLITE_DONE)
		return 0;
	strbuf_addf(err, "cannot write the plays: %s", sqlite3_errmsg(db));
	return -1;
}

/* Writes the pending fingerprint rows: FP_BATCH at a time, the rest one by one. */
static int flush_fps(struct sq_import *im, struct strbuf *err)
{
	int i = 0;

	if (im->nfps == FP_BATCH) {
		if (!im->fp_many)
			im->fp_many = many_statement(im->base.store, insert_fp_sql,
						     FP_BATCH, 2);
		for (; i < FP_BATCH; i++) {
			sqlite3_bind_int64(im->fp_many, 2 * i + 1,
					   fp_key(im->fps[i].play_id, im->fps[i].source));
			sqlite3_bind_int64(im->fp_many, 2 * i + 2,
					   (int64_t)im->fps[i].fp);
		}
		im->nfps = 0;
		return step(im->db, im->fp_many, err);
	}
	if (im->nfps && !im->fp_one)
		im->fp_one = stc_get(im->base.store, insert_fp_sql);
	for (; i < im->nfps; i++) {
		sqlite3_bind_int64(im->fp_one, 1,
				   fp_key(im->fps[i].play_id, im->fps[i].source));
		sqlite3_bind_int64(im->fp_one, 2, (int64_t)im->fps[i].fp);
		if (step(im->db, im->fp_one, err))
			return -1;
	}
	im->nfps = 0;
	return 0;
}

/* Queues the fingerprints of the n plays just inserted, from id id on. */
static int queue_fps(struct sq_import *im, const struct store_import_play *p,
		     size_t n, int64_t id, struct strbuf *err)
{
	for (size_t i = 0; i < n; i++, id++) {
		for (int s = 0; s < SOURCE_COUNT; s++) {
			if (!p[i].fp[s])
				continue;
			im->fps[im->nfps++] = (struct sq_fp){ id, s, p[i].fp[s] };
			if (im->nfps == FP_BATCH && flush_fps(im, err))
				return -1;
		}
	}
	return 0;
}

static int64_t next_id_read(struct sq_import *im)
{
	sqlite3_stmt *st = stc_get(im->base.store,
		"SELECT coalesce(max(id), 0) + 1 FROM play_rows");
	int64_t id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;

	stc_done(im->base.store, st);
	return id;
}

/*
 * New plays get the ids after the largest (as a rowid would): the import
 * holds the write lock, so nothing else takes one meanwhile.
 */
static int next_id(struct sq_import *im)
{
	if (!im->next_id)
		im->next_id = next_id_read(im);
	return im->next_id > 0 ? 0 : -1;
}

static int add_fail(struct sq_import *im, struct strbuf *err)
{
	strbuf_addf(err, "cannot write the plays: %s", sqlite3_errmsg(im->db));
	return -1;
}

int sq_import_add(struct store_import *base, const struct store_import_play *p,
		  size_t n, struct strbuf *err)
{
	struct sq_import *im = sq_import_of(base);
	size_t i = 0;

	if (next_id(im))
		return add_fail(im, err);
	if (n >= BATCH && !im->many)
		im->many = many_statement(im->base.store, insert_sql, BATCH, COLS);
	for (; i + BATCH <= n; i += BATCH) {
		for (int k = 0; k < BATCH; k++)
			if (bind_insert(im, im->many, k, &p[i + (size_t)k],
					im->next_id + k))
				return add_fail(im, err);
		if (step(im->db, im->many, err) ||
		    queue_fps(im, &p[i], BATCH, im->next_id, err))
			return -1;
		im->next_id += BATCH;
	}
	if (i < n && !im->one)
		im->one = stc_get(im->base.store, insert_sql);
	for (; i < n; i++) {
		if (bind_insert(im, im->one, 0, &p[i], im->next_id))
			return add_fail(im, err);
		if (step(im->db, im->one, err) ||
		    queue_fps(im, &p[i], 1, im->next_id, err))
			return -1;
		im->next_id++;
	}
	/* the rest now, so that a scan or a merge after this call sees them */
	if (sq_dict_flush(&im->dict))
		return add_fail(im, err);
	return flush_fps(im, err);
}

/* Sets the play's fingerprints of the sources p has one of. */
static int put_fps(struct sq_import *im, int64_t play_id,
		   const struct store_import_play *p, struct strbuf *err)
{
	if (!im->fp_put)
		im->fp_put = stc_get(im->base.store, "INSERT OR REPLACE INTO play_fp"
					" (key, fp) VALUES (?1, ?2)");
	for (int s = 0; s < SOURCE_COUNT; s++) {
		if (!p->fp[s])
			continue;
		sqlite3_bind_int64(im->fp_put, 1, fp_key(play_id, s));
		sqlite3_bind_int64(im->fp_put, 2, (int64_t)p->fp[s]);
		if (step(im->db, im->fp_put, err))
			return -1;
	}
	return 0;
}

/* The stored play a merge changes (cur_sql), its strings copied. */
struct cur_play {
	int64_t v[22];            /* integer columns; see cur_sql */
	int null[22];
	struct strbuf text;
	int off[22];              /* text columns: offset in text, -1 NULL */
};

/* Column k of cur_sql as a dictionary field. */
static struct sq_dv cur_text(const struct cur_play *c, int k)
{
	if (c->off[k] < 0)
		return (struct sq_dv){ 0 };
	return (struct sq_dv){ .s = c->text.buf + c->off[k],
			       .len = strlen(c->text.buf + c->off[k]) };
}

static int read_cur(struct sq_import *im, int64_t play_id, struct cur_play *c)
{
	sqlite3_stmt *st;
	int rc;

	if (!im->cur)
		im->cur = stc_get(im->base.store, cur_sql);
	st = im->cur;
	sqlite3_bind_int64(st, 1, play_id);
	rc = sqlite3_step(st);
	for (int k = 0; rc == SQLITE_ROW && k < 22; k++) {
		int is_text = k == 3 || (k >= 5 && k <= 8) || (k >= 14 && k <= 19);
		const unsigned char *t = is_text ? sqlite3_column_text(st, k) : NULL;
		c->null[k] = sqlite3_column_type(st, k) == SQLITE_NULL;
		c->v[k] = is_text ? 0 : sqlite3_column_int64(st, k);
		c->off[k] = t ? (int)c->text.len : -1;
		if (t)
			strbuf_add(&c->text, t, (size_t)sqlite3_column_bytes(st, k) + 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* The old text unless NULL, else the new one (SQL's coalesce(old, new)). */
static struct sq_dv old_or(const struct cur_play *c, int k, const struct store_text *t)
{
	return c->off[k] >= 0 ? cur_text(c, k) : dv_text(t);
}

static struct sq_dv new_or(const struct store_text *t, const struct cur_play *c, int k)
{
	return t->s ? dv_text(t) : cur_text(c, k);
}

/* The merged play's references and columns, bound to upd. */
struct merged {
	struct sq_dv tid, names[4], ctx[6];
	int64_t kind, episode, ctx_id, flags, ms_played, offline_d;
	int ms_null, off_null;
};

static int write_merged(struct sq_import *im, int64_t play_id,
			const struct store_import_play *p,
			const struct cur_play *c, struct merged *m,
			struct strbuf *err)
{
	struct sq_dict *d = &im->dict;
	int64_t names = sq_dict_id(d, SQD_NAMES, m->names), track = 0;
	int64_t played = c->v[1] > p->precision_ms ? p->played_ms : c->v[0];
	sqlite3_stmt *st;

	if (m->ctx_id < 0)
		m->ctx_id = sq_dict_id(d, SQD_CTX, m->ctx);
	if (m->tid.s) {
		track = sq_dict_id(d, SQD_TRACK_ID, &m->tid);
	} else if (m->names[3].is_int) {
		struct sq_dv f[2] = { m->names[3], { .i = names, .is_int = 1 } };
		track = sq_dict_id(d, SQD_TRACK_NAME, f);
	}
	if (names < 0 || track < 0 || m->ctx_id < 0 || m->kind < 0 || m->episode < 0)
		return add_fail(im, err);
	if (!im->upd)
		im->upd = stc_get(im->base.store, merged_sql);
	st = im->upd;
	sqlite3_bind_int64(st, 1, played);
	sqlite3_bind_int64(st, 2, c->v[1] < p->precision_ms ? c->v[1] : p->precision_ms);
	sqlite3_bind_int64(st, 3, m->kind);
	bind_opt(st, 4, track, track > 0);
	bind_opt(st, 5, m->ms_played, !m->ms_null);
	sqlite3_bind_int64(st, 6, m->flags);
	sqlite3_bind_int64(st, 7, c->v[20] | p->sources);
	bind_opt(st, 8, names, names > 0);
	bind_opt(st, 9, m->episode, m->episode > 0);
	/* offline_d is kept by the account merge, made from the export's */
	bind_opt(st, 10, m->off_null ? 0 : m->offline_d, !m->off_null);
	bind_opt(st, 11, m->ctx_id, m->ctx_id > 0);
	sqlite3_bind_int64(st, 12, c->null[21] ? im->base.id : c->v[21]);
	sqlite3_bind_int64(st, 13, play_id);
	return step(im->db, st, err);
}

/* An export event merged into a stored play: the export's fields win. */
static int merge_export(struct sq_import *im, int64_t play_id,
			const struct store_import_play *p,
			const struct cur_play *c, struct strbuf *err)
{
	struct sq_dv kind = { .s = p->kind, .len = p->kind ? strlen(p->kind) : 0 };
	struct sq_dv ep = old_or(c, 5, &p->episode_id);
	int64_t played = c->v[1] > p->precision_ms ? p->played_ms : c->v[0];
	struct merged m = {
		.tid = old_or(c, 3, &p->track_id),
		.names = { old_or(c, 6, &p->track_name), old_or(c, 7, &p->artist_name),
			   old_or(c, 8, &p->album_name),
			   { .i = c->null[9] ? (int64_t)p->name_key : c->v[9],
			     .is_int = !c->null[9] || p->name_key != 0 } },
		.ctx = { dv_text(&p->platform), dv_text(&p->country),
			 new_or(&p->ip_addr, c, 16), new_or(&p->user_agent, c, 17),
			 dv_text(&p->reason_start), dv_text(&p->reason_end) },
		.kind = sq_dict_id(&im->dict, SQD_STR, &kind),
		.episode = sq_dict_id(&im->dict, SQD_STR, &ep),
		.ctx_id = -1,
		.flags = tri_code(p->skipped) | tri_code(p->shuffle) << 2 |
			 tri_code(p->offline) << 4 | tri_code(p->incognito) << 6,
		.ms_played = p->ms_played, .ms_null = p->ms_played < 0,
		.offline_d = played - p->offline_ms, .off_null = p->offline_ms == 0,
	};
	return write_merged(im, play_id, p, c, &m, err);
}

/*
 * An event of a source matched by names (account data) merged into a
 * stored play: it fills gaps only (names, name key, ms_played), and its end
 * time when it is the finer one.
 */
static int merge_account(struct sq_import *im, int64_t play_id,
			 const struct store_import_play *p,
			 const struct cur_play *c, struct strbuf *err)
{
	struct merged m = {
		.tid = cur_text(c, 3),
		.names = { old_or(c, 6, &p->track_name), old_or(c, 7, &p->artist_name),
			   cur_text(c, 8),
			   { .i = c->null[9] ? (int64_t)p->name_key : c->v[9],
			     .is_int = !c->null[9] || p->name_key != 0 } },
		.kind = c->v[2], .episode = c->null[4] ? 0 : c->v[4],
		.ctx_id = c->null[13] ? 0 : c->v[13], .flags = c->v[11],
		.ms_played = c->null[10] ? p->ms_played : c->v[10],
		.ms_null = c->null[10] && p->ms_played < 0,
		.offline_d = c->v[12], .off_null = c->null[12],
	};
	return write_merged(im, play_id, p, c, &m, err);
}

int sq_import_merge(struct store_import *base, int64_t play_id,
		    const struct store_import_play *p, struct strbuf *err)
{
	struct sq_import *im = sq_import_of(base);
	struct cur_play c = { .text = STRBUF_INIT };
	int ret = -1;

	im->id_plays = 1; /* a merge may join a no-id play to a track: canon */
	if (sq_dict_flush(&im->dict) || read_cur(im, play_id, &c)) {
		add_fail(im, err);
	} else if (p->sources == SRC_EXPORT) {
		ret = merge_export(im, play_id, p, &c, err) ||
		      put_fps(im, play_id, p, err) ? -1 : 0;
	} else if (p->sources && !(p->sources & (p->sources - 1)) &&
		   p->sources != SRC_API) {
		/* one source but the API's: matched by names */
		ret = merge_account(im, play_id, p, &c, err) ||
		      put_fps(im, play_id, p, err) ? -1 : 0;
	} else {
		strbuf_addf(err, "cannot merge a play of sources %d", p->sources);
	}
	strbuf_release(&c.text);
	return ret;
}

int sq_import_heal_gaps(struct store_import *base, int64_t lo, int64_t hi,
			int64_t now_ms, size_t *healed, struct strbuf *err)
{
	struct sq_import *im = sq_import_of(base);
	char by[64];

	if (!im->heal)
		im->heal = stc_get(im->base.store,
			"UPDATE gaps SET healed_ms = ?1, healed_by = ?2 WHERE"
			" account_id = ?3 AND healed_ms IS NULL AND from_ms >= ?4"
			" AND to_ms <= ?5");
	snprintf(by, sizeof(by), "import #%lld", (long long)base->id);
	sqlite3_bind_int64(im->heal, 1, now_ms);
	sqlite3_bind_text(im->heal, 2, by, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(im->heal, 3, base->account_id);
	sqlite3_bind_int64(im->heal, 4, lo);
	sqlite3_bind_int64(im->heal, 5, hi);
	if (step(im->db, im->heal, err))
		return -1;
	*healed += (size_t)sqlite3_changes(im->db);
	return 0;
}

int sq_import_finish(struct store_import *base,
		     const struct store_import_counts *c, struct strbuf *err)
{
	struct sq_import *im = sq_import_of(base);
	sqlite3_stmt *st = stc_get(im->base.store,
		"UPDATE imports SET finished_ms = ?2, files = ?3, records = ?4,"
		" added = ?5, merged = ?6, duplicates = ?7, ignored = ?8,"
		" from_ms = ?9, to_ms = ?10 WHERE id = ?1");
	int rc;

	if (sq_dict_flush(&im->dict)) {
		stc_done(base->store, st);
		return add_fail(im, err);
	}

	if (c->from_ms <= c->to_ms) {
		sqlite3_bind_int64(st, 9, c->from_ms);
		sqlite3_bind_int64(st, 10, c->to_ms);
	}
	sqlite3_bind_int64(st, 1, base->id);
	sqlite3_bind_int64(st, 2, c->finished_ms);
	sqlite3_bind_int64(st, 3, c->files);
	sqlite3_bind_int64(st, 4, c->records);
	sqlite3_bind_int64(st, 5, c->added);
	sqlite3_bind_int64(st, 6, c->merged);
	sqlite3_bind_int64(st, 7, c->duplicates);
	sqlite3_bind_int64(st, 8, c->ignored);
	rc = sqlite3_step(st);
	stc_done(base->store, st);
	/*
	 * The plays just added may give a name-keyed track its id track. Only
	 * a new track row, a new play of an id track or a merge can change
	 * what canon is: an import of scrobbles of songs already known (a
	 * listen submitted to serve) skips the pass, which reads every play
	 * (over half the CPU of a single submission, perf).
	 */
	if (rc == SQLITE_DONE && !im->id_plays && !im->dict.made[SQD_TRACK_ID] &&
	    !im->dict.made[SQD_TRACK_NAME])
		return 0;
	if (rc == SQLITE_DONE)
		return sqn_fill_canon_kept(base->store, err);
	strbuf_addf(err, "cannot write the import: %s", sqlite3_errmsg(im->db));
	return -1;
}
