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
#include "core/banned.h"

static char *dup_col(sqlite3_stmt *q, int i)
{
	const char *s = (const char *)sqlite3_column_text(q, i);
	return s ? xstrdup(s) : NULL;
}

int sqn_ref_names(struct store *st, int64_t ref, char **name, char **artist, char **album)
{
	/* Once per distinct track a page shows: not worth a cached statement. */
	sqlite3_stmt *q = db_prepare(sqlite_of(st)->db,
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
	sqlite3_finalize(q);
	return found;
}

/*
 * track_keys.canon (doc/import.md, "The counting rule"): a name-keyed row
 * counts as the one id track whose plays carried names of the same name
 * key; with two such tracks (or none) it stays NULL. The key is a hash
 * computed in C (core/playmatch.h), not stored for plays with an id, so
 * this is a scan in C, not one UPDATE: the name-keyed rows, the distinct
 * names (one key each), then one pass over play_rows' (track, names).
 */
struct canon_nk {
	uint64_t key;
	int64_t id, old, got;
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

static int64_t max_id(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *q = db_prepare(db, sql);
	int64_t v = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
	sqlite3_finalize(q);
	return v;
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

/* names id -> 1 + index of the name-keyed row of the same key, 0: none */
static uint32_t *names_map(sqlite3 *db, struct canon_nk *nk, size_t n, int64_t *cap)
{
	sqlite3_stmt *q = db_prepare(db,
		"SELECT id, artist_name, track_name, name_key FROM play_names");
	uint32_t *map;

	*cap = max_id(db, "SELECT max(id) FROM play_names") + 1;
	map = xcalloc((size_t)*cap, sizeof(*map));
	while (sqlite3_step(q) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(q, 0);
		uint64_t k[2];
		struct canon_nk *f;

		if (id < 0 || id >= *cap)
			continue;
		if (sqlite3_column_type(q, 3) != SQLITE_NULL) {
			k[0] = k[1] = (uint64_t)sqlite3_column_int64(q, 3);
		} else {
			/* the API's "A, B": the whole list, then "A" */
			playmatch_api_namekeys((const char *)sqlite3_column_text(q, 1),
					       (const char *)sqlite3_column_text(q, 2), k);
		}
		if ((f = nk_find(nk, n, k[0])) || (f = nk_find(nk, n, k[1])))
			map[id] = (uint32_t)(f - nk) + 1;
	}
	sqlite3_finalize(q);
	return map;
}

/* One pass over the plays of id tracks: each names id's key votes its track. */
static void scan_votes(sqlite3 *db, struct canon_nk *nk, size_t n,
		       const uint32_t *map, int64_t cap)
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
		int64_t t = sqlite3_column_int64(q, 0), m = sqlite3_column_int64(q, 1);
		struct canon_nk *f;

		if (m < 0 || m >= cap || !map[m] || t < 0 || t >= tcap || keyed[t])
			continue;
		f = &nk[map[m] - 1];
		if (!f->got)
			f->got = t;
		else if (f->got != t)
			f->amb = 1;
	}
	sqlite3_finalize(q);
	free(keyed);
}

static int write_canon(sqlite3 *db, const struct canon_nk *nk, size_t n,
		       struct strbuf *err)
{
	sqlite3_stmt *q = db_prepare(db, "UPDATE track_keys SET canon = ?2 WHERE id = ?1");
	int ret = 0;

	for (size_t i = 0; i < n && !ret; i++) {
		int64_t want = nk[i].amb ? 0 : nk[i].got;

		if (want == nk[i].old)
			continue;
		sqlite3_bind_int64(q, 1, nk[i].id);
		if (want)
			sqlite3_bind_int64(q, 2, want);
		else
			sqlite3_bind_null(q, 2);
		if (sqlite3_step(q) != SQLITE_DONE) {
			strbuf_addf(err, "cannot set a track's canon: %s", sqlite3_errmsg(db));
			ret = -1;
		}
		sqlite3_reset(q);
	}
	sqlite3_finalize(q);
	return ret;
}

int sqn_fill_canon(sqlite3 *db, struct strbuf *err)
{
	size_t n;
	struct canon_nk *nk = load_nk(db, &n);
	uint32_t *map;
	int64_t cap;
	int ret;

	if (!n)
		return 0; /* no name-keyed track: nothing to read */
	map = names_map(db, nk, n, &cap);
	scan_votes(db, nk, n, map, cap);
	ret = write_canon(db, nk, n, err);
	free(map);
	free(nk);
	return ret;
}
