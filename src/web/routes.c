#include "web/routes.h"
#include "web/sounds_like.h"

#include <stdio.h>
#include <string.h>

#include "core/timeutil.h"
#include "web/api.h"
#include "web/card.h"
#include "web/html.h"
#include "web/page_nav.h"
#include "core/banned.h"

static const char CT_HTML[] = "text/html; charset=utf-8";
static const char CT_JSON[] = "application/json";
static const char CT_PNG[] = "image/png";

/* ---- the pages -------------------------------------------------------- */

/* The year an API call without ?year= means: the latest with plays, else this one. */
static int latest_year(const struct pages *p)
{
	int y, m, d;
	if (p->nyears)
		return p->years[p->nyears - 1];
	time_civil_from_days(time_local_day(time_now_ms()), &y, &m, &d);
	return y;
}

static const struct report_year *year_of(struct pages *p, const struct route_args *a,
					 struct strbuf *err)
{
	return pages_year(p, a->year ? a->year : latest_year(p), err);
}

static void link_track(struct pages *p, const char *id)
{
	pages_link_track(p, id);
}

static enum page_status page_calendar(struct pages *p, const struct route_args *a,
				      struct strbuf *out, struct strbuf *err)
{
	const struct report_year *y = year_of(p, a, err);
	if (!y)
		return PAGE_ERROR;
	html_calendar(y, &p->covers, p->years, p->nyears, out);
	return PAGE_OK;
}

/* The year in review; it links to the year's tracks. */
static enum page_status page_year(struct pages *p, const struct route_args *a,
				  struct strbuf *out, struct strbuf *err)
{
	const struct nav_index *nav = pages_nav(p, err);
	const struct report_year *y = nav ? year_of(p, a, err) : NULL;
	if (!y)
		return PAGE_ERROR;
	for (int k = 0; k < y->ntracks; k++)
		link_track(p, y->tracks[k].id);
	html_year(y, &p->covers, p->years, p->nyears, nav, out);
	return PAGE_OK;
}

static enum page_status coverage(struct pages *p, const struct route_args *a, int json,
				 struct strbuf *out, struct strbuf *err)
{
	struct report_coverage cv;
	if (report_coverage(p->store, p->opt.account_id, a->year ? a->year : latest_year(p),
			    &cv, err))
		return PAGE_ERROR;
	if (json)
		api_coverage(&cv, out);
	else
		html_coverage(&cv, p->years, p->nyears, out);
	report_coverage_release(&cv);
	return PAGE_OK;
}

/* A day's plays; the page links to each play's track. */
static enum page_status day(struct pages *p, const struct route_args *a, int json,
			    struct strbuf *out, struct strbuf *err)
{
	struct report_plays pl;
	const struct nav_index *nav = json ? NULL : pages_nav(p, err);
	if ((!json && !nav) || report_day_plays(&p->cache, a->day, &p->opt, &pl, err))
		return PAGE_ERROR;
	if (json) {
		api_day(a->day, &pl, out);
	} else {
		for (int k = 0; k < pl.n; k++)
			link_track(p, pl.v[k].track_id[0] ? pl.v[k].track_id
							   : pl.v[k].name_id);
		html_day(a->day, &pl, nav, out);
	}
	report_plays_release(&pl);
	return PAGE_OK;
}

static enum page_status track(struct pages *p, const struct route_args *a, int json,
			      struct strbuf *out, struct strbuf *err)
{
	struct report_track_page t;
	enum page_status st = PAGE_OK;
	const struct nav_index *nav = json ? NULL : pages_nav(p, err);

	if ((!json && !nav) || report_track(&p->cache, a->id, &t, err))
		return PAGE_ERROR;
	if (!t.found) {
		strbuf_addstr(err, "no such track");
		st = PAGE_NOT_FOUND;
	} else if (json) {
		api_track(&t, out);
	} else {
		html_track(&t, &p->covers, nav, out);
		sounds_like_html(p, a->id, out);
	}
	report_track_page_release(&t);
	return st;
}

