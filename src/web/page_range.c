/*
 * alltime.html (and ?from=&to= on the server), week-<monday>.html,
 * month-<YYYY-MM>.html and /api/summary?from=&to=: top tracks, artists and
 * albums over a span of local days, with its plays per day (or per month
 * when the span is longer than two months) and links to the span before
 * and after it that have plays.
 */
#include "web/page_nav.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/xalloc.h"
#include "web/html.h"
#include "web/links.h"
#include "core/banned.h"

struct bars {
	const struct nav_range *r;
	int by_month, month0, n;
	int *plays;
	int64_t *ms;
};

static void bar_label(void *arg, int i, char buf[32])
{
	const struct bars *b = arg;
	char date[16];
	if (b->by_month) {
		int ym = b->month0 + i;
		snprintf(buf, 32, "%04d-%02d", ym / 12, ym % 12 + 1);
		return;
	}
	html_date(b->r->day0 + i, date);
	snprintf(buf, 32, "%s", date);
}

static const char *bar_href(void *arg, int i, char buf[64])
{
	const struct bars *b = arg;
	char date[16];
	if (b->by_month) {
		int ym = b->month0 + i;
		snprintf(buf, 64, "month-%04d-%02d.html", ym / 12, ym % 12 + 1);
	} else {
		html_date(b->r->day0 + i, date);
		snprintf(buf, 64, "day-%s.html", date);
	}
	return buf;
}

static int ym_of(int64_t day)
{
	int y, m, d;
	time_civil_from_days(day, &y, &m, &d);
	return y * 12 + m - 1;
}

static void range_chart(struct strbuf *out, const struct nav_range *r)
{
	struct bars b = { r, r->ndays > 62, 0, r->ndays, r->day_plays, r->day_ms };
	if (!r->ndays)
		return;
	if (b.by_month) {
		b.month0 = ym_of(r->day0);
		b.n = ym_of(r->day0 + r->ndays - 1) - b.month0 + 1;
		b.plays = xcalloc((size_t)b.n, sizeof(int));
		b.ms = xcalloc((size_t)b.n, sizeof(int64_t));
		for (int i = 0; i < r->ndays; i++) {
			int k = ym_of(r->day0 + i) - b.month0;
			b.plays[k] += r->day_plays[i];
			b.ms[k] += r->day_ms[i];
		}
	}
	strbuf_addf(out, "<div class=\"card\"><h2>Plays per %s</h2>", b.by_month ? "month" : "day");
	page_nav_bars(out, b.by_month ? "month" : "day", b.plays, b.ms, b.n, bar_label, &b,
		      bar_href);
	strbuf_addstr(out, "</div>");
	if (b.by_month) {
		free(b.plays);
		free(b.ms);
	}
}

/* The page of r under heading h1; nav_html (may be "") goes under it. */
static void range_page(struct pages *p, const struct nav_index *x, const struct nav_range *r,
		       const char *title, const char *nav_html, int form, struct strbuf *out)
{
	html_page_start(out, title, NULL, p->years, p->nyears);
	strbuf_addf(out, "<h1>%s</h1>%s", title, nav_html);
	if (form && !p->static_site) {
		char a[16] = "", b[16] = "";
		if (r->from_day != INT64_MIN)
			html_date(r->from_day, a);
		if (r->to_day != INT64_MAX)
			html_date(r->to_day - 1, b);
		strbuf_addf(out, "<form class=\"search\" method=\"get\" action=\"alltime.html\">"
			    "<label>from <input type=\"date\" name=\"from\" value=\"%s\"></label>"
			    "<label>to <input type=\"date\" name=\"to\" value=\"%s\"></label>"
			    "<button>show</button></form>", a, b);
	}
	strbuf_addf(out, "<div class=\"stats\"><div class=\"stat\"><b id=\"plays\">%d</b>plays"
		    "</div><div class=\"stat\"><b id=\"hours\">%.1f h</b>listening time</div>"
		    "<div class=\"stat\"><b>%d</b>tracks</div><div class=\"stat\"><b>%d</b>artists"
		    "</div><div class=\"stat\"><b>%d</b>albums</div></div>",
		    r->plays, (double)r->ms / 3600000.0, r->distinct_tracks, r->distinct_artists,
		    r->distinct_albums);
	range_chart(out, r);
	for (int i = 0; i < r->ntop_tracks; i++)
		pages_link_track(p, r->top_tracks[i].key);
	strbuf_addstr(out, "<div class=\"cols\">");
	html_rank_list(out, "Top tracks", r->top_tracks, r->ntop_tracks, 0, x, &p->covers);
	html_rank_list(out, "Top artists", r->top_artists, r->ntop_artists, 2, x, &p->covers);
	html_rank_list(out, "Top albums", r->top_albums, r->ntop_albums, 3, x, &p->covers);
	strbuf_addstr(out, "</div>");
	html_page_end(out);
}

enum page_status page_range(struct pages *p, const struct route_args *a,
			    struct strbuf *out, struct strbuf *err)
{
	struct nav_index *x = pages_nav(p, err);
	struct nav_range r;
	int64_t from = a->from_day, to = a->to_day;
	char title[64], f[16], t[16];

	if (!from && !to) { /* the row without a range: all time */
		from = INT64_MIN;
		to = INT64_MAX;
	}
	if (!x || nav_range(x, p->store, from, to, &r, err))
		return PAGE_ERROR;
	if (from == INT64_MIN && to == INT64_MAX) {
		snprintf(title, sizeof(title), "All time");
	} else {
		html_date(from == INT64_MIN ? x->first_day : from, f);
		html_date(to == INT64_MAX ? x->first_day + x->ndays - 1 : to - 1, t);
		snprintf(title, sizeof(title), "%s to %s", f, t);
	}
	range_page(p, x, &r, title, "", 1, out);
	nav_range_release(&r);
	return PAGE_OK;
}

