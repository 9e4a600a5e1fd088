/*
 * The PostgreSQL engine's reads for reports: the SQLite engine's queries
 * (store/sqlite/report.c) over the view plays, prepared once per
 * connection. Lookups by track go through the dictionary's index
 * (text_id, in a subquery so it is asked once) to play_rows_item.
 */
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/postgres/pg.h"
#include "core/banned.h"

/*
 * A track's items first, materialized, then its plays by play_rows_item:
 * left to itself the planner answers "the first play of the track" by
 * walking the whole time index (0.4 s a track at 100k plays, measured).
 */
#define TRACK_ITEMS(cond) "WITH i AS MATERIALIZED (SELECT * FROM items" \
	" WHERE track_id = (SELECT text_id($1))" cond ")"
/* The first play (by time, then id) of the track's items that name one. */
#define FIRST_PLAY(cond, cols) TRACK_ITEMS(cond) " SELECT " cols " FROM i" \
	" JOIN LATERAL (SELECT p.played_ms, p.id FROM play_rows p" \
	"  WHERE p.item = i.id ORDER BY p.played_ms, p.id LIMIT 1) f ON true" \
	" ORDER BY f.played_ms, f.id LIMIT 1"

static struct pg_params one_text(const char *v)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_text(&p, v);
	return p;
}

int pgr_read_begin(struct store *st, struct strbuf *err)
{
	struct pg_store *s = pg_of(st);

	if (pg_sql(s, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err))
		return -1;
	s->in_read = 1;
	return 0;
}

void pgr_read_end(struct store *st)
{
	struct pg_store *s = pg_of(st);

	if (s->in_read)
		pg_sql(s, "COMMIT", NULL);
	s->in_read = 0;
	pgt_refnames_end(s);
}

/*
 * JIT off: the year page's queries are costed above jit_above_cost and
 * compiled each time; at 20 accounts x 50k plays the first-play names of
 * one account's year (trackref.c) took 102-187 ms with it (36 ms of it
 * compiling, at load 4), 32-42 ms without.
 * random_page_cost as for storage that seeks as fast as it reads (the
 * pages a dashboard reads are in memory): with the default 4 the planner
 * reads one account's year by bitmap and sorts it, 10-16 ms at 20 x 50k
 * plays; by the index (account_id, played_ms), in order, it is 6.4-9 ms.
 */
void pgr_tune_for_reads(struct store *st)
{
	pg_sql(pg_of(st), "SET work_mem = '64MB'", NULL);
	pg_sql(pg_of(st), "SET jit = off", NULL);
	pg_sql(pg_of(st), "SET random_page_cost = 1.1", NULL);
}

struct walk {
	void *fn, *arg;
};

static int source_row(void *arg, const PGresult *r, int i)
{
	struct walk *w = arg;

	return ((int (*)(void *, int64_t, int))w->fn)(w->arg, pg_get_int(r, i, 0, 0),
						      (int)pg_get_int(r, i, 1, 0));
}

int pgr_scan_sources(struct store *st, int64_t account_id, int64_t from, int64_t to,
		     int (*fn)(void *, int64_t, int), void *arg, struct strbuf *err)
{
	static struct pg_q q = PG_Q("SELECT played_ms, sources FROM play_rows"
		" WHERE played_ms >= $1 AND played_ms < $2");
	static struct pg_q qa = PG_Q("SELECT played_ms, sources FROM play_rows"
		" WHERE account_id = $3 AND played_ms >= $1 AND played_ms < $2");
	struct walk w = { (void *)fn, arg };
	struct pg_params p;

	pg_params_range(&p, from, to, account_id);
	return pg_each(pg_of(st), account_id ? &qa : &q, &p, source_row, &w, err);
}

int pgr_play_span(struct store *st, int64_t account_id, int64_t *first_ms, int64_t *last_ms,
		  struct strbuf *err)
{
	static struct pg_q q = PG_Q("SELECT min(played_ms), max(played_ms)"
		" FROM play_rows");
	static struct pg_q qa = PG_Q("SELECT min(played_ms), max(played_ms)"
		" FROM play_rows WHERE account_id = $1");
	struct pg_params p;

