/* Unit tests for store/: migrations and state, and the reports domain calls
 * on an empty store, on a few plays, and their error paths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "store/sqlite/db.h"
#include "store/sqlite/schema.h"
#include "store/store.h"

static void migrates_and_reopens(void **state)
{
	char dir[] = "/tmp/spinlog-db-XXXXXX";
	char path[256];
	struct strbuf err = STRBUF_INIT;
	sqlite3 *db;
	int64_t v = 0;
	char *s;
	(void)state;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/t.db", dir);
	assert_int_equal(db_open(path, &db, &err), 0);
	assert_int_equal(db_schema_version(db), db_latest_version());
	{
		sqlite3_stmt *st = db_prepare(db, "PRAGMA journal_mode");
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
		sqlite3_finalize(st);
	}
	assert_int_equal(db_state_set_int(db, "w", 42), 0);
	db_close(db);
	assert_int_equal(db_open(path, &db, &err), 0);
	assert_int_equal(db_state_get_int(db, "w", &v), 0);
	assert_int_equal(v, 42);
	assert_null(db_state_get(db, "missing"));
	assert_int_equal(db_state_set(db, "s", "x"), 0);
	s = db_state_get(db, "s");
	assert_string_equal(s, "x");
	free(s);
	/* a database from a newer spinlog is refused, not damaged */
	assert_int_equal(db_exec(db, "PRAGMA user_version = 999", &err), 0);
	db_close(db);
	assert_int_equal(db_open(path, &db, &err), -1);
	assert_non_null(strstr(err.buf, "newer"));
	strbuf_release(&err);
}

/* A store at schema version 2 (before the sources table) with one play. */
static void make_v2(const char *path)
{
	sqlite3 *raw;
	assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
	for (int i = 0; i < 2; i++)
		assert_int_equal(sqlite3_exec(raw, schema_migrations[i], NULL, NULL, NULL),
				 SQLITE_OK);
	assert_int_equal(sqlite3_exec(raw, "PRAGMA user_version = 2;"
		"INSERT INTO accounts (name, created_ms) VALUES ('a', 1);"
		"INSERT INTO plays (account_id, played_ms, track_id, sources,"
		" export_fp, account_fp) VALUES (1, 5000, 't1', 7, 77, 88)",
		NULL, NULL, NULL),
		SQLITE_OK);
	sqlite3_close(raw);
}

/* The sources table holds store/sources.c's list, on a new store and an old one. */
static void sources_table_is_the_list(void **state)
{
	char dir[] = "/tmp/spinlog-db-XXXXXX";
	char path[256];
	struct strbuf err = STRBUF_INIT;
	sqlite3 *db;
	(void)state;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/old.db", dir);
	make_v2(path);
	assert_int_equal(db_open(path, &db, &err), 0);
	assert_int_equal(db_schema_version(db), db_latest_version());
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM sources"), (int64_t)sources_len);
	for (size_t i = 0; i < sources_len; i++) {
		sqlite3_stmt *st = db_prepare(db, "SELECT name FROM sources WHERE id = ?");
		sqlite3_bind_int(st, 1, sources[i].id);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_string_equal((const char *)sqlite3_column_text(st, 0), sources[i].name);
		sqlite3_finalize(st);
		assert_ptr_equal(source_by_name(sources[i].name), &sources[i]);
		assert_ptr_equal(source_by_bit(SOURCE_BIT(sources[i].id)), &sources[i]);
	}
	assert_null(source_by_name("napster"));
	assert_null(source_by_bit(SRC_API | SRC_EXPORT));
	/* the play of the old store is kept as it was */
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM plays WHERE played_ms = 5000"
				   " AND track_id = 't1' AND sources = 7"), 1);
	/* its fingerprints moved to play_fps, by source id; the columns are gone */
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM play_fps"), 2);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM play_fps WHERE"
				   " (source = 1 AND fp = 77) OR (source = 2 AND fp = 88)"), 2);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM pragma_table_info('plays')"
				   " WHERE name IN ('export_fp', 'account_fp')"), 0);
	/* a store whose list names a source otherwise is refused */
	assert_int_equal(db_exec(db, "UPDATE sources SET name = 'other' WHERE id = 1", &err), 0);
	db_close(db);
	assert_int_equal(db_open(path, &db, &err), -1);
	assert_non_null(strstr(err.buf, "source 1 is 'other', not 'export'"));
	strbuf_release(&err);
}

