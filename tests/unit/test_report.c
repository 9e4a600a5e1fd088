/* Unit tests for report/ and web/: the calendar winner rule, local days
 * across DST, escaping of hostile names, and the year's numbers on a tiny
 * hand-made store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/timeutil.h"
#include "report/report.h"
#include "store/sqlite/db.h"
#include "store/store.h"
#include "web/api.h"
#include "web/html.h"

static const struct report_options opt = { 30000, 0 };

/* Fixtures are written in SQL on the store's own connection. */
static void exec_sql(struct store *st, const char *sql)
{
	struct strbuf err = STRBUF_INIT;

	if (db_exec(store_sqlite_db(st), sql, &err))
		fail_msg("%s", err.buf);
	strbuf_release(&err);
}

static struct store *new_db(const char *sql)
{
	static char dir[64];
	char path[128];
	struct strbuf err = STRBUF_INIT;
	struct store *db;

	snprintf(dir, sizeof(dir), "/tmp/spinlog-report-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/t.db", dir);
	assert_int_equal(store_open(path, &db, &err), 0);
	exec_sql(db, sql);
	strbuf_release(&err);
	return db;
}

static const struct report_day *day_of(const struct report_year *y, int m, int d)
{
	int64_t i = time_days_from_civil(y->year, m, d) - y->first_day;
	return &y->days[i];
}

static const char *winner(const struct report_year *y, int m, int d)
{
	const struct report_day *rd = day_of(y, m, d);
	return rd->win < 0 ? NULL : y->tracks[rd->win].id;
}

static void winner_rule(void **state)
{
	(void)state;
	/* more plays win */
	assert_true(report_better(3, 1, "b", 2, 999999, "a"));
	assert_false(report_better(2, 999999, "a", 3, 1, "b"));
	/* tie on plays: more time wins */
	assert_true(report_better(2, 500, "z", 2, 400, "a"));
	assert_false(report_better(2, 400, "a", 2, 500, "z"));
	/* tie on both: the smaller id, whatever the order */
	assert_true(report_better(2, 500, "a", 2, 500, "b"));
	assert_false(report_better(2, 500, "b", 2, 500, "a"));
	assert_false(report_better(2, 500, "a", 2, 500, "a"));
}

static const char tiny[] =
	"INSERT INTO accounts (id, name, created_ms) VALUES (1, 'main', 0);"
	"INSERT INTO artists (id, name) VALUES ('A', 'Alpha'), ('B', 'Beta');"
	"INSERT INTO artist_genres (artist_id, position, genre) VALUES ('A', 0, 'pop'), ('B', 0, 'rock'), ('B', 1, 'pop');"
	"INSERT INTO albums (id, name) VALUES ('L1', 'One'), ('L2', 'Two');"
	"INSERT INTO tracks (id, name, album_id, duration_ms) VALUES"
	" ('t1', '<img src=x onerror=alert(1)>', 'L1', 200000),"
	" ('t2', 'Second', 'L2', 100000), ('t3', 'Third', 'L2', 300000);"
	"INSERT INTO track_artists (track_id, position, artist_id) VALUES"
	" ('t1', 0, 'A'), ('t2', 0, 'B'), ('t3', 0, 'B'), ('t3', 1, 'A');"
	"INSERT INTO audio_features (track_id, provider, valence, energy, fetched_ms)"
	" VALUES ('t1', 'x', 0.5, 1.0, 0), ('t2', 'x', 0.25, 0.5, 0);"
	/* 2024: B heard before 2025, A not */
	"INSERT INTO plays (account_id, played_ms, track_id, ms_played, sources) VALUES"
	" (1, 1718000000000, 't2', NULL, 1);"
	/* 2025-01-01 (UTC): t1 x2 by the API (400 s), t2 once 150 s */
	"INSERT INTO plays (account_id, played_ms, track_id, ms_played, skipped, sources) VALUES"
	" (1, 1735722000000, 't1', NULL, NULL, 1), (1, 1735725600000, 't1', NULL, NULL, 1),"
	" (1, 1735729200000, 't2', 150000, 0, 2),"
	/* 2025-01-02: one play each, t3 longer -> t3 */
	" (1, 1735808400000, 't2', 100000, 0, 2), (1, 1735812000000, 't3', 200000, 1, 2),"
	/* 2025-01-03: equal plays and time -> smaller id t2; a 10 s play does not count */
	" (1, 1735894800000, 't3', 60000, 0, 2), (1, 1735898400000, 't2', 60000, 0, 2),"
	" (1, 1735902000000, 't1', 10000, 1, 2);"
	"INSERT INTO plays (account_id, played_ms, kind, episode_id, ms_played, sources)"
	" VALUES (1, 1735905600000, 'podcast', 'e1', 3000000, 2);";

