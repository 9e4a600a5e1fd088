/*
 * Plays by track reference on PostgreSQL (store.h's section of that name):
 * a track's reference is the dictionary id (texts.id) of its Spotify id, so
 * every item of one track, whatever names it carried, has the same
 * reference. A play with no track id (an item's track_id 0) refers to its
 * name key's row of name_tracks (migration 5), whose ref is a dictionary id
 * too, and is handed out when it has one.
 */
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/postgres/pg.h"
#include "core/banned.h"

struct walk {
	void *fn, *arg;
};

/* A scan's rows being given their references. */
struct rows {
	struct pg_store *s;
	int reloaded; /* the item map was read again for this scan */
};

/*
 * The track reference of every item and name key, read again when
 * store_data_version changes (items and name_tracks only grow, and every
 * import that adds a play bumps the version): a scan reads the play rows
 * alone and looks references up here. Joining items and name_tracks on the
 * server made a year scan of one account among 20 x 50k plays 15-16 ms
 * instead of 9.5.
 */
struct pg_items {
	int64_t version;
	int n;    /* ref[id] for item ids below n: its track id's, 0 for none,
		     -1 no such item (yet) */
	int *ref;
	int nkeys; /* name_tracks, by name_key ascending */
	int64_t *key;
	int *key_ref;
};

void pgt_items_drop(struct pg_store *s)
{
	if (!s->items)
		return;
	free(s->items->ref);
	free(s->items->key);
	free(s->items->key_ref);
	free(s->items);
	s->items = NULL;
}

static int items_load(struct pg_store *s, struct strbuf *err)
{
	static struct pg_q qi = PG_Q_INTS("SELECT id, track_id FROM items ORDER BY id DESC");
	static struct pg_q qk = PG_Q_INTS("SELECT name_key, ref FROM name_tracks"
		" ORDER BY name_key");
	int64_t version = store_data_version(&s->base);
	PGresult *ri = pg_exec(s, &qi, NULL, err), *rk;
	struct pg_items *m;

	if (!ri)
		return -1;
	if (!(rk = pg_exec(s, &qk, NULL, err))) {
		PQclear(ri);
		return -1;
	}
	pgt_items_drop(s);
	m = s->items = xcalloc(1, sizeof(*m));
	m->version = version;
	m->n = PQntuples(ri) ? (int)pg_get_int(ri, 0, 0, 0) + 1 : 0;
	m->ref = xmalloc(((size_t)m->n + 1) * sizeof(*m->ref));
	for (int i = 0; i < m->n; i++)
		m->ref[i] = -1;
	for (int i = 0; i < PQntuples(ri); i++) {
		int64_t id = pg_get_int(ri, i, 0, -1);
		if (id >= 0 && id < m->n)
			m->ref[id] = (int)pg_get_int(ri, i, 1, 0);
	}
	m->nkeys = PQntuples(rk);
	m->key = xcalloc((size_t)m->nkeys + 1, sizeof(*m->key));
	m->key_ref = xcalloc((size_t)m->nkeys + 1, sizeof(*m->key_ref));
	for (int i = 0; i < m->nkeys; i++) {
		m->key[i] = pg_get_int(rk, i, 0, 0);
		m->key_ref[i] = (int)pg_get_int(rk, i, 1, 0);
	}
	PQclear(ri);
	PQclear(rk);
	return 0;
}

/* The first of v[0..n) (ascending) not below key; n when none. */
static size_t lower_bound(const int64_t *v, size_t n, int64_t key)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int key_ref(const struct pg_items *m, int64_t key)
{
	size_t i = lower_bound(m->key, (size_t)m->nkeys, key);

	return i < (size_t)m->nkeys && m->key[i] == key ? m->key_ref[i] : 0;
}

/*
 * A play row's reference: its item's track id (*track set), else its name
 * key's row; 0 (not music of a track) when neither. An item the map does
 * not know (committed after it was read) reads the map again, once per scan.
 */
static int row_ref(struct rows *w, const PGresult *r, int i, int *track)
{
	const struct pg_items *m = w->s->items;
	int64_t item = pg_get_int(r, i, 1, -1);

	*track = 0;
	if ((item < 0 || item >= m->n || m->ref[item] < 0) && !w->reloaded) {
		w->reloaded = 1;
		if (items_load(w->s, NULL))
			return 0;
		m = w->s->items;
	}
	if (item < 0 || item >= m->n || m->ref[item] < 0)
		return 0;
	if (m->ref[item])
		return *track = 1, m->ref[item];
	return PQgetisnull(r, i, 2) ? 0 : key_ref(m, pg_get_int(r, i, 2, 0));
}

