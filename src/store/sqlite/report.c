/*
 * The SQLite engine's reads for reports. Every query is prepared once per
 * handle, on first use, and kept in the handle's sqlite_report (the static
 * site asks tens of thousands of small questions: preparing each once saves
 * a parse per page). A statement is reset as soon as its answer is read, so
 * no statement holds a read snapshot open between calls.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/sqlite/db.h"
#include "store/sqlite/report.h"
#include "store/sqlite/stmtcache.h"
#include "core/banned.h"

enum q {
	Q_MUSIC, Q_PLAYS, Q_SOURCES, Q_FIRST, Q_LAST, Q_TRACK_TIMES, Q_ANY_BEFORE,
	Q_ARTIST_BEFORE, Q_TRACK, Q_TRACK_ARTISTS, Q_TRACK_FALLBACK, Q_PLAY_NAMES,
	Q_ARTIST_NAME, Q_COVER, Q_SECTIONS, Q_FEATURES, Q_GAPS_RANGE, Q_GAPS_LIST,
	Q_RECENT,
	/* Q_TRACK_TIMES for every account: over play_rows_track alone */
	Q_TRACK_TIMES_ALL,
	/* One account's (store.h: account_id not 0): with several accounts over
	 * play_rows_account_time, made when the second account is (accounts.c);
	 * with one, over plays_time with a compare per row. */
	Q_MUSIC_ACC, Q_PLAYS_ACC, Q_SOURCES_ACC, Q_FIRST_ACC, Q_LAST_ACC, Q_ANY_BEFORE_ACC,
	Q_COUNT
};

