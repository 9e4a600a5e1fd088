#include "web/links.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/xalloc.h"
#include "web/html.h"
#include "core/banned.h"

static void bdi(struct strbuf *sb, const char *name)
{
	strbuf_addstr(sb, "<bdi>");
	strbuf_add_html(sb, name);
	strbuf_addstr(sb, "</bdi>");
}

void links_artist(struct strbuf *sb, const struct nav_index *nav, const char *key,
		  const char *name)
{
	if (!nav || !nav_artist_page(nav, key)) {
		bdi(sb, name);
		return;
	}
	strbuf_addf(sb, "<a href=\"artist-%s.html\">", key); /* nav_artist_page: [A-Za-z0-9] */
	bdi(sb, name);
	strbuf_addstr(sb, "</a>");
}

void links_album(struct strbuf *sb, const struct nav_index *nav, const char *key,
		 const char *name)
{
	if (!nav || !nav_album_page(nav, key)) {
		bdi(sb, name);
		return;
	}
	strbuf_addf(sb, "<a href=\"album-%s.html\">", key);
	bdi(sb, name);
	strbuf_addstr(sb, "</a>");
}

void links_track_artists(struct strbuf *sb, const struct nav_index *nav,
			 const char *track_id, const char *names)
{
	int ti = nav && track_id && track_id[0] ? nav_track_of(nav, track_id) : -1;
	int n = 1, k = 0;
	for (const char *p = names; (p = strstr(p, ", ")); p += 2)
		n++;
	if (ti >= 0 && nav->t[ti].nartists != n)
		ti = -1;
	strbuf_addstr(sb, "<span class=\"artist\">");
	for (const char *p = names; *p; k++) {
		const char *e = strstr(p, ", ");
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char *one = xstrndup(p, len);
		if (ti >= 0)
			links_artist(sb, nav, nav->a[nav->t[ti].artists[k]].key, one);
		else
			bdi(sb, one);
		free(one);
		if (!e)
			break;
		strbuf_addstr(sb, ", ");
		p = e + 2;
	}
	strbuf_addstr(sb, "</span>");
}

const char *links_track_album(const struct nav_index *nav, const char *track_id)
{
	int ti = nav && track_id && track_id[0] ? nav_track_of(nav, track_id) : -1;
	return ti >= 0 && nav->t[ti].album[0] ? nav->t[ti].album : NULL;
}

int64_t links_monday(int64_t day)
{
	return day - ((day + 3) % 7 + 7) % 7; /* 1970-01-01 was a Thursday */
}

void links_day_nav(struct strbuf *sb, const struct nav_index *nav, int64_t day)
{
	char date[16];
	int64_t d;
	int y, m, dd;

	strbuf_addstr(sb, "<nav class=\"pn\">");
	if (nav && !nav_day_step(nav, day, -1, &d)) {
		html_date(d, date);
		strbuf_addf(sb, "<a rel=\"prev\" href=\"day-%s.html\">« %s</a> ", date, date);
	}
	html_date(links_monday(day), date);
	time_civil_from_days(day, &y, &m, &dd);
	strbuf_addf(sb, "<a href=\"week-%s.html\">week</a> <a href=\"month-%04d-%02d.html\">"
		    "month</a> <a href=\"calendar-%d.html\">calendar of %d</a>", date, y, m, y, y);
	if (nav && !nav_day_step(nav, day, 1, &d)) {
		html_date(d, date);
		strbuf_addf(sb, " <a rel=\"next\" href=\"day-%s.html\">%s »</a>", date, date);
	}
	strbuf_addstr(sb, "</nav>");
	struct nav_on_day v[20];
	int n = nav ? nav_on_this_day(nav, day, v, 20) : 0;
	if (n)
		strbuf_addstr(sb, "<p class=\"note\" id=\"on-this-day\">On this day in earlier years:");
	for (int i = 0; i < n; i++) {
		html_date(v[i].day, date);
		strbuf_addf(sb, " <a href=\"day-%s.html\">%.4s</a> (%d play%s)", date, date,
			    v[i].plays, v[i].plays == 1 ? "" : "s");
	}
	if (n)
		strbuf_addstr(sb, "</p>");
}
