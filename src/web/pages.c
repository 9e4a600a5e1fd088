#include "web/pages.h"

#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/xalloc.h"
#include "web/api.h"
#include "web/html.h"
#include "core/banned.h"

static const char CT_HTML[] = "text/html; charset=utf-8";
static const char CT_JSON[] = "application/json";

int pages_init(struct pages *p, struct store *st, const char *data_dir,
	       long long min_ms_played, struct strbuf *err)
{
	memset(p, 0, sizeof(*p));
	p->store = st;
	p->opt.min_ms_played = min_ms_played;
	covers_init(&p->covers, data_dir);
	report_cache_init(&p->cache, st);
	store_tune_for_reads(st);
	return report_years(st, &p->years, &p->nyears, err);
}

void pages_release(struct pages *p)
{
	if (p->have_year)
		report_year_release(&p->last);
	free(p->years);
	report_cache_release(&p->cache);
	covers_release(&p->covers);
	memset(p, 0, sizeof(*p));
}

int pages_invalidate(struct pages *p, struct strbuf *err)
{
	if (p->have_year)
		report_year_release(&p->last);
	p->have_year = 0;
	report_cache_forget(&p->cache);
	free(p->years);
	return report_years(p->store, &p->years, &p->nyears, err);
}

const struct report_year *pages_year(struct pages *p, int year, struct strbuf *err)
{
	if (p->have_year && p->last.year == year)
		return &p->last;
	if (p->have_year)
		report_year_release(&p->last);
	p->have_year = 0;
	if (report_year_with(&p->cache, year, &p->opt, &p->last, err))
		return NULL;
	p->have_year = 1;
	return &p->last;
}

