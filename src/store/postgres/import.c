/*
 * The PostgreSQL engine's import writes. New plays are held in the import
 * handle as integers: their texts and items are looked up in the import's
 * dictionary (dict.c), which gives new ones their ids from the tables'
 * sequences. A batch is written with COPY straight into the tables: the
 * new texts and items, then play_rows (its ids reserved with nextval, in
 * the order the plays came) and play_fps. Rows held back are written before
 * anything reads the plays (a scan, a merge, the counts) and before the
 * commit (engine.c), so the import's own reads see them; all of it is
 * inside the caller's transaction, so a crash leaves nothing half-imported.
 *
 * Measured before (round 5): the batches went through a temporary table
 * that the server joined to texts twelve times per batch, after adding the
 * batch's new texts by md5 and an ANALYZE of the stage; see doc/store.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/postgres/pg.h"
#include "store/postgres/namekeyed.h" /* round 6: canon */
#include "store/postgres/dict.h"
#include "core/banned.h"

/* Rows per COPY batch (the bulk import's). */
#define FLUSH_ROWS 20000

/* A play held back, its texts as dictionary ids (0: NULL). */
struct pg_held {
	int64_t played_ms, precision_ms, ms_played, offline_ms;
	uint64_t name_key, fp[SOURCE_COUNT];
	int32_t kind, item, reason_start, reason_end, platform, country,
		ip_addr, user_agent;
	uint8_t skipped, shuffle, offline, incognito, sources;
};

struct pg_import {
	struct store_import base;
	struct pg_store *s;
	struct pgd *dict;
	struct pg_held *held;
	size_t nheld, alloc;
	size_t written, analyzed; /* rows moved; at the last ANALYZE */
	unsigned long seen;  /* s->stmts when the dictionary was last current */
	struct strbuf rows, fps; /* COPY text of a batch */
};

static struct pg_import *pg_import_of(struct store_import *im)
{
	return (struct pg_import *)im;
}

/*
 * COPY's binary format ("FORMAT binary" in PostgreSQL's COPY page): a
 * header, then per row its field count and per field its length (-1 for
 * NULL) and its bytes in network order, each of the column's own type,
 * and a trailer. In text, the client printed ten numbers a play with
 * printf and the server parsed them back (pg_strtoint64, InputFunctionCall
 * in its profile).
 */
static const char bin_header[19] = "PGCOPY\n\377\r\n\0"; /* then flags 0, extension 0 */

static unsigned char *put_u16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
	return p + 2;
}

static unsigned char *put_u32(unsigned char *p, uint32_t v)
{
	return put_u16(put_u16(p, (uint16_t)(v >> 16)), (uint16_t)v);
}

static unsigned char *put_u64(unsigned char *p, uint64_t v)
{
	return put_u32(put_u32(p, (uint32_t)(v >> 32)), (uint32_t)v);
}

/* One field: a smallint, an integer, a bigint, or NULL. */
static unsigned char *f16(unsigned char *p, int v)
{
	return put_u16(put_u32(p, 2), (uint16_t)v);
}

static unsigned char *f32(unsigned char *p, int32_t v)
{
	return put_u32(put_u32(p, 4), (uint32_t)v);
}

static unsigned char *f64(unsigned char *p, int64_t v, int present)
{
	return present ? put_u64(put_u32(p, 8), (uint64_t)v) : put_u32(p, UINT32_MAX);
}

static unsigned char *ftri(unsigned char *p, uint8_t v)
{
	return v == STORE_TRI_NULL ? put_u32(p, UINT32_MAX) : f16(p, v);
}

/* Room for n fields of up to 8 bytes, and the row's count: where to write. */
static unsigned char *bin_row(struct strbuf *b, int n)
{
	if (!b->len)
		strbuf_add(b, bin_header, sizeof(bin_header));
	strbuf_grow(b, 2 + (size_t)n * 12);
	return put_u16((unsigned char *)b->buf + b->len, (uint16_t)n);
}

static void bin_done(struct strbuf *b, const unsigned char *end)
{
	strbuf_setlen(b, (size_t)((const char *)end - b->buf));
}

