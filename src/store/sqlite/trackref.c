/*
 * Plays by track reference: the year pass reads play_rows alone through
 * plays_time (no join per play), and track_keys once per pass. Measured at
 * 1M plays: joining track_keys on every play to hand out the id string made
 * the year pass slower than the old wide table (see doc/store.md).
 */
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/sqlite/db.h"
#include "store/sqlite/dict.h"
#include "store/sqlite/trackref.h"
#include "core/banned.h"

static const char *text(sqlite3_stmt *q, int i)
{
	return (const char *)sqlite3_column_text(q, i);
}

static int done(struct store *st, sqlite3_stmt *q, int rc, int stop, struct strbuf *err)
{
	if (!stop && rc != SQLITE_DONE) {
		strbuf_addf(err, "database: %s", sqlite3_errmsg(sqlite_of(st)->db));
		stop = -1;
	}
	sqlite3_finalize(q);
	return stop;
}

int sqt_scan_music_refs(struct store *st, int64_t account_id, int64_t from, int64_t to,
			int (*fn)(void *, const struct store_music_ref *), void *arg,
			struct strbuf *err)
{
	/* Prepared per pass: once per year, nothing against the scan. */
	/* One account's plays: with several accounts, over play_rows_account_time
	 * (sq_accounts_index); with one, plays_time and a compare per row. */
	sqlite3_stmt *q = db_prepare(sqlite_of(st)->db, account_id ?
		"SELECT played_ms, track, ms_played, flags FROM play_rows"
		" WHERE account_id = ?3 AND played_ms >= ?1 AND played_ms < ?2"
		" AND kind = 1 ORDER BY played_ms" :
		"SELECT played_ms, track, ms_played, flags FROM play_rows"
		" WHERE played_ms >= ?1 AND played_ms < ?2 AND kind = 1"
		" ORDER BY played_ms");
	struct store_music_ref p;
	int rc = SQLITE_DONE, stop = 0;

	sqlite3_bind_int64(q, 1, from);
	sqlite3_bind_int64(q, 2, to);
	if (account_id)
		sqlite3_bind_int64(q, 3, account_id);
	while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		p.track = sqlite3_column_int64(q, 1); /* 0 when NULL: no track */
		if (p.track <= 0)
			continue;
		p.played_ms = sqlite3_column_int64(q, 0);
		p.ms_played = sqlite3_column_type(q, 2) == SQLITE_NULL
			? -1 : sqlite3_column_int64(q, 2);
		p.skipped = (sqlite3_column_int(q, 3) & 3) - 1; /* 0 unknown, 1 no, 2 yes */
		stop = fn(arg, &p);
	}
	return done(st, q, rc, stop, err);
}

int sqt_track_refs(struct store *st, int (*fn)(void *, const struct store_track_ref *),
		   void *arg, struct strbuf *err)
{
	sqlite3_stmt *q = db_prepare(sqlite_of(st)->db,
		"SELECT t.id, t.spotify_id, t.canon, n.track_name, n.artist_name,"
		" n.album_name, t.name_key FROM track_keys t"
		" LEFT JOIN play_names n ON n.id = t.names"
		" ORDER BY t.id");
	struct store_track_ref t;
	int rc = SQLITE_DONE, stop = 0;

	while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		t.ref = sqlite3_column_int64(q, 0);
		t.spotify_id = text(q, 1);
		t.canon = sqlite3_column_int64(q, 2);
		t.name = text(q, 3);
		t.artist = text(q, 4);
		t.album = text(q, 5);
		t.name_key = t.spotify_id ? 0 : (uint64_t)sqlite3_column_int64(q, 6);
		stop = fn(arg, &t);
	}
	return done(st, q, rc, stop, err);
}

/*
 * The names a track's first play carried, asked once per track a year pass
 * meets without catalog names: every track of an import-only store (13,000
 * questions for one year at 1M plays, 38% of the pass). From the
 * REFNAMES_AT-th question on one statement reads them all (20,000 index
 * probes in one loop, about half the cost of the questions one by one) and
 * the rest are looked up here. The answers hold while the store is
 * unchanged: PRAGMA data_version moves on another connection's commit,
 * sqlite3_total_changes on this one's writes.
 */
