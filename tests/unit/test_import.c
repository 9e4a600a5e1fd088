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
#include "sources/format.h"
#include "pipeline/merge.h"
#include "store/sqlite/db.h"
#include "core/playmatch.h"
#include "store/sqlite/plays.h"

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
	"   \"audiobook_title\": \"Book\", \"audiobook_uri\": \"spotify:show:7iHfbu1YPACw6oZPAFJtqe\","
	"   \"audiobook_chapter_uri\": \"spotify:episode:4nm8W2bMOHK2kPEyuXwRe5\","
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
		  " \"spotify_track_uri\": \"http://x\"}]", "\"spotify_track_uri\" is not a \"spotify:track:…\" URI (\"http://x\")", 1, -1 },
		{ "endsong_0.json", "[{\"ts\": \"2019-01-01T00:00:00Z\", \"ms_played\": 1}] x",
		  "unexpected bytes after the array", 1, -1 },
		{ "endsong_0.json", "[{\"ts\": \"2019-01-01T00:00:00Z\", \"ms_played\": 1},"
		  " {\"ms_played\": 1, \"ts\": \"2019-01-01T00:00:00Z\", \"x\": [1]}]",
		  "record 1: has a nested value", 1, -1 },
		{ "endsong_0.json", "[{\"ts\": \"2019-01-01T00:00:00Z\", \"ms_played\": 1},"
		  " {\"ms_played\": 1}]", "record 1: \"ts\" is missing", 1, -1 },
		{ "endsong_0.json", "[{\"ts\": \"bad\\q\", \"ms_played\": 1}]",
		  "record 0: \"ts\": a bad escape in a string", 1, -1 },
		{ "endsong_0.json", "", "the file is empty", 1, -1 },
		{ "endsong_0.json", "{\"a\": 1}", "not a Spotify streaming history", 1, -1 },
		{ "StreamingHistory0.json", "[{\"endTime\": \"2021-04-22 25:00\", \"msPlayed\": 1}]",
		  "record 0: \"endTime\" is not a timestamp", 1, -1 },
		{ "StreamingHistory0.json", "[{\"endTime\": \"2021-04-22 05:00\", \"msPlayed\": null}]",
		  "record 0: \"msPlayed\" is not a whole number", 1, -1 },
		{ "endsong_0.json", "[{\"ts\": \"2023-06-01 10:00:00\", \"ms_played\": 1}]",
		  "record 0: \"ts\" is not a timestamp (\"2023-06-01 10:00:00\")", 1, -1 },
		{ "endsong_0.json", "[{\"ts\": \"2023-06-01T10:00:60Z\", \"ms_played\": 1}]",
		  "record 0: \"ts\" is not a timestamp (\"2023-06-01T10:00:60Z\")", 1, -1 },
		{ "endsong_0.json", "[{\"ts\": \"2023-06-01T10:00:00Z\\u0000junk\", \"ms_played\": 1}]",
		  "record 0: \"ts\" is not a timestamp (\"2023-06-01T10:00:00Z\xef\xbf\xbdjunk\")", 1, -1 },
		{ "endsong_0.json", "[{\"ts\": \"2023-06-01T10:00:00.123Z\", \"ms_played\": 1}]",
		  "record 0: \"ts\" is not a timestamp", 1, -1 },
		{ "endsong_0.json", "[{\"ts\": \"2023-06-01T10:00:00+00:00\", \"ms_played\": 1}]",
		  "record 0: \"ts\" is not a timestamp", 1, -1 },
		{ "endsong_0.json", "[{\"ts\": \"2023-06-01T10:00:00\\nZ\", \"ms_played\": 1}]",
		  "record 0: \"ts\" is not a timestamp (\"2023-06-01T10:00:00?Z\")", 1, -1 },
		{ "StreamingHistory0.json", "[{\"endTime\": \"2021-04-22 05:00:00\", \"msPlayed\": 1}]",
		  "record 0: \"endTime\" is not a timestamp", 1, -1 },
		{ "StreamingHistory0.json", "[{\"endTime\": \"2021-04-22T05:00\", \"msPlayed\": 1}]",
		  "record 0: \"endTime\" is not a timestamp", 1, -1 },
		{ "endsong_0.json", "[{\"ts\": \"2019-01-01T00:00:00Z\", \"ms_played\": 01000}]",
		  "record 0: \"ms_played\": a number with a leading zero at byte", 1, -1 },
		/* past int64_t: 2^64 + 1000 once wrapped to 1000, -2^63 was undefined */
		{ "endsong_0.json", "[{\"ts\": \"2019-01-01T00:00:00Z\", \"ms_played\": 18446744073709552616}]",
		  "record 0: \"ms_played\" is not a whole number", 1, -1 },
		{ "endsong_0.json", "[{\"ts\": \"2019-01-01T00:00:00Z\", \"ms_played\": -9223372036854775808}]",
		  "record 0: \"ms_played\" is not a whole number", 1, -1 },
		{ "endsong_0.json", "[{\"ts\": \"2019-01-01T00:00:00Z\", \"ms_played\": 1,"
		  " \"offline_timestamp\": 18446744073709551617}]",
		  "record 0: \"offline_timestamp\" is not a time", 1, -1 },
		{ "endsong_0.json", "[{\"ts\": \"2019-01-01T00:00:00Z\", \"ms_played\": -01}]",
		  "record 0: \"ms_played\": a number with a leading zero", 1, -1 },
		{ "endsong_0.json", "[{\"ts\": \"2019-01-01T00:00:00Z\", \"ms_played\": 1,"
		  " \"spotify_track_uri\": \"spotify:track:<script>alert(1)</script>\"}]",
		  "record 0: \"spotify_track_uri\" does not end in a Spotify id (22 letters and digits) (\"spotify:track:<script>", 1, -1 },
		{ "endsong_0.json", "[{\"ts\": \"2019-01-01T00:00:00Z\", \"ms_played\": 1},"
		  " {\"ts\": \"2019-01-01T00:00:00Z\", \"ms_played\": 1,"
		  " \"spotify_track_uri\": \"spotify:track:../../etc/passwd\"}]",
		  "record 1: \"spotify_track_uri\" does not end in a Spotify id", 1, -1 },
		{ "endsong_0.json", "[{\"ts\": \"2019-01-01T00:00:00Z\", \"ms_played\": 1,"
		  " \"spotify_track_uri\": \"spotify:track:a b\"}]",
		  "\"spotify_track_uri\" does not end in a Spotify id", 1, -1 },
		{ "endsong_0.json", "[{\"ts\": \"2019-01-01T00:00:00Z\", \"ms_played\": 1,"
		  " \"spotify_track_uri\": \"spotify:track:0wgOhYnqZKjOHr6bmdz0aNx\"}]",
		  "\"spotify_track_uri\" does not end in a Spotify id", 1, -1 },
		{ "endsong_0.json", "[{\"ts\": \"2019-01-01T00:00:00Z\", \"ms_played\": 1,"
		  " \"spotify_episode_uri\": \"spotify:episode:5ZbUaxjRFmIp0yBKbHzPN_\"}]",
		  "\"spotify_episode_uri\" does not end in a Spotify id", 1, -1 },
		{ "endsong_0.json", "[{\"ts\": \"2019-01-01T00:00:00Z\", \"ms_played\": 1,"
		  " \"spotify_episode_uri\": \"spotify:track:5ZbUaxjRFmIp0yBKbHzPNQ\"}]",
		  "\"spotify_episode_uri\" is not a \"spotify:episode:…\" URI", 1, -1 },
		{ "endsong_0.json", "[{\"ts\": \"2019-01-01T00:00:00Z\", \"ms_played\": 1,"
		  " \"audiobook_chapter_uri\": \"spotify:episode:../x\"}]",
		  "\"audiobook_chapter_uri\" is not a Spotify URI", 1, -1 },
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

