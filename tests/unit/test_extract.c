/* Unit tests for pipeline/extract on the real recently-played page. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/fsutil.h"
#include "core/timeutil.h"
#include "pipeline/extract.h"
#include "pipeline/poll.h"
#include "pipeline/transform.h"

#define FIXTURE "recently-played_2026-05-13.json"

static int read_fixture(struct strbuf *out)
{
	const char *env = getenv("SPINLOG_FIXTURES");
	const char *dirs[] = { env, "../shared/fixtures/real",
			       "../../shared/fixtures/real",
			       "../../../shared/fixtures/real" };
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		char path[512];
		if (!dirs[i])
			continue;
		snprintf(path, sizeof(path), "%s/%s", dirs[i], FIXTURE);
		if (!fs_read_file(path, out, 0))
			return 0;
	}
	return -1;
}

static void real_page(void **state)
{
	struct strbuf raw = STRBUF_INIT, err = STRBUF_INIT;
	struct page_rows p;
	int64_t ms;
	(void)state;

	assert_int_equal(read_fixture(&raw), 0);
	assert_int_equal(extract_page(raw.buf, raw.len, &p, &err), 0);
	assert_int_equal(p.n, 32);
	assert_int_equal(time_parse_iso("2026-05-13T15:10:40.089Z", &ms), 0);
	assert_int_equal(p.rows[0].played_ms, ms);
	assert_int_equal(p.newest_ms, ms);
	assert_int_equal(time_parse_iso("2026-05-13T10:35:31.476Z", &ms), 0);
	assert_int_equal(p.oldest_ms, ms);
	assert_int_equal(p.rows[31].played_ms, ms);
	assert_string_equal(p.rows[0].track_id, "5f6naStammfYxdWW9FLPgq");
	assert_non_null(p.rows[0].track_name);
	assert_non_null(p.rows[0].album_name);
	assert_non_null(strstr(p.rows[0].artist_names, "Gera MX"));
	assert_string_equal(p.rows[0].context_uri,
			    "spotify:playlist:37i9dQZF1CKMFBxUbxRIAg");
	assert_string_equal(p.next, "https://api.spotify.com/v1/me/player/"
			    "recently-played?after=1778685040089&limit=50");
	for (size_t i = 1; i < p.n; i++)
		assert_true(p.rows[i].played_ms <= p.rows[i - 1].played_ms);
	page_rows_release(&p);
	strbuf_release(&raw);
	strbuf_release(&err);
}

static void empty_and_bad_pages(void **state)
{
	static const char empty[] =
		"{\"items\":[],\"next\":null,\"cursors\":null,\"limit\":50,\"href\":\"x\"}";
	static const char bad_time[] =
		"{\"items\":[{\"track\":{\"id\":\"a\",\"name\":\"n\",\"artists\":[]},"
		"\"played_at\":\"2026-13-45T00:00:00Z\",\"context\":null}]}";
	struct strbuf err = STRBUF_INIT;
	struct page_rows p;
	(void)state;

	assert_int_equal(extract_page(empty, sizeof(empty) - 1, &p, &err), 0);
	assert_int_equal(p.n, 0);
	assert_null(p.next);
	assert_int_equal(p.newest_ms, 0);
	page_rows_release(&p);
	assert_int_equal(extract_page(bad_time, sizeof(bad_time) - 1, &p, &err), -1);
	assert_non_null(strstr(err.buf, "item 0"));
	strbuf_reset(&err);
	assert_int_equal(extract_page("{\"items\":[", 10, &p, &err), -1);
	assert_int_equal(extract_page("[]", 2, &p, &err), -1);
	strbuf_release(&err);
}

#define FFFD "\xef\xbf\xbd"

/*
 * The one text policy (core/utf8.h) for API pages: "\u0000" (which cJSON
 * would cut at), lone surrogates (which fail cJSON's whole page) and
 * invalid UTF-8 become U+FFFD, and are counted.
 */
static void invalid_text_in_pages(void **state)
{
	static const char page[] =
		"{\"items\":[{\"track\":{\"id\":\"5f6naStammfYxdWW9FLPgq\","
		"\"name\":\"nul\\u0000cut\",\"artists\":[{\"id\":\"1\",\"name\":\"lone "
		"\\ud800 x\"},{\"id\":\"2\",\"name\":\"b\\\\u0000\"}],\"album\":{\"id\":\"al\","
		"\"name\":\"bad \xff byte \\ud83d\\ude00\"}},"
		"\"played_at\":\"2026-05-13T15:10:40.089Z\",\"context\":null}]}";
	struct strbuf err = STRBUF_INIT;
	struct page_rows p;
	struct tr_batch b = TR_BATCH_INIT;
	cJSON *t;
	(void)state;

	assert_int_equal(extract_page(page, sizeof(page) - 1, &p, &err), 0);
	assert_int_equal(p.replaced, 3);
	assert_string_equal(p.rows[0].track_name, "nul" FFFD "cut");
	/* an escaped backslash before "u0000" is text, not an escape */
	assert_string_equal(p.rows[0].artist_names, "lone " FFFD " x, b\\u0000");
	assert_string_equal(p.rows[0].album_name, "bad " FFFD " byte \xf0\x9f\x98\x80");
	page_rows_release(&p);

	/* a track object from another answer: its names are cleaned in transform */
	t = cJSON_Parse("{\"id\":\"5f6naStammfYxdWW9FLPgq\",\"name\":\"ok\","
			"\"artists\":[],\"album\":{\"id\":\"al\",\"name\":\"x\"}}");
	cJSON_SetValuestring(cJSON_GetObjectItem(t, "name"), "bad \xc0\xaf");
	assert_int_equal(tr_add_track(&b, t), 0);
	assert_string_equal(b.tracks[0].name, "bad " FFFD FFFD);
	assert_int_equal(b.replaced, 1);
	cJSON_Delete(t);
	tr_batch_release(&b);
	strbuf_release(&err);
}

static void page_keys(void **state)
{
	struct strbuf k = STRBUF_INIT;
	int64_t ms;
	(void)state;
	assert_int_equal(time_parse_iso("2026-05-13T15:10:40.089Z", &ms), 0);
	poll_page_key("main", ms, 1778668531000LL, 0, &k);
	assert_string_equal(k.buf, "recently-played/main/2026/05/13/151040-1778668531000.json");
	strbuf_reset(&k);
	poll_page_key("main", ms, 0, 2, &k);
	assert_string_equal(k.buf, "recently-played/main/2026/05/13/151040-0-2.json");
	strbuf_release(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(real_page),
		cmocka_unit_test(empty_and_bad_pages),
		cmocka_unit_test(invalid_text_in_pages),
		cmocka_unit_test(page_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