static const char *const sql[Q_COUNT] = {
	/* The time index, then each row and its track's id (schema.c,
	 * migration 5); kind 1 is 'music'. */
	[Q_MUSIC] = "SELECT p.played_ms, coalesce(t.spotify_id, c.spotify_id),"
		" p.ms_played, p.flags & 3, p.track"
		" FROM play_rows p JOIN track_keys t ON t.id = p.track"
		" LEFT JOIN track_keys c ON c.id = t.canon"
		" WHERE p.played_ms >= ?1 AND p.played_ms < ?2 AND p.kind = 1"
		" ORDER BY p.played_ms",
	[Q_PLAYS] = "SELECT played_ms, kind, COALESCE(track_id, ''),"
		" COALESCE(track_name, episode_id, ''), COALESCE(artist_name, ''),"
		" COALESCE(album_name, ''), ms_played, skipped, sources, name_key"
		" FROM plays WHERE played_ms >= ?1 AND played_ms < ?2 ORDER BY played_ms, id",
	[Q_SOURCES] = "SELECT played_ms, sources FROM play_rows"
		" WHERE played_ms >= ?1 AND played_ms < ?2",
	/* Two queries, not one min(), max(): alone, each is one step to an
	 * end of plays_time; together they would scan all of it. */
	[Q_FIRST] = "SELECT min(played_ms) FROM play_rows",
	[Q_LAST] = "SELECT max(played_ms) FROM play_rows",
	[Q_TRACK_TIMES] = "SELECT p.played_ms FROM track_keys t JOIN play_rows p"
		" ON p.track = t.id WHERE t.spotify_id = ?1 AND (?2 = 0 OR p.account_id = ?2)"
		" ORDER BY p.played_ms",
	/* Without the account: play_rows_track (track, played_ms) covers it, so
	 * no play row is read (a site's 20,000 track pages read every play row
	 * of the store once for the account_id test alone). */
	[Q_TRACK_TIMES_ALL] = "SELECT p.played_ms FROM track_keys t JOIN play_rows p"
		" ON p.track = t.id WHERE t.spotify_id = ?1 ORDER BY p.played_ms",
	[Q_ANY_BEFORE] = "SELECT EXISTS (SELECT 1 FROM play_rows WHERE played_ms < ?1)",
	[Q_ARTIST_BEFORE] = "SELECT EXISTS (SELECT 1 FROM track_artists ta"
		" JOIN track_keys t ON t.spotify_id = ta.track_id"
		" JOIN play_rows p ON p.track = t.id AND p.played_ms < ?2"
		" AND (?3 = 0 OR p.account_id = ?3) WHERE ta.artist_id = ?1)",
	[Q_TRACK] = "SELECT t.name, t.album_id, al.name, t.duration_ms FROM tracks t"
		" LEFT JOIN albums al ON al.id = t.album_id WHERE t.id = ?1",
	[Q_TRACK_ARTISTS] = "SELECT COALESCE(ar.name, ta.artist_id) FROM track_artists ta"
		" LEFT JOIN artists ar ON ar.id = ta.artist_id"
		" WHERE ta.track_id = ?1 ORDER BY ta.position",
	/* The earliest play that names it, as the old plays_track (track_id,
	 * played_ms) index handed it out first: the same names as before
	 * migration 5 (tests/e2e/t1002-migrate-main.sh). */
	[Q_TRACK_FALLBACK] = "SELECT n.track_name, n.artist_name, n.album_name"
		" FROM track_keys t JOIN play_rows p ON p.track = t.id"
		" JOIN play_names n ON n.id = p.names WHERE t.spotify_id = ?1"
		" AND n.track_name IS NOT NULL ORDER BY p.played_ms, p.id LIMIT 1",
	[Q_PLAY_NAMES] = "SELECT n.artist_name, n.album_name"
		" FROM track_keys t JOIN play_rows p ON p.track = t.id"
		" JOIN play_names n ON n.id = p.names WHERE t.spotify_id = ?1"
		" AND n.artist_name IS NOT NULL ORDER BY p.played_ms, p.id LIMIT 1",
	[Q_ARTIST_NAME] = "SELECT name FROM artists WHERE id = ?1",
	[Q_COVER] = "SELECT url FROM album_images WHERE album_id = ?1"
		" ORDER BY (COALESCE(width, 0) >= 160) DESC,"
		" CASE WHEN COALESCE(width, 0) >= 160 THEN width END ASC,"
		" position ASC LIMIT 1",
	[Q_SECTIONS] = "SELECT start, duration, loudness, tempo, key, mode"
		" FROM sections WHERE track_id = ?1 ORDER BY idx",
	[Q_FEATURES] = "SELECT valence, energy, danceability, tempo, loudness"
		" FROM audio_features WHERE track_id = ?1",
	[Q_GAPS_RANGE] = "SELECT a.name, g.from_ms, g.to_ms, g.detected_ms, g.healed_ms,"
		" g.healed_by FROM gaps g JOIN accounts a"
		" ON a.id = g.account_id WHERE g.to_ms >= ?1 AND g.from_ms < ?2"
		" AND (?3 = 0 OR g.account_id = ?3)"
		" ORDER BY g.from_ms, g.id",
	[Q_GAPS_LIST] = "SELECT a.name, g.from_ms, g.to_ms, g.detected_ms, g.healed_ms,"
		" g.healed_by FROM gaps g JOIN accounts a ON a.id = g.account_id"
		" WHERE ?1 IS NULL OR a.name = ?1 ORDER BY g.from_ms, a.name",
	[Q_RECENT] = "SELECT p.played_ms, p.track_id, p.track_name, p.artist_name,"
		" p.album_name, p.ms_played, p.kind, p.sources, a.name,"
		" (SELECT group_concat(name, char(31)) FROM (SELECT ar.name"
		"   FROM track_artists ta JOIN artists ar ON ar.id = ta.artist_id"
		"   WHERE ta.track_id = p.track_id ORDER BY ta.position))"
		" FROM plays p JOIN accounts a ON a.id = p.account_id"
		" WHERE ?1 IS NULL OR a.name = ?1"
		" ORDER BY p.played_ms DESC, p.id DESC LIMIT ?2",
	[Q_MUSIC_ACC] = "SELECT p.played_ms, coalesce(t.spotify_id, c.spotify_id),"
		" p.ms_played, p.flags & 3, p.track"
		" FROM play_rows p JOIN track_keys t ON t.id = p.track"
		" LEFT JOIN track_keys c ON c.id = t.canon"
		" WHERE p.account_id = ?3 AND p.played_ms >= ?1 AND p.played_ms < ?2"
		" AND p.kind = 1 ORDER BY p.played_ms",
	[Q_PLAYS_ACC] = "SELECT played_ms, kind, COALESCE(track_id, ''),"
		" COALESCE(track_name, episode_id, ''), COALESCE(artist_name, ''),"
		" COALESCE(album_name, ''), ms_played, skipped, sources, name_key"
		" FROM plays WHERE account_id = ?3 AND played_ms >= ?1 AND played_ms < ?2"
		" ORDER BY played_ms, id",
	[Q_SOURCES_ACC] = "SELECT played_ms, sources FROM play_rows"
		" WHERE account_id = ?3 AND played_ms >= ?1 AND played_ms < ?2",
	[Q_FIRST_ACC] = "SELECT played_ms FROM play_rows WHERE account_id = ?1"
		" ORDER BY played_ms LIMIT 1",
	[Q_LAST_ACC] = "SELECT played_ms FROM play_rows WHERE account_id = ?1"
		" ORDER BY played_ms DESC LIMIT 1",
	[Q_ANY_BEFORE_ACC] = "SELECT EXISTS (SELECT 1 FROM play_rows"
		" WHERE account_id = ?2 AND played_ms < ?1)",
};