/*
 * The references of r's rows (0: skipped), and the scan's tracks with a
 * Spotify id, each once and ascending, for refnames_query: marked in an
 * array by reference (dictionary ids are dense), not sorted, which was
 * 14% of a year pass's client CPU.
 */
static int *rows_refs(struct rows *w, const PGresult *r)
{
	struct pg_store *s = w->s;
	int n = PQntuples(r), cap = 0, max = 0, track;
	int *ref = xcalloc((size_t)n + 1, sizeof(*ref));
	unsigned char *mark = NULL;

	for (int i = 0; i < n; i++) {
		if (!(ref[i] = row_ref(w, r, i, &track)) || !track)
			continue;
		if (ref[i] >= cap) {
			int to = 2 * ref[i] + 1024;
			mark = xrealloc(mark, (size_t)to);
			memset(mark + cap, 0, (size_t)(to - cap));
			cap = to;
		}
		mark[ref[i]] = 1;
		if (ref[i] > max)
			max = ref[i];
	}
	free(s->scan_tracks);
	s->scan_tracks = xcalloc((size_t)n + 1, sizeof(*s->scan_tracks));
	s->nscan_tracks = 0;
	for (int v = 1; v <= max; v++)
		if (mark[v])
			s->scan_tracks[s->nscan_tracks++] = v;
	free(mark);
	return ref;
}

/*
 * The rows of the widest music scan read at the current data version (at
 * most KEPT_MAX): a scan within its account and range is answered from
 * memory. A page's navigation reads the account's whole history first,
 * so its year pass, and every other year's, sends no query: at 20
 * accounts x 50k plays the year scan was 25-28 ms of a 26-38 ms warm year
 * page. 24 bytes a play: 24 MB for one account of 1M plays.
 */
#define KEPT_MAX (2 << 20)

struct pg_kept_scan {
	int64_t version, account_id, from, to;
	size_t n; /* rows, by time: */
	int64_t *played_ms, *ms_played;
	int32_t *track, *skipped;
	int *tracks; /* as s->scan_tracks */
	int ntracks;
};

static void kept_free(struct pg_kept_scan *k)
{
	if (!k)
		return;
	free(k->played_ms);
	free(k->ms_played);
	free(k->track);
	free(k->skipped);
	free(k->tracks);
	free(k);
}

void pgt_kept_drop(struct pg_store *s)
{
	kept_free(s->kept);
	s->kept = NULL;
}

static int kept_covers(const struct pg_kept_scan *k, int64_t version, int64_t account_id,
		       int64_t from, int64_t to)
{
	return k && k->version == version && k->account_id == account_id &&
	       k->from <= from && k->to >= to;
}

/* The rows of query result r that have a track, with their references. */
static struct pg_kept_scan *kept_read(struct pg_store *s, const PGresult *r, int64_t version,
				      int64_t account_id, int64_t from, int64_t to)
{
	struct rows w = { s, 0 };
	int *ref = rows_refs(&w, r);
	struct pg_kept_scan *k = xcalloc(1, sizeof(*k));

	size_t cap = (size_t)PQntuples(r) + 1;

	*k = (struct pg_kept_scan){ .version = version, .account_id = account_id,
				    .from = from, .to = to };
	k->played_ms = xcalloc(cap, sizeof(*k->played_ms));
	k->ms_played = xcalloc(cap, sizeof(*k->ms_played));
	k->track = xcalloc(cap, sizeof(*k->track));
	k->skipped = xcalloc(cap, sizeof(*k->skipped));
	for (int i = 0; i < PQntuples(r); i++) {
		if (!ref[i])
			continue;
		k->played_ms[k->n] = pg_get_int(r, i, 0, 0);
		k->ms_played[k->n] = pg_get_int(r, i, 3, -1);
		k->track[k->n] = ref[i];
		k->skipped[k->n++] = PQgetisnull(r, i, 4) ? -1 : pg_get_int(r, i, 4, 0) != 0;
	}
	free(ref);
	k->tracks = xcalloc((size_t)s->nscan_tracks + 1, sizeof(*k->tracks));
	memcpy(k->tracks, s->scan_tracks, (size_t)s->nscan_tracks * sizeof(*k->tracks));
	k->ntracks = s->nscan_tracks;
	return k;
}

