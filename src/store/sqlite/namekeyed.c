/*
 * Tracks known by names (a track_keys row without a Spotify id): their
 * stored names, for the pages that show such a track (report/nav.c).
 */
#include <stdlib.h>

#include "core/playmatch.h"
#include "core/strbuf.h"
#include "core/xalloc.h"
#include "store/sqlite/db.h"
#include "store/sqlite/namekeyed.h"
#include "store/sqlite/stmtcache.h"
#include "core/banned.h"

static char *dup_col(sqlite3_stmt *q, int i)
{
	const char *s = (const char *)sqlite3_column_text(q, i);
	return s ? xstrdup(s) : NULL;
}

int sqn_ref_names(struct store *st, int64_t ref, char **name, char **artist, char **album)
{
	/*
	 * Once per distinct name-keyed track a page shows: a year of scrobbles
	 * shows hundreds, and preparing this each time was 51 % of serve's CPU
	 * while it re-rendered the pages during submissions (issue 14, perf).
	 */
	sqlite3_stmt *q = stc_get(st,
		"SELECT n.track_name, n.artist_name, n.album_name FROM track_keys t"
		" JOIN play_names n ON n.id = t.names WHERE t.id = ?1");
	int found = 0;

	sqlite3_bind_int64(q, 1, ref);
	if (sqlite3_step(q) == SQLITE_ROW) {
		found = 1;
		*name = dup_col(q, 0);
		*artist = dup_col(q, 1);
		*album = dup_col(q, 2);
	}
	stc_done(st, q);
	return found;
}

void sqn_names_keys(const char *artist, const char *title, int64_t name_key,
		    int64_t k[2])
{
	uint64_t u[2];

	k[1] = 0;
	if (name_key) {
		k[0] = name_key;
		return;
	}
	playmatch_api_namekeys(artist, title, u);
	k[0] = (int64_t)u[0];
	if (u[1] != u[0])
		k[1] = (int64_t)u[1];
}

/*
 * track_keys.canon (doc/import.md, "The counting rule"): a name-keyed row
 * counts as the one id track whose plays carried names of the same name
 * key; with two such tracks (or none) it stays NULL. A names row votes
 * with its key0, or with its key1 when no name-keyed row has its key0
 * (sqn_names_keys).
 *
 * The full pass (sqn_rebuild_canon) is a scan in C: the name-keyed rows,
 * the distinct names (one key each), then one pass over play_rows'
 * (track, names), which also gives canon_votes, the distinct (names, id
 * track) pairs under their keys. The incremental pass (sqn_fill_canon)
 * reads only the plays after canon_state, the pairs canon_dirty holds and
 * the track rows after canon_state, and counts again, from canon_votes by
 * its key, only the keys whose votes or rows changed.
 */
struct canon_nk {
	uint64_t key;
	int64_t id, old, got;
	int amb;
};

/* The distinct (names, track) pairs of id tracks: open addressing, names 0 empty. */
struct pairset {
	int64_t (*e)[2];
	size_t cap, n;
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

static int64_t max_id(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *q = db_prepare(db, sql);
	int64_t v = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
	sqlite3_finalize(q);
	return v;
}

static int sql_fail(sqlite3 *db, const char *what, struct strbuf *err)
{
	strbuf_addf(err, "cannot %s: %s", what, sqlite3_errmsg(db));
	return -1;
}

static struct canon_nk *load_nk(sqlite3 *db, size_t *n)
{
	sqlite3_stmt *q = db_prepare(db,
		"SELECT id, name_key, coalesce(canon, 0) FROM track_keys"
		" WHERE spotify_id IS NULL AND name_key IS NOT NULL");
	struct canon_nk *nk = NULL;
	size_t alloc = 0;

	*n = 0;
	while (sqlite3_step(q) == SQLITE_ROW) {
		ALLOC_GROW(nk, *n + 1, alloc);
		nk[*n] = (struct canon_nk){ .id = sqlite3_column_int64(q, 0),
			.key = (uint64_t)sqlite3_column_int64(q, 1),
			.old = sqlite3_column_int64(q, 2) };
		(*n)++;
	}
	sqlite3_finalize(q);
	if (*n)
		qsort(nk, *n, sizeof(*nk), nk_cmp);
	return nk;
}

/* The keys of the names row of columns c.. (artist, track, name_key) of q. */
static void col_keys(sqlite3_stmt *q, int c, int64_t k[2])
{
	sqn_names_keys((const char *)sqlite3_column_text(q, c),
		       (const char *)sqlite3_column_text(q, c + 1),
		       sqlite3_column_int64(q, c + 2), k);
}

/* The names rows' keys by id, and the name-keyed row each votes for. */
struct names_map {
	int64_t cap;
	int64_t (*k)[2];
	uint32_t *row; /* 1 + index in nk, 0: none */
};

static void names_map(sqlite3 *db, struct canon_nk *nk, size_t n,
		      struct names_map *m)
{
	sqlite3_stmt *q = db_prepare(db,
		"SELECT id, artist_name, track_name, name_key FROM play_names");

