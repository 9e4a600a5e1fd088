/* Unit tests for the dashboard's defences: the bounded cache (core/lru) and
 * web/guard (fetch metadata, token buckets, header deadlines); and its route
 * table (web/routes: patterns, arguments, the site's enumeration). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <dirent.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/lru.h"
#include "core/timeutil.h"
#include "store/store.h"
#include "web/guard.h"
#include "web/routes.h"
#include "web/site.h"

static int freed;
static void count_free(void *v)
{
	(void)v;
	freed++;
}

static void lru_drops_least_recently_used(void **state)
{
	struct lru l;
	char k[16];
	(void)state;

	freed = 0;
	lru_init(&l, 3, 1000, count_free);
	assert_int_equal(lru_put(&l, "a", (void *)1, 10), 1);
	assert_int_equal(lru_put(&l, "b", (void *)2, 10), 1);
	assert_int_equal(lru_put(&l, "c", (void *)3, 10), 1);
	assert_ptr_equal(lru_get(&l, "a"), (void *)1); /* a is now the newest */
	assert_int_equal(lru_put(&l, "d", (void *)4, 10), 1);
	assert_null(lru_get(&l, "b"));
	assert_int_equal(freed, 1);
	assert_ptr_equal(lru_get(&l, "a"), (void *)1);
	assert_ptr_equal(lru_get(&l, "c"), (void *)3);
	/* replacing frees the old value */
	assert_int_equal(lru_put(&l, "c", (void *)5, 10), 1);
	assert_int_equal(freed, 2);
	assert_ptr_equal(lru_get(&l, "c"), (void *)5);
	assert_int_equal(l.n, 3);
	/* the byte bound: a 995-byte value leaves room for nothing else */
	assert_int_equal(lru_put(&l, "big", (void *)6, 995), 1);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.bytes, 995);
	/* larger than the bound: not kept, freed at once */
	assert_int_equal(lru_put(&l, "huge", (void *)7, 1001), 0);
	assert_null(lru_get(&l, "huge"));
	assert_ptr_equal(lru_get(&l, "big"), (void *)6);
	lru_release(&l);
	assert_int_equal(freed, 7);

	/* many keys through a small cache: never more than the bound */
	lru_init(&l, 100, 1 << 20, NULL);
	for (int i = 0; i < 100000; i++) {
		snprintf(k, sizeof(k), "k%d", i);
		lru_put(&l, k, (void *)(intptr_t)(i + 1), 64);
		assert_true(l.n <= 100);
	}
	assert_int_equal(l.n, 100);
	assert_ptr_equal(lru_get(&l, "k99999"), (void *)(intptr_t)100000);
	assert_null(lru_get(&l, "k99899"));
	assert_ptr_equal(lru_get(&l, "k99900"), (void *)(intptr_t)99901);
	lru_release(&l);
}

static int fetch(const char *site, const char *mode, const char *dest,
		 const char *origin, const char *path)
{
	struct guard_fetch f = { site, mode, dest, origin, "127.0.0.1:8080" };
	return guard_fetch_ok(&f, path);
}

static void fetch_metadata_rules(void **state)
{
	(void)state;
	/* not a browser, or the user typed it */
	assert_true(fetch(NULL, NULL, NULL, NULL, "/api/years"));
	assert_true(fetch("none", "navigate", "document", NULL, "/api/years"));
	/* the dashboard's own pages */
	assert_true(fetch("same-origin", "no-cors", "image", NULL, "/covers/a.png"));
	assert_true(fetch("same-origin", "cors", "empty", "http://127.0.0.1:8080", "/api/day"));
	assert_true(fetch(NULL, NULL, NULL, "HTTP://127.0.0.1:8080", "/"));
	/* another site: only a link followed to a page */
	assert_true(fetch("cross-site", "navigate", "document", NULL, "/year-2025.html"));
	assert_false(fetch("cross-site", "navigate", "document", NULL, "/api/years"));
	assert_false(fetch("cross-site", "no-cors", "image", NULL, "/track-x.html"));
	assert_false(fetch("cross-site", "navigate", "iframe", NULL, "/"));
	assert_false(fetch("cross-site", "cors", "empty", NULL, "/api/years"));
	assert_false(fetch("same-site", "no-cors", "image", NULL, "/"));
	assert_false(fetch("cross-site", NULL, NULL, NULL, "/"));
	/* a foreign Origin, whatever else */
	assert_false(fetch(NULL, NULL, NULL, "http://evil.example", "/"));
	assert_false(fetch("same-origin", "cors", "empty", "null", "/api/years"));
	assert_false(fetch(NULL, NULL, NULL, "http://127.0.0.1:8081", "/"));
	assert_false(fetch(NULL, NULL, NULL, "https://127.0.0.1:8080", "/"));
	struct guard_fetch f = { NULL, NULL, NULL, "http://x", NULL };
	assert_false(guard_fetch_ok(&f, "/"));
}

