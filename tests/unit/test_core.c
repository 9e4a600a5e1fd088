/* Unit tests for core/: strings, times, settings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/config.h"
#include "core/fsutil.h"
#include "core/ids.h"
#include "core/utf8.h"
#include "core/http.h"
#include "core/strbuf.h"
#include "core/timeutil.h"
#include "landing/landing.h"

static void strbuf_grows_and_caps(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	(void)state;

	assert_string_equal(sb.buf, "");
	for (int i = 0; i < 1000; i++)
		assert_int_equal(strbuf_addf(&sb, "%d,", i), 0);
	assert_int_equal(sb.len, 3890);
	strbuf_release(&sb);
	sb.cap = 4;
	assert_int_equal(strbuf_addstr(&sb, "abcd"), 0);
	assert_int_equal(strbuf_addch(&sb, 'e'), -1);
	assert_string_equal(sb.buf, "abcd");
	strbuf_release(&sb);
	/* an escaped add over the cap adds nothing, not half an escape */
	sb.cap = 6;
	assert_int_equal(strbuf_addstr(&sb, "ab"), 0);
	assert_int_equal(strbuf_add_json_str(&sb, "x\"y"), -1);
	assert_string_equal(sb.buf, "ab");
	assert_int_equal(strbuf_add_html(&sb, "<<<"), -1);
	assert_string_equal(sb.buf, "ab");
	assert_int_equal(strbuf_add_urlencoded(&sb, "///"), -1);
	assert_string_equal(sb.buf, "ab");
	strbuf_release(&sb);
}

static void strbuf_escapes(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	(void)state;

	strbuf_add_json_str(&sb, "a\"b\\c\n\x01");
	assert_string_equal(sb.buf, "\"a\\\"b\\\\c\\n\\u0001\"");
	strbuf_reset(&sb);
	strbuf_add_html(&sb, "<img src=x onerror='1'>&\"");
	assert_string_equal(sb.buf,
			    "&lt;img src=x onerror=&#39;1&#39;&gt;&amp;&quot;");
	strbuf_release(&sb);
}

static void terminal_names_are_made_printable(void **state)
{
	char s[] = "a\x1b[31mb\x7f\xc2\x9b" "c \xc3\xa9";
	(void)state;

	str_make_printable(s);
	assert_string_equal(s, "a [31mb   c \xc3\xa9");
}

static void check_double(double d, const char *want)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_add_double(&sb, d);
	assert_string_equal(sb.buf, want);
	strbuf_release(&sb);
}

static void doubles_print_like_python_repr(void **state)
{
	(void)state;
	check_double(204.4473, "204.4473");
	check_double(0.0, "0.0");
	check_double(-6.117, "-6.117");
	check_double(0.000167, "0.000167");
	check_double(0.0000408, "4.08e-05");
	check_double(1e-05, "1e-05");
	check_double(100000.0, "100000.0");
	check_double(1e16, "1e+16");
	check_double(22.72, "22.72");
	check_double(0.1 + 0.2, "0.30000000000000004");
}

static void parses_iso_times(void **state)
{
	int64_t ms;
	char buf[TIME_ISO_MAX];
	(void)state;

	assert_int_equal(time_parse_iso("2026-05-13T15:10:40.089Z", &ms), 0);
	assert_int_equal(ms, 1778685040089LL);
	time_format_iso(ms, buf);
	assert_string_equal(buf, "2026-05-13T15:10:40.089Z");
	assert_int_equal(time_parse_iso("2024-11-28T16:05:23Z", &ms), 0);
	assert_int_equal(ms, 1732809923000LL);
	assert_int_equal(time_parse_iso("2021-04-22 05:41", &ms), 0);
	assert_int_equal(ms, 1619070060000LL);
	assert_int_equal(time_parse_iso("2019-13-45T00:00:00Z", &ms), -1);
	assert_int_equal(time_parse_iso("2023-02-29T00:00:00Z", &ms), -1);
	assert_int_equal(time_parse_iso("2024-02-29T00:00:00Z", &ms), 0);
	assert_int_equal(time_parse_iso("2024-02-29T00:00:00Zjunk", &ms), -1);
	assert_int_equal(time_parse_iso("", &ms), -1);
}

