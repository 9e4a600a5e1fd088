/*
 * The PostgreSQL engine's import writes. New plays are held in the import
 * handle and written with COPY into a temporary table, stage, then moved
 * into play_rows by one INSERT .. SELECT that puts the new texts and items
 * of the batch into the dictionaries first (schema.c): a round trip per
 * batch of rows, not per row. Rows held back are written before anything
 * reads the plays (a scan, a merge, the counts) and before the commit
 * (engine.c), so the import's own reads see them; all of it is inside the
 * caller's transaction, so a crash leaves nothing half-imported.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/postgres/pg.h"
#include "store/postgres/namekeyed.h" /* round 6: canon */
#include "core/banned.h"

/* Rows per COPY batch (the bulk import's). */
#define FLUSH_ROWS 20000

struct pg_import {
	struct store_import base;
	struct pg_store *s;
	struct strbuf copy;  /* COPY text of the rows held back */
	size_t held;
	size_t written, analyzed; /* rows moved; at the last ANALYZE */
	int staged;          /* the temporary table exists */
};

static struct pg_import *pg_import_of(struct store_import *im)
{
	return (struct pg_import *)im;
}

/* The texts of a play, in the order of stage's text columns. */
#define STAGE_TEXTS "kind, track_id, episode_id, track_name, artist_name," \
	" album_name, reason_start, reason_end, platform, country, ip_addr," \
	" user_agent"

static int make_stage(struct pg_import *im, struct strbuf *err)
{
	struct strbuf q = STRBUF_INIT;
	int r;

	if (im->staged)
		return 0;
	strbuf_addstr(&q, "CREATE TEMP TABLE IF NOT EXISTS stage ("
		" id bigint DEFAULT nextval('play_rows_id_seq'), played_ms bigint,"
		" precision_ms bigint, kind text, track_id text, episode_id text,"
		" track_name text, artist_name text, album_name text,"
		" ms_played bigint, reason_start text, reason_end text,"
		" skipped smallint, shuffle smallint, offline smallint,"
		" offline_ms bigint, incognito smallint, platform text,"
		" country text, ip_addr text, user_agent text, name_key bigint,"
		" sources smallint");
	for (int i = 0; i < SOURCE_COUNT; i++)
		strbuf_addf(&q, ", fp%d bigint", i);
	strbuf_addstr(&q, ") ON COMMIT DROP; TRUNCATE stage");
	r = pg_sql(im->s, q.buf, err);
	strbuf_release(&q);
	im->staged = !r;
	return r;
}

static void copy_text(struct strbuf *b, const struct store_text *t)
{
	if (!t->s) {
		strbuf_addstr(b, "\\N\t");
		return;
	}
	for (uint32_t i = 0; i < t->len; i++) {
		char c = t->s[i];
		switch (c) {
		case '\\': strbuf_addstr(b, "\\\\"); break;
		case '\t': strbuf_addstr(b, "\\t"); break;
		case '\n': strbuf_addstr(b, "\\n"); break;
		case '\r': strbuf_addstr(b, "\\r"); break;
		case '\0': break; /* PostgreSQL text holds no NUL */
		default: strbuf_addch(b, c);
		}
	}
	strbuf_addch(b, '\t');
}

static void copy_int(struct strbuf *b, int64_t v, int present)
{
	if (present)
		strbuf_addf(b, "%lld\t", (long long)v);
	else
		strbuf_addstr(b, "\\N\t");
}

static void copy_tri(struct strbuf *b, uint8_t v)
{
	copy_int(b, v, v != STORE_TRI_NULL);
}

static void copy_row(struct strbuf *b, const struct store_import_play *p)
{
	struct store_text kind = { p->kind, p->kind ? (uint32_t)strlen(p->kind) : 0 };

	copy_int(b, p->played_ms, 1);
	copy_int(b, p->precision_ms, 1);
	copy_text(b, &kind);
	copy_text(b, &p->track_id);
	copy_text(b, &p->episode_id);
	copy_text(b, &p->track_name);
	copy_text(b, &p->artist_name);
	copy_text(b, &p->album_name);
	copy_int(b, p->ms_played, p->ms_played >= 0);
	copy_text(b, &p->reason_start);
	copy_text(b, &p->reason_end);
	copy_tri(b, p->skipped);
	copy_tri(b, p->shuffle);
	copy_tri(b, p->offline);
	copy_int(b, p->offline_ms, p->offline_ms != 0);
	copy_tri(b, p->incognito);
	copy_text(b, &p->platform);
	copy_text(b, &p->country);
	copy_text(b, &p->ip_addr);
	copy_text(b, &p->user_agent);
	copy_int(b, (int64_t)p->name_key, p->name_key != 0);
	copy_int(b, p->sources, 1);
	for (int i = 0; i < SOURCE_COUNT; i++)
		copy_int(b, (int64_t)p->fp[i], p->fp[i] != 0);
	b->buf[b->len - 1] = '\n';
}