/* One play_rows row of COPY (the columns of write_rows), its fingerprints. */
static void copy_row(struct pg_import *im, const struct pg_held *h,
		     int64_t id)
{
	unsigned char *p = bin_row(&im->rows, 21);

	p = f64(p, id, 1);
	p = f64(p, im->base.account_id, 1);
	p = f64(p, h->played_ms, 1);
	p = f64(p, h->precision_ms, 1);
	p = f32(f32(p, h->kind), h->item);
	p = f64(p, h->ms_played, h->ms_played >= 0);
	p = f32(f32(p, h->reason_start), h->reason_end);
	p = ftri(ftri(ftri(p, h->skipped), h->shuffle), h->offline);
	p = f64(p, h->offline_ms, h->offline_ms != 0);
	p = ftri(p, h->incognito);
	p = f32(f32(f32(f32(p, h->platform), h->country), h->ip_addr), h->user_agent);
	p = f16(p, h->sources);
	p = f64(p, im->base.id, 1);
	p = f64(p, (int64_t)h->name_key, h->name_key != 0);
	bin_done(&im->rows, p);
	for (int i = 0; i < SOURCE_COUNT; i++)
		if (h->fp[i]) {
			p = bin_row(&im->fps, 3);
			p = f16(f64(p, id, 1), i);
			bin_done(&im->fps, f64(p, (int64_t)h->fp[i], 1));
		}
}

/* The trailer, after a batch's last row. */
static void bin_end(struct strbuf *b)
{
	if (b->len)
		strbuf_add(b, "\377\377", 2);
}

/*
 * The held rows into play_rows and play_fps, with ids reserved now (so
 * they follow the order the plays came and leave no holes).
 */
static int write_rows(struct pg_import *im, struct strbuf *err)
{
	static struct pg_q q = PG_Q("SELECT nextval('play_rows_id_seq')"
		" FROM generate_series(1, $1)");
	struct pg_params p;
	PGresult *r;
	int ret;

	pg_params_init(&p);
	pg_int(&p, (int64_t)im->nheld);
	if (!(r = pg_exec(im->s, &q, &p, err)))
		return -1;
	if ((size_t)PQntuples(r) != im->nheld) {
		PQclear(r);
		strbuf_addstr(err, "cannot write the plays: no ids reserved");
		return -1;
	}
	strbuf_reset(&im->rows);
	strbuf_reset(&im->fps);
	for (size_t i = 0; i < im->nheld; i++)
		copy_row(im, &im->held[i], pg_get_int(r, (int)i, 0, 0));
	PQclear(r);
	bin_end(&im->rows);
	bin_end(&im->fps);
	/*
	 * The fingerprints first (no foreign key ties them to play_rows since
	 * migration 7), then the plays, whose COPY the server writes while
	 * this process makes the next batch: every statement waits for it
	 * first (pg_copy_send). Waited for at once, the client and the server
	 * took turns, and two cores were idle 22 % of a 1M-play import (perf).
	 */
	ret = im->fps.len ? pg_copy_in(im->s, "COPY play_fps (play_id, source, fp)"
				       " FROM STDIN (FORMAT binary)", &im->fps, err) : 0;
	if (!ret)
		ret = pg_copy_send(im->s, "COPY play_rows (id, account_id, played_ms,"
			" precision_ms, kind, item, ms_played, reason_start, reason_end,"
			" skipped, shuffle, offline, offline_ms, incognito, platform,"
			" country, ip_addr, user_agent, sources, import_id, name_key)"
			" FROM STDIN (FORMAT binary)", &im->rows, err);
	strbuf_reset(&im->rows);
	strbuf_reset(&im->fps);
	return ret;
}