/* 00:30 local on the days DST starts and ends in Berlin and New York. */
static void local_dates_across_dst(void **state)
{
	char buf[64];
	int64_t ms;
	(void)state;

	assert_int_equal(time_set_zone("Europe/Berlin"), 0);
	/* 2026-03-29 00:30 CET = 2026-03-28T23:30Z */
	assert_int_equal(time_parse_iso("2026-03-28T23:30:00Z", &ms), 0);
	time_format_local(ms, "%Y-%m-%d %H:%M", buf, sizeof(buf));
	assert_string_equal(buf, "2026-03-29 00:30");
	/* 2026-10-25 00:30 CEST = 2026-10-24T22:30Z */
	assert_int_equal(time_parse_iso("2026-10-24T22:30:00Z", &ms), 0);
	time_format_local(ms, "%Y-%m-%d %H:%M", buf, sizeof(buf));
	assert_string_equal(buf, "2026-10-25 00:30");
	assert_int_equal(time_local_day(ms), time_days_from_civil(2026, 10, 25));
	assert_int_equal(time_set_zone("America/New_York"), 0);
	assert_int_equal(time_parse_iso("2026-03-08T05:30:00Z", &ms), 0);
	time_format_local(ms, "%Y-%m-%d %H:%M", buf, sizeof(buf));
	assert_string_equal(buf, "2026-03-08 00:30");
	assert_int_equal(time_set_zone("No/Such_Zone"), -1);
	assert_int_equal(time_set_zone("UTC"), 0);
}

static void config_layers_and_errors(void **state)
{
	struct config cfg;
	struct strbuf err = STRBUF_INIT, out = STRBUF_INIT;
	char path[] = "/tmp/spinlog-cfg-XXXXXX";
	int fd = mkstemp(path);
	const char *text = "timezone = Europe/Berlin\n[spotify]\nclient_id = abc\n"
			   "client_secret = hunter2\n";
	(void)state;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	config_init(&cfg);
	assert_string_equal(config_get(&cfg, "spotify.api_url"),
			    "https://api.spotify.com");
	assert_int_equal(config_load_file(&cfg, path, 1, &err), 0);
	assert_string_equal(config_get(&cfg, "spotify.client_id"), "abc");
	setenv("SPINLOG_SPOTIFY_CLIENT_ID", "fromenv", 1);
	assert_int_equal(config_load_env(&cfg, &err), 0);
	unsetenv("SPINLOG_SPOTIFY_CLIENT_ID");
	assert_string_equal(config_get(&cfg, "spotify.client_id"), "fromenv");
	assert_int_equal(config_set_arg(&cfg, "spotify.client_id=cli", &err), 0);
	assert_string_equal(config_get(&cfg, "spotify.client_id"), "cli");
	config_print(&cfg, &out, 0);
	assert_null(strstr(out.buf, "hunter2"));
	assert_non_null(strstr(out.buf, "spotify.client_secret = ********"));
	assert_int_equal(config_set_arg(&cfg, "collect.interval_max=abc", &err), -1);
	assert_non_null(strstr(err.buf, "integer"));
	strbuf_reset(&err);

	/* a bad line names the file and the line */
	fd = open(path, O_WRONLY | O_TRUNC);
	text = "timezone = UTC\n[spotify]\nnot_a_setting = 1\n";
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(config_load_file(&cfg, path, 1, &err), -1);
	assert_non_null(strstr(err.buf, ":3: unknown setting 'spotify.not_a_setting'"));
	unlink(path);
	strbuf_release(&err);
	strbuf_release(&out);
	config_release(&cfg);
}