struct sqlite_report {
	sqlite3_stmt *q[Q_COUNT];
};

void sqr_release(struct sqlite_report *r)
{
	if (!r)
		return;
	for (int i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(r->q[i]);
	free(r);
}

/* The prepared statement for query i, ready to bind. */
static sqlite3_stmt *stmt(struct store *st, enum q i)
{
	struct sqlite_store *s = sqlite_of(st);

	if (!s->report)
		s->report = xcalloc(1, sizeof(*s->report));
	if (!s->report->q[i])
		s->report->q[i] = db_prepare(s->db, sql[i]);
	return s->report->q[i];
}

static const char *text(sqlite3_stmt *q, int i)
{
	return (const char *)sqlite3_column_text(q, i);
}

static char *text_dup(sqlite3_stmt *q, int i)
{
	const char *t = text(q, i);
	return xstrdup(t ? t : "");
}

static int64_t int_or(sqlite3_stmt *q, int i, int64_t dflt)
{
	if (sqlite3_column_type(q, i) == SQLITE_NULL)
		return dflt;
	return sqlite3_column_int64(q, i);
}

/* The end of a scan: rc is the last step's, stop what fn returned. */
static int finish(struct store *st, sqlite3_stmt *q, int rc, int stop, struct strbuf *err)
{
	sqlite3_reset(q);
	if (stop)
		return stop;
	if (rc != SQLITE_DONE) {
		strbuf_addf(err, "database: %s", sqlite3_errmsg(sqlite_of(st)->db));
		return -1;
	}
	return 0;
}

int sqr_read_begin(struct store *s, struct strbuf *err)
{
	return db_exec(sqlite_of(s)->db, "BEGIN", err);
}

void sqr_read_end(struct store *s)
{
	sqlite3 *db = sqlite_of(s)->db;

	if (!sqlite3_get_autocommit(db))
		db_exec(db, "COMMIT", NULL);
}

/* 64 MB of page cache and 1 GB of mapping: a year pass at 1M plays reads
 * about 40 MB of index and table pages. */
void sqr_tune_for_reads(struct store *s)
{
	/* kept statements: serve tunes after every write it sees (issue 14) */
	stc_int(s, "PRAGMA cache_size = -65536", NULL);
	stc_int(s, "PRAGMA mmap_size = 1073741824", NULL);
}

int sqr_scan_music(struct store *s, int64_t account_id, int64_t from, int64_t to,
		   int (*fn)(void *, const struct store_music_play *), void *arg,
		   struct strbuf *err)
{
	sqlite3_stmt *q = stmt(s, account_id ? Q_MUSIC_ACC : Q_MUSIC);
	struct store_music_play p;
	int rc = SQLITE_DONE, stop = 0;

	sqlite3_bind_int64(q, 1, from);
	sqlite3_bind_int64(q, 2, to);
	if (account_id)
		sqlite3_bind_int64(q, 3, account_id);
	while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		p.played_ms = sqlite3_column_int64(q, 0);
		p.track_id = text(q, 1);
		p.ms_played = int_or(q, 2, -1);
		p.skipped = sqlite3_column_int(q, 3) - 1; /* 0 unknown, 1 no, 2 yes */
		p.ref = sqlite3_column_int64(q, 4);
		stop = fn(arg, &p);
	}
	return finish(s, q, rc, stop, err);
}