	m->cap = max_id(db, "SELECT max(id) FROM play_names") + 1;
	m->k = xcalloc((size_t)m->cap, sizeof(*m->k));
	m->row = xcalloc((size_t)m->cap, sizeof(*m->row));
	while (sqlite3_step(q) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(q, 0), *k;
		struct canon_nk *f;

		if (id < 0 || id >= m->cap)
			continue;
		k = m->k[id];
		col_keys(q, 1, k);
		if ((f = nk_find(nk, n, (uint64_t)k[0])) ||
		    (f = nk_find(nk, n, (uint64_t)k[1])))
			m->row[id] = (uint32_t)(f - nk) + 1;
	}
	sqlite3_finalize(q);
}

static uint64_t pair_hash(int64_t m, int64_t t)
{
	return ((uint64_t)m * 0x9e3779b97f4a7c15ULL) ^
	       ((uint64_t)t * 0xc2b2ae3d27d4eb4fULL);
}

static void pairs_put(struct pairset *p, int64_t m, int64_t t)
{
	size_t i;

	if (2 * (p->n + 1) > p->cap) {
		struct pairset b = { .cap = p->cap ? 2 * p->cap : 4096 };
		b.e = xcalloc(b.cap, sizeof(*b.e));
		for (size_t j = 0; j < p->cap; j++)
			if (p->e[j][0])
				pairs_put(&b, p->e[j][0], p->e[j][1]);
		free(p->e);
		*p = b;
	}
	i = (size_t)(pair_hash(m, t) >> 17) & (p->cap - 1);
	for (; p->e[i][0]; i = (i + 1) & (p->cap - 1))
		if (p->e[i][0] == m && p->e[i][1] == t)
			return;
	p->e[i][0] = m;
	p->e[i][1] = t;
	p->n++;
}

/* One pass over the plays of id tracks: each names id's key votes its
 * track; every (names, id track) pair goes to pairs. */
static void scan_votes(sqlite3 *db, struct canon_nk *nk, size_t n,
		       const struct names_map *m, struct pairset *pairs)
{
	int64_t tcap = max_id(db, "SELECT max(id) FROM track_keys") + 1;
	unsigned char *keyed = xcalloc((size_t)tcap, 1);
	sqlite3_stmt *q = db_prepare(db,
		"SELECT track, names FROM play_rows"
		" WHERE track IS NOT NULL AND names IS NOT NULL");

	for (size_t i = 0; i < n; i++)
		if (nk[i].id >= 0 && nk[i].id < tcap)
			keyed[nk[i].id] = 1;
	while (sqlite3_step(q) == SQLITE_ROW) {
		int64_t t = sqlite3_column_int64(q, 0), id = sqlite3_column_int64(q, 1);
		struct canon_nk *f;

		if (id <= 0 || id >= m->cap || t < 0 || t >= tcap || keyed[t])
			continue;
		if (m->k[id][0])
			pairs_put(pairs, id, t);
		if (!m->row[id])
			continue;
		f = &nk[m->row[id] - 1];
		if (!f->got)
			f->got = t;
		else if (f->got != t)
			f->amb = 1;
	}
	sqlite3_finalize(q);
	free(keyed);
}

static int set_canon(sqlite3 *db, sqlite3_stmt **q, int64_t id, int64_t want,
		     struct strbuf *err)
{
	int rc;

	if (!*q)
		*q = db_prepare(db, "UPDATE track_keys SET canon = ?2 WHERE id = ?1");
	sqlite3_bind_int64(*q, 1, id);
	if (want)
		sqlite3_bind_int64(*q, 2, want);
	else
		sqlite3_bind_null(*q, 2);
	rc = sqlite3_step(*q);
	sqlite3_reset(*q);
	return rc == SQLITE_DONE ? 0 : sql_fail(db, "set a track's canon", err);
}

static int write_canon(sqlite3 *db, const struct canon_nk *nk, size_t n,
		       struct strbuf *err)
{
	sqlite3_stmt *q = NULL;
	int ret = 0;

