/*
 * Tracks known by their names only (name_tracks, migration 5): the pages
 * that show one (store.h "tracks known by names", "name-keyed track
 * pages") and canon, the PostgreSQL side of SQLite's sqlite/namekeyed.c.
 */
#include <stdlib.h>

#include "core/playmatch.h"
#include "core/xalloc.h"
#include "store/postgres/namekeyed.h"
#include "core/banned.h"

int pgk_ref_names(struct store *st, int64_t ref, char **name, char **artist, char **album)
{
	static struct pg_q q = PG_Q("SELECT (SELECT s FROM texts WHERE id = i.track_name),"
		" (SELECT s FROM texts WHERE id = i.artist_name),"
		" (SELECT s FROM texts WHERE id = i.album_name)"
		" FROM name_tracks n JOIN items i ON i.id = n.item WHERE n.ref = $1");
	struct pg_params p;
	PGresult *r;
	int found;

	pg_params_init(&p);
	pg_int(&p, ref);
	r = pg_exec(pg_of(st), &q, &p, NULL);
	found = r && PQntuples(r);
	if (found) {
		*name = pg_get_dup(r, 0, 0);
		*artist = pg_get_dup(r, 0, 1);
		*album = pg_get_dup(r, 0, 2);
	}
	PQclear(r);
	return found;
}

int pgk_name_key_plays(struct store *st, uint64_t name_key, int64_t *ref,
		       int64_t **v, int *n, struct strbuf *err)
{
	static struct pg_q qref = PG_Q("SELECT ref FROM name_tracks WHERE name_key = $1");
	/* over play_rows_name_key */
	static struct pg_q q = PG_Q("SELECT p.played_ms FROM play_rows p"
		" JOIN items i ON i.id = p.item WHERE p.name_key = $1"
		" AND i.track_id = 0 AND p.kind = (SELECT text_id('music'))"
		" ORDER BY p.played_ms");
	struct pg_store *s = pg_of(st);
	struct pg_params p;
	PGresult *r;

	pg_params_init(&p);
	pg_int(&p, (int64_t)name_key);
	*ref = pg_scalar(s, &qref, &p, 0);
	if (*ref <= 0) {
		*ref = 0;
		return 0;
	}
	if (!(r = pg_exec(s, &q, &p, NULL))) {
		strbuf_addf(err, "cannot read the plays of a track: %s", s->errmsg.buf);
		return -1;
	}
	*n = PQntuples(r);
	*v = xcalloc(*n ? (size_t)*n : 1, sizeof(**v));
	for (int i = 0; i < *n; i++)
		(*v)[i] = pg_get_int(r, i, 0, 0);
	PQclear(r);
	return 0;
}

/* ---- canon ---- */

struct canon_nk {
	uint64_t key;
	int64_t ref, old, got;
	int amb;
};

static int nk_cmp(const void *a, const void *b)
{
	uint64_t x = ((const struct canon_nk *)a)->key, y = ((const struct canon_nk *)b)->key;
	return x < y ? -1 : x > y;
}

static struct canon_nk *nk_find(struct canon_nk *nk, size_t n, uint64_t key)
{
	struct canon_nk k = { .key = key };
	return key ? bsearch(&k, nk, n, sizeof(*nk), nk_cmp) : NULL;
}

static struct canon_nk *load_nk(struct pg_store *s, size_t *n, struct strbuf *err)
{
	static struct pg_q q = PG_Q("SELECT name_key, ref, coalesce(canon, 0) FROM name_tracks");
	PGresult *r = pg_exec(s, &q, NULL, err);
	struct canon_nk *nk;

	*n = 0;
	if (!r)
		return NULL;
	*n = (size_t)PQntuples(r);
	nk = xcalloc(*n ? *n : 1, sizeof(*nk));
	for (size_t i = 0; i < *n; i++)
		nk[i] = (struct canon_nk){ .key = (uint64_t)pg_get_int(r, (int)i, 0, 0),
			.ref = pg_get_int(r, (int)i, 1, 0), .old = pg_get_int(r, (int)i, 2, 0) };
	PQclear(r);
	qsort(nk, *n, sizeof(*nk), nk_cmp);
	return nk;
}

/*
 * Every distinct (track, artist, title) the plays of id tracks carried
 * votes its track for the name keys of its names: the whole artist list
 * and its first artist, as SQLite's names_map. Items with no names at all
 * are not read (SQLite's plays without play_names).
 */
static int scan_votes(struct pg_store *s, struct canon_nk *nk, size_t n, struct strbuf *err)
{
	static struct pg_q q = PG_Q("SELECT DISTINCT i.track_id,"
		" (SELECT s FROM texts WHERE id = i.artist_name),"
		" (SELECT s FROM texts WHERE id = i.track_name) FROM items i"
		" WHERE i.track_id != 0 AND (i.track_name != 0 OR i.artist_name != 0"
		"  OR i.album_name != 0)"
		" AND EXISTS (SELECT 1 FROM play_rows p WHERE p.item = i.id)");
	PGresult *r = pg_exec(s, &q, NULL, err);

	if (!r)
		return -1;
	for (int i = 0; i < PQntuples(r); i++) {
		int64_t t = pg_get_int(r, i, 0, 0);
		uint64_t k[2];
		struct canon_nk *f;

		playmatch_api_namekeys(pg_get_str(r, i, 1), pg_get_str(r, i, 2), k);
		if (!(f = nk_find(nk, n, k[0])) && !(f = nk_find(nk, n, k[1])))
			continue;
		if (!f->got)
			f->got = t;
		else if (f->got != t)
			f->amb = 1;
	}
	PQclear(r);
	return 0;
}

