/* Unit tests for the export parser (pipeline/import.h) and the merge rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/strbuf.h"
#include "core/timeutil.h"
#include "pipeline/import.h"
#include "pipeline/merge.h"
#include "store/db.h"
#include "store/playmerge.h"
#include "store/plays.h"

static struct import_pool pool;

static int setup(void **state)
{
	(void)state;
	import_pool_init(&pool, 0);
	import_pools[0] = &pool;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	import_pool_release(&pool);
	import_pools[0] = NULL;
	return 0;
}

/* Parses s as a file called name; returns the status, fills f and err. */
static int parse(const char *name, const char *s, int strict,
		 struct import_file *f, struct strbuf *err)
{
	memset(f, 0, sizeof(*f));
	strbuf_reset(err);
	return import_parse_buffer(name, s, strlen(s), strict, &pool, f, err);
}

static const char extended[] =
	"[\n"
	"  {\"ts\": \"2024-11-28T16:05:23Z\", \"platform\": \"ios\", \"ms_played\": 725,"
	"   \"conn_country\": \"NL\", \"ip_addr\": \"192.0.2.1\","
	"   \"master_metadata_track_name\": \"gloria (with sza)\","
	"   \"master_metadata_album_artist_name\": \"Kendrick Lamar\","
	"   \"master_metadata_album_album_name\": \"GNX\","
	"   \"spotify_track_uri\": \"spotify:track:0wgOhYnqZKjOHr6bmdz0aN\","
	"   \"episode_name\": null, \"episode_show_name\": null, \"spotify_episode_uri\": null,"
	"   \"reason_start\": \"backbtn\", \"reason_end\": \"fwdbtn\", \"shuffle\": true,"
	"   \"skipped\": null, \"offline\": false, \"offline_timestamp\": 1732809922,"
	"   \"incognito_mode\": false},\n"
	"  {\"ts\": \"2019-03-01T10:00:00Z\", \"username\": \"u\", \"ms_played\": 1200000,"
	"   \"master_metadata_track_name\": null, \"spotify_track_uri\": null,"
	"   \"episode_name\": \"Ep \\u00e9 \\ud83d\\ude00\", \"episode_show_name\": \"Show\","
	"   \"spotify_episode_uri\": \"spotify:episode:5ZbUaxjRFmIp0yBKbHzPNQ\","
	"   \"offline_timestamp\": 1551434400000, \"reason_start\": \"\","
	"   \"ip_addr_decrypted\": \"10.0.0.1\", \"user_agent_decrypted\": \"x\"},\n"
	"  {\"ts\": \"2025-01-01T00:00:00Z\", \"ms_played\": 5000,"
	"   \"audiobook_title\": \"Book\", \"audiobook_uri\": \"spotify:show:abc\","
	"   \"audiobook_chapter_uri\": \"spotify:episode:chap\","
	"   \"audiobook_chapter_title\": \"Chapter 1\"},\n"
	"  {\"ts\": \"2025-01-02T00:00:00Z\", \"ms_played\": 0,"
	"   \"master_metadata_track_name\": null, \"spotify_track_uri\": null,"
	"   \"spotify_episode_uri\": null, \"offline_timestamp\": 0}\n"
	"]\n";