/*
 * The rows of the plays of [from, to): the kept scan's when it covers
 * them, else read and kept (*temp 0), or read for this walk alone (*temp
 * 1: more than KEPT_MAX). NULL on failure.
 */
static struct pg_kept_scan *scan_rows(struct pg_store *s, int64_t account_id, int64_t from,
				      int64_t to, int *temp, struct strbuf *err)
{
#define MUSIC_ROWS "SELECT played_ms, item, name_key, ms_played, skipped" \
	" FROM play_rows WHERE played_ms >= $1 AND played_ms < $2"
#define MUSIC_ONLY " AND kind = (SELECT text_id('music')) ORDER BY played_ms"
	static struct pg_q q = PG_Q_INTS(MUSIC_ROWS MUSIC_ONLY);
	/* one account's, over play_rows_account_time */
	static struct pg_q qa = PG_Q_INTS(MUSIC_ROWS " AND account_id = $3" MUSIC_ONLY);
	int64_t version = store_data_version(&s->base);
	struct pg_kept_scan *k;
	struct pg_params p;
	PGresult *r;

	*temp = 0;
	if (kept_covers(s->kept, version, account_id, from, to))
		return s->kept;
	if ((!s->items || s->items->version != version) && items_load(s, err))
		return NULL;
	pg_params_range(&p, from, to, account_id);
	if (!(r = pg_exec(s, account_id ? &qa : &q, &p, err)))
		return NULL;
	k = kept_read(s, r, version, account_id, from, to);
	PQclear(r);
	if (k->n > KEPT_MAX) {
		*temp = 1;
		return k;
	}
	pgt_kept_drop(s);
	return s->kept = k;
}

int pgt_scan_music_refs(struct store *st, int64_t account_id, int64_t from, int64_t to,
			int (*fn)(void *, const struct store_music_ref *), void *arg,
			struct strbuf *err)
{
	struct pg_store *s = pg_of(st);
	int temp, stop = 0;
	struct pg_kept_scan *k = scan_rows(s, account_id, from, to, &temp, err);

	if (!k)
		return -1;
	/* the scope the first-play names may be read for (refnames_query) */
	s->scan = (struct pg_scope){ 1, account_id, k->from, k->to };
	free(s->scan_tracks);
	s->scan_tracks = xcalloc((size_t)k->ntracks + 1, sizeof(*s->scan_tracks));
	memcpy(s->scan_tracks, k->tracks, (size_t)k->ntracks * sizeof(*k->tracks));
	s->nscan_tracks = k->ntracks;
	for (size_t i = lower_bound(k->played_ms, k->n, from);
	     i < k->n && k->played_ms[i] < to && !stop; i++) {
		struct store_music_ref m = { k->played_ms[i], k->track[i], k->ms_played[i],
					     k->skipped[i] };
		stop = fn(arg, &m);
	}
	s->scan.on = 0;
	if (temp)
		kept_free(k);
	return stop;
}

static int ref_row(void *arg, const PGresult *r, int i)
{
	struct walk *w = arg;
	struct store_track_ref t = {
		.ref = pg_get_int(r, i, 0, 0),
		.spotify_id = pg_get_str(r, i, 1),
		.canon = pg_get_int(r, i, 5, 0),
		.name = pg_get_str(r, i, 2),
		.artist = pg_get_str(r, i, 3),
		.album = pg_get_str(r, i, 4),
		.name_key = (uint64_t)pg_get_int(r, i, 6, 0),
	};
	if (t.spotify_id)
		t.name_key = 0;
	return ((int (*)(void *, const struct store_track_ref *))w->fn)(w->arg, &t);
}

/*
 * Each track id once, and each name key with the names of its first play
 * and its canon. The rows
 * are kept while store_data_version is unchanged (references are stable
 * as long): at 20 accounts x 50k plays the query was 132 ms of every year
 * page, the same answer each time.
 */