int pages_arg_int(const char *s, int lo, int hi, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

/* Parses exactly four digits within 1970..9999. */
static int parse_year(const char *s, int *y)
{
	int v = 0;
	if (!s || strlen(s) != 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + s[i] - '0';
	}
	if (v < 1970)
		return -1;
	*y = v;
	return 0;
}

static int parse_date(const char *s, int64_t *day)
{
	int y, m, d, yy, mm, dd;
	char year[5];
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	memcpy(year, s, 4);
	year[4] = '\0';
	if (parse_year(year, &y))
		return -1;
	for (int i = 5; i < 10; i++)
		if (i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	m = (s[5] - '0') * 10 + s[6] - '0';
	d = (s[8] - '0') * 10 + s[9] - '0';
	if (m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	*day = time_days_from_civil(y, m, d);
	time_civil_from_days(*day, &yy, &mm, &dd);
	return yy == y && mm == m && dd == d ? 0 : -1;
}

/* "prefix" + X + "suffix" == path: copies X into buf. */
static int match(const char *path, const char *prefix, const char *suffix,
		 char *buf, size_t len)
{
	size_t lp = strlen(prefix), ls = strlen(suffix), n = strlen(path);
	if (n < lp + ls + 1 || strncmp(path, prefix, lp) ||
	    strcmp(path + n - ls, suffix) || n - lp - ls >= len)
		return 0;
	memcpy(buf, path + lp, n - lp - ls);
	buf[n - lp - ls] = '\0';
	return 1;
}

static enum page_status fail(enum page_status st, int json, const char *msg,
			     struct strbuf *out, const char **ctype)
{
	strbuf_reset(out);
	if (json) {
		*ctype = CT_JSON;
		strbuf_addstr(out, "{\"error\":");
		strbuf_add_json_str(out, msg);
		strbuf_addstr(out, "}");
	} else {
		*ctype = CT_HTML;
		html_not_found(msg, out);
	}
	return st;
}

static enum page_status render_year_page(struct pages *p, int year, int what,
					 struct strbuf *out, const char **ctype)
{
	struct strbuf err = STRBUF_INIT;
	const struct report_year *y = pages_year(p, year, &err);
	enum page_status st = PAGE_OK;

	if (!y) {
		st = fail(PAGE_ERROR, what >= 2, err.buf, out, ctype);
		goto out;
	}
	*ctype = what >= 2 ? CT_JSON : CT_HTML;
	switch (what) {
	case 0: html_calendar(y, &p->covers, p->years, p->nyears, out); break;
	case 1: html_year(y, &p->covers, p->years, p->nyears, out); break;
	case 2: api_calendar(y, &p->covers, out); break;
	default: api_summary(y, out); break;
	}
out:
	strbuf_release(&err);
	return st;
}

enum report_kind { DAY_PLAYS, COVERAGE };

/* The day page (arg: local day) or the coverage page (arg: year). */
static enum page_status render_report(struct pages *p, enum report_kind kind, int64_t arg,
				      int json, struct strbuf *out, const char **ctype)
{
	union {
		struct report_plays pl;
		struct report_coverage cv;
	} r;
	struct strbuf err = STRBUF_INIT;
	enum page_status st = PAGE_OK;
	int rc = kind == DAY_PLAYS ? report_day_plays(&p->cache, arg, &p->opt, &r.pl, &err)
				   : report_coverage(p->store, (int)arg, &r.cv, &err);

	if (rc) {
		st = fail(PAGE_ERROR, json, err.buf, out, ctype);
		goto out;
	}
	*ctype = json ? CT_JSON : CT_HTML;
	if (kind == DAY_PLAYS) {
		if (json)
			api_day(arg, &r.pl, out);
		else
			html_day(arg, &r.pl, out);
		report_plays_release(&r.pl);
	} else {
		if (json)
			api_coverage(&r.cv, out);
		else
			html_coverage(&r.cv, p->years, p->nyears, out);
		report_coverage_release(&r.cv);
	}
out:
	strbuf_release(&err);
	return st;
}

static enum page_status render_track(struct pages *p, const char *id, int json,
				     struct strbuf *out, const char **ctype)
{
	struct report_track_page t;
	struct strbuf err = STRBUF_INIT;
	enum page_status st = PAGE_OK;

	if (!covers_id_ok(id))
		return fail(PAGE_BAD_REQUEST, json, "not a track id", out, ctype);
	if (report_track(&p->cache, id, &t, &err)) {
		st = fail(PAGE_ERROR, json, err.buf, out, ctype);
		goto out;
	}
	if (!t.found) {
		st = fail(PAGE_NOT_FOUND, json, "no such track", out, ctype);
	} else {
		*ctype = json ? CT_JSON : CT_HTML;
		if (json)
			api_track(&t, out);
		else
			html_track(&t, &p->covers, out);
	}
	report_track_page_release(&t);
out:
	strbuf_release(&err);
	return st;
}

static int default_year(struct pages *p)
{
	int y, m, d;
	if (p->nyears)
		return p->years[p->nyears - 1];
	time_civil_from_days(time_local_day(time_now_ms()), &y, &m, &d);
	return y;
}

enum page_status pages_render(struct pages *p, const char *path, const char *year,
			      const char *date, struct strbuf *out, const char **ctype)
{
	char arg[128];
	int y;
	int64_t day;
	int json = !strncmp(path, "/api/", 5);

	if (json) {
		const char *what = path + 5;
		if (!strcmp(what, "years")) {
			*ctype = CT_JSON;
			api_years(p->years, p->nyears, out);
			return PAGE_OK;
		}
		if (!strcmp(what, "day")) {
			if (parse_date(date, &day))
				return fail(PAGE_BAD_REQUEST, 1, "date=YYYY-MM-DD is required",
					    out, ctype);
			return render_report(p, DAY_PLAYS, day, 1, out, ctype);
		}
		if (match(path, "/api/track/", "", arg, sizeof(arg)))
			return render_track(p, arg, 1, out, ctype);
		if (!year)
			y = default_year(p);
		else if (parse_year(year, &y))
			return fail(PAGE_BAD_REQUEST, 1, "year must be YYYY", out, ctype);
		if (!strcmp(what, "calendar"))
			return render_year_page(p, y, 2, out, ctype);
		if (!strcmp(what, "summary"))
			return render_year_page(p, y, 3, out, ctype);
		if (!strcmp(what, "coverage"))
			return render_report(p, COVERAGE, y, 1, out, ctype);
		return fail(PAGE_NOT_FOUND, 1, "no such API", out, ctype);
	}
	if (!strcmp(path, "/") || !strcmp(path, "/index.html")) {
		*ctype = CT_HTML;
		html_index(p->years, p->nyears, out);
		return PAGE_OK;
	}
	if (match(path, "/calendar-", ".html", arg, sizeof(arg)) && !parse_year(arg, &y))
		return render_year_page(p, y, 0, out, ctype);
	if (match(path, "/year-", ".html", arg, sizeof(arg)) && !parse_year(arg, &y))
		return render_year_page(p, y, 1, out, ctype);
	if (match(path, "/coverage-", ".html", arg, sizeof(arg)) && !parse_year(arg, &y))
		return render_report(p, COVERAGE, y, 0, out, ctype);
	if (match(path, "/day-", ".html", arg, sizeof(arg)) && !parse_date(arg, &day))
		return render_report(p, DAY_PLAYS, day, 0, out, ctype);
	if (match(path, "/track-", ".html", arg, sizeof(arg)))
		return render_track(p, arg, 0, out, ctype);
	return fail(PAGE_NOT_FOUND, 0, "There is no such page.", out, ctype);
}