static void parses_extended_records(void **state)
{
	struct import_file f;
	struct strbuf err = STRBUF_INIT;
	struct import_event *e;
	(void)state;

	assert_int_equal(parse("Streaming_History_Audio_2024_0.json", extended,
			       1, &f, &err), 0);
	assert_int_equal(f.format, FMT_EXTENDED);
	assert_int_equal(f.n, 4);
	e = &f.ev[0];
	assert_int_equal(e->kind, KIND_MUSIC);
	assert_int_equal(e->source, SRC_EXPORT);
	assert_string_equal(import_str(e->str[IS_TRACK_ID]), "0wgOhYnqZKjOHr6bmdz0aN");
	assert_string_equal(import_str(e->str[IS_ARTIST]), "Kendrick Lamar");
	assert_int_equal(e->ms_played, 725);
	assert_int_equal(e->played_ms, 1732809923000LL);
	assert_int_equal(e->offline_ms, 1732809922000LL); /* seconds -> ms */
	assert_int_equal(e->shuffle, 1);
	assert_int_equal(e->skipped, TRI_NULL);
	assert_int_equal(e->str[IS_IP], 0); /* network fields dropped */
	e = &f.ev[1];
	assert_int_equal(e->kind, KIND_PODCAST);
	assert_string_equal(import_str(e->str[IS_TRACK]), "Ep \xc3\xa9 \xf0\x9f\x98\x80");
	assert_string_equal(import_str(e->str[IS_EPISODE_ID]), "5ZbUaxjRFmIp0yBKbHzPNQ");
	assert_int_equal(e->offline_ms, 1551434400000LL); /* already ms */
	assert_string_equal(import_str(e->str[IS_REASON_START]), "");
	assert_int_equal(f.ev[2].kind, KIND_AUDIOBOOK);
	assert_string_equal(import_str(f.ev[2].str[IS_TRACK]), "Chapter 1");
	assert_int_equal(f.ev[3].kind, KIND_UNKNOWN);
	assert_int_equal(f.ev[3].offline_ms, 0);
	assert_true(f.ev[0].fp != f.ev[1].fp);
	import_file_release(&f);

	/* a local file: names, no id */
	assert_int_equal(parse("endsong_3.json", "[{\"ts\": \"2019-01-01T00:00:00Z\","
			       " \"ms_played\": 1, \"master_metadata_track_name\": \"T\","
			       " \"spotify_track_uri\": \"spotify:local:A:B:T:120\"}]",
			       1, &f, &err), 0);
	assert_int_equal(f.ev[0].kind, KIND_MUSIC);
	assert_int_equal(f.ev[0].str[IS_TRACK_ID], 0);
	assert_string_equal(import_str(f.ev[0].str[IS_TRACK]), "T");
	import_file_release(&f);

	/* the same records in a Video file: the episode is a video */
	assert_int_equal(parse("Streaming_History_Video_2024.json", extended, 1,
			       &f, &err), 0);
	assert_int_equal(f.ev[1].kind, KIND_VIDEO);
	assert_int_equal(f.ev[0].kind, KIND_MUSIC);
	import_file_release(&f);

	/* by content under any name, and keeping network fields on request */
	memset(&f, 0, sizeof(f));
	f.keep_network = 1;
	assert_int_equal(import_parse_buffer("my-history.json", extended,
					     strlen(extended), 0, &pool, &f,
					     &err), 0);
	assert_int_equal(f.format, FMT_EXTENDED);
	assert_string_equal(import_str(f.ev[0].str[IS_IP]), "192.0.2.1");
	assert_string_equal(import_str(f.ev[1].str[IS_IP]), "10.0.0.1");
	assert_string_equal(import_str(f.ev[1].str[IS_UA]), "x");
	import_file_release(&f);
	strbuf_release(&err);
}

static void parses_account_data(void **state)
{
	struct import_file f;
	struct strbuf err = STRBUF_INIT;
	const char *music =
		"[\n  {\n    \"endTime\" : \"2021-04-22 05:41\",\n"
		"    \"artistName\" : \"Shindy\",\n    \"trackName\" : \"Dreams\",\n"
		"    \"msPlayed\" : 6408\n  }\n]";
	const char *podcast =
		"[{\"endTime\": \"2021-04-22 06:00\", \"podcastName\": \"Show\","
		" \"episodeName\": \"Ep 1\", \"msPlayed\": 905493}]";
	(void)state;

	assert_int_equal(parse("StreamingHistory0.json", music, 1, &f, &err), 0);
	assert_int_equal(f.format, FMT_ACCOUNT);
	assert_int_equal(f.ev[0].source, SRC_ACCOUNT_DATA);
	assert_int_equal(f.ev[0].played_ms, 1619070060000LL);
	assert_int_equal(f.ev[0].ms_played, 6408);
	assert_true(f.ev[0].flags & EV_KIND_UNSURE); /* old file: mixed kinds */
	import_file_release(&f);
	assert_int_equal(parse("StreamingHistory_music_0.json", music, 1, &f, &err), 0);
	assert_false(f.ev[0].flags & EV_KIND_UNSURE);
	import_file_release(&f);
	assert_int_equal(parse("StreamingHistory_podcast_0.json", podcast, 1, &f,
			       &err), 0);
	assert_int_equal(f.ev[0].kind, KIND_PODCAST);
	assert_string_equal(import_str(f.ev[0].str[IS_ARTIST]), "Show");
	assert_string_equal(import_str(f.ev[0].str[IS_TRACK]), "Ep 1");
	import_file_release(&f);
	/* content wins over a name that says nothing */
	assert_int_equal(parse("whatever.json", podcast, 0, &f, &err), 0);
	assert_int_equal(f.format, FMT_ACCOUNT);
	assert_int_equal(f.kind, KIND_PODCAST);
	import_file_release(&f);
	/* an empty export file is fine */
	assert_int_equal(parse("StreamingHistory_music_1.json", "[ ]\n", 1, &f, &err), 0);
	assert_int_equal(f.n, 0);
	import_file_release(&f);
	strbuf_release(&err);
}