int sqr_scan_plays(struct store *s, int64_t account_id, int64_t from, int64_t to,
		   int (*fn)(void *, const struct store_play_row *), void *arg,
		   struct strbuf *err)
{
	sqlite3_stmt *q = stmt(s, account_id ? Q_PLAYS_ACC : Q_PLAYS);
	struct store_play_row p;
	int rc = SQLITE_DONE, stop = 0;

	sqlite3_bind_int64(q, 1, from);
	sqlite3_bind_int64(q, 2, to);
	if (account_id)
		sqlite3_bind_int64(q, 3, account_id);
	while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		p.played_ms = sqlite3_column_int64(q, 0);
		p.kind = text(q, 1);
		p.track_id = text(q, 2);
		p.name = text(q, 3);
		p.artist = text(q, 4);
		p.album = text(q, 5);
		p.ms_played = int_or(q, 6, -1);
		p.skipped = (int)int_or(q, 7, -1);
		p.sources = sqlite3_column_int(q, 8);
		p.name_key = p.track_id[0] ? 0 : (uint64_t)sqlite3_column_int64(q, 9);
		stop = fn(arg, &p);
	}
	return finish(s, q, rc, stop, err);
}

int sqr_scan_sources(struct store *s, int64_t account_id, int64_t from, int64_t to,
		     int (*fn)(void *, int64_t, int), void *arg, struct strbuf *err)
{
	sqlite3_stmt *q = stmt(s, account_id ? Q_SOURCES_ACC : Q_SOURCES);
	int rc = SQLITE_DONE, stop = 0;

	sqlite3_bind_int64(q, 1, from);
	sqlite3_bind_int64(q, 2, to);
	if (account_id)
		sqlite3_bind_int64(q, 3, account_id);
	while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW)
		stop = fn(arg, sqlite3_column_int64(q, 0), sqlite3_column_int(q, 1));
	return finish(s, q, rc, stop, err);
}

/* The one integer of query i: 1, 0 when NULL, -1 on error. */
static int scalar(struct store *s, enum q i, int64_t *out, struct strbuf *err)
{
	sqlite3_stmt *q = stmt(s, i);
	int rc = sqlite3_step(q), ret = 0;

	if (rc == SQLITE_ROW && sqlite3_column_type(q, 0) != SQLITE_NULL) {
		*out = sqlite3_column_int64(q, 0);
		ret = 1;
	} else if (rc != SQLITE_ROW && rc != SQLITE_DONE) { /* DONE: no such row */
		strbuf_addf(err, "database: %s", sqlite3_errmsg(sqlite_of(s)->db));
		ret = -1;
	}
	sqlite3_reset(q);
	return ret;
}

int sqr_play_span(struct store *s, int64_t account_id, int64_t *first_ms, int64_t *last_ms,
		  struct strbuf *err)
{
	int r;

	if (account_id) {
		sqlite3_bind_int64(stmt(s, Q_FIRST_ACC), 1, account_id);
		sqlite3_bind_int64(stmt(s, Q_LAST_ACC), 1, account_id);
	}
	r = scalar(s, account_id ? Q_FIRST_ACC : Q_FIRST, first_ms, err);
	if (r <= 0)
		return r;
	return scalar(s, account_id ? Q_LAST_ACC : Q_LAST, last_ms, err);
}