	for (size_t i = 0; i < n && !ret; i++) {
		int64_t want = nk[i].amb ? 0 : nk[i].got;

		if (want != nk[i].old)
			ret = set_canon(db, &q, nk[i].id, want, err);
	}
	sqlite3_finalize(q);
	return ret;
}

/*
 * Writes (put) or deletes the vote rows of the pair (names m, track t) of
 * keys k; returns how many rows changed, -1 on an error.
 */
static int vote_rows(sqlite3 *db, sqlite3_stmt *q, int put, int64_t m,
		     int64_t t, const int64_t k[2])
{
	int changed = 0;

	for (int i = 0; i < 2; i++) {
		if (!k[i])
			continue;
		sqlite3_bind_int64(q, 1, k[i]);
		sqlite3_bind_int64(q, 2, m);
		sqlite3_bind_int64(q, 3, t);
		if (put) {
			sqlite3_bind_int64(q, 4, k[!i]);
			sqlite3_bind_int(q, 5, i);
		}
		if (sqlite3_step(q) != SQLITE_DONE) {
			sqlite3_reset(q);
			return -1;
		}
		sqlite3_reset(q);
		changed += sqlite3_changes(db);
	}
	return changed;
}

static const char vote_put_sql[] =
	"INSERT OR IGNORE INTO canon_votes (key, names, track, other, alt)"
	" VALUES (?1, ?2, ?3, ?4, ?5)";
static const char vote_del_sql[] =
	"DELETE FROM canon_votes WHERE key = ?1 AND names = ?2 AND track = ?3";

static int pair_cmp(const void *a, const void *b)
{
	const int64_t *x = a, *y = b;
	return x[0] != y[0] ? (x[0] < y[0] ? -1 : 1) : (x[1] > y[1]) - (x[1] < y[1]);
}

/* canon_votes made again from pairs. */
static int write_votes(sqlite3 *db, struct pairset *p, const struct names_map *m,
		       struct strbuf *err)
{
	sqlite3_stmt *q;
	size_t n = 0;
	int ret = 0;

	for (size_t i = 0; i < p->cap; i++)
		if (p->e[i][0]) {
			p->e[n][0] = p->e[i][0];
			p->e[n++][1] = p->e[i][1];
		}
	if (n)
		qsort(p->e, n, sizeof(*p->e), pair_cmp);
	if (db_exec(db, "DELETE FROM canon_votes; DELETE FROM canon_dirty", err))
		return -1;
	q = db_prepare(db, vote_put_sql);
	for (size_t i = 0; i < n && !ret; i++)
		if (vote_rows(db, q, 1, p->e[i][0], p->e[i][1], m->k[p->e[i][0]]) < 0)
			ret = sql_fail(db, "store the canon votes", err);
	sqlite3_finalize(q);
	return ret;
}

/*
 * One statement of sql, from s's cache when s is set: a single listen
 * submitted runs the incremental pass, and preparing its two fixed writes
 * each time cost more than running them (issue 14).
 */
static int run_on(struct store *s, sqlite3 *db, const char *sql, const char *what,
		  struct strbuf *err)
{
	sqlite3_stmt *q = stc_get_on(s, db, sql); /* db_prepare: never NULL */
	int rc = sqlite3_step(q);