/* A record of the extended history with the given string fields (JSON text). */
static char *record_with(const char *fields)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "[{\"ts\": \"2019-01-01T00:00:00Z\", \"ms_played\": 1000, %s}]",
		    fields);
	return strbuf_detach(&sb, NULL);
}

#define TRACK_URI "\"spotify_track_uri\": \"spotify:track:0wgOhYnqZKjOHr6bmdz0aN\""

static void check_names(const struct import_event *e, const char *track,
			const char *artist, const char *album)
{
	assert_string_equal(import_str(e->str[IS_TRACK]), track);
	assert_string_equal(import_str(e->str[IS_ARTIST]), artist);
	assert_string_equal(import_str(e->str[IS_ALBUM]), album);
}

/*
 * Every escaped string of a record keeps its own bytes (issue 8: the third
 * escaped value overwrote the first, and ASan saw a use-after-free).
 */
static void escaped_strings_keep_their_values(void **state)
{
	struct import_file f;
	struct strbuf err = STRBUF_INIT, big = STRBUF_INIT, want = STRBUF_INIT;
	char *json;
	(void)state;

	json = record_with(TRACK_URI ", \"master_metadata_track_name\": \"T \\\"1\\\"\","
			   " \"master_metadata_album_artist_name\": \"A \\\"2\\\"\","
			   " \"master_metadata_album_album_name\": \"B \\\"3\\\"\"");
	assert_int_equal(parse("endsong_0.json", json, 1, &f, &err), 0);
	check_names(&f.ev[0], "T \"1\"", "A \"2\"", "B \"3\"");
	import_file_release(&f);
	free(json);

	/* four: the timestamp escaped too (parse_time read a reused buffer) */
	assert_int_equal(parse("endsong_0.json",
			       "[{\"ts\": \"2019-01-01T00:00:0\\u0031Z\", \"ms_played\": 1, "
			       TRACK_URI ", \"master_metadata_track_name\": "
			       "\"Amish Paradise (Parody of \\\"Gangsta's Paradise\\\")\","
			       " \"master_metadata_album_artist_name\": \"\\\"Weird Al\\\" Yankovic\","
			       " \"master_metadata_album_album_name\": \"Bad Hair Day \\u00e9\"}]",
			       1, &f, &err), 0);
	assert_int_equal(f.ev[0].played_ms, 1546300801000LL);
	check_names(&f.ev[0], "Amish Paradise (Parody of \"Gangsta's Paradise\")",
		    "\"Weird Al\" Yankovic", "Bad Hair Day \xc3\xa9");
	import_file_release(&f);

	/* many: every string escaped, escaped keys, and one long enough to move dec */
	for (int i = 0; i < 3000; i++)
		strbuf_addstr(&big, "x\\\"");
	for (int i = 0; i < 3000; i++)
		strbuf_addstr(&want, "x\"");
	json = record_with("\"spotify_track_uri\": \"spotify:track:0wgOhYnqZKjOHr6bmdz0a\\u004e\","
			   " \"master_metadata_track_name\": \"t\\\\1\","
			   " \"master_\\u006detadata_album_artist_name\": \"a\\/2\","
			   " \"master_metadata_album_album_name\": \"b\\t3\","
			   " \"episode_name\": \"e\\\"\", \"episode_show_name\": \"s\\\"\","
			   " \"reason_start\": \"r\\\"s\", \"reason_end\": \"r\\\"e\","
			   " \"platform\": \"p\\\"\", \"conn_country\": \"c\\\"\","
			   " \"unknown_key\\\"\": \"u\\\"\", \"ip_addr\": \"i\\\"\"");
	{
		/* append the long value last, after the others were decoded */
		struct strbuf j = STRBUF_INIT;
		strbuf_add(&j, json, strlen(json) - 2);
		strbuf_addf(&j, ", \"user_agent_decrypted\": \"%s\"}]", big.buf);
		memset(&f, 0, sizeof(f));
		f.keep_network = 1;
		strbuf_reset(&err);
		assert_int_equal(import_parse_buffer("endsong_0.json", j.buf, j.len, 1,
						     &pool, &f, &err), 0);
		strbuf_release(&j);
	}
	assert_string_equal(import_str(f.ev[0].str[IS_TRACK_ID]), "0wgOhYnqZKjOHr6bmdz0aN");
	check_names(&f.ev[0], "t\\1", "a/2", "b\t3");
	assert_string_equal(import_str(f.ev[0].str[IS_REASON_START]), "r\"s");
	assert_string_equal(import_str(f.ev[0].str[IS_REASON_END]), "r\"e");
	assert_string_equal(import_str(f.ev[0].str[IS_PLATFORM]), "p\"");
	assert_string_equal(import_str(f.ev[0].str[IS_COUNTRY]), "c\"");
	assert_string_equal(import_str(f.ev[0].str[IS_IP]), "i\"");
	assert_string_equal(import_str(f.ev[0].str[IS_UA]), want.buf);
	assert_int_equal(f.replaced, 0);
	import_file_release(&f);
	free(json);

	/* records after records: each one's strings are its own */
	assert_int_equal(parse("endsong_0.json",
			       "[{\"ts\": \"2019-01-01T00:00:00Z\", \"ms_played\": 1, "
			       "\"master_metadata_track_name\": \"one \\\"1\\\"\", "
			       "\"master_metadata_album_artist_name\": \"A\"},"
			       " {\"ts\": \"2019-01-01T00:00:00Z\", \"ms_played\": 2, "
			       "\"master_metadata_track_name\": \"two \\\"2\\\"\", "
			       "\"master_metadata_album_artist_name\": \"B \\\"b\\\"\"}]",
			       1, &f, &err), 0);
	assert_string_equal(import_str(f.ev[0].str[IS_TRACK]), "one \"1\"");
	assert_string_equal(import_str(f.ev[1].str[IS_TRACK]), "two \"2\"");
	assert_string_equal(import_str(f.ev[1].str[IS_ARTIST]), "B \"b\"");
	import_file_release(&f);
	strbuf_release(&big);
	strbuf_release(&want);
	strbuf_release(&err);
}