	pg_params_init(&p);
	pg_int(&p, account_id);
	PGresult *r = account_id ? pg_exec(pg_of(st), &qa, &p, err)
				 : pg_exec(pg_of(st), &q, NULL, err);
	int found;

	if (!r)
		return -1;
	found = !PQgetisnull(r, 0, 0);
	if (found) {
		*first_ms = pg_get_int(r, 0, 0, 0);
		*last_ms = pg_get_int(r, 0, 1, 0);
	}
	PQclear(r);
	return found;
}

int pgr_track_play_times(struct store *st, int64_t account_id, const char *track_id, int64_t **v,
			 int *n, struct strbuf *err)
{
	static struct pg_q q = PG_Q(TRACK_ITEMS("") " SELECT p.played_ms FROM i"
		" JOIN play_rows p ON p.item = i.id"
		" WHERE ($2::bigint = 0 OR p.account_id = $2::bigint) ORDER BY p.played_ms");
	struct pg_params p = one_text(track_id);

	pg_int(&p, account_id);
	PGresult *r = pg_exec(pg_of(st), &q, &p, err);

	*v = NULL;
	*n = 0;
	if (!r)
		return -1;
	if (PQntuples(r))
		*v = xcalloc((size_t)PQntuples(r), sizeof(**v));
	for (int i = 0; i < PQntuples(r); i++)
		(*v)[(*n)++] = pg_get_int(r, i, 0, 0);
	PQclear(r);
	return 0;
}

/*
 * Runs q with ids[0..n) as $1 (one text[]) and the integers extra[0..nextra)
 * as $2...; each row's first column is its id's 1-based position (WITH
 * ORDINALITY), and fn(arg, r, row, i) is called with i, its index in ids.
 */
static void each_of_ids(struct store *st, struct pg_q *q, const char *const *ids, int n,
			const int64_t *extra, int nextra,
			void (*fn)(void *arg, const PGresult *r, int row, int i), void *arg)
{
	struct strbuf arr = STRBUF_INIT;
	struct pg_params p;

	pg_params_init(&p);
	pg_text_array(&p, &arr, ids, n);
	for (int k = 0; k < nextra; k++)
		pg_int(&p, extra[k]);
	PGresult *r = pg_exec(pg_of(st), q, &p, NULL);
	for (int row = 0; r && row < PQntuples(r); row++) {
		int64_t i = pg_get_int(r, row, 0, 0) - 1;
		if (i >= 0 && i < n)
			fn(arg, r, row, (int)i);
	}
	PQclear(r);
	strbuf_release(&arr);
}

static void played_at(void *arg, const PGresult *r, int row, int i)
{
	(void)r;
	(void)row;
	((int *)arg)[i] = 1;
}

int pgr_any_play_before(struct store *st, int64_t account_id, int64_t ms)
{
	/*
	 * The first play, compared: EXISTS (... played_ms < $1) took 0.02-0.05
	 * ms, but once 199 ms (1M plays, none that early; the 12th execution
	 * of the statement, where a generic plan may be taken). min() is one
	 * index probe whatever the plan.
	 */
	static struct pg_q q = PG_Q("SELECT CASE WHEN (SELECT min(played_ms)"
		" FROM play_rows) < $1 THEN 1 ELSE 0 END");
	static struct pg_q qa = PG_Q("SELECT CASE WHEN (SELECT min(played_ms)"
		" FROM play_rows WHERE account_id = $2) < $1 THEN 1 ELSE 0 END");
	struct pg_params p;

	pg_params_init(&p);
	pg_int(&p, ms);
	if (account_id)
		pg_int(&p, account_id);
	return pg_scalar(pg_of(st), account_id ? &qa : &q, &p, 0) == 1;
}