int pgt_track_refs(struct store *st, int (*fn)(void *, const struct store_track_ref *),
		   void *arg, struct strbuf *err)
{
	/* a track with an id without names, as on SQLite (store.h): reading its
	 * first item's was 20-35 ms of the first page at 20 x 50k plays */
	static struct pg_q q = PG_Q("SELECT r.ref, t.s, NULL, NULL, NULL, NULL, NULL"
		" FROM (SELECT DISTINCT track_id AS ref FROM items WHERE track_id != 0) r"
		" JOIN texts t ON t.id = r.ref"
		" UNION ALL SELECT n.ref, NULL, tn.s, ta.s, tb.s, n.canon, n.name_key"
		" FROM name_tracks n JOIN items i ON i.id = n.item"
		" LEFT JOIN texts tn ON tn.id = i.track_name"
		" LEFT JOIN texts ta ON ta.id = i.artist_name"
		" LEFT JOIN texts tb ON tb.id = i.album_name ORDER BY 1");
	struct pg_store *s = pg_of(st);
	struct walk w = { (void *)fn, arg };
	int64_t version = store_data_version(st);
	int stop = 0;

	if (s->refs && s->refs_version != version)
		pgt_track_refs_drop(s);
	if (!s->refs && !(s->refs = pg_exec(s, &q, NULL, err)))
		return -1;
	s->refs_version = version;
	for (int i = 0; i < PQntuples(s->refs) && !stop; i++)
		stop = ref_row(&w, s->refs, i);
	return stop;
}

void pgt_track_refs_drop(struct pg_store *s)
{
	PQclear(s->refs);
	s->refs = NULL;
}

/*
 * The names of every track's first play, read at once: the year report
 * asks for each track the catalog lacks names of, one round trip each
 * (19,380 at 100k plays, 10 s of the 2019 report's 11.6 s). Within a read
 * transaction the answer cannot change, so from the REFNAMES_AT-th question
 * of one transaction on, one query answers all (22,000 items of the 1M
 * bench store: one index probe each) and the rest are looked up here.
 * Asked during a scan (the report's and nav.c's passes ask from their
 * callbacks), it reads the tracks of the scan's plays only: at 20 accounts
 * x 50k plays, the whole store's was 193 ms of one account's year page.
 * What was read is kept while store_data_version is unchanged (checked once
 * per read transaction), and answers any scan within the scope it was read
 * for: a year page's year pass after the history pass of its navigation
 * read it a second time (21-35 ms).
 */
#define REFNAMES_AT 8

struct pg_refnames {
	int asked, loaded;
	int checked;           /* the version compared in this read transaction */
	int64_t version;       /* store_data_version when read */
	struct pg_scope scope; /* on: the tracks of these plays, each listed */
	size_t n;
	int64_t *ref;
	char **artist, **album;
};

static void refnames_clear(struct pg_refnames *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->artist[i]);
		free(c->album[i]);
	}
	free(c->ref);
	free(c->artist);
	free(c->album);
	c->ref = NULL;
	c->artist = c->album = NULL;
	c->n = 0;
	c->loaded = 0;
}

void pgt_refnames_drop(struct pg_store *s)
{
	if (!s->refnames)
		return;
	refnames_clear(s->refnames);
	free(s->refnames);
	s->refnames = NULL;
}

/* The whole store's, or (s->scan.on) the scan's tracks, names or not. */
static PGresult *refnames_query(struct pg_store *s)
{
	static struct pg_q q = PG_Q("SELECT DISTINCT ON (i.track_id) i.track_id,"
		" (SELECT s FROM texts WHERE id = i.artist_name),"
		" (SELECT s FROM texts WHERE id = i.album_name) FROM items i"
		" JOIN LATERAL (SELECT p.played_ms, p.id FROM play_rows p"
		"  WHERE p.item = i.id ORDER BY p.played_ms, p.id LIMIT 1) f ON true"
		" WHERE i.track_id != 0 AND i.artist_name != 0"
		" ORDER BY i.track_id, f.played_ms, f.id");
	/* the scan's tracks, as rows_refs listed them: the plays are not read again */
	static struct pg_q qt = PG_Q("SELECT t.track_id,"
		" (SELECT s FROM texts WHERE id = n.artist_name),"
		" (SELECT s FROM texts WHERE id = n.album_name)"
		" FROM unnest($1::text::integer[]) t(track_id)"
		" LEFT JOIN LATERAL (SELECT i.artist_name, i.album_name FROM items i"
		"  JOIN LATERAL (SELECT p.played_ms, p.id FROM play_rows p"
		"   WHERE p.item = i.id ORDER BY p.played_ms, p.id LIMIT 1) f ON true"
		"  WHERE i.track_id = t.track_id AND i.artist_name != 0"
		"  ORDER BY f.played_ms, f.id LIMIT 1) n ON true ORDER BY 1");
	struct strbuf list = STRBUF_INIT;
	struct pg_params p;
	PGresult *r;

	if (!s->scan.on)
		return pg_exec(s, &q, NULL, NULL);
	strbuf_addch(&list, '{');
	for (int i = 0; i < s->nscan_tracks; i++)
		strbuf_addf(&list, i ? ",%d" : "%d", s->scan_tracks[i]);
	strbuf_addch(&list, '}');
	pg_params_init(&p);
	pg_textn(&p, list.buf, list.len);
	r = pg_exec(s, &qt, &p, NULL);
	strbuf_release(&list);
	return r;
}