static void year_numbers(void **state)
{
	struct report_year y;
	struct strbuf err = STRBUF_INIT;
	struct store *db;
	(void)state;

	assert_int_equal(time_set_zone("UTC"), 0);
	db = new_db(tiny);
	assert_int_equal(report_year(db, 2025, &opt, &y, &err), 0);
	assert_int_equal(y.ndays, 365);
	assert_int_equal(y.plays, 7);
	assert_int_equal(y.plays_ms_known, 5);
	assert_int_equal(y.ms, 400000 + 150000 + 100000 + 200000 + 120000);
	assert_int_equal(y.ms_measured, 570000);
	assert_int_equal(y.distinct_tracks, 3);
	assert_int_equal(y.distinct_artists, 2);
	assert_int_equal(y.distinct_albums, 2);
	assert_string_equal(winner(&y, 1, 1), "t1");
	assert_int_equal(day_of(&y, 1, 1)->win_plays, 2);
	assert_int_equal(day_of(&y, 1, 1)->win_ms, 400000);
	assert_string_equal(winner(&y, 1, 2), "t3");
	assert_string_equal(winner(&y, 1, 3), "t2");
	assert_null(winner(&y, 1, 4));
	assert_int_equal(y.skips_known, 6);
	assert_int_equal(y.skips, 2);
	/* top track: t2 (3 plays) before t1 (2 plays) */
	assert_string_equal(y.top_tracks[0].key, "t2");
	assert_int_equal(y.top_tracks[0].plays, 3);
	assert_string_equal(y.top_artists[0].key, "B");
	assert_int_equal(y.top_artists[0].plays, 5);
	/* pop: t1 x2 + t2 x3 + t3 x2 (t3 has A and B, both pop: once) */
	assert_string_equal(y.top_genres[0].key, "pop");
	assert_int_equal(y.top_genres[0].plays, 7);
	assert_int_equal(y.new_artists, 1);
	assert_string_equal(y.new_artist_list[0].key, "A");
	assert_int_equal(y.biggest_day, 0);
	assert_int_equal(y.first_play_ms, 1735722000000LL);
	assert_int_equal(y.month_plays[0], 7);
	/* mood: t1 x2 (0.5), t2 x3 (0.25); t3 has no features */
	assert_int_equal(y.month_mood_plays[0], 5);
	assert_true(y.month_valence[0] > 0.349 && y.month_valence[0] < 0.351);
	/* 2025-01-01 was a Wednesday: t1 at 09:00 and 10:00 UTC */
	assert_int_equal(y.heat[2][9], 1);
	assert_int_equal(y.heat[2][10], 1);
	report_year_release(&y);
	store_close(db);
}

/*
 * report_year_with keeps the catalog between passes: a pass with nothing
 * changed gives the same numbers, and a change by another connection (as by
 * another process) or by the same one is seen by the next pass.
 */
static void kept_catalog(void **state)
{
	struct report_year y;
	struct report_cache c;
	struct strbuf err = STRBUF_INIT;
	struct store *db, *other;
	(void)state;

	assert_int_equal(time_set_zone("UTC"), 0);
	db = new_db(tiny);
	assert_int_equal(store_open(store_where(db), &other, &err), 0);
	report_cache_init(&c, db);
	for (int pass = 0; pass < 2; pass++) {
		assert_int_equal(report_year_with(&c, 2025, &opt, &y, &err), 0);
		assert_int_equal(y.plays, 7);
		assert_int_equal(y.ms, 970000);
		assert_string_equal(y.top_genres[0].key, "pop");
		assert_int_equal(y.top_genres[0].plays, 7);
		assert_int_equal(y.new_artists, 1);
		assert_string_equal(y.tracks[y.days[0].win].name, "<img src=x onerror=alert(1)>");
		report_year_release(&y);
	}
	/* Another connection: t1 gets a new duration and name, A a genre; a 2024
	 * play of t1 makes A not new in 2025. */
	exec_sql(other,
		"UPDATE tracks SET duration_ms = 100000, name = 'One' WHERE id = 't1';"
		"INSERT INTO artist_genres (artist_id, position, genre) VALUES ('A', 1, 'jazz');"
		"INSERT INTO plays (account_id, played_ms, track_id, sources)"
		" VALUES (1, 1718000100000, 't1', 1);");
	assert_int_equal(report_year_with(&c, 2025, &opt, &y, &err), 0);
	assert_int_equal(y.ms, 970000 - 200000);
	assert_string_equal(y.tracks[y.days[0].win].name, "One");
	assert_int_equal(y.new_artists, 0);
	assert_int_equal(y.ntop_genres, 3);
	report_year_release(&y);
	/* The same connection: a play of an uncatalogued track. */
	exec_sql(db,
		"INSERT INTO plays (account_id, played_ms, track_id, artist_name, track_name,"
		" album_name, sources) VALUES (1, 1735990000000, 'tx', 'Xavier', 'Ex', 'Xa', 1);");
	assert_int_equal(report_year_with(&c, 2025, &opt, &y, &err), 0);
	assert_int_equal(y.plays, 8);
	assert_int_equal(y.distinct_tracks, 4);
	assert_int_equal(y.distinct_artists, 3);
	report_year_release(&y);
	report_cache_release(&c);
	store_close(other);
	store_close(db);
	strbuf_release(&err);
}