int pgr_artists_played_before(struct store *st, int64_t account_id, const char *const *ids,
			      int n, int64_t ms, int *out)
{
	/*
	 * A lateral with LIMIT 1, not EXISTS: knowing 3,000 ids, the planner
	 * made EXISTS a semi join over every earlier play (600,000 at 1M
	 * plays; 600-700 ms), where a probe per artist takes 40-80 ms.
	 */
	static struct pg_q q = PG_Q("SELECT u.ord"
		" FROM unnest($1::text::text[]) WITH ORDINALITY u(id, ord)"
		" CROSS JOIN LATERAL (SELECT 1 FROM track_artists ta"
		"  JOIN texts t ON md5(t.s) = md5(ta.track_id)"
		"  JOIN items i ON i.track_id = t.id"
		"  JOIN play_rows p ON p.item = i.id AND p.played_ms < $2"
		"  AND ($3::bigint = 0 OR p.account_id = $3::bigint)"
		"  WHERE ta.artist_id = u.id LIMIT 1) x");
	const int64_t extra[] = { ms, account_id };

	each_of_ids(st, &q, ids, n, extra, 2, played_at, out);
	return 0;
}

static char *dup_or_empty(const PGresult *r, int row, int col)
{
	const char *v = pg_get_str(r, row, col);
	return xstrdup(v ? v : "");
}

/* An album's cover, as store.h says: the smallest image at least 160 px
 * wide, else the first (the largest). */
#define COVER_OF(album) "SELECT url FROM album_images WHERE album_id = " album \
	" ORDER BY (COALESCE(width, 0) >= 160) DESC," \
	" CASE WHEN COALESCE(width, 0) >= 160 THEN width END ASC NULLS FIRST," \
	" position ASC LIMIT 1"

/*
 * Tracks' names in one round trip (a year page asks some 270 tracks; one
 * by one they were 25 ms of its 43 ms): for each id, in the order asked,
 * the catalog's row, its artists (joined by chr(31), in position order),
 * and, only when the catalog lacks a name, the album or every artist, the
 * names of the first play (by time, then id) of the track's items that
 * name one; and the album's cover.
 */
static struct pg_q q_track_names = PG_Q("SELECT u.ord, c.name, c.album_id,"
	" c.album, c.duration_ms, c.found, a.artists, f.found, f.tn, f.an, f.bn,"
	" im.url"
	" FROM unnest($1::text::text[]) WITH ORDINALITY u(id, ord)"
	" LEFT JOIN LATERAL (SELECT t.name, t.album_id, al.name AS album,"
	"  t.duration_ms, 1 AS found FROM tracks t"
	"  LEFT JOIN albums al ON al.id = t.album_id WHERE t.id = u.id) c ON true"
	" CROSS JOIN LATERAL (SELECT string_agg(COALESCE(ar.name, ta.artist_id),"
	"  chr(31) ORDER BY ta.position) AS artists FROM track_artists ta"
	"  LEFT JOIN artists ar ON ar.id = ta.artist_id WHERE ta.track_id = u.id) a"
	" LEFT JOIN LATERAL (SELECT 1 AS found,"
	"  (SELECT s FROM texts WHERE id = i.track_name) AS tn,"
	"  (SELECT s FROM texts WHERE id = i.artist_name) AS an,"
	"  (SELECT s FROM texts WHERE id = i.album_name) AS bn"
	"  FROM items i JOIN LATERAL (SELECT p.played_ms, p.id FROM play_rows p"
	"   WHERE p.item = i.id ORDER BY p.played_ms, p.id LIMIT 1) fp ON true"
	"  WHERE i.track_id = text_id(u.id) AND i.track_name != 0"
	"  AND (coalesce(c.name, '') = '' OR coalesce(c.album, '') = ''"
	"   OR translate(coalesce(a.artists, ''), chr(31), '') = '')"
	"  ORDER BY fp.played_ms, fp.id LIMIT 1) f ON true"
	" LEFT JOIN LATERAL (" COVER_OF("c.album_id") ") im ON true ORDER BY u.ord");

/* The artists of a row ("A<31>B"), joined by ", " as before. */
static void add_artists(struct strbuf *ar, const char *v)
{
	while (v) {
		const char *end = strchr(v, 31);
		if (ar->len)
			strbuf_addstr(ar, ", ");
		strbuf_add(ar, v, end ? (size_t)(end - v) : strlen(v));
		v = end ? end + 1 : NULL;
	}
}