static int flush(struct pg_import *im, struct strbuf *err)
{
	if (!im->nheld)
		return 0;
	if (pgd_write(im->dict, im->s, err) || write_rows(im, err))
		return -1;
	im->written += im->nheld;
	im->nheld = 0;
	/*
	 * Statistics for the import's own reads (its scans, the counts). With
	 * the indexes set aside nothing reads the plays until they are built
	 * again, and pg_bulk_indexes_on analyzes once then: five ANALYZEs
	 * along a 1M-play first import were 1.46 s of the server's time, the
	 * client waiting (log_min_duration_statement).
	 */
	if (!im->s->indexes_off && im->written >= im->analyzed * 2 + FLUSH_ROWS) {
		if (pg_sql(im->s, "ANALYZE texts, items, play_rows", err))
			return -1;
		im->analyzed = im->written;
	}
	return 0;
}

int pg_import_flush_active(struct pg_store *s, struct strbuf *err)
{
	struct strbuf scratch = STRBUF_INIT;
	int r;

	if (!s->active)
		return 0;
	r = flush(s->active, err ? err : &scratch);
	strbuf_release(&scratch);
	return r;
}

int pg_import_start(struct store *st, int64_t account_id, const char *paths,
		    int64_t started_ms, struct store_import **out,
		    struct strbuf *err)
{
	static struct pg_q q = PG_Q("INSERT INTO imports (started_ms, paths,"
		" account_id) VALUES ($1, $2, $3) RETURNING id");
	struct pg_store *s = pg_of(st);
	struct pg_import *im;
	struct pg_params p;
	int64_t id;

	*out = NULL;
	pg_params_init(&p);
	pg_int(&p, started_ms);
	pg_text(&p, paths);
	pg_int(&p, account_id);
	id = pg_scalar(s, &q, &p, -1);
	if (id < 0) {
		strbuf_addf(err, "cannot record the import: %s", s->errmsg.buf);
		return -1;
	}
	im = xcalloc(1, sizeof(*im));
	im->base.store = st;
	im->base.id = id;
	im->base.account_id = account_id;
	im->s = s;
	im->dict = pgd_new();
	strbuf_init(&im->rows, 0);
	strbuf_init(&im->fps, 0);
	s->active = im;
	*out = &im->base;
	return 0;
}

void pg_import_free(struct store_import *base)
{
	struct pg_import *im = pg_import_of(base);

	if (!im)
		return;
	if (im->s->active == im)
		im->s->active = NULL;
	pgd_free(im->dict);
	free(im->held);
	strbuf_release(&im->rows);
	strbuf_release(&im->fps);
	free(im);
}

int pg_import_account_has_plays(struct store_import *base)
{
	static struct pg_q q = PG_Q("SELECT 1 FROM play_rows WHERE"
		" account_id = $1 LIMIT 1");
	struct pg_import *im = pg_import_of(base);
	struct pg_params p;

	if (pg_import_flush_active(im->s, NULL))
		return -1;
	pg_params_init(&p);
	pg_int(&p, base->account_id);
	return (int)pg_scalar(im->s, &q, &p, 0);
}

/* "source:fp,..." of a scan row into r->fp. */
static void parse_fps(const char *v, struct store_import_row *r)
{
	while (v && *v) {
		char *end;
		long src = strtol(v, &end, 10);
		if (*end != ':')
			break;
		uint64_t fp = (uint64_t)strtoll(end + 1, &end, 10);
		if (src >= 0 && src < SOURCE_COUNT)
			r->fp[src] = fp;
		v = *end == ',' ? end + 1 : end;
	}
}