/* Each bad input gives one message naming file, record and field. */
static void rejects_bad_input(void **state)
{
	static const struct {
		const char *name, *json, *msg;
		int strict, ret;
	} cases[] = {
		{ "endsong_0.json", "[{\"ts\": \"2019-01-01T00:00:00Z\", \"ms_played\": 1},"
		  " {\"ts\": \"2019-01-01T00:0", "endsong_0.json: record 1: the file ends in the middle", 1, -1 },
		{ "endsong_0.json", "[{\"ts\": \"2019-13-45T00:00:00Z\", \"ms_played\": 1}]",
		  "endsong_0.json: record 0: \"ts\" is not a timestamp (\"2019-13-45T00:00:00Z\")", 1, -1 },
		{ "endsong_0.json", "[{\"ts\": \"2019-02-29T00:00:00Z\", \"ms_played\": 1}]",
		  "record 0: \"ts\" is not a timestamp", 1, -1 },
		{ "endsong_0.json", "[{\"ts\": \"2001-01-01T00:00:00Z\", \"ms_played\": 1}]",
		  "record 0: \"ts\" is not a plausible time", 1, -1 },
		{ "endsong_0.json", "[{\"ts\": 12, \"ms_played\": 1}]",
		  "record 0: \"ts\" is not a string (12)", 1, -1 },
		{ "endsong_0.json", "[{\"ts\": \"2019-01-01T00:00:00Z\", \"ms_played\": \"5\"}]",
		  "record 0: \"ms_played\" is not a whole number of milliseconds (\"5\")", 1, -1 },
		{ "endsong_0.json", "[{\"ts\": \"2019-01-01T00:00:00Z\", \"ms_played\": 1.5}]",
		  "\"ms_played\" is not a whole number", 1, -1 },
		{ "endsong_0.json", "[{\"ts\": \"2019-01-01T00:00:00Z\", \"ms_played\": 1,"
		  " \"skipped\": \"no\"}]", "\"skipped\" is not true, false or null", 1, -1 },
		{ "endsong_0.json", "[{\"ts\": \"2019-01-01T00:00:00Z\", \"ms_played\": 1,"
		  " \"spotify_track_uri\": \"http://x\"}]", "\"spotify_track_uri\" is not a Spotify URI", 1, -1 },
		{ "endsong_0.json", "[{\"ts\": \"2019-01-01T00:00:00Z\", \"ms_played\": 1}] x",
		  "unexpected bytes after the array", 1, -1 },
		{ "endsong_0.json", "[{\"ts\": \"2019-01-01T00:00:00Z\", \"ms_played\": 1},"
		  " {\"ms_played\": 1, \"ts\": \"2019-01-01T00:00:00Z\", \"x\": [1]}]",
		  "record 1: has a nested value", 1, -1 },
		{ "endsong_0.json", "[{\"ts\": \"2019-01-01T00:00:00Z\", \"ms_played\": 1},"
		  " {\"ms_played\": 1}]", "record 1: \"ts\" is missing", 1, -1 },
		{ "endsong_0.json", "[{\"ts\": \"bad\\q\", \"ms_played\": 1}]",
		  "record 0: a bad escape in a string", 1, -1 },
		{ "endsong_0.json", "", "the file is empty", 1, -1 },
		{ "endsong_0.json", "{\"a\": 1}", "not a Spotify streaming history", 1, -1 },
		{ "StreamingHistory0.json", "[{\"endTime\": \"2021-04-22 25:00\", \"msPlayed\": 1}]",
		  "record 0: \"endTime\" is not a timestamp", 1, -1 },
		{ "StreamingHistory0.json", "[{\"endTime\": \"2021-04-22 05:00\", \"msPlayed\": null}]",
		  "record 0: \"msPlayed\" is not a whole number", 1, -1 },
		{ "data.json", "[{\"name\": \"x\"}]", "not a Spotify streaming history", 1, -1 },
		{ "data.json", "[{\"name\": \"x\"}]", "", 0, 1 },
		{ "Userdata.json", "{\"username\": \"x\"}", "", 0, 1 },
	};
	struct strbuf err = STRBUF_INIT;
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct import_file f;
		int r = parse(cases[i].name, cases[i].json, cases[i].strict, &f, &err);
		if (r != cases[i].ret || !strstr(err.buf, cases[i].msg))
			fail_msg("case %zu: got %d \"%s\", want %d \"%s\"", i, r,
				 err.buf, cases[i].ret, cases[i].msg);
		import_file_release(&f);
	}
	strbuf_release(&err);
}

