/* The history the navigation pages share, the home page, and the site's lists. */
#include "web/page_nav.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/xalloc.h"
#include "web/html.h"
#include "web/links.h"
#include "core/banned.h"

struct nav_index *pages_nav(struct pages *p, struct strbuf *err)
{
	if (p->nav)
		return p->nav;
	struct nav_index *x = xmalloc(sizeof(*x));
	if (nav_index_build(p->store, &p->opt, x, err)) {
		free(x);
		return NULL;
	}
	x->only_played = p->cache.strict;
	p->nav = x;
	return x;
}

int pages_cover_shown(struct pages *p, const char *file)
{
	char id[128];
	const char *dot = strrchr(file, '.');
	struct strbuf err = STRBUF_INIT;

	if (!p->cache.strict)
		return 1;
	struct nav_index *x = pages_nav(p, &err);
	strbuf_release(&err);
	if (!x || !dot || (size_t)(dot - file) >= sizeof(id))
		return 0;
	memcpy(id, file, (size_t)(dot - file));
	id[dot - file] = '\0';
	return nav_album_page(x, id) || nav_artist_page(x, id);
}

void pages_nav_forget(struct pages *p)
{
	if (p->nav && !p->nav_borrowed) {
		nav_index_release(p->nav);
		free(p->nav);
	}
	p->nav = NULL;
	p->nav_borrowed = 0;
}

void pages_link_track(struct pages *p, const char *track_id)
{
	if (p->linked)
		p->linked(p->linked_arg, track_id);
}

void page_nav_when(struct strbuf *sb, int64_t ms)
{
	char when[32], date[16];
	time_format_local(ms, "%Y-%m-%d %H:%M", when, sizeof(when));
	html_date(time_local_day(ms), date);
	strbuf_addf(sb, "<a href=\"day-%s.html\">%s</a>", date, when);
}

void page_nav_bars(struct strbuf *sb, const char *what, const int *plays,
		   const int64_t *ms, int n, void (*label)(void *arg, int i, char buf[32]),
		   void *arg, const char *(*href)(void *arg, int i, char buf[64]))
{
	char l[32], h[64];
	int max = 0;
	for (int i = 0; i < n; i++)
		if (plays[i] > max)
			max = plays[i];
	double bw = n ? 600.0 / n : 600;
	if (bw > 40)
		bw = 40;
	strbuf_addf(sb, "<svg class=\"chart\" width=\"620\" height=\"150\" viewBox=\"0 0 620 150\""
		    " role=\"img\"><title>plays per %s</title>", what);
	for (int i = 0; i < n; i++) {
		double bh = max ? 110.0 * plays[i] / max : 0;
		const char *link = href && plays[i] ? href(arg, i, h) : NULL;
		label(arg, i, l);
		if (link)
			strbuf_addf(sb, "<a href=\"%s\">", link);
		strbuf_addf(sb, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\""
			    " fill=\"#3d9a5c\"><title>%s: %d plays, %.1f min</title></rect>",
			    10 + i * bw, 120 - bh, bw > 2 ? bw - 1 : bw, bh, l, plays[i],
			    (double)ms[i] / 60000.0);
		if (link)
			strbuf_addstr(sb, "</a>");
	}
	if (n) {
		label(arg, 0, l);
		strbuf_addf(sb, "<text x=\"10\" y=\"138\">%s</text>", l);
		if (n > 1 && n * bw >= 120) {
			label(arg, n - 1, l);
			strbuf_addf(sb, "<text x=\"%.1f\" y=\"138\" text-anchor=\"end\">%s</text>",
				    10 + n * bw, l);
		}
	}
	strbuf_addstr(sb, "</svg>");
}

/* ---- the home page ---------------------------------------------------- */

static void add_streaks(struct strbuf *out, const struct nav_index *x, int64_t today)
{
	struct nav_streaks s;
	char a[16], b[16];

	nav_streaks(x, today, &s);
	strbuf_addstr(out, "<div class=\"card\" id=\"streaks\"><h2>Streaks</h2>");
	if (!s.longest) {
		strbuf_addstr(out, "<p class=\"note\">No plays yet.</p></div>");
		return;
	}
	html_date(s.longest_from, a);
	html_date(s.longest_from + s.longest - 1, b);
	strbuf_addf(out, "<p>Longest: <b id=\"longest-streak\">%d</b> day%s in a row, "
		    "<a href=\"day-%s.html\">%s</a> to <a href=\"day-%s.html\">%s</a>.</p>",
		    s.longest, s.longest == 1 ? "" : "s", a, a, b, b);
	if (s.current) {
		html_date(s.current_from, a);
		strbuf_addf(out, "<p>Current: <b id=\"current-streak\">%d</b> day%s, since "
			    "<a href=\"day-%s.html\">%s</a>.</p>", s.current,
			    s.current == 1 ? "" : "s", a, a);
	} else {
		strbuf_addstr(out, "<p>Current: <b id=\"current-streak\">0</b> days (nothing "
			      "played yesterday or today).</p>");
	}
	strbuf_addstr(out, "</div>");
}