static enum page_status page_coverage(struct pages *p, const struct route_args *a,
				      struct strbuf *out, struct strbuf *err)
{
	return coverage(p, a, 0, out, err);
}

static enum page_status page_day(struct pages *p, const struct route_args *a,
				 struct strbuf *out, struct strbuf *err)
{
	return day(p, a, 0, out, err);
}

static enum page_status page_track(struct pages *p, const struct route_args *a,
				   struct strbuf *out, struct strbuf *err)
{
	return track(p, a, 0, out, err);
}

/* ---- the API ---------------------------------------------------------- */

static enum page_status api_years_of(struct pages *p, const struct route_args *a,
				     struct strbuf *out, struct strbuf *err)
{
	(void)a;
	(void)err;
	api_years(p->years, p->nyears, out);
	return PAGE_OK;
}

static enum page_status api_calendar_of(struct pages *p, const struct route_args *a,
					struct strbuf *out, struct strbuf *err)
{
	const struct report_year *y = year_of(p, a, err);
	if (!y)
		return PAGE_ERROR;
	api_calendar(y, &p->covers, out);
	return PAGE_OK;
}

static enum page_status api_summary_of(struct pages *p, const struct route_args *a,
				       struct strbuf *out, struct strbuf *err)
{
	const struct report_year *y = year_of(p, a, err);
	if (!y)
		return PAGE_ERROR;
	api_summary(y, out);
	return PAGE_OK;
}

static enum page_status api_coverage_of(struct pages *p, const struct route_args *a,
					struct strbuf *out, struct strbuf *err)
{
	return coverage(p, a, 1, out, err);
}

static enum page_status api_day_of(struct pages *p, const struct route_args *a,
				   struct strbuf *out, struct strbuf *err)
{
	return day(p, a, 1, out, err);
}

static enum page_status api_track_of(struct pages *p, const struct route_args *a,
				     struct strbuf *out, struct strbuf *err)
{
	return track(p, a, 1, out, err);
}

/* The share card of a year (web/card.h), and the figures it shows. */
static enum page_status card_of(struct pages *p, const struct route_args *a,
				struct strbuf *out, struct strbuf *err)
{
	const struct report_year *y = year_of(p, a, err);
	if (!y)
		return PAGE_ERROR;
	return card_png(y, &p->covers, out, err) ? PAGE_ERROR : PAGE_OK;
}

static enum page_status api_card_of(struct pages *p, const struct route_args *a,
				    struct strbuf *out, struct strbuf *err)
{
	const struct report_year *y = year_of(p, a, err);
	if (!y)
		return PAGE_ERROR;
	card_json(y, out);
	return PAGE_OK;
}

/* ---- the table -------------------------------------------------------- */

#define HTML 0
#define JSON 1
#define PNG ROUTE_PNG