static struct sockaddr_in v4(const char *a)
{
	struct sockaddr_in s = { .sin_family = AF_INET };
	inet_pton(AF_INET, a, &s.sin_addr);
	return s;
}

static void rate_per_address(void **state)
{
	struct guard_rate *r = guard_rate_new(100); /* bucket: max(200, 1000) */
	struct sockaddr_in a = v4("127.0.0.2"), b = v4("127.0.0.1");
	struct sockaddr_in6 c = { .sin6_family = AF_INET6 }, d = c;
	int64_t t = 1000000;
	(void)state;

	for (int i = 0; i < GUARD_BURST_MIN; i++)
		assert_int_equal(guard_rate_take(r, (struct sockaddr *)&a, t), 0);
	assert_int_equal(guard_rate_take(r, (struct sockaddr *)&a, t), 1);
	/* another address has its own bucket */
	assert_int_equal(guard_rate_take(r, (struct sockaddr *)&b, t), 0);
	/* 10 ms at 100/s is one token back */
	assert_int_equal(guard_rate_take(r, (struct sockaddr *)&a, t + 10), 0);
	assert_int_equal(guard_rate_take(r, (struct sockaddr *)&a, t + 10), 1);
	/* one IPv6 /64 is one client */
	inet_pton(AF_INET6, "2001:db8::1", &c.sin6_addr);
	inet_pton(AF_INET6, "2001:db8::ffff:2", &d.sin6_addr);
	for (int i = 0; i < GUARD_BURST_MIN; i++)
		assert_int_equal(guard_rate_take(r, (struct sockaddr *)&c, t), 0);
	assert_int_equal(guard_rate_take(r, (struct sockaddr *)&d, t), 1);
	guard_rate_free(r);

	r = guard_rate_new(0); /* no limit */
	for (int i = 0; i < 5000; i++)
		assert_int_equal(guard_rate_take(r, (struct sockaddr *)&a, t), 0);
	guard_rate_free(r);
}

static void header_deadline(void **state)
{
	struct guard_conns *g = guard_conns_new(2);
	int sv[2], sw[2];
	char ch;
	(void)state;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sw), 0);
	struct guard_conn *slow = guard_conn_open(g, sv[0], 0);
	struct guard_conn *busy = guard_conn_open(g, sw[0], 0);
	assert_int_equal(guard_conns_sweep(g, 1999), 0);
	guard_conn_busy(g, busy); /* headers in: no deadline while answered */
	assert_int_equal(guard_conns_sweep(g, 2000), 1);
	assert_int_equal(read(sv[1], &ch, 1), 0); /* the peer sees the end */
	assert_int_equal(guard_conns_sweep(g, 5000), 0); /* once */
	guard_conn_idle(g, busy, 5000); /* next request due by 7000 */
	assert_int_equal(guard_conns_sweep(g, 6999), 0);
	assert_int_equal(guard_conns_sweep(g, 7000), 1);
	guard_conn_close(g, slow);
	guard_conns_free(g); /* frees busy too */
	for (int i = 0; i < 2; i++) {
		close(sv[i]);
		close(sw[i]);
	}
}

/* ---- the route table ---------------------------------------------------- */

struct query {
	const char *year, *date;
	const char *from, *to, *q; /* navigation (issue 11) */
};