/* A track name as JSON text -> the stored name and the replacements. */
static void text_case(const char *jname, const char *want, size_t wantrepl)
{
	struct import_file f;
	struct strbuf err = STRBUF_INIT, fields = STRBUF_INIT;
	char *json;

	strbuf_addf(&fields, TRACK_URI ", \"master_metadata_track_name\": \"%s\","
		    " \"master_metadata_album_artist_name\": \"Art\"", jname);
	json = record_with(fields.buf);
	assert_int_equal(parse("endsong_0.json", json, 1, &f, &err), 0);
	if (strcmp(import_str(f.ev[0].str[IS_TRACK]), want) ||
	    import_strlen(f.ev[0].str[IS_TRACK]) != strlen(want))
		fail_msg("%s: stored \"%s\", want \"%s\"", jname,
			 import_str(f.ev[0].str[IS_TRACK]), want);
	assert_string_equal(import_str(f.ev[0].str[IS_ARTIST]), "Art");
	assert_int_equal(f.replaced, wantrepl ? 1 : 0);
	if (wantrepl) {
		char msg[200];
		snprintf(msg, sizeof(msg), "endsong_0.json: record 0: "
			 "\"master_metadata_track_name\": %zu invalid character%s "
			 "replaced with U+FFFD", wantrepl, wantrepl == 1 ? "" : "s");
		assert_int_equal(f.warnings.n, 1);
		if (!strstr(f.warnings.v[0], msg))
			fail_msg("warning \"%s\", want \"%s\"", f.warnings.v[0], msg);
	} else {
		assert_int_equal(f.warnings.n, 0);
	}
	import_file_release(&f);
	free(json);
	strbuf_release(&fields);
	strbuf_release(&err);
}