/* Names the catalog lacks, from the first play that stored a track name. */
static void track_fallback(const PGresult *r, int row, struct store_track_names *t,
			   struct strbuf *ar)
{
	if (PQgetisnull(r, row, 7))
		return;
	if (!t->name || !t->name[0]) {
		free(t->name);
		t->name = dup_or_empty(r, row, 8);
	}
	if (!ar->len)
		strbuf_addstr(ar, pg_get_str(r, row, 9) ? pg_get_str(r, row, 9) : "");
	if (!t->album || !t->album[0]) {
		free(t->album);
		t->album = dup_or_empty(r, row, 10);
	}
}

static void track_row(const PGresult *r, int row, struct store_track_names *t)
{
	struct strbuf ar = STRBUF_INIT;

	if (!PQgetisnull(r, row, 5)) {
		t->in_catalog = 1;
		t->name = dup_or_empty(r, row, 1);
		t->album_id = dup_or_empty(r, row, 2);
		t->album = dup_or_empty(r, row, 3);
		t->duration_ms = pg_get_int(r, row, 4, -1);
	}
	t->cover_url = pg_get_dup(r, row, 11);
	add_artists(&ar, pg_get_str(r, row, 6));
	if (!t->name || !t->name[0] || !ar.len || !t->album || !t->album[0])
		track_fallback(r, row, t, &ar);
	free(t->artists);
	t->artists = strbuf_detach(&ar, NULL);
}

static void track_row_at(void *arg, const PGresult *r, int row, int i)
{
	track_row(r, row, &((struct store_track_names *)arg)[i]);
}

int pgr_track_names(struct store *st, const char *const *ids, int n,
		    struct store_track_names *out)
{
	for (int i = 0; i < n; i++)
		out[i] = (struct store_track_names){ .duration_ms = -1 };
	each_of_ids(st, &q_track_names, ids, n, NULL, 0, track_row_at, out);
	for (int i = 0; i < n; i++) {
		if (!out[i].album_id)
			out[i].album_id = xstrdup("");
		if (!out[i].album)
			out[i].album = xstrdup("");
		if (!out[i].artists)
			out[i].artists = xstrdup("");
		if (!out[i].cover_url)
			out[i].cover_url = xstrdup("");
	}
	return 0;
}

int pgr_play_names(struct store *st, const char *track_id, char **artist,
		   char **album)
{
	static struct pg_q q = PG_Q(FIRST_PLAY(" AND artist_name != 0",
		"(SELECT s FROM texts WHERE id = i.artist_name),"
		" (SELECT s FROM texts WHERE id = i.album_name)"));
	struct pg_params p = one_text(track_id);
	PGresult *r = pg_exec(pg_of(st), &q, &p, NULL);
	int found = r && PQntuples(r);

	*artist = *album = NULL;
	if (found) {
		*artist = dup_or_empty(r, 0, 0);
		*album = pg_get_dup(r, 0, 1);
	}
	PQclear(r);
	return found;
}

static char *lookup(struct store *st, struct pg_q *q, const char *key)
{
	struct pg_params p = one_text(key);
	PGresult *r = pg_exec(pg_of(st), q, &p, NULL);
	char *v = r && PQntuples(r) ? dup_or_empty(r, 0, 0) : NULL;

	PQclear(r);
	return v;
}

static void name_at(void *arg, const PGresult *r, int row, int i)
{
	char **out = arg;
	if (!out[i])
		out[i] = pg_get_dup(r, row, 1);
}

int pgr_artist_names(struct store *st, const char *const *ids, int n, char **out)
{
	static struct pg_q q = PG_Q("SELECT u.ord, a.name"
		" FROM unnest($1::text::text[]) WITH ORDINALITY u(id, ord)"
		" JOIN artists a ON a.id = u.id");
	each_of_ids(st, &q, ids, n, NULL, 0, name_at, out);
	return 0;
}

char *pgr_album_cover(struct store *st, const char *album_id)
{
	static struct pg_q q = PG_Q(COVER_OF("$1"));
	return lookup(st, &q, album_id);
}

