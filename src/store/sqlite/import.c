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
	sqlite3_stmt *one, *many, *upe, *upa, *heal;
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

/* An export event merged into a stored play: the export's fields win. */
static const char update_export_sql[] =
	"UPDATE plays SET"
	" played_ms = CASE WHEN precision_ms > ?2 THEN ?1 ELSE played_ms END,"
	" precision_ms = min(precision_ms, ?2), kind = ?3,"
	" track_id = coalesce(track_id, ?4), episode_id = coalesce(episode_id, ?5),"
	" track_name = coalesce(track_name, ?6),"
	" artist_name = coalesce(artist_name, ?7),"
	" album_name = coalesce(album_name, ?8), ms_played = ?9,"
	" reason_start = ?10, reason_end = ?11, skipped = ?12, shuffle = ?13,"
	" offline = ?14, offline_ms = ?15, incognito = ?16, platform = ?17,"
	" country = ?18, ip_addr = coalesce(?19, ip_addr),"
	" user_agent = coalesce(?20, user_agent),"
	" name_key = coalesce(name_key, ?21), sources = sources | ?23,"
	" import_id = coalesce(import_id, ?24)"
	" WHERE id = ?22";

/*
 * An event of a source matched by names (account data)
 * merged into a stored play: it fills gaps only, and its end time when it
 * is the finer one (?6, its precision).
 */
static const char update_account_sql[] =
	"UPDATE plays SET"
	" played_ms = CASE WHEN precision_ms > ?6 THEN ?1 ELSE played_ms END,"
	" precision_ms = min(precision_ms, ?6),"
	" track_name = coalesce(track_name, ?2),"
	" artist_name = coalesce(artist_name, ?3),"
	" ms_played = coalesce(ms_played, ?4), name_key = coalesce(name_key, ?5),"
	" sources = sources | ?9,"
	" import_id = coalesce(import_id, ?7) WHERE id = ?8";

/* The one-row insert sql made an insert of rows rows of cols columns. */
static sqlite3_stmt *many_statement(sqlite3 *db, const char *sql, int rows,
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
	st = db_prepare(db, q.buf);
	strbuf_release(&q);
	return st;
}

int sq_import_start(struct store *s, int64_t account_id, const char *paths,
		    int64_t started_ms, struct store_import **out,
		    struct strbuf *err)
{
	sqlite3 *db = sqlite_of(s)->db;
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO imports (started_ms,"
				      " paths, account_id) VALUES (?, ?, ?)");
	struct sq_import *im;
	int rc;