	stc_done_on(s, q);
	if (rc == SQLITE_DONE)
		return 0;
	return err ? sql_fail(db, what, err) : -1;
}

static int save_state_on(struct store *s, sqlite3 *db, struct strbuf *err)
{
	return run_on(s, db, "INSERT OR REPLACE INTO canon_state (id, plays, tracks)"
		      " VALUES (1, (SELECT coalesce(max(id), 0) FROM play_rows),"
		      " (SELECT coalesce(max(id), 0) FROM track_keys))",
		      "note how far the canon pass read", err);
}

static int save_state(sqlite3 *db, struct strbuf *err)
{
	return save_state_on(NULL, db, err);
}

/*
 * With no track of an id, no row has a canon and there is no vote: a
 * fresh store of scrobbles (a 100k-row Last.fm CSV of new songs spent 6 %
 * of its import in the scan for nothing, perf).
 */
static int rebuild_without_ids(sqlite3 *db, struct strbuf *err)
{
	return db_exec(db, "UPDATE track_keys SET canon = NULL WHERE canon IS NOT NULL;"
		       " DELETE FROM canon_votes; DELETE FROM canon_dirty", err) ||
	       save_state(db, err) ? -1 : 0;
}

int sqn_rebuild_canon(sqlite3 *db, struct strbuf *err)
{
	size_t n;
	struct canon_nk *nk;
	struct pairset pairs = { 0 };
	struct names_map m;
	int ret;

	if (db_scalar(db, "SELECT EXISTS (SELECT 1 FROM track_keys"
		      " WHERE spotify_id IS NOT NULL)") == 0)
		return rebuild_without_ids(db, err);
	nk = load_nk(db, &n);
	names_map(db, nk, n, &m);
	scan_votes(db, nk, n, &m, &pairs);
	ret = write_canon(db, nk, n, err);
	if (!ret)
		ret = write_votes(db, &pairs, &m, err);
	if (!ret)
		ret = save_state(db, err);
	free(pairs.e);
	free(m.k);
	free(m.row);
	free(nk);
	return ret;
}

/* What the incremental pass touched: the keys to count again. */
struct canon_inc {
	sqlite3 *db;
	struct store *store; /* when set, statements from its cache (issue 14) */
	int64_t *keys;
	size_t nk, ak;
	sqlite3_stmt *names, *put, *del, *has, *row, *count, *set;
};

static void inc_key(struct canon_inc *c, int64_t k)
{
	if (!k)
		return;
	ALLOC_GROW(c->keys, c->nk + 1, c->ak);
	c->keys[c->nk++] = k;
}

static sqlite3_stmt *stmt(struct canon_inc *c, sqlite3_stmt **q, const char *sql)
{
	if (!*q)
		*q = stc_get_on(c->store, c->db, sql);
	sqlite3_reset(*q);
	return *q;
}

/* Adds (present) or removes the pair (names m, track t); its keys are
 * counted again when a vote row changed. */
static int vote_set(struct canon_inc *c, int64_t m, int64_t t, int present)
{
	sqlite3_stmt *q = stmt(c, &c->names, "SELECT 0, artist_name, track_name,"
			       " name_key FROM play_names WHERE id = ?1");
	int64_t k[2] = { 0, 0 };
	int changed;

	sqlite3_bind_int64(q, 1, m);
	if (sqlite3_step(q) == SQLITE_ROW)
		col_keys(q, 1, k);
	sqlite3_reset(q);
	if (!k[0])
		return 0; /* no names row, or empty names: no vote */
	q = present ? stmt(c, &c->put, vote_put_sql) : stmt(c, &c->del, vote_del_sql);
	if ((changed = vote_rows(c->db, q, present, m, t, k)) < 0)
		return -1;
	if (changed) {
		inc_key(c, k[0]);
		inc_key(c, k[1]);
	}
	return 0;
}

/* The pairs of the plays after play id w: the new plays, whoever wrote them. */
static int inc_plays(struct canon_inc *c, int64_t w)
{
	sqlite3_stmt *q = stc_get_on(c->store, c->db,
		"SELECT DISTINCT r.names, r.track FROM play_rows r CROSS JOIN"
		" track_keys t ON t.id = r.track WHERE r.id > ?1 AND"
		" r.names IS NOT NULL AND t.spotify_id IS NOT NULL");
	int rc = SQLITE_DONE, ret = 0;

	sqlite3_bind_int64(q, 1, w);
	while (!ret && (rc = sqlite3_step(q)) == SQLITE_ROW)
		ret = vote_set(c, sqlite3_column_int64(q, 0),
			       sqlite3_column_int64(q, 1), 1);
	stc_done_on(c->store, q);
	return ret || rc != SQLITE_DONE ? -1 : 0;
}

/* The pairs an UPDATE changed (canon_dirty): kept while a play has them. */
static int inc_dirty(struct canon_inc *c)
{
	sqlite3_stmt *q = stc_get_on(c->store, c->db, "SELECT track, names FROM canon_dirty");
	int rc = SQLITE_DONE, ret = 0;

	while (!ret && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		int64_t t = sqlite3_column_int64(q, 0), m = sqlite3_column_int64(q, 1);
		sqlite3_stmt *h = stmt(c, &c->has,
			"SELECT 1 FROM track_keys t WHERE t.id = ?1 AND"
			" t.spotify_id IS NOT NULL AND EXISTS (SELECT 1 FROM"
			" play_rows r WHERE r.track = ?1 AND r.names = ?2)");
		int present;

		sqlite3_bind_int64(h, 1, t);
		sqlite3_bind_int64(h, 2, m);
		present = sqlite3_step(h) == SQLITE_ROW;
		sqlite3_reset(h);
		ret = vote_set(c, m, t, present);
	}
	stc_done_on(c->store, q);
	if (ret || rc != SQLITE_DONE)
		return -1;
	return run_on(c->store, c->db, "DELETE FROM canon_dirty", "clear canon_dirty", NULL);
}

/* The new name-keyed rows' keys, and the key1 of the names whose key0
 * they are (those names now vote for the new row). */
static int inc_tracks(struct canon_inc *c, int64_t wt)
{
	sqlite3_stmt *q = stc_get_on(c->store, c->db,
		"SELECT t.name_key, v.other FROM track_keys t LEFT JOIN canon_votes v"
		" ON v.key = t.name_key AND v.alt = 0 AND v.other != 0 WHERE"
		" t.id > ?1 AND t.spotify_id IS NULL AND t.name_key IS NOT NULL");
	int rc;

	sqlite3_bind_int64(q, 1, wt);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		inc_key(c, sqlite3_column_int64(q, 0));
		inc_key(c, sqlite3_column_int64(q, 1));
	}
	stc_done_on(c->store, q);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int i64_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* canon of the name-keyed row of key k from canon_votes, as the full pass. */
static int inc_recount(struct canon_inc *c, int64_t k, struct strbuf *err)
{
	sqlite3_stmt *q = stmt(c, &c->row, "SELECT id, coalesce(canon, 0)"
		" FROM track_keys WHERE spotify_id IS NULL AND name_key = ?1");
	int64_t id, old, want = 0;

	sqlite3_bind_int64(q, 1, k);
	if (sqlite3_step(q) != SQLITE_ROW)
		return 0; /* no row of that key: nothing counts as it */
	id = sqlite3_column_int64(q, 0);
	old = sqlite3_column_int64(q, 1);
	sqlite3_reset(q);
	q = stmt(c, &c->count, "SELECT count(DISTINCT track), min(track)"
		" FROM canon_votes v WHERE v.key = ?1 AND (v.alt = 0 OR NOT EXISTS"
		" (SELECT 1 FROM track_keys x WHERE x.spotify_id IS NULL AND"
		" x.name_key = v.other))");
	sqlite3_bind_int64(q, 1, k);
	if (sqlite3_step(q) != SQLITE_ROW)
		return sql_fail(c->db, "count a name's tracks", err);
	if (sqlite3_column_int64(q, 0) == 1)
		want = sqlite3_column_int64(q, 1);
	sqlite3_reset(q);
	return want == old ? 0 : set_canon(c->db, &c->set, id, want, err);
}

static int incremental(sqlite3 *db, struct store *s, int64_t wp, int64_t wt,
		       struct strbuf *err)
{
	struct canon_inc c = { .db = db, .store = s };
	int ret = 0;