const struct route routes[] = {
	{ "/", page_home, HTML, ROUTE_KEEP, ROUTE_SERVE_ONLY },
	{ "/index.html", page_home, HTML, ROUTE_KEEP, ROUTE_ONCE },
	{ "/calendar-%Y.html", page_calendar, HTML, ROUTE_KEEP, ROUTE_EACH_YEAR },
	{ "/year-%Y.html", page_year, HTML, ROUTE_KEEP, ROUTE_EACH_YEAR },
	{ "/coverage-%Y.html", page_coverage, HTML, ROUTE_KEEP, ROUTE_EACH_YEAR },
	{ "/day-%D.html", page_day, HTML, ROUTE_KEEP, ROUTE_EACH_DAY },
	{ "/track-%T.html", page_track, HTML, ROUTE_KEEP, ROUTE_EACH_TRACK },
	{ "/covers/%F", NULL, HTML, ROUTE_FILE, ROUTE_EACH_COVER },
	/* navigation (issue 11): web/page_*.c */
	{ "/artist-%I.html", page_artist, HTML, ROUTE_KEEP, ROUTE_EACH_ARTIST },
	{ "/album-%I.html", page_album, HTML, ROUTE_KEEP, ROUTE_EACH_ALBUM },
	{ "/alltime.html?from=%R", page_range, HTML, ROUTE_KEEP, ROUTE_SERVE_ONLY },
	{ "/alltime.html", page_range, HTML, ROUTE_KEEP, ROUTE_ONCE },
	{ "/week-%D.html", page_week, HTML, ROUTE_KEEP, ROUTE_EACH_WEEK },
	{ "/month-%M.html", page_month, HTML, ROUTE_KEEP, ROUTE_EACH_MONTH },
	{ "/search.html?q=%Q", page_search, HTML, ROUTE_KEEP, ROUTE_SERVE_ONLY },
	{ "/api/summary?from=%R", api_range_of, JSON, ROUTE_KEEP, ROUTE_SERVE_ONLY },
	{ "/calendar.json", api_calendar_of, JSON, ROUTE_KEEP, ROUTE_YEARS_ARRAY },
	{ "/summary.json", api_summary_of, JSON, ROUTE_KEEP, ROUTE_YEARS_ARRAY },
	{ "/api/years", api_years_of, JSON, ROUTE_KEEP, ROUTE_SERVE_ONLY },
	{ "/api/calendar?year=%Y", api_calendar_of, JSON, ROUTE_KEEP, ROUTE_SERVE_ONLY },
	{ "/api/summary?year=%Y", api_summary_of, JSON, ROUTE_KEEP, ROUTE_SERVE_ONLY },
	{ "/api/coverage?year=%Y", api_coverage_of, JSON, ROUTE_KEEP, ROUTE_SERVE_ONLY },
	{ "/api/day?date=%D", api_day_of, JSON, ROUTE_KEEP, ROUTE_SERVE_ONLY },
	{ "/api/track/%T", api_track_of, JSON, ROUTE_KEEP, ROUTE_SERVE_ONLY },
	/* the ListenBrainz API: answered by web/listenbrainz.c, POST too */
	{ "/1/submit-listens", NULL, JSON, ROUTE_LISTENBRAINZ, ROUTE_SERVE_ONLY },
	{ "/1/validate-token", NULL, JSON, ROUTE_LISTENBRAINZ, ROUTE_SERVE_ONLY },
	{ "/1/user/%U/listens", NULL, JSON, ROUTE_LISTENBRAINZ, ROUTE_SERVE_ONLY },
	{ "/1/user/%U/listen-count", NULL, JSON, ROUTE_LISTENBRAINZ, ROUTE_SERVE_ONLY },
	{ "/1/user/%U/playing-now", NULL, JSON, ROUTE_LISTENBRAINZ, ROUTE_SERVE_ONLY },
	{ "/card-%Y.png", card_of, PNG, ROUTE_KEEP, ROUTE_EACH_YEAR },
	{ "/api/card?year=%Y", api_card_of, JSON, ROUTE_KEEP, ROUTE_SERVE_ONLY },
};
const size_t routes_count = sizeof(routes) / sizeof(routes[0]);

/* ---- typed arguments -------------------------------------------------- */

/* Parses exactly four digits within 1970..9999. */
static int parse_year(const char *s, size_t n, struct route_args *a)
{
	int v = 0;
	if (n != 4)
		return -1;
	for (size_t i = 0; i < 4; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + s[i] - '0';
	}
	if (v < 1970)
		return -1;
	a->year = v;
	return 0;
}