#define FFFD "\xef\xbf\xbd"

/* One policy (core/utf8.h): invalid text becomes U+FFFD, counted and named. */
static void invalid_text_is_replaced(void **state)
{
	struct import_file f;
	struct strbuf err = STRBUF_INIT;
	(void)state;

	text_case("Beyonc\xc3\xa9", "Beyonc\xc3\xa9", 0);
	text_case("\\ud83d\\ude00 ok", "\xf0\x9f\x98\x80 ok", 0);
	text_case("A\xff" "B", "A" FFFD "B", 1);
	text_case("\xe2\x82", FFFD, 1);              /* truncated at the quote */
	text_case("\xc0\xaf", FFFD FFFD, 2);         /* overlong */
	text_case("\xed\xa0\x80", FFFD FFFD FFFD, 3); /* a raw surrogate */
	text_case("x\\ud800y", "x" FFFD "y", 1);      /* a lone surrogate */
	text_case("\\udc00", FFFD, 1);
	text_case("\\ud800\\u0041", FFFD "A", 1);     /* high, then no low */
	text_case("x\\u0000junk", "x" FFFD "junk", 1); /* would cut the name */
	text_case("\xff\\\"q\\\" \xfe", FFFD "\"q\" " FFFD, 2); /* with escapes */

	/* account data goes through the same scanner */
	assert_int_equal(parse("StreamingHistory_music_0.json",
			       "[{\"endTime\": \"2021-04-22 05:41\", \"artistName\": \"S\\u0000\","
			       " \"trackName\": \"D\xf5\", \"msPlayed\": 1}]", 1, &f, &err), 0);
	assert_string_equal(import_str(f.ev[0].str[IS_ARTIST]), "S" FFFD);
	assert_string_equal(import_str(f.ev[0].str[IS_TRACK]), "D" FFFD);
	assert_int_equal(f.replaced, 2);
	import_file_release(&f);
	strbuf_release(&err);
}