/* COPY of the rows held back into stage. */
static int copy_in(struct pg_import *im, struct strbuf *err)
{
	PGconn *c = im->s->conn;
	struct strbuf q = STRBUF_INIT;
	PGresult *r;
	int ok;

	strbuf_addstr(&q, "COPY stage (played_ms, precision_ms, kind, track_id,"
		      " episode_id, track_name, artist_name, album_name, ms_played,"
		      " reason_start, reason_end, skipped, shuffle, offline,"
		      " offline_ms, incognito, platform, country, ip_addr,"
		      " user_agent, name_key, sources");
	for (int i = 0; i < SOURCE_COUNT; i++)
		strbuf_addf(&q, ", fp%d", i);
	strbuf_addstr(&q, ") FROM STDIN");
	r = PQexec(c, q.buf);
	strbuf_release(&q);
	ok = PQresultStatus(r) == PGRES_COPY_IN;
	PQclear(r);
	if (!ok)
		goto fail;
	ok = PQputCopyData(c, im->copy.buf, (int)im->copy.len) == 1;
	if (PQputCopyEnd(c, ok ? NULL : "cannot send the rows") != 1)
		ok = 0;
	while ((r = PQgetResult(c))) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			ok = 0;
		PQclear(r);
	}
	if (ok)
		return 0;
fail:
	strbuf_addstr(err, "cannot write the plays: ");
	pg_error(im->s, err);
	return -1;
}

/*
 * stage into the tables: new texts, new items, the plays (in the order
 * they came, so ids follow it), their fingerprints.
 */
static int move_stage(struct pg_import *im, struct strbuf *err)
{
	struct strbuf q = STRBUF_INIT;
	int r;

	strbuf_addstr(&q,
		"INSERT INTO texts (s) SELECT DISTINCT v FROM stage,"
		" LATERAL (VALUES (kind), (track_id), (episode_id), (track_name),"
		" (artist_name), (album_name), (reason_start), (reason_end),"
		" (platform), (country), (ip_addr), (user_agent)) x(v)"
		" WHERE v IS NOT NULL ON CONFLICT (md5(s)) DO NOTHING;"
		"CREATE TEMP TABLE stage_ids ON COMMIT DROP AS SELECT st.id,"
		" coalesce(a.id, 0) a, coalesce(b.id, 0) b, coalesce(c.id, 0) c,"
		" coalesce(d.id, 0) d, coalesce(e.id, 0) e, k.id k,"
		" coalesce(rs.id, 0) rs, coalesce(re.id, 0) re, coalesce(pl.id, 0) pl,"
		" coalesce(co.id, 0) co, coalesce(ip.id, 0) ip, coalesce(ua.id, 0) ua"
		" FROM stage st LEFT JOIN texts a ON a.s = st.track_id"
		" LEFT JOIN texts b ON b.s = st.episode_id"
		" LEFT JOIN texts c ON c.s = st.track_name"
		" LEFT JOIN texts d ON d.s = st.artist_name"
		" LEFT JOIN texts e ON e.s = st.album_name"
		" LEFT JOIN texts k ON k.s = st.kind"
		" LEFT JOIN texts rs ON rs.s = st.reason_start"
		" LEFT JOIN texts re ON re.s = st.reason_end"
		" LEFT JOIN texts pl ON pl.s = st.platform"
		" LEFT JOIN texts co ON co.s = st.country"
		" LEFT JOIN texts ip ON ip.s = st.ip_addr"
		" LEFT JOIN texts ua ON ua.s = st.user_agent;"
		"INSERT INTO items (track_id, episode_id, track_name, artist_name,"
		" album_name) SELECT DISTINCT a, b, c, d, e FROM stage_ids"
		" ON CONFLICT DO NOTHING;");
	strbuf_addf(&q,
		"INSERT INTO play_rows (id, account_id, played_ms, precision_ms,"
		" kind, item, ms_played, reason_start, reason_end, skipped, shuffle,"
		" offline, offline_ms, incognito, platform, country, ip_addr,"
		" user_agent, sources, import_id, name_key)"
		" SELECT st.id, %lld, st.played_ms, st.precision_ms, x.k, i.id,"
		" st.ms_played, x.rs, x.re, st.skipped, st.shuffle, st.offline,"
		" st.offline_ms, st.incognito, x.pl, x.co, x.ip, x.ua, st.sources,"
		" %lld, st.name_key FROM stage st JOIN stage_ids x ON x.id = st.id"
		" JOIN items i ON i.track_id = x.a AND i.episode_id = x.b"
		" AND i.track_name = x.c AND i.artist_name = x.d"
		" AND i.album_name = x.e ORDER BY st.id;",
		(long long)im->base.account_id, (long long)im->base.id);
	strbuf_addstr(&q, "INSERT INTO play_fps (play_id, source, fp)"
		      " SELECT id, n, fp FROM stage, LATERAL (VALUES ");
	for (int i = 0; i < SOURCE_COUNT; i++)
		strbuf_addf(&q, "%s(%d, fp%d)", i ? ", " : "", i, i);
	strbuf_addstr(&q, ") x(n, fp) WHERE fp IS NOT NULL ORDER BY id, n;"
		      "DROP TABLE stage_ids; TRUNCATE stage");
	/* one statement at a time: the server's log times each */
	r = 0;
	for (char *p = q.buf, *semi; !r && p && *p; p = semi ? semi + 1 : NULL) {
		semi = strchr(p, ';');
		if (semi)
			*semi = '\0';
		r = pg_sql(im->s, p, NULL);
	}
	strbuf_release(&q);
	if (r)
		strbuf_addf(err, "cannot write the plays: %s", im->s->errmsg.buf);
	return r;
}