/* YYYY-MM-DD, a day that exists. */
static int parse_date(const char *s, size_t n, struct route_args *a)
{
	struct route_args y;
	int m, d, yy, mm, dd;
	if (n != 10 || s[4] != '-' || s[7] != '-' || parse_year(s, 4, &y))
		return -1;
	for (int i = 5; i < 10; i++)
		if (i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	m = (s[5] - '0') * 10 + s[6] - '0';
	d = (s[8] - '0') * 10 + s[9] - '0';
	if (m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	a->day = time_days_from_civil(y.year, m, d);
	time_civil_from_days(a->day, &yy, &mm, &dd);
	return yy == y.year && mm == m && dd == d ? 0 : -1;
}

/*
 * Not spotify_id_valid (22 characters): the track ids the store keys and the
 * pages link to (html.c, covers_id_ok) are any 1-64 base-62 characters, and
 * the hand-made stores of the tests use "t1".
 */
static int parse_track(const char *s, size_t n, struct route_args *a)
{
	if (n >= sizeof(a->id))
		return -1;
	memcpy(a->id, s, n);
	a->id[n] = '\0';
	return covers_id_ok(a->id) ? 0 : -1;
}

static int parse_id(const char *s, size_t n, struct route_args *a)
{
	return parse_track(s, n, a);
}

/* YYYY-MM: a->year and a->day, the month's first day. */
static int parse_month(const char *s, size_t n, struct route_args *a)
{
	char buf[16];
	if (n != 7)
		return -1;
	snprintf(buf, sizeof(buf), "%.7s-01", s);
	return parse_date(buf, 10, a) ? -1 : parse_year(s, 4, a);
}

static int parse_query(const char *s, size_t n, struct route_args *a)
{
	if (n > SEARCH_QUERY_MAX)
		return -1;
	a->q = s;
	return 0;
}

/* Parsed in match_range: the row names it for route_path. */
static int parse_range(const char *s, size_t n, struct route_args *a)
{
	(void)s;
	(void)n;
	(void)a;
	return -1;
}

static int parse_file(const char *s, size_t n, struct route_args *a)
{
	(void)n;
	a->file = s;
	return 0;
}

static int parse_user(const char *s, size_t n, struct route_args *a)
{
	if (!n || n >= sizeof(a->user) || memchr(s, '/', n))
		return -1;
	memcpy(a->user, s, n);
	a->user[n] = '\0';
	return 0;
}

struct arg_type {
	char code;
	int (*parse)(const char *s, size_t n, struct route_args *a);
	enum page_status bad_in_path; /* PAGE_NOT_FOUND: the path is another row's */
	int optional;                 /* in a query: absent is fine */
	const char *why;              /* the message of a 400 */
};

static const struct arg_type arg_types[] = {
	{ 'Y', parse_year, PAGE_NOT_FOUND, 1, "year must be YYYY" },
	{ 'D', parse_date, PAGE_NOT_FOUND, 0, "date=YYYY-MM-DD is required" },
	{ 'T', parse_track, PAGE_BAD_REQUEST, 0, "not a track id" },
	{ 'F', parse_file, PAGE_BAD_REQUEST, 0, "not a file name" },
	{ 'U', parse_user, PAGE_NOT_FOUND, 0, "not a user name" },
	{ 'I', parse_id, PAGE_BAD_REQUEST, 0, "not an id" },
	{ 'M', parse_month, PAGE_NOT_FOUND, 0, "month must be YYYY-MM" },
	{ 'Q', parse_query, PAGE_BAD_REQUEST, 1, "q is too long" },
	{ 'R', parse_range, PAGE_BAD_REQUEST, 0,
	  "from and to must be dates YYYY-MM-DD, from not after to" },
};

static const struct arg_type *arg_type(char code)
{
	for (size_t i = 0; i < sizeof(arg_types) / sizeof(arg_types[0]); i++)
		if (arg_types[i].code == code)
			return &arg_types[i];
	return NULL;
}

/* ---- matching --------------------------------------------------------- */

/*
 * The longest path argument (but %F) that can match: longer is another
 * row's or nobody's (404), so a made-up path costs no more than this.
 */
#define ARG_MAX 127

/* A pattern cut into its parts: path = pre %X post, then ?qname=%Q. */
struct parts {
	size_t npre, npost;
	const char *post;
	const struct arg_type *type;  /* NULL: no argument in the path */
	const char *qname;            /* NULL: no query argument */
	size_t nqname;
	const struct arg_type *qtype;
};

static void split(const char *pattern, struct parts *pt)
{
	const char *q = strchr(pattern, '?'), *pc = strchr(pattern, '%');
	size_t npath = q ? (size_t)(q - pattern) : strlen(pattern);

	memset(pt, 0, sizeof(*pt));
	if (pc && pc < pattern + npath) {
		pt->npre = (size_t)(pc - pattern);
		pt->type = arg_type(pc[1]);
		pt->post = pc + 2;
		pt->npost = npath - pt->npre - 2;
	} else {
		pt->npre = npath;
	}
	if (q) {
		const char *eq = strchr(q, '=');
		pt->qname = q + 1;
		pt->nqname = (size_t)(eq - q - 1);
		pt->qtype = arg_type(eq[2]);
	}
}

/* PAGE_OK, PAGE_NOT_FOUND (not this row) or PAGE_BAD_REQUEST with *why. */
static enum page_status match_path(const struct parts *pt, const char *pattern,
				   const char *path, struct route_args *a, const char **why)
{
	size_t n = strlen(path), mid;

	if (strncmp(path, pattern, pt->npre))
		return PAGE_NOT_FOUND;
	if (!pt->type)
		return n == pt->npre ? PAGE_OK : PAGE_NOT_FOUND;
	if (pt->type->code == 'F')
		return pt->type->parse(path + pt->npre, n - pt->npre, a) ? PAGE_NOT_FOUND
									  : PAGE_OK;
	if (n < pt->npre + pt->npost + 1 ||
	    memcmp(path + n - pt->npost, pt->post, pt->npost))
		return PAGE_NOT_FOUND;
	mid = n - pt->npre - pt->npost;
	if (mid > ARG_MAX)
		return PAGE_NOT_FOUND;
	if (!pt->type->parse(path + pt->npre, mid, a))
		return PAGE_OK;
	*why = pt->type->why;
	return pt->type->bad_in_path;
}

/* from=&to=: PAGE_NOT_FOUND when neither is given (another row's request). */
static enum page_status match_range(const struct parts *pt, route_query_fn *query,
				    void *cls, struct route_args *a, const char **why)
{
	const char *f = query ? query(cls, "from") : NULL;
	const char *t = query ? query(cls, "to") : NULL;

	if (!f && !t)
		return PAGE_NOT_FOUND;
	a->from_day = INT64_MIN;
	a->to_day = INT64_MAX;
	*why = pt->qtype->why;
	if ((f && nav_parse_date(f, &a->from_day)) || (t && nav_parse_date(t, &a->to_day)))
		return PAGE_BAD_REQUEST;
	if (t)
		a->to_day++; /* "to" is the last day shown */
	return a->from_day < a->to_day ? PAGE_OK : PAGE_BAD_REQUEST;
}

static enum page_status match_query(const struct parts *pt, route_query_fn *query,
				    void *cls, struct route_args *a, const char **why)
{
	char name[16];
	const char *v;

	if (!pt->qname)
		return PAGE_OK;
	if (pt->qtype->code == 'R')
		return match_range(pt, query, cls, a, why);
	snprintf(name, sizeof(name), "%.*s", (int)pt->nqname, pt->qname);
	v = query ? query(cls, name) : NULL;
	if (!v ? pt->qtype->optional : !pt->qtype->parse(v, strlen(v), a))
		return PAGE_OK;
	*why = pt->qtype->why;
	return PAGE_BAD_REQUEST;
}

enum page_status route_match(const char *path, route_query_fn *query, void *cls,
			     const struct route **r, struct route_args *a,
			     const char **why)
{
	struct parts pt;

	for (size_t i = 0; i < routes_count; i++) {
		if (routes[i].each == ROUTE_YEARS_ARRAY)
			continue;
		memset(a, 0, sizeof(*a));
		split(routes[i].pattern, &pt);
		enum page_status st = match_path(&pt, routes[i].pattern, path, a, why);
		if (st == PAGE_OK)
			st = match_query(&pt, query, cls, a, why);
		if (st == PAGE_NOT_FOUND)
			continue;
		*r = &routes[i];
		return st;
	}
	*r = NULL;
	*why = !strncmp(path, "/api/", 5) ? "no such API" : "There is no such page.";
	return PAGE_NOT_FOUND;
}

/* Appends the value of argument code in a. */
static void add_arg(struct strbuf *sb, char code, const struct route_args *a)
{
	char date[16];
	switch (code) {
	case 'Y': strbuf_addf(sb, "%d", a->year); break;
	case 'D': html_date(a->day, date); strbuf_addstr(sb, date); break;
	case 'U': strbuf_addstr(sb, a->user); break;
	case 'T': case 'I': strbuf_addstr(sb, a->id); break;
	case 'M': html_date(a->day, date); strbuf_add(sb, date, 7); break;
	case 'Q': strbuf_addstr(sb, a->q ? a->q : ""); break;
	case 'R':
		if (a->from_day != INT64_MIN) {
			html_date(a->from_day, date);
			strbuf_addf(sb, "%s", date);
		}
		if (a->to_day != INT64_MAX) {
			html_date(a->to_day - 1, date);
			strbuf_addf(sb, "&to=%s", date);
		}
		break;
	default: strbuf_addstr(sb, a->file ? a->file : ""); break;
	}
}

int route_path(const struct route *r, const struct route_args *a, char *buf, size_t len)
{
	struct strbuf sb = STRBUF_INIT;
	struct parts pt;
	int ret = -1;

	split(r->pattern, &pt);
	strbuf_add(&sb, r->pattern, pt.npre);
	if (pt.type) {
		add_arg(&sb, pt.type->code, a);
		strbuf_add(&sb, pt.post, pt.npost);
	}
	/* an absent optional year stays absent: its answer follows the data */
	if (pt.qname && !(pt.qtype->code == 'Y' && !a->year) && !(pt.qtype->code == 'Q' && !a->q)) {
		strbuf_addch(&sb, '?');
		strbuf_add(&sb, pt.qname, pt.nqname + 1);
		add_arg(&sb, pt.qtype->code, a);
	}
	if (sb.len < len) {
		memcpy(buf, sb.buf, sb.len + 1);
		ret = 0;
	}
	strbuf_release(&sb);
	return ret;
}

int route_site_name(const char *name)
{
	size_t n = strlen(name);
	struct parts pt;

	for (size_t i = 0; i < routes_count; i++) {
		const char *p = routes[i].pattern + 1, *slash = strchr(p, '/');
		if (routes[i].each == ROUTE_SERVE_ONLY)
			continue;
		if (slash) { /* a folder of the site */
			if (n == (size_t)(slash - p) && !strncmp(name, p, n))
				return 1;
			continue;
		}
		split(p, &pt);
		if (!pt.type ? !strcmp(name, p)
			     : n >= pt.npre + pt.npost && !strncmp(name, p, pt.npre) &&
				       !strcmp(name + n - pt.npost, pt.post))
			return 1;
	}
	return 0;
}

/* ---- rendering -------------------------------------------------------- */

enum page_status route_fail(enum page_status st, int json, const char *msg,
			    struct strbuf *out, const char **ctype)
{
	strbuf_reset(out);
	if (json == 1) { /* an image's error is a page */
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

enum page_status route_render(struct pages *p, const struct route *r,
			      const struct route_args *a, struct strbuf *out,
			      const char **ctype)
{
	struct strbuf err = STRBUF_INIT;
	enum page_status st;

	strbuf_reset(out);
	st = r->fn(p, a, out, &err);
	if (st != PAGE_OK)
		route_fail(st, r->json, err.buf, out, ctype);
	else
		*ctype = r->json == ROUTE_PNG ? CT_PNG : r->json ? CT_JSON : CT_HTML;
	strbuf_release(&err);
	return st;
}

enum page_status route_answer(struct pages *p, const char *path, route_query_fn *query,
			      void *cls, struct strbuf *out, const char **ctype)
{
	const struct route *r;
	struct route_args a;
	const char *why;
	enum page_status st = route_match(path, query, cls, &r, &a, &why);

	if (st == PAGE_OK && r->fn)
		return route_render(p, r, &a, out, ctype);
	if (st == PAGE_OK)
		why = "There is no such page.";
	return route_fail(st == PAGE_OK ? PAGE_NOT_FOUND : st, r ? r->json : 0, why,
			  out, ctype);
}