static int sweep_row(void *arg, const PGresult *r, int i)
{
	const struct store_catalog_fns *f = arg;
	const char *a = pg_get_str(r, i, 0);

	switch (PQnfields(r) == 3 ? (PQftype(r, 1) == 20 ? 0 : 1) : 2) {
	case 0:
		f->track(f->arg, a, pg_get_int(r, i, 1, -1),
			 pg_get_str(r, i, 2) ? pg_get_str(r, i, 2) : "");
		break;
	case 1:
		f->mood(f->arg, a, pg_get_num(r, i, 1), pg_get_num(r, i, 2));
		break;
	default:
		if (!strcmp(PQfname(r, 1), "artist_id"))
			f->track_artist(f->arg, a, pg_get_str(r, i, 1));
		else
			f->artist_genre(f->arg, a, pg_get_str(r, i, 1));
	}
	return 0;
}

int pgr_catalog_scan(struct store *st, const struct store_catalog_fns *f,
		     struct strbuf *err)
{
	static struct pg_q about = PG_Q("SELECT count(*) FROM tracks");
	static struct pg_q tr = PG_Q("SELECT id, duration_ms, album_id FROM tracks");
	static struct pg_q mood = PG_Q("SELECT track_id, valence, energy FROM"
		" audio_features WHERE valence IS NOT NULL AND energy IS NOT NULL");
	static struct pg_q ta = PG_Q("SELECT track_id, artist_id FROM"
		" track_artists ORDER BY track_id COLLATE \"C\", position");
	static struct pg_q ag = PG_Q("SELECT artist_id, genre FROM artist_genres"
		" ORDER BY artist_id COLLATE \"C\", position");
	struct pg_store *s = pg_of(st);
	void *arg = (void *)f;

	if (f->tracks_about)
		f->tracks_about(f->arg, pg_scalar(s, &about, NULL, 0));
	if ((f->track && pg_each(s, &tr, NULL, sweep_row, arg, err)) ||
	    (f->mood && pg_each(s, &mood, NULL, sweep_row, arg, err)) ||
	    (f->track_artist && pg_each(s, &ta, NULL, sweep_row, arg, err)) ||
	    (f->artist_genre && pg_each(s, &ag, NULL, sweep_row, arg, err)))
		return -1;
	return 0;
}

int pgr_track_sections(struct store *st, const char *track_id,
		       struct store_page_section **v, int *n, struct strbuf *err)
{
	static struct pg_q q = PG_Q("SELECT start, duration, loudness, tempo,"
		" key, mode FROM sections WHERE track_id = $1 ORDER BY idx");
	struct pg_params p = one_text(track_id);
	PGresult *r = pg_exec(pg_of(st), &q, &p, err);

	*v = NULL;
	*n = 0;
	if (!r)
		return -1;
	if (PQntuples(r))
		*v = xcalloc((size_t)PQntuples(r), sizeof(**v));
	for (int i = 0; i < PQntuples(r); i++) {
		struct store_page_section *x = &(*v)[(*n)++];
		x->start = pg_get_num(r, i, 0);
		x->duration = pg_get_num(r, i, 1);
		x->loudness = pg_get_num(r, i, 2);
		x->tempo = pg_get_num(r, i, 3);
		x->key = (int)pg_get_int(r, i, 4, 0);
		x->mode = (int)pg_get_int(r, i, 5, 0);
	}
	PQclear(r);
	return 0;
}

int pgr_track_features(struct store *st, const char *track_id,
		       struct store_page_features *f)
{
	static struct pg_q q = PG_Q("SELECT valence, energy, danceability, tempo,"
		" loudness FROM audio_features WHERE track_id = $1");
	struct pg_params p = one_text(track_id);
	PGresult *r = pg_exec(pg_of(st), &q, &p, NULL);
	int found = r && PQntuples(r);

	if (found) {
		f->valence = pg_get_num(r, 0, 0);
		f->energy = pg_get_num(r, 0, 1);
		f->danceability = pg_get_num(r, 0, 2);
		f->tempo = pg_get_num(r, 0, 3);
		f->loudness = pg_get_num(r, 0, 4);
	}
	PQclear(r);
	return found;
}