#define REFNAMES_AT 8

struct sqlite_refnames {
	int asked, loaded;
	int64_t data_version, changes;
	size_t n;
	int64_t *ref; /* ascending */
	char **artist, **album;
};

static void refnames_clear(struct sqlite_refnames *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->artist[i]);
		free(c->album[i]);
	}
	free(c->ref);
	free(c->artist);
	free(c->album);
	memset(c, 0, sizeof(*c));
}

void sqt_refnames_free(struct sqlite_store *s)
{
	if (s->refnames)
		refnames_clear(s->refnames);
	free(s->refnames);
	s->refnames = NULL;
}

static int64_t data_version(struct sqlite_store *s)
{
	int64_t dv = -1;

	if (!s->q_data_version)
		s->q_data_version = db_prepare(s->db, "PRAGMA data_version");
	if (sqlite3_step(s->q_data_version) == SQLITE_ROW)
		dv = sqlite3_column_int64(s->q_data_version, 0);
	sqlite3_reset(s->q_data_version);
	return dv;
}

static int refnames_load(struct sqlite_store *s, struct sqlite_refnames *c)
{
	sqlite3_stmt *q = db_prepare(s->db,
		"SELECT t.id, n.artist_name, n.album_name FROM track_keys t, play_names n"
		" WHERE n.id = (SELECT p.names FROM play_rows p"
		"  JOIN play_names f ON f.id = p.names WHERE p.track = t.id"
		"  AND f.artist_name IS NOT NULL ORDER BY p.played_ms, p.id LIMIT 1)"
		" ORDER BY t.id");
	size_t cap = 0;
	int rc;

	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (c->n == cap) {
			cap = cap ? cap * 2 : 1024;
			c->ref = xrealloc(c->ref, cap * sizeof(*c->ref));
			c->artist = xrealloc(c->artist, cap * sizeof(*c->artist));
			c->album = xrealloc(c->album, cap * sizeof(*c->album));
		}
		c->ref[c->n] = sqlite3_column_int64(q, 0);
		c->artist[c->n] = xstrdup(text(q, 1));
		c->album[c->n] = text(q, 2) ? xstrdup(text(q, 2)) : NULL;
		c->n++;
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		refnames_clear(c);
		return -1;
	}
	c->loaded = 1;
	return 0;
}

/* 1 found, 0 not, -1 when the names are not read at once (yet). */
static int refnames_find(struct sqlite_store *s, int64_t ref, char **artist, char **album)
{
	struct sqlite_refnames *c;
	int64_t dv = data_version(s), ch = sqlite3_total_changes64(s->db);
	size_t lo = 0, hi;

	if (!s->refnames)
		s->refnames = xcalloc(1, sizeof(*s->refnames));
	c = s->refnames;
	if (c->data_version != dv || c->changes != ch) {
		refnames_clear(c);
		c->data_version = dv;
		c->changes = ch;
	}
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
		return 0;
	*artist = xstrdup(c->artist[lo]);
	*album = c->album[lo] ? xstrdup(c->album[lo]) : NULL;
	return 1;
}

int sqt_ref_play_names(struct store *st, int64_t ref, char **artist, char **album)
{
	struct sqlite_store *s = sqlite_of(st);
	int found = 0;

	*artist = *album = NULL;
	if ((found = refnames_find(s, ref, artist, album)) >= 0)
		return found;
	found = 0;
	if (!s->q_ref_names)
		s->q_ref_names = db_prepare(s->db,
			"SELECT n.artist_name, n.album_name FROM play_rows p"
			" JOIN play_names n ON n.id = p.names WHERE p.track = ?1"
			" AND n.artist_name IS NOT NULL ORDER BY p.played_ms, p.id LIMIT 1");
	sqlite3_stmt *q = s->q_ref_names;
	sqlite3_bind_int64(q, 1, ref);
	if (sqlite3_step(q) == SQLITE_ROW) {
		found = 1;
		*artist = xstrdup(text(q, 0));
		*album = text(q, 1) ? xstrdup(text(q, 1)) : NULL;
	}
	sqlite3_reset(q);
	return found;
}