int sqr_track_play_times(struct store *s, int64_t account_id, const char *track_id, int64_t **v, int *n,
			 struct strbuf *err)
{
	sqlite3_stmt *q = stmt(s, account_id ? Q_TRACK_TIMES : Q_TRACK_TIMES_ALL);
	int rc, alloc = 0;

	*v = NULL;
	*n = 0;
	sqlite3_bind_text(q, 1, track_id, -1, SQLITE_STATIC);
	if (account_id)
		sqlite3_bind_int64(q, 2, account_id);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (*n == alloc) {
			alloc = alloc ? alloc * 2 : 64;
			*v = xrealloc(*v, (size_t)alloc * sizeof(**v));
		}
		(*v)[(*n)++] = sqlite3_column_int64(q, 0);
	}
	if (finish(s, q, rc, 0, err)) {
		free(*v);
		*v = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

/* Steps q once: its first column as a yes/no. */
static int exists(sqlite3_stmt *q)
{
	int yes = sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int(q, 0);
	sqlite3_reset(q);
	return yes;
}

int sqr_any_play_before(struct store *s, int64_t account_id, int64_t ms)
{
	sqlite3_stmt *q = stmt(s, account_id ? Q_ANY_BEFORE_ACC : Q_ANY_BEFORE);

	sqlite3_bind_int64(q, 1, ms);
	if (account_id)
		sqlite3_bind_int64(q, 2, account_id);
	return exists(q);
}

int sqr_artists_played_before(struct store *s, int64_t account_id, const char *const *ids,
			      int n, int64_t ms, int *out)
{
	sqlite3_stmt *q = stmt(s, Q_ARTIST_BEFORE);

	for (int i = 0; i < n; i++) {
		sqlite3_bind_text(q, 1, ids[i], -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 2, ms);
		sqlite3_bind_int64(q, 3, account_id);
		out[i] = exists(q) == 1;
	}
	return 0;
}

/* Names the catalog lacks, from the first play that stored a track name. */
static void track_fallback(struct store *s, const char *track_id,
			   struct store_track_names *t, struct strbuf *ar)
{
	sqlite3_stmt *q = stmt(s, Q_TRACK_FALLBACK);

	sqlite3_bind_text(q, 1, track_id, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW) {
		if (!t->name || !t->name[0]) {
			free(t->name);
			t->name = text_dup(q, 0);
		}
		if (!ar->len)
			strbuf_addstr(ar, text(q, 1) ? text(q, 1) : "");
		if (!t->album || !t->album[0]) {
			free(t->album);
			t->album = text_dup(q, 2);
		}
	}
	sqlite3_reset(q);
}

static void one_track_names(struct store *s, const char *track_id,
			    struct store_track_names *t)
{
	sqlite3_stmt *q = stmt(s, Q_TRACK);
	struct strbuf ar = STRBUF_INIT;

	memset(t, 0, sizeof(*t));
	t->duration_ms = -1;
	sqlite3_bind_text(q, 1, track_id, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW) {
		t->in_catalog = 1;
		t->name = text_dup(q, 0);
		t->album_id = text_dup(q, 1);
		t->album = text_dup(q, 2);
		t->duration_ms = int_or(q, 3, -1);
	}
	sqlite3_reset(q);

	q = stmt(s, Q_TRACK_ARTISTS);
	sqlite3_bind_text(q, 1, track_id, -1, SQLITE_STATIC);
	while (sqlite3_step(q) == SQLITE_ROW) {
		if (ar.len)
			strbuf_addstr(&ar, ", ");
		strbuf_addstr(&ar, text(q, 0));
	}
	sqlite3_reset(q);

	if (!t->name || !t->name[0] || !ar.len || !t->album || !t->album[0])
		track_fallback(s, track_id, t, &ar);
	if (!t->album_id)
		t->album_id = xstrdup("");
	if (!t->album)
		t->album = xstrdup("");
	t->cover_url = t->album_id[0] ? sqr_album_cover(s, t->album_id) : NULL;
	if (!t->cover_url)
		t->cover_url = xstrdup("");
	t->artists = strbuf_detach(&ar, NULL);
}

/* One track at a time: in the process, a lookup costs a few index probes. */
int sqr_track_names(struct store *s, const char *const *ids, int n,
		    struct store_track_names *out)
{
	for (int i = 0; i < n; i++)
		one_track_names(s, ids[i], &out[i]);
	return 0;
}

int sqr_play_names(struct store *s, const char *track_id, char **artist, char **album)
{
	sqlite3_stmt *q = stmt(s, Q_PLAY_NAMES);
	int found = 0;

	*artist = *album = NULL;
	sqlite3_bind_text(q, 1, track_id, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW) {
		found = 1;
		*artist = text_dup(q, 0);
		*album = text(q, 1) ? xstrdup(text(q, 1)) : NULL;
	}
	sqlite3_reset(q);
	return found;
}

/* The first column of query i's first row for key, as a new string or NULL. */
static char *lookup(struct store *s, enum q i, const char *key)
{
	sqlite3_stmt *q = stmt(s, i);
	char *r = NULL;

	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW)
		r = text_dup(q, 0);
	sqlite3_reset(q);
	return r;
}