int pg_import_scan(struct store_import *base, int64_t lo, int64_t hi,
		   int (*fn)(void *arg, const struct store_import_row *r),
		   void *arg, struct strbuf *err)
{
	static struct pg_q q = PG_Q("SELECT p.id, p.played_ms, p.precision_ms,"
		" p.kind, p.track_id, p.episode_id, p.artist_name, p.track_name,"
		" p.ms_played, p.sources, p.name_key, (SELECT string_agg(f.source"
		" || ':' || f.fp, ',') FROM play_fps f WHERE f.play_id = p.id)"
		" FROM plays p WHERE p.account_id = $1 AND p.played_ms BETWEEN $2 AND $3");
	struct pg_import *im = pg_import_of(base);
	struct pg_params p;
	PGresult *r;
	int stop = 0;

	if (flush(im, err))
		return -1;
	pg_params_init(&p);
	pg_int(&p, base->account_id);
	pg_int(&p, lo);
	pg_int(&p, hi);
	if (!(r = pg_exec(im->s, &q, &p, NULL))) {
		strbuf_addf(err, "cannot read the plays: %s", im->s->errmsg.buf);
		return -1;
	}
	for (int i = 0; i < PQntuples(r) && !stop; i++) {
		struct store_import_row row;
		memset(&row, 0, sizeof(row));
		row.id = pg_get_int(r, i, 0, 0);
		row.played_ms = pg_get_int(r, i, 1, 0);
		row.precision_ms = pg_get_int(r, i, 2, 1);
		row.kind = pg_get_str(r, i, 3);
		row.track_id = pg_get_str(r, i, 4);
		row.episode_id = pg_get_str(r, i, 5);
		row.artist_name = pg_get_str(r, i, 6);
		row.track_name = pg_get_str(r, i, 7);
		row.ms_played = (int32_t)pg_get_int(r, i, 8, -1);
		row.sources = (uint8_t)pg_get_int(r, i, 9, 0);
		row.has_name_key = !PQgetisnull(r, i, 10);
		row.name_key = (uint64_t)pg_get_int(r, i, 10, 0);
		parse_fps(pg_get_str(r, i, 11), &row);
		stop = fn(arg, &row);
	}
	PQclear(r);
	return stop;
}

/* p's texts and item as dictionary ids into h; -1: no id (err says why). */
static int hold(struct pg_import *im, struct pg_held *h,
		const struct store_import_play *p, struct strbuf *err)
{
	struct pgd *d = im->dict;
	struct pg_store *s = im->s;
	const struct store_text *it[5] = { &p->track_id, &p->episode_id,
		&p->track_name, &p->artist_name, &p->album_name };
	const struct store_text *t[6] = { &p->reason_start, &p->reason_end,
		&p->platform, &p->country, &p->ip_addr, &p->user_agent };
	int32_t k[5], v[6];

	if (!p->kind) { /* play_rows.kind is NOT NULL, as SQLite's kind */
		strbuf_addstr(err, "cannot write the plays: a play has no kind");
		return -1;
	}
	for (int i = 0; i < 5; i++)
		if ((k[i] = pgd_text(d, s, it[i]->s, it[i]->len, err)) < 0)
			return -1;
	for (int i = 0; i < 6; i++)
		if ((v[i] = pgd_text(d, s, t[i]->s, t[i]->len, err)) < 0)
			return -1;
	h->kind = pgd_text(d, s, p->kind, strlen(p->kind), err);
	h->item = pgd_item(d, s, k, err);
	if (h->kind < 0 || h->item < 0)
		return -1;
	h->reason_start = v[0];
	h->reason_end = v[1];
	h->platform = v[2];
	h->country = v[3];
	h->ip_addr = v[4];
	h->user_agent = v[5];
	h->played_ms = p->played_ms;
	h->precision_ms = p->precision_ms;
	h->ms_played = p->ms_played;
	h->offline_ms = p->offline_ms;
	h->name_key = p->name_key;
	memcpy(h->fp, p->fp, sizeof(h->fp));
	h->skipped = p->skipped;
	h->shuffle = p->shuffle;
	h->offline = p->offline;
	h->incognito = p->incognito;
	h->sources = p->sources;
	return 0;
}

int pg_import_add(struct store_import *base, const struct store_import_play *p,
		  size_t n, struct strbuf *err)
{
	struct pg_import *im = pg_import_of(base);
	int r = 0;

	/* another statement ran (a merge's text_put): catch the dictionary up */
	if (im->s->stmts != im->seen && pgd_sync(im->dict, im->s, err))
		return -1;
	im->s->active = im;
	for (size_t i = 0; i < n && !r; i++) {
		if (im->nheld == im->alloc) {
			im->alloc = im->alloc ? im->alloc * 2 : 1024;
			im->held = xrealloc(im->held, im->alloc * sizeof(*im->held));
		}
		r = hold(im, &im->held[im->nheld], &p[i], err);
		if (!r && ++im->nheld >= FLUSH_ROWS)
			r = flush(im, err);
	}
	im->seen = im->s->stmts;
	return r ? -1 : 0;
}