/* ---- reports ---- */

static char report_dir[64];

/* A new store in a new folder; sql (may be NULL) runs on its connection. */
static struct store *report_store(const char *sql)
{
	char path[128];
	struct strbuf err = STRBUF_INIT;
	struct store *st;

	snprintf(report_dir, sizeof(report_dir), "/tmp/spinlog-store-XXXXXX");
	assert_non_null(mkdtemp(report_dir));
	snprintf(path, sizeof(path), "%s/t.db", report_dir);
	assert_int_equal(store_open(path, &st, &err), 0);
	if (sql && db_exec(store_sqlite_db(st), sql, &err))
		fail_msg("%s", err.buf);
	strbuf_release(&err);
	return st;
}

static const char few_plays[] =
	"INSERT INTO accounts (id, name, created_ms) VALUES (1, 'main', 0), (2, 'other', 0);"
	"INSERT INTO artists (id, name) VALUES ('A', 'Alpha'), ('B', 'Beta');"
	"INSERT INTO artist_genres (artist_id, position, genre) VALUES"
	" ('A', 0, 'pop'), ('A', 1, 'rock'), ('B', 0, 'jazz');"
	"INSERT INTO albums (id, name) VALUES ('L', 'Long');"
	"INSERT INTO album_images (album_id, position, url, width, height) VALUES"
	" ('L', 0, 'big', 640, 640), ('L', 1, 'mid', 300, 300), ('L', 2, 'small', 64, 64);"
	"INSERT INTO tracks (id, name, album_id, duration_ms) VALUES"
	" ('t1', 'One', 'L', 200000), ('t2', 'Two', NULL, NULL);"
	"INSERT INTO track_artists (track_id, position, artist_id) VALUES"
	" ('t1', 1, 'B'), ('t1', 0, 'A'), ('t2', 0, 'Z');"
	"INSERT INTO audio_features (track_id, provider, valence, energy, danceability,"
	" tempo, loudness, fetched_ms) VALUES ('t1', 'p', 0.5, 0.25, 0.75, 120, -6, 0),"
	" ('t2', 'p', NULL, 0.1, 0.2, 90, -9, 0);"
	"INSERT INTO sections (track_id, idx, start, duration, loudness, tempo, key, mode)"
	" VALUES ('t1', 1, 10, 20, -5, 121, 3, 0), ('t1', 0, 0, 10, -7, 119, 2, 1);"
	"INSERT INTO plays (id, account_id, played_ms, kind, track_id, track_name,"
	" artist_name, album_name, episode_id, ms_played, skipped, sources) VALUES"
	" (1, 1, 1000, 'music', 't1', 'Old one', 'Old A', 'Old L', NULL, 150000, 0, 2),"
	" (2, 1, 2000, 'music', 'tx', 'Ex', 'Xavier', NULL, NULL, NULL, NULL, 1),"
	" (3, 2, 2000, 'podcast', NULL, NULL, NULL, NULL, 'ep1', 5000, 1, 6),"
	" (4, 1, 3000, 'music', 't1', NULL, NULL, NULL, NULL, NULL, 1, 3),"
	" (5, 1, 9000, 'music', NULL, 'Local', 'Someone', NULL, NULL, 1000, NULL, 4);"
	"INSERT INTO gaps (account_id, from_ms, to_ms, detected_ms, healed_ms, healed_by)"
	" VALUES (1, 500, 900, 950, NULL, NULL), (2, 2500, 4000, 4100, 5000, 'import'),"
	" (1, 7000, 8000, 8100, NULL, NULL);";

struct rows {
	int n, stop_at;
	struct strbuf buf;
};

static int on_music(void *arg, const struct store_music_play *p)
{
	struct rows *r = arg;
	strbuf_addf(&r->buf, "%lld:%s:%lld:%d ", (long long)p->played_ms, p->track_id,
		 (long long)p->ms_played, p->skipped);
	return ++r->n == r->stop_at ? 7 : 0;
}

static int on_play(void *arg, const struct store_play_row *p)
{
	struct rows *r = arg;
	strbuf_addf(&r->buf, "%lld:%s:%s:%s:%s:%s:%lld:%d:%d ", (long long)p->played_ms,
		 p->kind, p->track_id, p->name, p->artist, p->album, (long long)p->ms_played,
		 p->skipped, p->sources);
	r->n++;
	return 0;
}