static int flush(struct pg_import *im, struct strbuf *err)
{
	if (!im->held)
		return 0;
	/*
	 * Statistics of the batch and of the grown dictionary first: without
	 * them the planner takes the new tables for empty and joins the
	 * batch to texts by nested loops.
	 */
	if (make_stage(im, err) || copy_in(im, err) ||
	    pg_sql(im->s, "ANALYZE stage", err) || move_stage(im, err))
		return -1;
	im->written += im->held;
	if (im->written >= im->analyzed * 2 + FLUSH_ROWS) {
		if (pg_sql(im->s, "ANALYZE texts, items, play_rows", err))
			return -1;
		im->analyzed = im->written;
	}
	strbuf_reset(&im->copy);
	im->held = 0;
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
	strbuf_init(&im->copy, 0);
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
	strbuf_release(&im->copy);
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

int pg_import_add(struct store_import *base, const struct store_import_play *p,
		  size_t n, struct strbuf *err)
{
	struct pg_import *im = pg_import_of(base);

	for (size_t i = 0; i < n; i++)
		copy_row(&im->copy, &p[i]);
	im->held += n;
	im->s->active = im;
	return im->held >= FLUSH_ROWS ? flush(im, err) : 0;
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
 * Bulk mode: nothing to switch on a server (no journal, the indexes are
 * kept up as COPY batches land); the batches are what makes it fast.
 */
int pg_bulk_begin(struct store *st, size_t rows, struct strbuf *err)
{
	(void)rows;
	(void)err;
	pg_of(st)->bulk = 1;
	return 0;
}

int pg_bulk_indexes_off(struct store *st, size_t new_rows, struct strbuf *err)
{
	(void)st;
	(void)new_rows;
	(void)err;
	return 0;
}

int pg_bulk_indexes_on(struct store *st, struct strbuf *err)
{
	(void)st;
	(void)err;
	return 0;
}

void pg_bulk_end(struct store *st)
{
	pg_of(st)->bulk = 0;
}

void pg_import_forget_active(struct pg_store *s)
{
	if (!s->active)
		return;
	strbuf_reset(&s->active->copy);
	s->active->held = 0;
	s->active->staged = 0; /* the rollback dropped it */
}