static int refnames_load(struct pg_store *s, struct pg_refnames *c)
{
	PGresult *r = refnames_query(s);

	if (!r)
		return -1;
	c->scope = s->scan;
	c->version = store_data_version(&s->base);
	c->checked = 1;
	c->n = (size_t)PQntuples(r);
	c->ref = xcalloc(c->n ? c->n : 1, sizeof(*c->ref));
	c->artist = xcalloc(c->n ? c->n : 1, sizeof(*c->artist));
	c->album = xcalloc(c->n ? c->n : 1, sizeof(*c->album));
	for (size_t i = 0; i < c->n; i++) {
		c->ref[i] = pg_get_int(r, (int)i, 0, 0); /* ascending: ORDER BY */
		c->artist[i] = pg_get_dup(r, (int)i, 1);
		c->album[i] = pg_get_dup(r, (int)i, 2);
	}
	PQclear(r);
	c->loaded = 1;
	return 0;
}

/* Are the plays of scope b among those of a? */
static int scope_covers(const struct pg_scope *a, const struct pg_scope *b)
{
	if (!a->on)
		return 1;
	return b->on && (!a->account_id || a->account_id == b->account_id) &&
	       a->from <= b->from && a->to >= b->to;
}

void pgt_refnames_end(struct pg_store *s)
{
	if (s->refnames)
		s->refnames->checked = 0;
}

/* 1 found, 0 not, -1 when the names are not read at once (yet). */
static int refnames_find(struct pg_store *s, int64_t ref, char **artist, char **album)
{
	struct pg_refnames *c;
	size_t lo;

	if (!s->in_read)
		return -1;
	if (!s->refnames)
		s->refnames = xcalloc(1, sizeof(*s->refnames));
	c = s->refnames;
	if (c->loaded && !c->checked) {
		if (c->version != store_data_version(&s->base))
			refnames_clear(c);
		c->checked = 1;
	}
	if (c->loaded && !scope_covers(&c->scope, &s->scan))
		refnames_clear(c); /* another scan's: read this one's at once */
	if (!c->loaded && (++c->asked < REFNAMES_AT || refnames_load(s, c)))
		return -1;
	lo = lower_bound(c->ref, c->n, ref);
	if (lo == c->n || c->ref[lo] != ref)
		return c->scope.on ? -1 : 0; /* a scan's: not one of its tracks */
	if (!c->artist[lo])
		return 0; /* a scan's track no play of which names an artist */
	*artist = xstrdup(c->artist[lo]);
	*album = c->album[lo] ? xstrdup(c->album[lo]) : NULL;
	return 1;
}

/* As pgr_play_names (report.c), by the track id's dictionary id. */
int pgt_ref_play_names(struct store *st, int64_t ref, char **artist, char **album)
{
	static struct pg_q q = PG_Q("WITH i AS MATERIALIZED (SELECT * FROM items"
		" WHERE track_id = $1 AND artist_name != 0)"
		" SELECT (SELECT s FROM texts WHERE id = i.artist_name),"
		" (SELECT s FROM texts WHERE id = i.album_name) FROM i"
		" JOIN LATERAL (SELECT p.played_ms, p.id FROM play_rows p"
		"  WHERE p.item = i.id ORDER BY p.played_ms, p.id LIMIT 1) f ON true"
		" ORDER BY f.played_ms, f.id LIMIT 1");
	struct pg_params p;
	PGresult *r;
	int found;

	*artist = *album = NULL;
	if ((found = refnames_find(pg_of(st), ref, artist, album)) >= 0)
		return found;
	pg_params_init(&p);
	pg_int(&p, ref);
	r = pg_exec(pg_of(st), &q, &p, NULL);
	found = r && PQntuples(r);
	*artist = *album = NULL;
	if (found) {
		*artist = pg_get_dup(r, 0, 0);
		*album = pg_get_dup(r, 0, 1);
	}
	PQclear(r);
	return found;
}