static int on_source(void *arg, int64_t played_ms, int sources)
{
	struct rows *r = arg;
	r->n++;
	if (sources & SRC_API)
		r->stop_at += (int)played_ms; /* a sum, whatever the order */
	return 0;
}

static int on_gap(void *arg, const struct store_gap *g)
{
	struct rows *r = arg;
	strbuf_addf(&r->buf, "%s:%lld-%lld:%lld:%s ", g->account, (long long)g->from_ms,
		 (long long)g->to_ms, (long long)g->healed_ms,
		 g->healed_by ? g->healed_by : "-");
	r->n++;
	return 0;
}

static int on_log(void *arg, const struct store_log_play *p)
{
	struct rows *r = arg;
	strbuf_addf(&r->buf, "%lld:%s:%s:%s:%lld:%s ", (long long)p->played_ms,
		 p->account, p->track_name ? p->track_name : "-",
		 p->catalog_artists ? p->catalog_artists : "-", (long long)p->ms_played,
		 p->kind);
	r->n++;
	return 0;
}

struct cat {
	int64_t about;
	int tracks, moods, pairs, genres;
	struct strbuf buf;
};

static void cat_about(void *arg, int64_t n) { ((struct cat *)arg)->about = n; }

static void cat_add(struct cat *c, const char *a, const char *b)
{
	strbuf_addf(&c->buf, "%s=%s ", a, b);
}

static void cat_track(void *arg, const char *id, int64_t dur, const char *album)
{
	struct cat *c = arg;
	char d[32];
	snprintf(d, sizeof(d), "%s/%lld", album, (long long)dur);
	c->tracks++;
	cat_add(c, id, d);
}

static void cat_mood(void *arg, const char *id, double v, double e)
{
	struct cat *c = arg;
	char d[32];
	snprintf(d, sizeof(d), "%.2f/%.2f", v, e);
	c->moods++;
	cat_add(c, id, d);
}

static void cat_pair(void *arg, const char *a, const char *b)
{
	((struct cat *)arg)->pairs++;
	cat_add(arg, a, b);
}

static void cat_genre(void *arg, const char *a, const char *g)
{
	((struct cat *)arg)->genres++;
	cat_add(arg, a, g);
}

static const struct store_catalog_fns cat_fns = {
	NULL, cat_about, cat_track, cat_mood, cat_pair, cat_genre,
};