static const char *query_arg(void *cls, const char *name)
{
	const struct query *q = cls;
	if (!q)
		return NULL;
	return !strcmp(name, "year") ? q->year : !strcmp(name, "date") ? q->date :
	       !strcmp(name, "from") ? q->from : !strcmp(name, "to") ? q->to :
	       !strcmp(name, "q") ? q->q : NULL;
}

/* Matches path with ?year= and ?date= (NULL: absent); the row's pattern or "". */
static enum page_status match(const char *path, const char *year, const char *date,
			      struct route_args *a, const char **pattern, const char **why)
{
	struct query q = { year, date, NULL, NULL, NULL };
	const struct route *r;
	enum page_status st = route_match(path, query_arg, &q, &r, a, why);
	*pattern = r ? r->pattern : "";
	return st;
}

static void routes_parse_each_pattern(void **state)
{
	struct route_args a;
	const char *pat, *why;
	(void)state;

	assert_int_equal(match("/", NULL, NULL, &a, &pat, &why), PAGE_OK);
	assert_string_equal(pat, "/");
	assert_int_equal(match("/index.html", NULL, NULL, &a, &pat, &why), PAGE_OK);
	assert_string_equal(pat, "/index.html");
	assert_int_equal(match("/calendar-2025.html", NULL, NULL, &a, &pat, &why), PAGE_OK);
	assert_string_equal(pat, "/calendar-%Y.html");
	assert_int_equal(a.year, 2025);
	assert_int_equal(match("/year-1970.html", NULL, NULL, &a, &pat, &why), PAGE_OK);
	assert_string_equal(pat, "/year-%Y.html");
	assert_int_equal(a.year, 1970);
	assert_int_equal(match("/coverage-2024.html", NULL, NULL, &a, &pat, &why), PAGE_OK);
	assert_string_equal(pat, "/coverage-%Y.html");
	assert_int_equal(match("/day-2024-02-29.html", NULL, NULL, &a, &pat, &why), PAGE_OK);
	assert_string_equal(pat, "/day-%D.html");
	assert_int_equal(a.day, time_days_from_civil(2024, 2, 29));
	assert_int_equal(match("/track-0NEgLKReA7npnfiJeUHP8q.html", NULL, NULL, &a, &pat, &why),
			 PAGE_OK);
	assert_string_equal(pat, "/track-%T.html");
	assert_string_equal(a.id, "0NEgLKReA7npnfiJeUHP8q");
	assert_int_equal(match("/track-t1.html", NULL, NULL, &a, &pat, &why), PAGE_OK);
	assert_string_equal(a.id, "t1");
	assert_int_equal(match("/covers/al1.png", NULL, NULL, &a, &pat, &why), PAGE_OK);
	assert_string_equal(pat, "/covers/%F");
	assert_string_equal(a.file, "al1.png");
	assert_int_equal(match("/api/years", NULL, NULL, &a, &pat, &why), PAGE_OK);
	assert_string_equal(pat, "/api/years");
	assert_int_equal(match("/api/calendar", "2025", NULL, &a, &pat, &why), PAGE_OK);
	assert_string_equal(pat, "/api/calendar?year=%Y");
	assert_int_equal(a.year, 2025);
	/* an absent year is the latest year with plays, decided when rendering */
	assert_int_equal(match("/api/summary", NULL, "x", &a, &pat, &why), PAGE_OK);
	assert_string_equal(pat, "/api/summary?year=%Y");
	assert_int_equal(a.year, 0);
	assert_int_equal(match("/api/coverage", "2024", NULL, &a, &pat, &why), PAGE_OK);
	assert_string_equal(pat, "/api/coverage?year=%Y");
	assert_int_equal(match("/api/day", "x", "2025-01-03", &a, &pat, &why), PAGE_OK);
	assert_string_equal(pat, "/api/day?date=%D");
	assert_int_equal(a.day, time_days_from_civil(2025, 1, 3));
	assert_int_equal(match("/api/track/t1", NULL, NULL, &a, &pat, &why), PAGE_OK);
	assert_string_equal(pat, "/api/track/%T");
	assert_string_equal(a.id, "t1");
	/* no query function at all: as if no argument was given */
	const struct route *r;
	assert_int_equal(route_match("/api/calendar", NULL, NULL, &r, &a, &why), PAGE_OK);
	assert_int_equal(a.year, 0);
}