static void text_param(struct pg_params *p, const struct store_text *t)
{
	pg_textn(p, t->s, t->len);
}

static void opt(struct pg_params *p, int64_t v, int present)
{
	if (present)
		pg_int(p, v);
	else
		pg_null(p);
}

static void tri(struct pg_params *p, uint8_t v)
{
	opt(p, v, v != STORE_TRI_NULL);
}

/* An export event merged into a stored play: the export's fields win. */
static int merge_export(struct pg_import *im, int64_t play_id,
			const struct store_import_play *x, struct strbuf *err)
{
	static struct pg_q q = PG_Q("UPDATE play_rows p SET"
		" played_ms = CASE WHEN p.precision_ms > $2 THEN $1 ELSE p.played_ms END,"
		" precision_ms = least(p.precision_ms, $2), kind = text_put($3),"
		" item = item_put(coalesce(nullif(i.track_id, 0), text_put($4)),"
		"  coalesce(nullif(i.episode_id, 0), text_put($5)),"
		"  coalesce(nullif(i.track_name, 0), text_put($6)),"
		"  coalesce(nullif(i.artist_name, 0), text_put($7)),"
		"  coalesce(nullif(i.album_name, 0), text_put($8))),"
		" ms_played = $9, reason_start = text_put($10),"
		" reason_end = text_put($11), skipped = $12, shuffle = $13,"
		" offline = $14, offline_ms = $15, incognito = $16,"
		" platform = text_put($17), country = text_put($18),"
		" ip_addr = coalesce(nullif(text_put($19), 0), p.ip_addr),"
		" user_agent = coalesce(nullif(text_put($20), 0), p.user_agent),"
		" name_key = coalesce(p.name_key, $21), sources = p.sources | $23,"
		" import_id = coalesce(p.import_id, $24)"
		" FROM items i WHERE i.id = p.item AND p.id = $22");
	struct pg_params p;

	pg_params_init(&p);
	pg_int(&p, x->played_ms);
	pg_int(&p, x->precision_ms);
	pg_text(&p, x->kind);
	text_param(&p, &x->track_id);
	text_param(&p, &x->episode_id);
	text_param(&p, &x->track_name);
	text_param(&p, &x->artist_name);
	text_param(&p, &x->album_name);
	opt(&p, x->ms_played, x->ms_played >= 0);
	text_param(&p, &x->reason_start);
	text_param(&p, &x->reason_end);
	tri(&p, x->skipped);
	tri(&p, x->shuffle);
	tri(&p, x->offline);
	opt(&p, x->offline_ms, x->offline_ms != 0);
	tri(&p, x->incognito);
	text_param(&p, &x->platform);
	text_param(&p, &x->country);
	text_param(&p, &x->ip_addr);
	text_param(&p, &x->user_agent);
	opt(&p, (int64_t)x->name_key, x->name_key != 0);
	pg_int(&p, play_id);
	pg_int(&p, x->sources);
	pg_int(&p, im->base.id);
	return pg_run(im->s, &q, &p, NULL, err);
}

/* A source matched by names: it fills gaps only, and the finer end time. */
static int merge_account(struct pg_import *im, int64_t play_id,
			 const struct store_import_play *x, struct strbuf *err)
{
	static struct pg_q q = PG_Q("UPDATE play_rows p SET"
		" played_ms = CASE WHEN p.precision_ms > $6 THEN $1 ELSE p.played_ms END,"
		" precision_ms = least(p.precision_ms, $6),"
		" item = item_put(i.track_id, i.episode_id,"
		"  coalesce(nullif(i.track_name, 0), text_put($2)),"
		"  coalesce(nullif(i.artist_name, 0), text_put($3)), i.album_name),"
		" ms_played = coalesce(p.ms_played, $4),"
		" name_key = coalesce(p.name_key, $5), sources = p.sources | $9,"
		" import_id = coalesce(p.import_id, $7)"
		" FROM items i WHERE i.id = p.item AND p.id = $8");
	struct pg_params p;

	pg_params_init(&p);
	pg_int(&p, x->played_ms);
	text_param(&p, &x->track_name);
	text_param(&p, &x->artist_name);
	opt(&p, x->ms_played, x->ms_played >= 0);
	opt(&p, (int64_t)x->name_key, x->name_key != 0);
	pg_int(&p, x->precision_ms);
	pg_int(&p, im->base.id);
	pg_int(&p, play_id);
	pg_int(&p, x->sources);
	return pg_run(im->s, &q, &p, NULL, err);
}