static void reports_empty_store(void **state)
{
	struct store *st = report_store(NULL);
	struct strbuf err = STRBUF_INIT;
	struct rows r = { 0, 0, STRBUF_INIT };
	struct store_track_names tn;
	struct store_page_section *sec;
	struct store_page_features f;
	struct cat c = { 0, 0, 0, 0, 0, STRBUF_INIT };
	struct store_catalog_fns fns = cat_fns;
	int64_t first = 42, last = 42, *times;
	char *a, *b;
	int n;
	(void)state;

	assert_int_equal(store_play_span(st, 0, &first, &last, &err), 0);
	assert_int_equal(first, 42);
	assert_int_equal(store_scan_music(st, 0, INT64_MIN, INT64_MAX, on_music, &r, &err), 0);
	assert_int_equal(store_scan_plays(st, 0, INT64_MIN, INT64_MAX, on_play, &r, &err), 0);
	assert_int_equal(store_scan_sources(st, 0, INT64_MIN, INT64_MAX, on_source, &r, &err), 0);
	assert_int_equal(store_gaps_overlapping(st, 0, INT64_MIN, INT64_MAX, on_gap, &r, &err), 0);
	assert_int_equal(store_gaps_list(st, NULL, on_gap, &r, &err), 0);
	assert_int_equal(store_recent_plays(st, NULL, 10, on_log, &r, &err), 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(store_track_play_times(st, 0, "t1", &times, &n, &err), 0);
	assert_int_equal(n, 0);
	free(times);
	assert_int_equal(store_any_play_before(st, 0, INT64_MAX), 0);
	assert_int_equal(store_artist_played_before(st, 0, "A", INT64_MAX), 0);
	assert_int_equal(store_track_names(st, "t1", &tn), 0);
	assert_null(tn.name);
	assert_string_equal(tn.artists, "");
	assert_string_equal(tn.album, "");
	assert_string_equal(tn.album_id, "");
	assert_int_equal(tn.duration_ms, -1);
	assert_int_equal(tn.in_catalog, 0);
	store_track_names_release(&tn);
	assert_int_equal(store_play_names(st, "t1", &a, &b), 0);
	assert_null(a);
	assert_null(b);
	assert_null(store_artist_name(st, "A"));
	assert_null(store_album_cover(st, "L"));
	fns.arg = &c;
	c.about = -5;
	assert_int_equal(store_catalog_scan(st, &fns, &err), 0);
	assert_true(c.about <= 0);
	assert_int_equal(c.tracks + c.moods + c.pairs + c.genres, 0);
	assert_int_equal(store_track_sections(st, "t1", &sec, &n, &err), 0);
	assert_int_equal(n, 0);
	free(sec);
	assert_int_equal(store_track_features(st, "t1", &f), 0);
	assert_string_equal(err.buf, "");
	store_close(st);
	strbuf_release(&err);
}

static void reports_scans(void **state)
{
	struct store *st = report_store(few_plays);
	struct strbuf err = STRBUF_INIT;
	struct rows r = { 0, 0, STRBUF_INIT };
	int64_t first, last;
	(void)state;

	assert_int_equal(store_play_span(st, 0, &first, &last, &err), 1);
	assert_int_equal(first, 1000);
	assert_int_equal(last, 9000);
	/* music with a track id, [from, to), by time */
	assert_int_equal(store_scan_music(st, 0, 1000, 9000, on_music, &r, &err), 0);
	assert_string_equal(r.buf.buf, "1000:t1:150000:0 2000:tx:-1:-1 3000:t1:-1:1 ");
	strbuf_reset(&r.buf);
	assert_int_equal(store_scan_music(st, 0, 1001, 3000, on_music, &r, &err), 0);
	assert_string_equal(r.buf.buf, "2000:tx:-1:-1 ");
	/* every kind, by time then id; the episode id stands in for a name */
	strbuf_reset(&r.buf);
	assert_int_equal(store_scan_plays(st, 0, 2000, 9001, on_play, &r, &err), 0);
	assert_string_equal(r.buf.buf,
		"2000:music:tx:Ex:Xavier::-1:-1:1 2000:podcast::ep1:::5000:1:6 "
		"3000:music:t1::::-1:1:3 9000:music::Local:Someone::1000:-1:4 ");
	r.n = r.stop_at = 0;
	assert_int_equal(store_scan_sources(st, 0, 0, 10000, on_source, &r, &err), 0);
	assert_int_equal(r.n, 5);
	assert_int_equal(r.stop_at, 2000 + 3000); /* plays with the API bit */
	/* a scan stops when fn says so and hands its value back */
	strbuf_reset(&r.buf);
	r.n = 0;
	r.stop_at = 2;
	assert_int_equal(store_scan_music(st, 0, 0, 10000, on_music, &r, &err), 7);
	assert_int_equal(r.n, 2);
	/* and the statement is ready again after stopping */
	r.n = 0;
	r.stop_at = 0;
	strbuf_reset(&r.buf);
	assert_int_equal(store_scan_music(st, 0, 0, 10000, on_music, &r, &err), 0);
	assert_int_equal(r.n, 3);
	/* gaps overlapping [from, to) (touching the start counts), and per account */
	strbuf_reset(&r.buf);
	assert_int_equal(store_gaps_overlapping(st, 0, 900, 7000, on_gap, &r, &err), 0);
	assert_string_equal(r.buf.buf, "main:500-900:-1:- other:2500-4000:5000:import ");
	strbuf_reset(&r.buf);
	assert_int_equal(store_gaps_list(st, "main", on_gap, &r, &err), 0);
	assert_string_equal(r.buf.buf, "main:500-900:-1:- main:7000-8000:-1:- ");
	strbuf_reset(&r.buf);
	assert_int_equal(store_gaps_list(st, "nobody", on_gap, &r, &err), 0);
	assert_string_equal(r.buf.buf, "");
	/* newest first, limited, with the catalog's artists in order */
	strbuf_reset(&r.buf);
	assert_int_equal(store_recent_plays(st, NULL, 3, on_log, &r, &err), 0);
	assert_string_equal(r.buf.buf, "9000:main:Local:-:1000:music "
		"3000:main:-:Alpha\x1f" "Beta:-1:music 2000:other:-:-:5000:podcast ");
	strbuf_reset(&r.buf);
	assert_int_equal(store_recent_plays(st, "other", 10, on_log, &r, &err), 0);
	assert_string_equal(r.buf.buf, "2000:other:-:-:5000:podcast ");
	assert_string_equal(err.buf, "");
	strbuf_release(&r.buf);
	strbuf_release(&err);
	store_close(st);
}

static void reports_tracks(void **state)
{
	struct store *st = report_store(few_plays);
	struct strbuf err = STRBUF_INIT;
	struct store_track_names tn;
	struct store_page_section *sec;
	struct store_page_features f;
	int64_t *times;
	char *a, *b;
	int n;
	(void)state;

	assert_int_equal(store_track_play_times(st, 0, "t1", &times, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(times[0], 1000);
	assert_int_equal(times[1], 3000);
	free(times);
	/* before ms: any play; a play of a track by the artist */
	assert_int_equal(store_any_play_before(st, 0, 1000), 0);
	assert_int_equal(store_any_play_before(st, 0, 1001), 1);
	assert_int_equal(store_artist_played_before(st, 0, "B", 1000), 0);
	assert_int_equal(store_artist_played_before(st, 0, "B", 1001), 1);
	assert_int_equal(store_artist_played_before(st, 0, "Z", INT64_MAX), 0);
	/* the catalog's names, artists by position */
	assert_int_equal(store_track_names(st, "t1", &tn), 0);
	assert_string_equal(tn.name, "One");
	assert_string_equal(tn.artists, "Alpha, Beta");
	assert_string_equal(tn.album_id, "L");
	assert_string_equal(tn.album, "Long");
	assert_int_equal(tn.duration_ms, 200000);
	assert_int_equal(tn.in_catalog, 1);
	store_track_names_release(&tn);
	/* an artist the catalog lacks shows as its id; no album, no play names */
	assert_int_equal(store_track_names(st, "t2", &tn), 0);
	assert_string_equal(tn.name, "Two");
	assert_string_equal(tn.artists, "Z");
	assert_string_equal(tn.album, "");
	assert_int_equal(tn.duration_ms, -1);
	store_track_names_release(&tn);
	/* not in the catalog: the names stored on its plays */
	assert_int_equal(store_track_names(st, "tx", &tn), 0);
	assert_string_equal(tn.name, "Ex");
	assert_string_equal(tn.artists, "Xavier");
	assert_string_equal(tn.album, "");
	assert_int_equal(tn.in_catalog, 0);
	store_track_names_release(&tn);
	assert_int_equal(store_play_names(st, "tx", &a, &b), 1);
	assert_string_equal(a, "Xavier");
	assert_null(b);
	free(a);
	assert_int_equal(store_play_names(st, "t1", &a, &b), 1);
	assert_string_equal(a, "Old A");
	assert_string_equal(b, "Old L");
	free(a);
	free(b);
	assert_int_equal(store_play_names(st, "t2", &a, &b), 0);
	a = store_artist_name(st, "A");
	assert_string_equal(a, "Alpha");
	free(a);
	assert_null(store_artist_name(st, "Z"));
	/* the smallest image at least 160 px wide */
	a = store_album_cover(st, "L");
	assert_string_equal(a, "mid");
	free(a);
	assert_int_equal(store_track_sections(st, "t1", &sec, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_true(sec[0].start == 0 && sec[0].key == 2 && sec[0].mode == 1);
	assert_true(sec[1].start == 10 && sec[1].tempo == 121 && sec[1].loudness == -5);
	free(sec);
	assert_int_equal(store_track_features(st, "t1", &f), 1);
	assert_true(f.valence == 0.5 && f.energy == 0.25 && f.danceability == 0.75);
	assert_true(f.tempo == 120 && f.loudness == -6);
	assert_int_equal(store_track_features(st, "tx", &f), 0);
	assert_string_equal(err.buf, "");
	strbuf_release(&err);
	store_close(st);
}

static void reports_catalog(void **state)
{
	struct store *st = report_store(few_plays);
	struct strbuf err = STRBUF_INIT;
	struct cat c = { 0, 0, 0, 0, 0, STRBUF_INIT };
	struct store_catalog_fns fns = cat_fns;
	(void)state;

	fns.arg = &c;
	assert_int_equal(store_catalog_scan(st, &fns, &err), 0);
	assert_int_equal(c.about, 2);
	/* tracks; moods only with both valence and energy; artists and genres
	 * by position */
	assert_string_equal(c.buf.buf, "t1=L/200000 t2=/-1 t1=0.50/0.25 "
		"t1=A t1=B t2=Z A=pop A=rock B=jazz ");
	/* a NULL callback skips its sweep */
	strbuf_reset(&c.buf);
	fns.track = NULL;
	fns.mood = NULL;
	fns.track_artist = NULL;
	assert_int_equal(store_catalog_scan(st, &fns, &err), 0);
	assert_string_equal(c.buf.buf, "A=pop A=rock B=jazz ");
	strbuf_release(&c.buf);
	strbuf_release(&err);
	store_close(st);
}

/* Each account's plays only (issue 12), before and after the second account's
 * index exists (it is made when a store with two accounts is opened). */
static int on_nav(void *arg, const struct store_nav_play *p)
{
	struct rows *r = arg;
	strbuf_addf(&r->buf, "%lld ", (long long)p->played_ms);
	return 0;
}

static void by_account_checks(struct store *st)
{
	struct strbuf err = STRBUF_INIT;
	struct rows r = { 0, 0, STRBUF_INIT };
	int64_t first, last, *times;
	int n;

	assert_int_equal(store_scan_music(st, 2, 0, 10000, on_music, &r, &err), 0);
	assert_string_equal(r.buf.buf, "2500:t2:60000:-1 ");
	strbuf_reset(&r.buf);
	assert_int_equal(store_scan_music(st, 1, 0, 10000, on_music, &r, &err), 0);
	assert_string_equal(r.buf.buf, "1000:t1:150000:0 2000:tx:-1:-1 3000:t1:-1:1 ");
	strbuf_reset(&r.buf);
	assert_int_equal(store_scan_plays(st, 2, 0, 10000, on_play, &r, &err), 0);
	assert_string_equal(r.buf.buf, "2000:podcast::ep1:::5000:1:6 2500:music:t2::::60000:-1:2 ");
	assert_int_equal(store_play_span(st, 2, &first, &last, &err), 1);
	assert_int_equal(first, 2000);
	assert_int_equal(last, 2500);
	assert_int_equal(store_play_span(st, 1, &first, &last, &err), 1);
	assert_int_equal(last, 9000);
	assert_int_equal(store_play_span(st, 3, &first, &last, &err), 0);
	r.n = r.stop_at = 0;
	assert_int_equal(store_scan_sources(st, 2, 0, 10000, on_source, &r, &err), 0);
	assert_int_equal(r.n, 2);
	assert_int_equal(store_track_play_times(st, 2, "t1", &times, &n, &err), 0);
	assert_int_equal(n, 0);
	free(times);
	assert_int_equal(store_track_play_times(st, 1, "t1", &times, &n, &err), 0);
	assert_int_equal(n, 2);
	free(times);
	assert_int_equal(store_any_play_before(st, 2, 2000), 0);
	assert_int_equal(store_any_play_before(st, 2, 2001), 1);
	assert_int_equal(store_artist_played_before(st, 2, "Z", INT64_MAX), 1);
	assert_int_equal(store_artist_played_before(st, 1, "Z", INT64_MAX), 0);
	assert_int_equal(store_artist_played_before(st, 2, "A", INT64_MAX), 0);
	{ /* at once, in the order asked, a quoted id among them */
		const char *ids[] = { "A", "Z", "q\"{,}", "Z" };
		int yes[4] = { 7, 7, 7, 7 };
		assert_int_equal(store_artists_played_before(st, 2, ids, 4, INT64_MAX, yes), 0);
		assert_int_equal(yes[0], 0);
		assert_int_equal(yes[1], 1);
		assert_int_equal(yes[2], 0);
		assert_int_equal(yes[3], 1);
	}
	strbuf_reset(&r.buf);
	assert_int_equal(store_gaps_overlapping(st, 2, 0, 10000, on_gap, &r, &err), 0);
	assert_string_equal(r.buf.buf, "other:2500-4000:5000:import ");
	strbuf_reset(&r.buf);
	assert_int_equal(store_nav_track_plays(st, 1, "t2", on_nav, &r, &err), 0);
	assert_string_equal(r.buf.buf, "");
	assert_int_equal(store_nav_track_plays(st, 2, "t2", on_nav, &r, &err), 0);
	assert_string_equal(r.buf.buf, "2500 ");
	assert_string_equal(err.buf, "");
	strbuf_release(&r.buf);
	strbuf_release(&err);
}

static void reports_by_account(void **state)
{
	struct store *st = report_store(few_plays);
	struct strbuf err = STRBUF_INIT;
	char path[128];
	(void)state;

	if (db_exec(store_sqlite_db(st), "INSERT INTO plays (id, account_id, played_ms, kind,"
		    " track_id, ms_played, sources) VALUES (6, 2, 2500, 'music', 't2', 60000, 2)",
		    &err))
		fail_msg("%s", err.buf);
	by_account_checks(st);
	store_close(st);
	snprintf(path, sizeof(path), "%s/t.db", report_dir);
	assert_int_equal(store_open(path, &st, &err), 0);
	by_account_checks(st);
	store_close(st);
	strbuf_release(&err);
}

/*
 * A read snapshot holds still while another handle writes; the data version
 * moves after it; read snapshots do not nest.
 */
static void reports_snapshot(void **state)
{
	struct store *st = report_store(few_plays), *other;
	struct strbuf err = STRBUF_INIT;
	int64_t first, last, v;
	(void)state;

	assert_int_equal(store_open(store_where(st), &other, &err), 0);
	v = store_data_version(st);
	assert_int_equal(store_read_begin(st, &err), 0);
	assert_int_equal(store_play_span(st, 0, &first, &last, &err), 1);
	assert_int_equal(db_exec(store_sqlite_db(other), "INSERT INTO plays (account_id,"
				 " played_ms, track_id, sources) VALUES (1, 99000, 't2', 1)",
				 &err), 0);
	assert_int_equal(store_play_span(st, 0, &first, &last, &err), 1);
	assert_int_equal(last, 9000);
	assert_int_equal(store_read_begin(st, &err), -1);
	assert_non_null(strstr(err.buf, "transaction"));
	strbuf_reset(&err);
	store_read_end(st);
	assert_int_equal(store_play_span(st, 0, &first, &last, &err), 1);
	assert_int_equal(last, 99000);
	assert_true(store_data_version(st) != v);
	v = store_data_version(st);
	assert_int_equal(store_data_version(st), v);
	store_read_end(st); /* harmless without a snapshot */
	store_tune_for_reads(st);
	assert_int_equal(store_play_span(st, 0, &first, &last, &err), 1);
	store_close(other);
	store_close(st);
	strbuf_release(&err);
}

/* store_open's url: an engine prefix, a plain path (colons included), an unknown engine. */
static void store_urls(void **state)
{
	char dir[64], path[160];
	struct strbuf err = STRBUF_INIT;
	struct store *st;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/spinlog-url-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "sqlite:%s/a.db", dir);
	assert_int_equal(store_open(path, &st, &err), 0);
	assert_string_equal(store_engine(st), "sqlite");
	assert_string_equal(store_where(st), path + 7);
	store_close(st);
	snprintf(path, sizeof(path), "%s/backup:2026.db", dir);
	assert_int_equal(store_open(path, &st, &err), 0);
	assert_string_equal(store_where(st), path);
	store_close(st);
	assert_int_equal(store_open("mysql://me:s3cret@db/x", &st, &err), -1);
	assert_null(st);
	assert_non_null(strstr(err.buf, "no store engine 'mysql'"));
	assert_null(strstr(err.buf, "s3cret"));
	strbuf_reset(&err);
	/* PostgreSQL on a port nothing listens on: what to do, no password */
	assert_int_equal(store_open("postgresql://me:s3cret@127.0.0.1:1/x", &st,
				    &err), -1);
	assert_null(st);
	assert_non_null(strstr(err.buf, "cannot connect to postgresql://me:********@127.0.0.1:1/x: "));
	assert_non_null(strstr(err.buf, "; is the server running?"));
	assert_null(strstr(err.buf, "s3cret"));
	strbuf_release(&err);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(migrates_and_reopens),
		cmocka_unit_test(store_urls),
		cmocka_unit_test(sources_table_is_the_list),
		cmocka_unit_test(reports_empty_store),
		cmocka_unit_test(reports_scans),
		cmocka_unit_test(reports_tracks),
		cmocka_unit_test(reports_catalog),
		cmocka_unit_test(reports_snapshot),
		cmocka_unit_test(reports_by_account),
	};
	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