/* Prev/next links to the neighbour spans with plays (file pattern fmt). */
static void span_nav(struct strbuf *sb, const struct nav_index *x, int64_t from, int64_t to,
		     int week)
{
	char date[16];
	int64_t d;
	strbuf_addstr(sb, "<nav class=\"pn\">");
	if (!nav_day_step(x, from, -1, &d)) {
		d = week ? links_monday(d) : d;
		html_date(d, date);
		if (week)
			strbuf_addf(sb, "<a rel=\"prev\" href=\"week-%s.html\">« week of %s</a> ",
				    date, date);
		else
			strbuf_addf(sb, "<a rel=\"prev\" href=\"month-%.7s.html\">« %.7s</a> ",
				    date, date);
	}
	html_date(from, date);
	strbuf_addf(sb, "<a href=\"calendar-%.4s.html\">calendar of %.4s</a>", date, date);
	if (!nav_day_step(x, to - 1, 1, &d)) {
		d = week ? links_monday(d) : d;
		html_date(d, date);
		if (week)
			strbuf_addf(sb, " <a rel=\"next\" href=\"week-%s.html\">week of %s »</a>",
				    date, date);
		else
			strbuf_addf(sb, " <a rel=\"next\" href=\"month-%.7s.html\">%.7s »</a>",
				    date, date);
	}
	strbuf_addstr(sb, "</nav>");
}

static enum page_status span_page(struct pages *p, int64_t from, int64_t to, int week,
				  struct strbuf *out, struct strbuf *err)
{
	struct nav_index *x = pages_nav(p, err);
	struct strbuf nav = STRBUF_INIT;
	struct nav_range r;
	char title[64], date[16];

	if (!x || nav_range(x, p->store, from, to, &r, err))
		return PAGE_ERROR;
	/* a whole span: its days with and without plays */
	html_date(from, date);
	if (week)
		snprintf(title, sizeof(title), "Week of %s", date);
	else
		snprintf(title, sizeof(title), "Month %.7s", date);
	span_nav(&nav, x, from, to, week);
	range_page(p, x, &r, title, nav.buf, 0, out);
	strbuf_release(&nav);
	nav_range_release(&r);
	return PAGE_OK;
}

enum page_status page_week(struct pages *p, const struct route_args *a,
			   struct strbuf *out, struct strbuf *err)
{
	int64_t mon = links_monday(a->day);
	return span_page(p, mon, mon + 7, 1, out, err);
}

enum page_status page_month(struct pages *p, const struct route_args *a,
			    struct strbuf *out, struct strbuf *err)
{
	int y, m, d;
	time_civil_from_days(a->day, &y, &m, &d);
	return span_page(p, a->day, m == 12 ? time_days_from_civil(y + 1, 1, 1) :
					       time_days_from_civil(y, m + 1, 1), 0, out, err);
}

static void json_ranks(struct strbuf *sb, const char *k, const struct report_rank *r, int n)
{
	strbuf_addf(sb, ",\"%s\":[", k);
	for (int i = 0; i < n; i++) {
		strbuf_addstr(sb, i ? ",{\"key\":" : "{\"key\":");
		strbuf_add_json_str(sb, r[i].key);
		strbuf_addstr(sb, ",\"name\":");
		strbuf_add_json_str(sb, r[i].label);
		if (r[i].sub && r[i].sub[0]) {
			strbuf_addstr(sb, ",\"artists\":");
			strbuf_add_json_str(sb, r[i].sub);
		}
		strbuf_addf(sb, ",\"plays\":%d,\"ms\":%lld}", r[i].plays, (long long)r[i].ms);
	}
	strbuf_addch(sb, ']');
}

/* "YYYY-MM-DD", or null for an open end. */
static void add_day_or_null(struct strbuf *out, int64_t day, int64_t open)
{
	char date[16];
	if (day == open) {
		strbuf_addstr(out, "null");
		return;
	}
	html_date(day, date);
	strbuf_addf(out, "\"%s\"", date);
}

enum page_status api_range_of(struct pages *p, const struct route_args *a,
			      struct strbuf *out, struct strbuf *err)
{
	struct nav_index *x = pages_nav(p, err);
	struct nav_range r;

	if (!x || nav_range(x, p->store, a->from_day, a->to_day, &r, err))
		return PAGE_ERROR;
	strbuf_addstr(out, "{\"from\":");
	add_day_or_null(out, a->from_day, INT64_MIN);
	strbuf_addstr(out, ",\"to\":");
	add_day_or_null(out, a->to_day == INT64_MAX ? INT64_MAX : a->to_day - 1, INT64_MAX);
	strbuf_addf(out, ",\"plays\":%d,\"ms\":%lld,\"distinct_tracks\":%d,"
		    "\"distinct_artists\":%d,\"distinct_albums\":%d", r.plays, (long long)r.ms,
		    r.distinct_tracks, r.distinct_artists, r.distinct_albums);
	json_ranks(out, "top_tracks", r.top_tracks, r.ntop_tracks);
	json_ranks(out, "top_artists", r.top_artists, r.ntop_artists);
	json_ranks(out, "top_albums", r.top_albums, r.ntop_albums);
	strbuf_addstr(out, "}");
	nav_range_release(&r);
	return PAGE_OK;
}