static void dst_days(void **state)
{
	struct report_year y;
	struct strbuf err = STRBUF_INIT;
	struct store *db;
	(void)state;

	assert_int_equal(time_set_zone("Europe/Berlin"), 0);
	db = new_db(
		"INSERT INTO accounts (id, name, created_ms) VALUES (1, 'main', 0);"
		"INSERT INTO plays (account_id, played_ms, track_id, sources) VALUES"
		/* 2025-03-29T23:30Z = 00:30 CET on 30 March (clocks go forward that night) */
		" (1, 1743291000000, 'a', 1),"
		/* 2025-03-30T22:30Z = 00:30 CEST on 31 March */
		" (1, 1743373800000, 'b', 1),"
		/* 2025-10-25T22:30Z = 00:30 CEST on 26 October */
		" (1, 1761431400000, 'c', 1),"
		/* 2025-10-26T22:30Z = 23:30 CET, still 26 October (clocks went back) */
		" (1, 1761517800000, 'c', 1),"
		/* 2024-12-31T23:30Z = 00:30 on 1 January 2025 */
		" (1, 1735687800000, 'd', 1);");
	assert_int_equal(report_year(db, 2025, &opt, &y, &err), 0);
	assert_string_equal(winner(&y, 1, 1), "d");
	assert_string_equal(winner(&y, 3, 30), "a");
	assert_null(winner(&y, 3, 29));
	assert_string_equal(winner(&y, 3, 31), "b");
	assert_int_equal(day_of(&y, 10, 26)->plays, 2);
	assert_null(winner(&y, 10, 25));
	assert_int_equal(y.plays, 5);
	/* hours are local: 00 four times, 23 once */
	int h0 = 0, h23 = 0;
	for (int d = 0; d < 7; d++) {
		h0 += y.heat[d][0];
		h23 += y.heat[d][23];
	}
	assert_int_equal(h0, 4);
	assert_int_equal(h23, 1);
	report_year_release(&y);
	/* the 2024 report does not see the New Year's Eve play */
	assert_int_equal(report_year(db, 2024, &opt, &y, &err), 0);
	assert_int_equal(y.plays, 0);
	report_year_release(&y);
	store_close(db);
	time_set_zone("UTC");
}

static void escaping(void **state)
{
	struct report_year y;
	struct report_plays pl;
	struct strbuf err = STRBUF_INIT, out = STRBUF_INIT;
	struct store *db;
	int year = 2025;
	(void)state;

	assert_int_equal(time_set_zone("UTC"), 0);
	db = new_db(
		"INSERT INTO accounts (id, name, created_ms) VALUES (1, 'main', 0);"
		"INSERT INTO artists (id, name) VALUES ('A', '<script>alert(1)</script>');"
		"INSERT INTO albums (id, name) VALUES ('L', '\"><svg onload=alert(2)>');"
		"INSERT INTO tracks (id, name, album_id, duration_ms) VALUES"
		" ('t1', '<img src=x onerror=alert(1)>', 'L', 1000);"
		"INSERT INTO track_artists (track_id, position, artist_id) VALUES ('t1', 0, 'A');"
		"INSERT INTO plays (account_id, played_ms, track_id, sources) VALUES"
		" (1, 1735722000000, 't1', 1);");
	assert_int_equal(report_year(db, 2025, &opt, &y, &err), 0);
	html_calendar(&y, NULL, &year, 1, &out);
	html_year(&y, NULL, &year, 1, NULL, &out);
	struct report_cache rs;
	report_cache_init(&rs, db);
	assert_int_equal(report_day_plays(&rs, y.first_day, &opt, &pl, &err), 0);
	html_day(y.first_day, &pl, NULL, &out);
	assert_null(strstr(out.buf, "<img src=x"));
	assert_null(strstr(out.buf, "<script"));
	assert_null(strstr(out.buf, "<svg onload"));
	assert_null(strstr(out.buf, "\"><svg"));
	assert_non_null(strstr(out.buf, "&lt;img src=x onerror=alert(1)&gt;"));
	assert_non_null(strstr(out.buf, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_non_null(strstr(out.buf, "dir=\"auto\""));
	/* the missing cover is a tile with the album's escaped initials */
	assert_non_null(strstr(out.buf, "class=\"tile"));
	strbuf_reset(&out);
	api_calendar(&y, NULL, &out);
	assert_non_null(strstr(out.buf, "\"name\":\"<img src=x onerror=alert(1)>\""));
	report_plays_release(&pl);
	report_cache_release(&rs);
	report_year_release(&y);
	strbuf_release(&out);
	store_close(db);
}

static void initials(void **state)
{
	char b[32];
	(void)state;
	html_initials("appetite for destruction", b, sizeof(b));
	assert_string_equal(b, "AF");
	html_initials("<b>Bold</b>", b, sizeof(b));
	assert_string_equal(b, "BB");
	html_initials("نور العين", b, sizeof(b));
	assert_string_equal(b, "نا");
	html_initials("", b, sizeof(b));
	assert_string_equal(b, "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(winner_rule),
		cmocka_unit_test(year_numbers),
		cmocka_unit_test(kept_catalog),
		cmocka_unit_test(dst_days),
		cmocka_unit_test(escaping),
		cmocka_unit_test(initials),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