int sqr_artist_names(struct store *s, const char *const *ids, int n, char **out)
{
	for (int i = 0; i < n; i++)
		out[i] = lookup(s, Q_ARTIST_NAME, ids[i]);
	return 0;
}

char *sqr_album_cover(struct store *s, const char *album_id)
{
	return lookup(s, Q_COVER, album_id);
}

enum sweep_kind { SWEEP_TRACK, SWEEP_MOOD, SWEEP_ARTIST, SWEEP_GENRE };

static const char *const sweep_sql[] = {
	[SWEEP_TRACK] = "SELECT id, duration_ms, album_id FROM tracks",
	[SWEEP_MOOD] = "SELECT track_id, valence, energy FROM audio_features"
		" WHERE valence IS NOT NULL AND energy IS NOT NULL",
	[SWEEP_ARTIST] = "SELECT track_id, artist_id FROM track_artists"
		" ORDER BY track_id, position",
	[SWEEP_GENRE] = "SELECT artist_id, genre FROM artist_genres"
		" ORDER BY artist_id, position",
};

/* One sweep of the catalog: each row to its callback in f. */
static int sweep(struct store *st, enum sweep_kind k, const struct store_catalog_fns *f,
		 struct strbuf *err)
{
	sqlite3 *db = sqlite_of(st)->db;
	sqlite3_stmt *q = db_prepare(db, sweep_sql[k]);
	int rc;

	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *a = text(q, 0);
		switch (k) {
		case SWEEP_TRACK:
			f->track(f->arg, a, int_or(q, 1, -1), text(q, 2) ? text(q, 2) : "");
			break;
		case SWEEP_MOOD:
			f->mood(f->arg, a, sqlite3_column_double(q, 1),
				sqlite3_column_double(q, 2));
			break;
		case SWEEP_ARTIST:
			f->track_artist(f->arg, a, text(q, 1));
			break;
		case SWEEP_GENRE:
			f->artist_genre(f->arg, a, text(q, 1));
			break;
		}
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		strbuf_addf(err, "database: %s", sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

/*
 * Sequential sweeps, not a lookup per track: proportional to the catalog
 * and cheaper than thousands of point queries. Prepared per call: a pass
 * that reads the catalog happens once per change of the data.
 */
int sqr_catalog_scan(struct store *s, const struct store_catalog_fns *f,
		     struct strbuf *err)
{
	if (f->tracks_about)
		f->tracks_about(f->arg,
				db_scalar(sqlite_of(s)->db, "SELECT max(rowid) FROM tracks"));
	if ((f->track && sweep(s, SWEEP_TRACK, f, err)) ||
	    (f->mood && sweep(s, SWEEP_MOOD, f, err)) ||
	    (f->track_artist && sweep(s, SWEEP_ARTIST, f, err)) ||
	    (f->artist_genre && sweep(s, SWEEP_GENRE, f, err)))
		return -1;
	return 0;
}

int sqr_track_sections(struct store *s, const char *track_id, struct store_page_section **v,
		       int *n, struct strbuf *err)
{
	sqlite3_stmt *q = stmt(s, Q_SECTIONS);
	int rc, alloc = 0;

	*v = NULL;
	*n = 0;
	sqlite3_bind_text(q, 1, track_id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (*n == alloc) {
			alloc = alloc ? alloc * 2 : 16;
			*v = xrealloc(*v, (size_t)alloc * sizeof(**v));
		}
		struct store_page_section *x = &(*v)[(*n)++];
		x->start = sqlite3_column_double(q, 0);
		x->duration = sqlite3_column_double(q, 1);
		x->loudness = sqlite3_column_double(q, 2);
		x->tempo = sqlite3_column_double(q, 3);
		x->key = sqlite3_column_int(q, 4);
		x->mode = sqlite3_column_int(q, 5);
	}
	if (finish(s, q, rc, 0, err)) {
		free(*v);
		*v = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

int sqr_track_features(struct store *s, const char *track_id, struct store_page_features *f)
{
	sqlite3_stmt *q = stmt(s, Q_FEATURES);
	int found = 0;

	sqlite3_bind_text(q, 1, track_id, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW) {
		found = 1;
		double *v[] = { &f->valence, &f->energy, &f->danceability, &f->tempo,
				&f->loudness };
		for (int i = 0; i < 5; i++) /* NULL is unknown, as PostgreSQL's */
			*v[i] = sqlite3_column_type(q, i) == SQLITE_NULL
				? NAN : sqlite3_column_double(q, i);
	}
	sqlite3_reset(q);
	return found;
}

static int each_gap(struct store *s, sqlite3_stmt *q,
		    int (*fn)(void *, const struct store_gap *), void *arg,
		    struct strbuf *err)
{
	struct store_gap g;
	int rc = SQLITE_DONE, stop = 0;

	while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		g.account = text(q, 0);
		g.from_ms = sqlite3_column_int64(q, 1);
		g.to_ms = sqlite3_column_int64(q, 2);
		g.detected_ms = sqlite3_column_int64(q, 3);
		g.healed_ms = int_or(q, 4, -1);
		g.healed_by = text(q, 5);
		stop = fn(arg, &g);
	}
	return finish(s, q, rc, stop, err);
}

int sqr_gaps_overlapping(struct store *s, int64_t account_id, int64_t from, int64_t to,
			 int (*fn)(void *, const struct store_gap *), void *arg,
			 struct strbuf *err)
{
	sqlite3_stmt *q = stmt(s, Q_GAPS_RANGE);

	sqlite3_bind_int64(q, 1, from);
	sqlite3_bind_int64(q, 2, to);
	sqlite3_bind_int64(q, 3, account_id);
	return each_gap(s, q, fn, arg, err);
}

int sqr_gaps_list(struct store *s, const char *account,
		  int (*fn)(void *, const struct store_gap *), void *arg,
		  struct strbuf *err)
{
	sqlite3_stmt *q = stmt(s, Q_GAPS_LIST);

	if (account)
		sqlite3_bind_text(q, 1, account, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(q, 1);
	return each_gap(s, q, fn, arg, err);
}

int sqr_recent_plays(struct store *s, const char *account, int64_t n,
		     int (*fn)(void *, const struct store_log_play *), void *arg,
		     struct strbuf *err)
{
	sqlite3_stmt *q = stmt(s, Q_RECENT);
	struct store_log_play p;
	int rc = SQLITE_DONE, stop = 0;

	if (account)
		sqlite3_bind_text(q, 1, account, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(q, 1);
	sqlite3_bind_int64(q, 2, n);
	while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		p.played_ms = sqlite3_column_int64(q, 0);
		p.track_id = text(q, 1);
		p.track_name = text(q, 2);
		p.artist_name = text(q, 3);
		p.album_name = text(q, 4);
		p.ms_played = int_or(q, 5, -1);
		p.kind = text(q, 6);
		p.sources = sqlite3_column_int(q, 7);
		p.account = text(q, 8);
		p.catalog_artists = text(q, 9);
		stop = fn(arg, &p);
	}
	return finish(s, q, rc, stop, err);
}