static void urls_decode(void **state)
{
	char *d;
	(void)state;

	d = http_urldecode("a%2Fb+c%3d&rest", 10);
	assert_string_equal(d, "a/b c=");
	free(d);
	d = http_urldecode("100%", 4);
	assert_string_equal(d, "100%");
	free(d);
	assert_int_equal(http_parse_retry_after("120", 0), 120);
	assert_int_equal(http_parse_retry_after("Thu, 01 Jan 1970 00:01:00 GMT", 0), 60);
	assert_int_equal(http_parse_retry_after("soon", 0), -1);
}

static void landing_round_trip(void **state)
{
	char dir[] = "/tmp/spinlog-landing-XXXXXX";
	struct landing *l;
	struct strbuf got = STRBUF_INIT;
	struct strvec keys = STRVEC_INIT;
	(void)state;

	assert_non_null(mkdtemp(dir));
	l = landing_open(dir);
	assert_int_equal(landing_put(l, "rp/a/2026/01/02/000001-5.json", "{}", 2), 0);
	assert_int_equal(landing_put(l, "rp/a/2026/01/01/000001-4.json", "[1]", 3), 0);
	assert_int_equal(landing_put(l, "../escape.json", "x", 1), -1);
	assert_int_equal(landing_put(l, "/abs.json", "x", 1), -1);
	assert_int_equal(landing_put(l, "a//b.json", "x", 1), -1);
	assert_int_equal(landing_get(l, "rp/a/2026/01/01/000001-4.json", &got), 0);
	assert_string_equal(got.buf, "[1]");
	assert_int_equal(landing_list(l, "rp", &keys), 0);
	assert_int_equal(keys.n, 2);
	assert_string_equal(keys.v[0], "rp/a/2026/01/01/000001-4.json");
	assert_string_equal(keys.v[1], "rp/a/2026/01/02/000001-5.json");
	assert_true(landing_exists(l, "rp/a/2026/01/02/000001-5.json"));
	assert_false(landing_exists(l, "rp/none.json"));
	strvec_clear(&keys);
	strbuf_release(&got);
	landing_free(l);
}

static void touch_file(const char *dir, const char *name)
{
	char *p = fs_join(dir, name);
	assert_int_equal(fs_write_atomic(p, "x", 1, 0600), 0);
	free(p);
}

static int present(const char *dir, const char *name)
{
	char *p = fs_join(dir, name);
	int r = fs_exists(p);
	free(p);
	return r;
}

/* A taken key is refused, not replaced; only dead writers' temps go. */
static void landing_put_new_and_temps(void **state)
{
	char dir[] = "/tmp/spinlog-landing-XXXXXX", live[64];
	struct landing *l;
	struct strbuf got = STRBUF_INIT;
	char *tmp;
	(void)state;

	assert_non_null(mkdtemp(dir));
	l = landing_open(dir);
	assert_int_equal(landing_put_new(l, "rp/a/k.json", "one", 3), 0);
	assert_int_equal(landing_put_new(l, "rp/a/k.json", "two", 3), -1);
	assert_int_equal(errno, EEXIST);
	assert_int_equal(landing_get(l, "rp/a/k.json", &got), 0);
	assert_string_equal(got.buf, "one");
	tmp = fs_join(dir, "landing/.tmp");
	assert_int_equal(landing_clean_temps(l), 0); /* nothing left by the puts */
	snprintf(live, sizeof(live), "k.json.tmp%ld-AbCdEf", (long)getpid());
	touch_file(tmp, live);
	touch_file(tmp, "k.json.tmp999999999-AbCdEf"); /* no such pid */
	touch_file(tmp, "k.json.tmpAbCdEf");           /* no pid: by age only */
	assert_int_equal(landing_clean_temps(l), 1);
	assert_true(present(tmp, live));
	assert_true(present(tmp, "k.json.tmpAbCdEf"));
	assert_false(present(tmp, "k.json.tmp999999999-AbCdEf"));
	assert_int_equal(fs_clean_temps(tmp, "k.json", 0) >= 0, 1);
	free(tmp);
	strbuf_release(&got);
	landing_free(l);
}