	if (inc_plays(&c, wp) || inc_dirty(&c) || inc_tracks(&c, wt))
		ret = sql_fail(db, "read the plays' names", err);
	if (!ret && c.nk)
		qsort(c.keys, c.nk, sizeof(*c.keys), i64_cmp);
	for (size_t i = 0; !ret && i < c.nk; i++)
		if (!i || c.keys[i] != c.keys[i - 1])
			ret = inc_recount(&c, c.keys[i], err);
	stc_done_on(s, c.names);
	stc_done_on(s, c.put);
	stc_done_on(s, c.del);
	stc_done_on(s, c.has);
	stc_done_on(s, c.row);
	stc_done_on(s, c.count);
	stc_done_on(s, c.set);
	free(c.keys);
	return ret ? ret : save_state_on(s, db, err);
}

/*
 * An import of more new plays than the store had (and more than a few
 * thousand) reads everything: one scan in C beats lookups per pair.
 */
#define CANON_FULL_MIN 4096

static int fill_canon(sqlite3 *db, struct store *s, struct strbuf *err)
{
	sqlite3_stmt *q = stc_get_on(s, db, "SELECT plays, tracks,"
		" (SELECT coalesce(max(id), 0) FROM play_rows) FROM canon_state");
	int64_t wp = -1, wt = 0, top = 0;

	if (sqlite3_step(q) == SQLITE_ROW) {
		wp = sqlite3_column_int64(q, 0);
		wt = sqlite3_column_int64(q, 1);
		top = sqlite3_column_int64(q, 2);
	}
	stc_done_on(s, q);
	if (wp < 0) {
		/* no pass read this store: the full one, once a name-keyed row exists */
		if (db_scalar(db, "SELECT EXISTS (SELECT 1 FROM track_keys WHERE"
			      " spotify_id IS NULL AND name_key IS NOT NULL)") != 1)
			return 0;
		return sqn_rebuild_canon(db, err);
	}
	if (top - wp > CANON_FULL_MIN && top - wp > wp)
		return sqn_rebuild_canon(db, err);
	return incremental(db, s, wp, wt, err);
}

int sqn_fill_canon(sqlite3 *db, struct strbuf *err)
{
	return fill_canon(db, NULL, err);
}

int sqn_fill_canon_kept(struct store *s, struct strbuf *err)
{
	return fill_canon(sqlite_of(s)->db, s, err);
}