static void routes_refuse_bad_arguments(void **state)
{
	char id65[66], id128[129], path[200];
	struct route_args a;
	const char *pat, *why;
	(void)state;

	/* a year or date in the path that does not parse: not a page (404) */
	static const char *const not_found[] = {
		"/calendar-20x5.html", "/calendar-1969.html", "/calendar-.html",
		"/calendar-02025.html", "/year-2025.htm", "/day-2025-02-30.html",
		"/day-2023-02-29.html", "/day-2025-1-01.html", "/day-2025-13-01.html",
		"/track-.html", "/index.html/", "//index.html", "/nope.html", "/covers",
		"/calendar.json", "/summary.json", /* files of the site only */
	};
	for (size_t i = 0; i < sizeof(not_found) / sizeof(not_found[0]); i++) {
		assert_int_equal(match(not_found[i], NULL, NULL, &a, &pat, &why), PAGE_NOT_FOUND);
		assert_string_equal(why, "There is no such page.");
	}
	assert_int_equal(match("/api/nope", "x", NULL, &a, &pat, &why), PAGE_NOT_FOUND);
	assert_string_equal(why, "no such API");
	assert_int_equal(match("/api/track/", NULL, NULL, &a, &pat, &why), PAGE_NOT_FOUND);
	assert_int_equal(match("/api/years/x", NULL, NULL, &a, &pat, &why), PAGE_NOT_FOUND);

	/* a track id that is not one: 400 */
	assert_int_equal(match("/track-../x.html", NULL, NULL, &a, &pat, &why), PAGE_BAD_REQUEST);
	assert_string_equal(pat, "/track-%T.html");
	assert_string_equal(why, "not a track id");
	assert_int_equal(match("/api/track/a b", NULL, NULL, &a, &pat, &why), PAGE_BAD_REQUEST);
	memset(id65, 'a', 65);
	id65[65] = '\0';
	snprintf(path, sizeof(path), "/track-%s.html", id65);
	assert_int_equal(match(path, NULL, NULL, &a, &pat, &why), PAGE_BAD_REQUEST);
	id65[64] = '\0';
	snprintf(path, sizeof(path), "/track-%s.html", id65);
	assert_int_equal(match(path, NULL, NULL, &a, &pat, &why), PAGE_OK);
	/* longer than any argument: nobody's path, and never copied */
	memset(id128, 'a', 128);
	id128[128] = '\0';
	snprintf(path, sizeof(path), "/track-%s.html", id128);
	assert_int_equal(match(path, NULL, NULL, &a, &pat, &why), PAGE_NOT_FOUND);

	/* query arguments: bad is 400, a missing date too */
	assert_int_equal(match("/api/calendar", "20x5", NULL, &a, &pat, &why), PAGE_BAD_REQUEST);
	assert_string_equal(why, "year must be YYYY");
	assert_int_equal(match("/api/summary", "", NULL, &a, &pat, &why), PAGE_BAD_REQUEST);
	assert_int_equal(match("/api/coverage", "1969", NULL, &a, &pat, &why), PAGE_BAD_REQUEST);
	assert_int_equal(match("/api/day", "2025", NULL, &a, &pat, &why), PAGE_BAD_REQUEST);
	assert_string_equal(why, "date=YYYY-MM-DD is required");
	assert_int_equal(match("/api/day", NULL, "2025-02-30", &a, &pat, &why), PAGE_BAD_REQUEST);
	assert_int_equal(match("/api/day", NULL, "2025-01-01x", &a, &pat, &why), PAGE_BAD_REQUEST);
}

static const struct route *row(const char *pattern)
{
	for (size_t i = 0; i < routes_count; i++)
		if (!strcmp(routes[i].pattern, pattern))
			return &routes[i];
	fail_msg("no row %s", pattern);
	return NULL;
}