static int write_canon(struct pg_store *s, const struct canon_nk *nk, size_t n,
		       struct strbuf *err)
{
	static struct pg_q q = PG_Q("UPDATE name_tracks SET canon = nullif($2, 0)"
		" WHERE name_key = $1");

	for (size_t i = 0; i < n; i++) {
		int64_t want = nk[i].amb ? 0 : nk[i].got;
		struct pg_params p;

		if (want == nk[i].old)
			continue;
		pg_params_init(&p);
		pg_int(&p, (int64_t)nk[i].key);
		pg_int(&p, want);
		if (pg_run(s, &q, &p, NULL, NULL)) {
			strbuf_addf(err, "cannot set a track's canon: %s", s->errmsg.buf);
			return -1;
		}
	}
	return 0;
}

int pgk_fill_canon(struct pg_store *s, struct strbuf *err)
{
	size_t n;
	struct canon_nk *nk = load_nk(s, &n, err);
	int ret;

	if (!nk)
		return -1;
	ret = n ? scan_votes(s, nk, n, err) : 0; /* no name key: nothing to read */
	if (!ret && n)
		ret = write_canon(s, nk, n, err);
	free(nk);
	return ret;
}

/* ---- the scans, a track known by names included ---- */

struct walk {
	void *fn, *arg;
};

static int music_row(void *arg, const PGresult *r, int i)
{
	struct walk *w = arg;
	struct store_music_play p = {
		.played_ms = pg_get_int(r, i, 0, 0),
		.track_id = pg_get_str(r, i, 1),
		.ms_played = pg_get_int(r, i, 2, -1),
		.skipped = PQgetisnull(r, i, 3) ? -1 : pg_get_int(r, i, 3, 0) != 0,
		.ref = pg_get_int(r, i, 4, 0),
	};
	return ((int (*)(void *, const struct store_music_play *))w->fn)(w->arg, &p);
}

/* As SQLite's: a name-keyed play with a canon comes with its canon's id. */
int pgk_scan_music(struct store *st, int64_t account_id, int64_t from, int64_t to,
		   int (*fn)(void *, const struct store_music_play *), void *arg,
		   struct strbuf *err)
{
#define MUSIC "SELECT p.played_ms, coalesce(t.s, c.s), p.ms_played, p.skipped," \
	" CASE WHEN i.track_id != 0 THEN i.track_id ELSE n.ref END" \
	" FROM play_rows p JOIN items i ON i.id = p.item" \
	" LEFT JOIN texts t ON i.track_id != 0 AND t.id = i.track_id" \
	" LEFT JOIN name_tracks n ON i.track_id = 0 AND n.name_key = p.name_key" \
	" LEFT JOIN texts c ON c.id = n.canon"
#define MUSIC_END " AND p.kind = (SELECT text_id('music'))" \
	" AND (i.track_id != 0 OR n.ref IS NOT NULL) ORDER BY p.played_ms"
	static struct pg_q q = PG_Q(MUSIC " WHERE p.played_ms >= $1"
		" AND p.played_ms < $2" MUSIC_END);
	/* one account's, over play_rows_account_time */
	static struct pg_q qa = PG_Q(MUSIC " WHERE p.account_id = $3"
		" AND p.played_ms >= $1 AND p.played_ms < $2" MUSIC_END);
	struct walk w = { (void *)fn, arg };
	struct pg_params p;

	pg_params_range(&p, from, to, account_id);
	return pg_each(pg_of(st), account_id ? &qa : &q, &p, music_row, &w, err);
}

static int play_row(void *arg, const PGresult *r, int i)
{
	struct walk *w = arg;
	struct store_play_row p = {
		.played_ms = pg_get_int(r, i, 0, 0),
		.kind = pg_get_str(r, i, 1),
		.track_id = pg_get_str(r, i, 2),
		.name = pg_get_str(r, i, 3),
		.artist = pg_get_str(r, i, 4),
		.album = pg_get_str(r, i, 5),
		.ms_played = pg_get_int(r, i, 6, -1),
		.skipped = (int)pg_get_int(r, i, 7, -1),
		.sources = (int)pg_get_int(r, i, 8, 0),
		.name_key = (uint64_t)pg_get_int(r, i, 9, 0),
	};
	if (p.track_id[0])
		p.name_key = 0;
	return ((int (*)(void *, const struct store_play_row *))w->fn)(w->arg, &p);
}

/* Every play of a range, with its name key (SQLite's Q_PLAYS). */
int pgk_scan_plays(struct store *st, int64_t account_id, int64_t from, int64_t to,
		   int (*fn)(void *, const struct store_play_row *), void *arg,
		   struct strbuf *err)
{
#define PLAYS "SELECT played_ms, kind, COALESCE(track_id, '')," \
	" COALESCE(track_name, episode_id, ''), COALESCE(artist_name, '')," \
	" COALESCE(album_name, ''), ms_played, skipped, sources, name_key FROM plays"
	static struct pg_q q = PG_Q(PLAYS " WHERE played_ms >= $1 AND played_ms < $2"
		" ORDER BY played_ms, id");
	static struct pg_q qa = PG_Q(PLAYS " WHERE account_id = $3"
		" AND played_ms >= $1 AND played_ms < $2 ORDER BY played_ms, id");
	struct walk w = { (void *)fn, arg };
	struct pg_params p;

	pg_params_range(&p, from, to, account_id);
	return pg_each(pg_of(st), account_id ? &qa : &q, &p, play_row, &w, err);
}