static int put_fps(struct pg_import *im, int64_t play_id,
		   const struct store_import_play *x, struct strbuf *err)
{
	static struct pg_q q = PG_Q("INSERT INTO play_fps (play_id, source, fp)"
		" VALUES ($1, $2, $3) ON CONFLICT (play_id, source) DO UPDATE"
		" SET fp = excluded.fp");
	struct pg_params p;

	for (int i = 0; i < SOURCE_COUNT; i++) {
		if (!x->fp[i])
			continue;
		pg_params_init(&p);
		pg_int(&p, play_id);
		pg_int(&p, i);
		pg_int(&p, (int64_t)x->fp[i]);
		if (pg_run(im->s, &q, &p, NULL, err))
			return -1;
	}
	return 0;
}

int pg_import_merge(struct store_import *base, int64_t play_id,
		    const struct store_import_play *p, struct strbuf *err)
{
	struct pg_import *im = pg_import_of(base);

	if (flush(im, err))
		return -1;
	if (p->sources == SRC_EXPORT)
		return merge_export(im, play_id, p, err) ||
		       put_fps(im, play_id, p, err) ? -1 : 0;
	if (p->sources && !(p->sources & (p->sources - 1)) && p->sources != SRC_API)
		return merge_account(im, play_id, p, err) ||
		       put_fps(im, play_id, p, err) ? -1 : 0;
	strbuf_addf(err, "cannot merge a play of sources %d", p->sources);
	return -1;
}

int pg_import_heal_gaps(struct store_import *base, int64_t lo, int64_t hi,
			int64_t now_ms, size_t *healed, struct strbuf *err)
{
	static struct pg_q q = PG_Q("UPDATE gaps SET healed_ms = $1,"
		" healed_by = $2 WHERE account_id = $3 AND healed_ms IS NULL"
		" AND from_ms >= $4 AND to_ms <= $5");
	struct pg_import *im = pg_import_of(base);
	struct pg_params p;
	char by[64];
	int64_t n = 0;

	snprintf(by, sizeof(by), "import #%lld", (long long)base->id);
	pg_params_init(&p);
	pg_int(&p, now_ms);
	pg_text(&p, by);
	pg_int(&p, base->account_id);
	pg_int(&p, lo);
	pg_int(&p, hi);
	if (pg_run(im->s, &q, &p, &n, err))
		return -1;
	*healed += (size_t)n;
	return 0;
}

int pg_import_finish(struct store_import *base,
		     const struct store_import_counts *c, struct strbuf *err)
{
	static struct pg_q q = PG_Q("UPDATE imports SET finished_ms = $2,"
		" files = $3, records = $4, added = $5, merged = $6,"
		" duplicates = $7, ignored = $8, from_ms = $9, to_ms = $10"
		" WHERE id = $1");
	struct pg_import *im = pg_import_of(base);
	struct pg_params p;
	int span = c->from_ms <= c->to_ms;

	if (flush(im, err))
		return -1;
	pg_params_init(&p);
	pg_int(&p, base->id);
	pg_int(&p, c->finished_ms);
	pg_int(&p, c->files);
	pg_int(&p, c->records);
	pg_int(&p, c->added);
	pg_int(&p, c->merged);
	pg_int(&p, c->duplicates);
	pg_int(&p, c->ignored);
	opt(&p, c->from_ms, span);
	opt(&p, c->to_ms, span);
	if (pg_run(im->s, &q, &p, NULL, NULL)) {
		strbuf_addf(err, "cannot write the import: %s", im->s->errmsg.buf);
		return -1;
	}
	return pgk_fill_canon(im->s, err); /* round 6: as SQLite's sqn_fill_canon */
}