static int gap_row(void *arg, const PGresult *r, int i)
{
	struct walk *w = arg;
	struct store_gap g = {
		.account = pg_get_str(r, i, 0),
		.from_ms = pg_get_int(r, i, 1, 0),
		.to_ms = pg_get_int(r, i, 2, 0),
		.detected_ms = pg_get_int(r, i, 3, 0),
		.healed_ms = pg_get_int(r, i, 4, -1),
		.healed_by = pg_get_str(r, i, 5),
	};
	return ((int (*)(void *, const struct store_gap *))w->fn)(w->arg, &g);
}

int pgr_gaps_overlapping(struct store *st, int64_t account_id, int64_t from, int64_t to,
			 int (*fn)(void *, const struct store_gap *), void *arg,
			 struct strbuf *err)
{
	static struct pg_q q = PG_Q("SELECT a.name, g.from_ms, g.to_ms,"
		" g.detected_ms, g.healed_ms, g.healed_by FROM gaps g JOIN accounts a"
		" ON a.id = g.account_id WHERE g.to_ms >= $1 AND g.from_ms < $2"
		" AND ($3::bigint = 0 OR g.account_id = $3::bigint)"
		" ORDER BY g.from_ms, g.id");
	struct walk w = { (void *)fn, arg };
	struct pg_params p;

	pg_params_range(&p, from, to, 0);
	pg_int(&p, account_id); /* always: the query has $3 */
	return pg_each(pg_of(st), &q, &p, gap_row, &w, err);
}

int pgr_gaps_list(struct store *st, const char *account,
		  int (*fn)(void *, const struct store_gap *), void *arg,
		  struct strbuf *err)
{
	static struct pg_q q = PG_Q("SELECT a.name, g.from_ms, g.to_ms,"
		" g.detected_ms, g.healed_ms, g.healed_by FROM gaps g JOIN accounts a"
		" ON a.id = g.account_id WHERE $1::text IS NULL OR a.name = $1"
		" ORDER BY g.from_ms, a.name COLLATE \"C\"");
	struct walk w = { (void *)fn, arg };
	struct pg_params p = one_text(account);

	return pg_each(pg_of(st), &q, &p, gap_row, &w, err);
}

static int recent_row(void *arg, const PGresult *r, int i)
{
	struct walk *w = arg;
	struct store_log_play p = {
		.played_ms = pg_get_int(r, i, 0, 0),
		.track_id = pg_get_str(r, i, 1),
		.track_name = pg_get_str(r, i, 2),
		.artist_name = pg_get_str(r, i, 3),
		.album_name = pg_get_str(r, i, 4),
		.ms_played = pg_get_int(r, i, 5, -1),
		.kind = pg_get_str(r, i, 6),
		.sources = (int)pg_get_int(r, i, 7, 0),
		.account = pg_get_str(r, i, 8),
		.catalog_artists = pg_get_str(r, i, 9),
	};
	return ((int (*)(void *, const struct store_log_play *))w->fn)(w->arg, &p);
}

int pgr_recent_plays(struct store *st, const char *account, int64_t n,
		     int (*fn)(void *, const struct store_log_play *), void *arg,
		     struct strbuf *err)
{
	static struct pg_q q = PG_Q("SELECT p.played_ms, p.track_id, p.track_name,"
		" p.artist_name, p.album_name, p.ms_played, p.kind, p.sources, a.name,"
		" (SELECT string_agg(ar.name, chr(31) ORDER BY ta.position)"
		"   FROM track_artists ta JOIN artists ar ON ar.id = ta.artist_id"
		"   WHERE ta.track_id = p.track_id)"
		" FROM plays p JOIN accounts a ON a.id = p.account_id"
		" WHERE $1::text IS NULL OR a.name = $1"
		" ORDER BY p.played_ms DESC, p.id DESC LIMIT $2");
	struct walk w = { (void *)fn, arg };
	struct pg_params p = one_text(account);

	pg_int(&p, n);
	return pg_each(pg_of(st), &q, &p, recent_row, &w, err);
}