/* The U+FFFD policy of core/utf8.h, on the inputs the hostile-input probe used. */
static void utf8_replaces_invalid(void **state)
{
	static const struct { const char *in; size_t len; const char *out; long n; } c[] = {
		{ "plain", 5, "plain", 0 },
		{ "caf\xc3\xa9", 5, "caf\xc3\xa9", 0 },
		{ "a\xed\xa0\x80z", 5, "a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdz", 3 }, /* lone surrogate: 3 maximal subparts */
		{ "a\xff" "b", 3, "a\xef\xbf\xbd" "b", 1 },
		{ "a\xe2\x82", 3, "a\xef\xbf\xbd", 1 },         /* truncated: one subpart */
		{ "\xc0\xaf", 2, "\xef\xbf\xbd\xef\xbf\xbd", 2 }, /* overlong '/' */
		{ "x\0y", 3, "x\xef\xbf\xbdy", 1 },              /* NUL */
		{ "\xf4\x90\x80\x80", 4, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", 4 },
		{ "\xf0\x9f\x8e\xb5", 4, "\xf0\x9f\x8e\xb5", 0 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct strbuf sb = STRBUF_INIT;
		assert_int_equal(utf8_add_replacing(&sb, c[i].in, c[i].len), c[i].n);
		assert_string_equal(sb.buf, c[i].out);
		assert_int_equal(utf8_valid(c[i].in, c[i].len), c[i].n == 0);
		assert_true(utf8_valid(sb.buf, sb.len));
		strbuf_release(&sb);
	}
}

static void utf8_code_points(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	(void)state;
	utf8_add_cp(&sb, 'A');
	utf8_add_cp(&sb, 0xe9);
	utf8_add_cp(&sb, 0x20ac);
	utf8_add_cp(&sb, 0x1f3b5);
	utf8_add_cp(&sb, 0xd800);
	utf8_add_cp(&sb, 0);
	assert_string_equal(sb.buf, "A\xc3\xa9\xe2\x82\xac\xf0\x9f\x8e\xb5\xef\xbf\xbd\xef\xbf\xbd");
	strbuf_release(&sb);
}

static void spotify_ids_are_checked(void **state)
{
	(void)state;
	assert_true(spotify_id_valid_str("0NEgLKReA7npnfiJeUHP8q"));
	assert_false(spotify_id_valid_str("0NEgLKReA7npnfiJeUHP8"));
	assert_false(spotify_id_valid_str("0NEgLKReA7npnfiJeUHP8qq"));
	assert_false(spotify_id_valid_str("<script>alert(1)</scri"));
	assert_false(spotify_id_valid_str("../../etc/passwd......"));
	assert_false(spotify_id_valid_str("a b"));
	assert_false(spotify_id_valid_str(""));
	assert_false(spotify_id_valid_str(NULL));
	assert_false(spotify_id_valid("0NEgLKReA7npnfiJeUH\0P8q", 22));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(strbuf_grows_and_caps),
		cmocka_unit_test(utf8_replaces_invalid),
		cmocka_unit_test(utf8_code_points),
		cmocka_unit_test(spotify_ids_are_checked),
		cmocka_unit_test(strbuf_escapes),
		cmocka_unit_test(terminal_names_are_made_printable),
		cmocka_unit_test(doubles_print_like_python_repr),
		cmocka_unit_test(parses_iso_times),
		cmocka_unit_test(local_dates_across_dst),
		cmocka_unit_test(config_layers_and_errors),
		cmocka_unit_test(urls_decode),
		cmocka_unit_test(landing_round_trip),
		cmocka_unit_test(landing_put_new_and_temps),
	};
	return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