/*
 * Bulk mode. An import larger than the plays stored (the first of a store,
 * more than 100,000 plays; SIZE_MAX, a streamed import of a count not yet
 * known, when the store holds fewer than that) drops play_rows' secondary
 * indexes (migration 5's partial one of name keys too) and builds them
 * again at the end, sorted at once instead of kept up row by row as COPY
 * lands (as sqlite/bulk.c does). DROP INDEX locks play_rows until the
 * commit, so readers wait for such an import: only one into a small store
 * does it. The drop and the build are in the import's transaction: a
 * crash or a rollback leaves the indexes as they were
 * (pg_import_forget_active).
 */
#define BULK_ROWS 100000

static const char *const play_indexes[] = {
	"play_rows_time ON play_rows (played_ms)",
	"play_rows_account_time ON play_rows (account_id, played_ms)",
	"play_rows_item ON play_rows (item, played_ms)",
	"play_rows_name_key ON play_rows (name_key, played_ms) WHERE name_key IS NOT NULL",
};
#define NPLAY_INDEXES (sizeof(play_indexes) / sizeof(*play_indexes))

int pg_bulk_begin(struct store *st, size_t rows, struct strbuf *err)
{
	(void)rows;
	(void)err;
	pg_of(st)->bulk = 1;
	return 0;
}

/* 1: the indexes are dropped (pg_bulk_indexes_on builds them). */
int pg_bulk_indexes_off(struct store *st, size_t new_rows, struct strbuf *err)
{
	static struct pg_q q = PG_Q("SELECT count(*) FROM (SELECT 1 FROM"
		" play_rows LIMIT $1) x");
	struct pg_store *s = pg_of(st);
	struct strbuf sql = STRBUF_INIT;
	struct pg_params p;
	int64_t have;
	int r;

	if (new_rows <= BULK_ROWS || s->indexes_off)
		return 0;
	if (new_rows == SIZE_MAX) /* many: more than a small store holds */
		new_rows = BULK_ROWS;
	pg_params_init(&p);
	pg_int(&p, (int64_t)new_rows);
	if ((have = pg_scalar(s, &q, &p, 0)) < 0 || (size_t)have >= new_rows)
		return have < 0 ? -1 : 0;
	for (size_t i = 0; i < NPLAY_INDEXES; i++)
		strbuf_addf(&sql, "DROP INDEX %.*s;",
			    (int)strcspn(play_indexes[i], " "), play_indexes[i]);
	r = pg_sql(s, sql.buf, err);
	strbuf_release(&sql);
	if (r)
		return -1;
	s->indexes_off = 1;
	return 1;
}

int pg_bulk_indexes_on(struct store *st, struct strbuf *err)
{
	struct pg_store *s = pg_of(st);
	struct strbuf sql = STRBUF_INIT;
	int r;

	if (!s->indexes_off)
		return 0;
	if (pg_import_flush_active(s, err))
		return -1;
	strbuf_addstr(&sql, "SET LOCAL maintenance_work_mem = '128MB';");
	for (size_t i = 0; i < NPLAY_INDEXES; i++)
		strbuf_addf(&sql, "CREATE INDEX %s;", play_indexes[i]);
	/* the one ANALYZE of the rows written with the indexes off (flush) */
	strbuf_addstr(&sql, "ANALYZE texts, items, play_rows;");
	r = pg_sql(s, sql.buf, err);
	strbuf_release(&sql);
	if (!r)
		s->indexes_off = 0;
	return r;
}

void pg_bulk_end(struct store *st)
{
	pg_of(st)->bulk = 0;
}

void pg_import_forget_active(struct pg_store *s)
{
	s->indexes_off = 0; /* the rollback brought them back */
	if (!s->active)
		return;
	s->active->nheld = 0;
	pgd_forget(s->active->dict); /* its new rows are gone */
	s->active->seen = s->stmts - 1; /* read it again */
}