static void names_normalise(void **state)
{
	uint64_t k[2];
	(void)state;
	assert_true(import_namekey("The  Band ", 10, " Song\tOne", 9) ==
		    import_namekey("the band", 8, "song one", 8));
	assert_true(import_namekey("a", 1, "bc", 2) != import_namekey("ab", 2, "c", 1));
	assert_int_equal(import_namekey("", 0, "", 0), 0);
	playmerge_api_namekeys("Tyler, The Creator, Kali Uchis", "See You Again", k);
	assert_true(k[1] == import_namekey("Tyler", 5, "See You Again", 13));
}

static struct merge_cand cand(uint64_t key, int64_t t, int64_t prec, int32_t ms,
			      int kind, uint32_t idx)
{
	struct merge_cand c;
	memset(&c, 0, sizeof(c));
	c.key = key;
	c.t = t;
	c.prec = prec;
	c.ms_played = ms;
	c.kind = (uint8_t)kind;
	c.idx = idx;
	return c;
}

/* An API play (ms) and its export record (the second, truncated) match. */
static void merge_api_and_export(void **state)
{
	struct merge_cand l[1], r[2];
	int32_t out[1];
	(void)state;
	l[0] = cand(7, 1700000000000, 1000, 200000, KIND_MUSIC, 0);
	r[0] = cand(7, 1700000000789, 1, -1, KIND_MUSIC, 10);
	r[1] = cand(8, 1700000000789, 1, -1, KIND_MUSIC, 11); /* other track */
	merge_match(l, 1, r, 2, MERGE_TOL_ID_MS, out);
	assert_int_equal(out[0], 10);
	/* 31 s apart is beyond the tolerance: two events */
	r[0] = cand(7, 1700000000000 + 1000 + 31000, 1, -1, KIND_MUSIC, 10);
	merge_match(l, 1, r, 1, MERGE_TOL_ID_MS, out);
	assert_int_equal(out[0], -1);
}

/* The same track twice in a row stays two events, each matched to its own. */
static void merge_same_track_twice(void **state)
{
	struct merge_cand l[2], r[2];
	int32_t out[2];
	(void)state;
	/* export: a 4 s skip ending at T, the full play ending at T+200 s;
	 * given in reverse order to show order does not matter */
	l[0] = cand(7, 1700000200000, 1000, 200000, KIND_MUSIC, 0);
	l[1] = cand(7, 1700000004000, 1000, 4000, KIND_MUSIC, 1);
	r[0] = cand(7, 1700000004321, 1, -1, KIND_MUSIC, 20);
	r[1] = cand(7, 1700000200654, 1, -1, KIND_MUSIC, 21);
	merge_match(l, 2, r, 2, MERGE_TOL_ID_MS, out);
	assert_int_equal(out[0], 21);
	assert_int_equal(out[1], 20);
	/* only the full play was listed by the API: the skip stays unmatched */
	r[0] = cand(7, 1700000200654, 1, -1, KIND_MUSIC, 21);
	l[1] = cand(7, 1700000195000, 1000, 1000, KIND_MUSIC, 1);
	merge_match(l, 2, r, 1, MERGE_TOL_ID_MS, out);
	assert_int_equal(out[0], 21);
	assert_int_equal(out[1], -1);
}