	*out = NULL;
	sqlite3_bind_int64(st, 1, started_ms);
	sqlite3_bind_text(st, 2, paths, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, account_id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
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
	*out = &im->base;
	return 0;
}

void sq_import_free(struct store_import *base)
{
	struct sq_import *im = sq_import_of(base);

	if (!im)
		return;
	sqlite3_finalize(im->one);
	sqlite3_finalize(im->many);
	sqlite3_finalize(im->upe);
	sqlite3_finalize(im->upa);
	sqlite3_finalize(im->heal);
	sqlite3_finalize(im->fp_one);
	sqlite3_finalize(im->fp_many);
	sqlite3_finalize(im->fp_put);
	sq_dict_free(&im->dict);
	free(im);
}

int sq_import_account_has_plays(struct store_import *base)
{
	struct sq_import *im = sq_import_of(base);
	sqlite3_stmt *st = db_prepare(im->db,
		"SELECT 1 FROM play_rows WHERE account_id = ? LIMIT 1");
	int rc;

	sqlite3_bind_int64(st, 1, base->account_id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
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
	sqlite3_stmt *st = db_prepare(im->db,
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
	sqlite3_finalize(st);
	strbuf_release(&sp.text);
	return stop ? stop : rc == SQLITE_DONE ? 0 : -1;
}

static void bind_text(sqlite3_stmt *st, int i, const struct store_text *t)
{
	if (t->s)
		sqlite3_bind_text(st, i, t->s, (int)t->len, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static void bind_tri(sqlite3_stmt *st, int i, uint8_t v)
{
	if (v == STORE_TRI_NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int(st, i, v);
}

static void bind_opt(sqlite3_stmt *st, int i, int64_t v, int present)
{
	if (present)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

/* A play's own fields: parameters o+1..o+21 of the inserts and the export merge. */
static void bind_fields(sqlite3_stmt *st, int o, const struct store_import_play *p)
{
	sqlite3_bind_int64(st, o + 1, p->played_ms);
	sqlite3_bind_int64(st, o + 2, p->precision_ms);
	sqlite3_bind_text(st, o + 3, p->kind, -1, SQLITE_STATIC);
	bind_text(st, o + 4, &p->track_id);
	bind_text(st, o + 5, &p->episode_id);
	bind_text(st, o + 6, &p->track_name);
	bind_text(st, o + 7, &p->artist_name);
	bind_text(st, o + 8, &p->album_name);
	bind_opt(st, o + 9, p->ms_played, p->ms_played >= 0);
	bind_text(st, o + 10, &p->reason_start);
	bind_text(st, o + 11, &p->reason_end);
	bind_tri(st, o + 12, p->skipped);
	bind_tri(st, o + 13, p->shuffle);
	bind_tri(st, o + 14, p->offline);
	bind_opt(st, o + 15, p->offline_ms, p->offline_ms != 0);
	bind_tri(st, o + 16, p->incognito);
	bind_text(st, o + 17, &p->platform);
	bind_text(st, o + 18, &p->country);
	bind_text(st, o + 19, &p->ip_addr);
	bind_text(st, o + 20, &p->user_agent);
	bind_opt(st, o + 21, (int64_t)p->name_key, p->name_key != 0);
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
			im->fp_many = many_statement(im->db, insert_fp_sql,
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
		im->fp_one = db_prepare(im->db, insert_fp_sql);
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

/*
 * New plays get the ids after the largest (as a rowid would): the import
 * holds the write lock, so nothing else takes one meanwhile.
 */
static int next_id(struct sq_import *im)
{
	if (!im->next_id)
		im->next_id = db_scalar(im->db,
			"SELECT coalesce(max(id), 0) + 1 FROM play_rows");
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
		im->many = many_statement(im->db, insert_sql, BATCH, COLS);
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
		im->one = db_prepare(im->db, insert_sql);
	for (; i < n; i++) {
		if (bind_insert(im, im->one, 0, &p[i], im->next_id))
			return add_fail(im, err);
		if (step(im->db, im->one, err) ||
		    queue_fps(im, &p[i], 1, im->next_id, err))
			return -1;
		im->next_id++;
	}
	/* the rest now, so that a scan or a merge after this call sees them */
	return flush_fps(im, err);
}

static int merge_export(struct sq_import *im, int64_t play_id,
			const struct store_import_play *p, struct strbuf *err)
{
	if (!im->upe)
		im->upe = db_prepare(im->db, update_export_sql);
	bind_fields(im->upe, 0, p);
	sqlite3_bind_int64(im->upe, 22, play_id);
	sqlite3_bind_int(im->upe, 23, p->sources);
	sqlite3_bind_int64(im->upe, 24, im->base.id);
	return step(im->db, im->upe, err);
}

/* Sets the play's fingerprints of the sources p has one of. */
static int put_fps(struct sq_import *im, int64_t play_id,
		   const struct store_import_play *p, struct strbuf *err)
{
	if (!im->fp_put)
		im->fp_put = db_prepare(im->db, "INSERT OR REPLACE INTO play_fp"
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

static int merge_account(struct sq_import *im, int64_t play_id,
			 const struct store_import_play *p, struct strbuf *err)
{
	sqlite3_stmt *st;

	if (!im->upa)
		im->upa = db_prepare(im->db, update_account_sql);
	st = im->upa;
	sqlite3_bind_int64(st, 1, p->played_ms);
	bind_text(st, 2, &p->track_name);
	bind_text(st, 3, &p->artist_name);
	bind_opt(st, 4, p->ms_played, p->ms_played >= 0);
	bind_opt(st, 5, (int64_t)p->name_key, p->name_key != 0);
	sqlite3_bind_int64(st, 6, p->precision_ms);
	sqlite3_bind_int64(st, 7, im->base.id);
	sqlite3_bind_int64(st, 8, play_id);
	sqlite3_bind_int(st, 9, p->sources);
	return step(im->db, st, err);
}

int sq_import_merge(struct store_import *base, int64_t play_id,
		    const struct store_import_play *p, struct strbuf *err)
{
	struct sq_import *im = sq_import_of(base);

	/* the view's triggers may make rows of the dictionaries */
	sq_dict_dirty(&im->dict);
	im->id_plays = 1;
	if (p->sources == SRC_EXPORT)
		return merge_export(im, play_id, p, err) ||
		       put_fps(im, play_id, p, err) ? -1 : 0;
	/* one source but the API's: matched by names */
	if (p->sources && !(p->sources & (p->sources - 1)) && p->sources != SRC_API)
		return merge_account(im, play_id, p, err) ||
		       put_fps(im, play_id, p, err) ? -1 : 0;
	strbuf_addf(err, "cannot merge a play of sources %d", p->sources);
	return -1;
}

int sq_import_heal_gaps(struct store_import *base, int64_t lo, int64_t hi,
			int64_t now_ms, size_t *healed, struct strbuf *err)
{
	struct sq_import *im = sq_import_of(base);
	char by[64];

	if (!im->heal)
		im->heal = db_prepare(im->db,
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
	sqlite3_stmt *st = db_prepare(im->db,
		"UPDATE imports SET finished_ms = ?2, files = ?3, records = ?4,"
		" added = ?5, merged = ?6, duplicates = ?7, ignored = ?8,"
		" from_ms = ?9, to_ms = ?10 WHERE id = ?1");
	int rc;

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
	sqlite3_finalize(st);
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
		return sqn_fill_canon(im->db, err);
	strbuf_addf(err, "cannot write the import: %s", sqlite3_errmsg(im->db));
	return -1;
}