/* A ZIP entry is classified by its own name, not by "x.zip:NAME". */
static void zip_entries_by_own_name(void **state)
{
	struct import_file f;
	struct strbuf err = STRBUF_INIT;
	const char *name = "x.zip:Streaming_History_Video_2024.json";
	(void)state;

	memset(&f, 0, sizeof(f));
	f.own_name = name + 6;
	assert_int_equal(import_parse_buffer(name, extended, strlen(extended), 0,
					     &pool, &f, &err), 0);
	assert_int_equal(f.ev[1].kind, KIND_VIDEO);
	import_file_release(&f);
	/* named like a history, so "{}" is an error and not ignored */
	memset(&f, 0, sizeof(f));
	f.own_name = name + 6;
	assert_int_equal(import_parse_buffer(name, "{}", 2, 0, &pool, &f, &err), -1);
	assert_non_null(strstr(err.buf, "x.zip:Streaming_History_Video_2024.json: "
			       "not a Spotify streaming history"));
	import_file_release(&f);
	strbuf_release(&err);
}

/* A full string pool stops the file with a message naming the limit. */
static void full_pool_is_an_error(void **state)
{
	struct import_pool small;
	struct import_file f;
	struct strbuf err = STRBUF_INIT, json = STRBUF_INIT;
	(void)state;

	import_pool_init(&small, 1);
	import_pools[1] = &small;
	small.max_chunks = 2;
	strbuf_addch(&json, '[');
	for (int i = 0; i < 40000; i++)
		strbuf_addf(&json, "%s{\"ts\": \"2019-01-01T00:00:00Z\", \"ms_played\": %d,"
			    " \"master_metadata_track_name\": \"a distinct name, "
			    "long enough to fill two megabytes soon: %08d\"}",
			    i ? "," : "", i, i);
	strbuf_addch(&json, ']');
	memset(&f, 0, sizeof(f));
	assert_int_equal(import_parse_buffer("endsong_0.json", json.buf, json.len, 1,
					     &small, &f, &err), -1);
	if (!strstr(err.buf, "endsong_0.json: record ") ||
	    !strstr(err.buf, "need more than 2 MB of memory (the limit of one "
			     "parser thread's string pool)"))
		fail_msg("got \"%s\"", err.buf);
	import_file_release(&f);
	import_pool_release(&small);
	import_pools[1] = NULL;
	strbuf_release(&json);
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
	playmatch_api_namekeys("Tyler, The Creator, Kali Uchis", "See You Again", k);
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
		cmocka_unit_test(escaped_strings_keep_their_values),
		cmocka_unit_test(invalid_text_is_replaced),
		cmocka_unit_test(zip_entries_by_own_name),
		cmocka_unit_test(full_pool_is_an_error),
		cmocka_unit_test(names_normalise),
		cmocka_unit_test(merge_api_and_export),
		cmocka_unit_test(merge_same_track_twice),
		cmocka_unit_test(merge_minute_precision),
		cmocka_unit_test(merge_podcasts),
		cmocka_unit_test(api_play_merges_into_import),
	};
	return cmocka_run_group_tests_name("import", tests, setup, teardown);
}
