/*
 * Plays by track reference on PostgreSQL (store.h's section of that name):
 * a track's reference is the dictionary id (texts.id) of its Spotify id, so
 * every item of one track, whatever names it carried, has the same
 * reference. A play with no track id (an item's track_id 0) refers to its
 * name key's row of name_tracks (migration 5), whose ref is a dictionary id
 * too, and is handed out when it has one.
 */
#include <stdlib.h>

#include "core/xalloc.h"
#include "store/postgres/pg.h"
#include "core/banned.h"

struct walk {
	void *fn, *arg;
};

static int ref_play(void *arg, const PGresult *r, int i)
{
	struct walk *w = arg;
	struct store_music_ref p = {
		.played_ms = pg_get_int(r, i, 0, 0),
		.track = pg_get_int(r, i, 1, 0),
		.ms_played = pg_get_int(r, i, 2, -1),
		.skipped = PQgetisnull(r, i, 3) ? -1 : pg_get_int(r, i, 3, 0) != 0,
	};
	return ((int (*)(void *, const struct store_music_ref *))w->fn)(w->arg, &p);
}

int pgt_scan_music_refs(struct store *st, int64_t account_id, int64_t from, int64_t to,
			int (*fn)(void *, const struct store_music_ref *), void *arg,
			struct strbuf *err)
{
#define MUSIC_REFS "SELECT p.played_ms, CASE WHEN i.track_id != 0" \
	" THEN i.track_id ELSE n.ref END, p.ms_played, p.skipped FROM play_rows p" \
	" JOIN items i ON i.id = p.item LEFT JOIN name_tracks n" \
	" ON i.track_id = 0 AND n.name_key = p.name_key"
#define MUSIC_ONLY " AND p.kind = (SELECT text_id('music'))" \
	" AND (i.track_id != 0 OR n.ref IS NOT NULL) ORDER BY p.played_ms"
	static struct pg_q q = PG_Q(MUSIC_REFS
		" WHERE p.played_ms >= $1 AND p.played_ms < $2" MUSIC_ONLY);
	/* one account's, over play_rows_account_time */
	static struct pg_q qa = PG_Q(MUSIC_REFS
		" WHERE p.account_id = $3 AND p.played_ms >= $1 AND p.played_ms < $2"
		MUSIC_ONLY);
	struct walk w = { (void *)fn, arg };
	struct pg_store *s = pg_of(st);
	struct pg_params p;
	int rc;

	pg_params_init(&p);
	pg_int(&p, from);
	pg_int(&p, to);
	if (account_id)
		pg_int(&p, account_id);
	s->scan = (struct pg_scope){ 1, account_id, from, to };
	rc = pg_each(s, account_id ? &qa : &q, &p, ref_play, &w, err);
	s->scan.on = 0;
	return rc;
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
 * Each track id once, with the names of its first item (id 0: NULL), and
 * each name key with the names of its first play and its canon. The rows
 * are kept while store_data_version is unchanged (references are stable
 * as long): at 20 accounts x 50k plays the query was 132 ms of every year
 * page, the same answer each time.
 */
int pgt_track_refs(struct store *st, int (*fn)(void *, const struct store_track_ref *),
		   void *arg, struct strbuf *err)
{
	static struct pg_q q = PG_Q("SELECT r.ref, t.s,"
		" (SELECT s FROM texts WHERE id = i.track_name),"
		" (SELECT s FROM texts WHERE id = i.artist_name),"
		" (SELECT s FROM texts WHERE id = i.album_name), r.canon, r.name_key"
		" FROM (SELECT DISTINCT ON (track_id) track_id AS ref, id AS item,"
		"   NULL::integer AS canon, NULL::bigint AS name_key FROM items"
		"  WHERE track_id != 0 ORDER BY track_id, id) r"
		" JOIN texts t ON t.id = r.ref JOIN items i ON i.id = r.item"
		" UNION ALL SELECT n.ref, NULL, (SELECT s FROM texts WHERE id = i.track_name),"
		" (SELECT s FROM texts WHERE id = i.artist_name),"
		" (SELECT s FROM texts WHERE id = i.album_name), n.canon, n.name_key"
		" FROM name_tracks n JOIN items i ON i.id = n.item ORDER BY 1");
	struct walk w = { (void *)fn, arg };
	struct pg_store *s = pg_of(st);
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
 */
#define REFNAMES_AT 8

struct pg_refnames {
	int asked, loaded;
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
#define SCOPE_NAMES(plays) "WITH t AS MATERIALIZED (SELECT DISTINCT i.track_id" \
	" FROM play_rows p JOIN items i ON i.id = p.item WHERE " plays \
	" AND i.track_id != 0) SELECT t.track_id, n.a, n.b FROM t" \
	" LEFT JOIN LATERAL (SELECT (SELECT s FROM texts WHERE id = i.artist_name) a," \
	" (SELECT s FROM texts WHERE id = i.album_name) b FROM items i" \
	" JOIN LATERAL (SELECT p.played_ms, p.id FROM play_rows p" \
	"  WHERE p.item = i.id ORDER BY p.played_ms, p.id LIMIT 1) f ON true" \
	" WHERE i.track_id = t.track_id AND i.artist_name != 0" \
	" ORDER BY f.played_ms, f.id LIMIT 1) n ON true ORDER BY 1"
	static struct pg_q qr = PG_Q(SCOPE_NAMES("p.played_ms >= $1 AND p.played_ms < $2"));
	static struct pg_q qa = PG_Q(SCOPE_NAMES("p.account_id = $3"
		" AND p.played_ms >= $1 AND p.played_ms < $2"));
	struct pg_params p;

	if (!s->scan.on)
		return pg_exec(s, &q, NULL, NULL);
	pg_params_init(&p);
	pg_int(&p, s->scan.from);
	pg_int(&p, s->scan.to);
	if (s->scan.account_id)
		pg_int(&p, s->scan.account_id);
	return pg_exec(s, s->scan.account_id ? &qa : &qr, &p, NULL);
}

static int refnames_load(struct pg_store *s, struct pg_refnames *c)
{
	PGresult *r = refnames_query(s);

	if (!r)
		return -1;
	c->scope = s->scan;
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

static int scope_same(const struct pg_scope *a, const struct pg_scope *b)
{
	return a->on == b->on && (!a->on || (a->account_id == b->account_id &&
					      a->from == b->from && a->to == b->to));
}

/* 1 found, 0 not, -1 when the names are not read at once (yet). */
static int refnames_find(struct pg_store *s, int64_t ref, char **artist, char **album)
{
	struct pg_refnames *c;
	size_t lo = 0, hi;

	if (!s->in_read)
		return -1;
	if (!s->refnames)
		s->refnames = xcalloc(1, sizeof(*s->refnames));
	c = s->refnames;
	if (c->loaded && c->scope.on && !scope_same(&c->scope, &s->scan))
		refnames_clear(c); /* another scan's: read this one's at once */
	if (!c->loaded && (++c->asked < REFNAMES_AT || refnames_load(s, c)))
		return -1;
	hi = c->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->ref[mid] < ref)
			lo = mid + 1;
		else
			hi = mid;
	}
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