/* route_path names an instance; route_match of that name gives it back. */
static void routes_path_round_trip(void **state)
{
	struct route_args a = { .year = 2025, .day = time_days_from_civil(2025, 1, 31),
				.id = "t1", .file = "al1.png",
				.from_day = time_days_from_civil(2025, 1, 1),
				.to_day = time_days_from_civil(2025, 2, 1), .q = "x",
				.user = "alice" }, b;
	char buf[256];
	const char *why;
	const struct route *r;
	(void)state;

	assert_int_equal(route_path(row("/day-%D.html"), &a, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/day-2025-01-31.html");
	assert_int_equal(route_path(row("/api/calendar?year=%Y"), &a, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/api/calendar?year=2025");
	assert_int_equal(route_path(row("/api/day?date=%D"), &a, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/api/day?date=2025-01-31");
	assert_int_equal(route_path(row("/api/calendar?year=%Y"), &(struct route_args){ 0 },
				    buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/api/calendar"); /* the latest year, whichever it is */
	assert_int_equal(route_path(row("/covers/%F"), &a, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/covers/al1.png");
	assert_int_equal(route_path(row("/day-%D.html"), &a, buf, 20), -1);
	assert_int_equal(route_path(row("/day-%D.html"), &a, buf, 21), 0);

	/* every row the server answers: its instance's path is its own */
	for (size_t i = 0; i < routes_count; i++) {
		if (routes[i].each == ROUTE_YEARS_ARRAY)
			continue;
		assert_int_equal(route_path(&routes[i], &a, buf, sizeof(buf)), 0);
		char *q = strchr(buf, '?');
		struct query qa = { NULL, NULL, NULL, NULL, NULL };
		if (q) {
			*q = '\0';
			char *amp = strchr(q + 1, '&');
			if (amp)
				*amp = '\0';
			if (!strncmp(q + 1, "year=", 5))
				qa.year = q + 6;
			else if (!strncmp(q + 1, "from=", 5))
				qa.from = q + 6, qa.to = amp ? amp + 4 : NULL;
			else if (!strncmp(q + 1, "q=", 2))
				qa.q = q + 3;
			else
				qa.date = q + 6;
		}
		assert_int_equal(route_match(buf, query_arg, &qa, &r, &b, &why), PAGE_OK);
		assert_ptr_equal(r, &routes[i]);
	}
}

static void routes_table_rules(void **state)
{
	(void)state;
	for (size_t i = 0; i < routes_count; i++) {
		const struct route *r = &routes[i];
		assert_true(r->pattern[0] == '/');
		/* the site writes files: no query in their names */
		if (r->each != ROUTE_SERVE_ONLY)
			assert_null(strchr(r->pattern, '?'));
		/* only files of the cover cache and the ListenBrainz API
		 * (web/listenbrainz.c answers it) have no function */
		assert_int_equal(!r->fn, r->cache == ROUTE_FILE ||
				 r->cache == ROUTE_LISTENBRAINZ);
		assert_int_equal(r->cache == ROUTE_FILE, r->each == ROUTE_EACH_COVER);
		if (r->each == ROUTE_YEARS_ARRAY)
			assert_true(r->json);
	}
}

/* The names a site folder may hold: what the site's rows write, nothing else. */
static void routes_site_names(void **state)
{
	static const char *const ours[] = {
		"index.html", "calendar-2025.html", "year-2025.html", "coverage-2025.html",
		"day-2025-01-01.html", "day-1999-01-01.html", "track-t1.html", "calendar.json",
		"summary.json", "covers",
	};
	static const char *const theirs[] = {
		"notes.txt", "", "api", "index.htm", "calendar-2025.htm", "covers.html",
		"calendar.json~", "day-2025-01-01.html.bak", "track-", ".html",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(ours) / sizeof(ours[0]); i++)
		assert_true(route_site_name(ours[i]));
	for (size_t i = 0; i < sizeof(theirs) / sizeof(theirs[0]); i++)
		assert_false(route_site_name(theirs[i]));
}

/* Rendering on an empty store: status, type and the error pages. */
static void routes_render_empty_store(void **state)
{
	struct store *st = NULL;
	struct pages p;
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	const char *ct;
	(void)state;

	assert_int_equal(store_open(":memory:", &st, &err), 0);
	assert_int_equal(pages_init(&p, st, "/nonexistent", 30000, &err), 0);
	assert_int_equal(route_answer(&p, "/api/years", NULL, NULL, &out, &ct), PAGE_OK);
	assert_string_equal(out.buf, "{\"years\":[]}");
	assert_string_equal(ct, "application/json");
	assert_int_equal(route_answer(&p, "/index.html", NULL, NULL, &out, &ct), PAGE_OK);
	assert_string_equal(ct, "text/html; charset=utf-8");
	assert_non_null(strstr(out.buf, "<html"));
	assert_int_equal(route_answer(&p, "/api/track/t1", NULL, NULL, &out, &ct),
			 PAGE_NOT_FOUND);
	assert_string_equal(out.buf, "{\"error\":\"no such track\"}");
	assert_int_equal(route_answer(&p, "/track-t1.html", NULL, NULL, &out, &ct),
			 PAGE_NOT_FOUND);
	assert_string_equal(ct, "text/html; charset=utf-8");
	assert_non_null(strstr(out.buf, "no such track"));
	struct query q = { "x", NULL, NULL, NULL, NULL };
	assert_int_equal(route_answer(&p, "/api/calendar", query_arg, &q, &out, &ct),
			 PAGE_BAD_REQUEST);
	assert_string_equal(out.buf, "{\"error\":\"year must be YYYY\"}");
	assert_int_equal(route_answer(&p, "/nope", NULL, NULL, &out, &ct), PAGE_NOT_FOUND);
	assert_non_null(strstr(out.buf, "There is no such page."));
	/* a file of the cover cache is not a page */
	assert_int_equal(route_answer(&p, "/covers/al1.png", NULL, NULL, &out, &ct),
			 PAGE_NOT_FOUND);
	pages_release(&p);
	store_close(st);
	strbuf_release(&out);
	strbuf_release(&err);
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	return remove(path);
}

/* The site walks the table: one file per row and instance, each named as a site's. */
static void routes_site_enumeration(void **state)
{
	char dir[] = "/tmp/test-web-XXXXXX", out_dir[64];
	struct store *st = NULL;
	struct pages p;
	struct strbuf err = STRBUF_INIT;
	struct site_stats stats;
	int files = 0;
	(void)state;

	assert_non_null(mkdtemp(dir));
	snprintf(out_dir, sizeof(out_dir), "%s/site", dir);
	assert_int_equal(store_open(":memory:", &st, &err), 0);
	assert_int_equal(pages_init(&p, st, "/nonexistent", 30000, &err), 0);
	struct site_options o = { .out_dir = out_dir, .year = 2025 };
	assert_int_equal(site_write(&p, &o, &stats, &err), 0);
	/* index, alltime, 3 pages and the card of 2025, calendar.json,
	 * summary.json; no days, no tracks, no artists, albums, weeks or months */
	assert_int_equal(stats.files, 8);
	static const char *const want[] = { "index.html", "calendar-2025.html",
		"year-2025.html", "coverage-2025.html", "card-2025.png", "calendar.json",
		"summary.json", "alltime.html" };
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		char path[128];
		struct stat sb;
		snprintf(path, sizeof(path), "%s/%s", out_dir, want[i]);
		assert_int_equal(stat(path, &sb), 0);
		assert_int_equal(sb.st_mode & 0777, 0644);
	}
	DIR *d = opendir(out_dir);
	struct dirent *de;
	assert_non_null(d);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			assert_true(route_site_name(de->d_name));
			files++;
		}
	closedir(d);
	assert_int_equal(files, 9); /* and covers/ */
	pages_release(&p);
	store_close(st);
	strbuf_release(&err);
	nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lru_drops_least_recently_used),
		cmocka_unit_test(fetch_metadata_rules),
		cmocka_unit_test(rate_per_address),
		cmocka_unit_test(header_deadline),
		cmocka_unit_test(routes_parse_each_pattern),
		cmocka_unit_test(routes_refuse_bad_arguments),
		cmocka_unit_test(routes_path_round_trip),
		cmocka_unit_test(routes_table_rules),
		cmocka_unit_test(routes_site_names),
		cmocka_unit_test(routes_render_empty_store),
		cmocka_unit_test(routes_site_enumeration),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