static void add_on_this_day(struct strbuf *out, const struct nav_index *x, int64_t today)
{
	struct nav_on_day v[50];
	char date[16];
	int n = nav_on_this_day(x, today, v, 50);

	html_date(today, date);
	strbuf_addf(out, "<div class=\"card\" id=\"on-this-day\"><h2>On this day, %s, in "
		    "earlier years</h2>", date + 5);
	if (!n)
		strbuf_addstr(out, "<p class=\"note\">Nothing played on this date before.</p>");
	strbuf_addstr(out, "<ul>");
	for (int i = 0; i < n; i++) {
		html_date(v[i].day, date);
		strbuf_addf(out, "<li><a href=\"day-%s.html\">%s</a>: %d play%s, %.1f min</li>",
			    date, date, v[i].plays, v[i].plays == 1 ? "" : "s",
			    (double)v[i].ms / 60000.0);
	}
	strbuf_addstr(out, "</ul></div>");
}

enum page_status page_home(struct pages *p, const struct route_args *a,
			   struct strbuf *out, struct strbuf *err)
{
	static const char end[] = "</main></body></html>\n";
	const struct nav_index *x = pages_nav(p, err);
	int64_t today = time_local_day(time_now_ms());

	(void)a;
	if (!x)
		return PAGE_ERROR;
	html_index(p->years, p->nyears, out);
	/* html_index draws the years; the navigation goes inside its <main>. */
	if (out->len >= sizeof(end) - 1 &&
	    !strcmp(out->buf + out->len - (sizeof(end) - 1), end))
		strbuf_setlen(out, out->len - (sizeof(end) - 1));
	strbuf_addstr(out, "<p><a href=\"alltime.html\">All time: top tracks, artists and "
		      "albums</a></p>");
	if (!p->static_site)
		page_nav_search_form(out, NULL);
	strbuf_addstr(out, "<div class=\"cols\">");
	add_streaks(out, x, today);
	add_on_this_day(out, x, today);
	strbuf_addstr(out, "</div>");
	html_page_end(out);
	return PAGE_OK;
}

/* ---- what the site writes -------------------------------------------- */

static void push(struct route_args **v, int *n, int *alloc, const struct route_args *a)
{
	if (*n == *alloc) {
		*alloc = *alloc ? *alloc * 2 : 256;
		*v = xrealloc(*v, (size_t)*alloc * sizeof(**v));
	}
	(*v)[(*n)++] = *a;
}

static void each_group(const struct nav_group *g, int ng, struct route_args **v, int *n,
		       int *alloc)
{
	for (int i = 0; i < ng; i++) {
		struct route_args a = { 0 };
		if (!g[i].plays || strlen(g[i].key) >= sizeof(a.id))
			continue;
		memcpy(a.id, g[i].key, strlen(g[i].key) + 1);
		if (covers_id_ok(a.id))
			push(v, n, alloc, &a);
	}
}

int page_nav_each(struct pages *p, enum route_each each, struct route_args **v, int *n,
		  struct strbuf *err)
{
	const struct nav_index *x = pages_nav(p, err);
	int alloc = 0;
	int64_t last = INT64_MIN;

	*v = NULL;
	*n = 0;
	if (!x)
		return -1;
	if (each == ROUTE_EACH_ARTIST)
		each_group(x->a, x->na, v, n, &alloc);
	if (each == ROUTE_EACH_ALBUM)
		each_group(x->b, x->nb, v, n, &alloc);
	for (int i = 0; (each == ROUTE_EACH_WEEK || each == ROUTE_EACH_MONTH) && i < x->ndays;
	     i++) {
		int64_t d = x->first_day + i, key;
		int y, m, dd;
		if (!x->day_plays[i])
			continue;
		time_civil_from_days(d, &y, &m, &dd);
		key = each == ROUTE_EACH_WEEK ? links_monday(d) : time_days_from_civil(y, m, 1);
		if (key == last)
			continue;
		last = key;
		struct route_args a = { .year = y, .day = key };
		push(v, n, &alloc, &a);
	}
	return 0;
}