/* Account data: two plays of a track in one minute pair by ms_played. */
static void merge_minute_precision(void **state)
{
	struct merge_cand l[2], r[3];
	int32_t out[2];
	int64_t m = 1619109900000; /* 2021-04-22 16:45 */
	(void)state;
	l[0] = cand(5, m, 60000, 237774, KIND_MUSIC, 0);
	l[1] = cand(5, m, 60000, 855, KIND_MUSIC, 1);
	r[0] = cand(5, m + 10000, 1000, 855, KIND_MUSIC, 30);
	r[1] = cand(5, m + 50000, 1000, 237774, KIND_MUSIC, 31);
	r[2] = cand(5, m - 600000, 1000, 855, KIND_MUSIC, 32); /* 10 min off */
	merge_match(l, 2, r, 3, MERGE_TOL_NAME_MS, out);
	assert_int_equal(out[0], 31);
	assert_int_equal(out[1], 30);
	/* the next minute still matches (truncation vs. clocks), two do not */
	r[0] = cand(5, m + 65000, 1000, 855, KIND_MUSIC, 30);
	merge_match(l + 1, 1, r, 1, MERGE_TOL_NAME_MS, out);
	assert_int_equal(out[0], 30);
	r[0] = cand(5, m + 181000, 1000, 855, KIND_MUSIC, 30);
	merge_match(l + 1, 1, r, 1, MERGE_TOL_NAME_MS, out);
	assert_int_equal(out[0], -1);
}

/* Podcasts match podcasts; old mixed account data matches either. */
static void merge_podcasts(void **state)
{
	struct merge_cand l[1], r[1];
	int32_t out[1];
	int64_t m = 1619109900000;
	(void)state;
	l[0] = cand(9, m, 60000, 905493, KIND_PODCAST, 0);
	r[0] = cand(9, m + 20000, 1000, 905493, KIND_MUSIC, 40);
	merge_match(l, 1, r, 1, MERGE_TOL_NAME_MS, out);
	assert_int_equal(out[0], -1);
	r[0] = cand(9, m + 20000, 1000, 905493, KIND_PODCAST, 40);
	merge_match(l, 1, r, 1, MERGE_TOL_NAME_MS, out);
	assert_int_equal(out[0], 40);
	l[0] = cand(9, m, 60000, 905493, KIND_MUSIC, 0);
	l[0].unsure = 1; /* StreamingHistory0.json */
	merge_match(l, 1, r, 1, MERGE_TOL_NAME_MS, out);
	assert_int_equal(out[0], 40);
	r[0].kind = KIND_AUDIOBOOK;
	merge_match(l, 1, r, 1, MERGE_TOL_NAME_MS, out);
	assert_int_equal(out[0], -1);
}

/* The collector's hook: an API play merges into an imported row. */
static void api_play_merges_into_import(void **state)
{
	sqlite3 *db;
	struct strbuf err = STRBUF_INIT;
	struct api_play p = { 1700000000789, "0wgOhYnqZKjOHr6bmdz0aN", "gloria",
			      "Kendrick Lamar, SZA", "GNX", NULL };
	(void)state;
	assert_int_equal(db_open(":memory:", &db, &err), 0);
	assert_int_equal(db_exec(db,
		"INSERT INTO accounts (id, name, created_ms) VALUES (1, 'main', 0);"
		"INSERT INTO plays (account_id, played_ms, precision_ms, track_id,"
		" ms_played, sources) VALUES (1, 1700000000000, 1000,"
		" '0wgOhYnqZKjOHr6bmdz0aN', 200000, 2),"
		" (1, 1700000004000, 1000, '0wgOhYnqZKjOHr6bmdz0aN', 1000, 2);", &err), 0);
	assert_int_equal(plays_add_api(db, 1, 0, &p), 1);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM plays"), 2);
	assert_int_equal(db_scalar(db, "SELECT played_ms FROM plays WHERE sources = 3"),
			 1700000000789);
	/* the same API play again: nothing changes */
	assert_int_equal(plays_add_api(db, 1, 0, &p), 0);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM plays WHERE sources = 3"), 1);
	/* a play far from any import row is inserted */
	p.played_ms += 3600000;
	assert_int_equal(plays_add_api(db, 1, 0, &p), 1);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM plays"), 3);
	db_close(db);
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_extended_records),
		cmocka_unit_test(parses_account_data),
		cmocka_unit_test(rejects_bad_input),
		cmocka_unit_test(names_normalise),
		cmocka_unit_test(merge_api_and_export),
		cmocka_unit_test(merge_same_track_twice),
		cmocka_unit_test(merge_minute_precision),
		cmocka_unit_test(merge_podcasts),
		cmocka_unit_test(api_play_merges_into_import),
	};
	return cmocka_run_group_tests_name("import", tests, setup, teardown);
}
