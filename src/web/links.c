#include "web/links.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/xalloc.h"
#include "web/html.h"
#include "core/banned.h"

static void bdi_n(struct strbuf *sb, const char *name, size_t n)
{
	strbuf_addstr(sb, "<bdi>");
	strbuf_add_html_n(sb, name, n);
	strbuf_addstr(sb, "</bdi>");
}

static void bdi(struct strbuf *sb, const char *name)
{
	bdi_n(sb, name, strlen(name));
}

/* The artist link of name[0..n), key the artist's (NULL: no link). */
static void artist_n(struct strbuf *sb, const struct nav_index *nav, const char *key,
		     const char *name, size_t n)
{
	if (!nav || !key || !nav_artist_page(nav, key)) {
		bdi_n(sb, name, n);
		return;
	}
	strbuf_addstr(sb, "<a href=\"artist-");
	strbuf_addstr(sb, key); /* nav_artist_page: [A-Za-z0-9] */
	strbuf_addstr(sb, ".html\">");
	bdi_n(sb, name, n);
	strbuf_addstr(sb, "</a>");
}

void links_artist(struct strbuf *sb, const struct nav_index *nav, const char *key,
		  const char *name)
{
	artist_n(sb, nav, key, name, strlen(name));
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

int links_track_index(const struct nav_index *nav, const char *track_id)
{
	return nav && track_id && track_id[0] ? nav_track_of(nav, track_id) : -1;
}

/* Day pages: a day's hundreds of rows drew 1.7 ms CPU a page at 1M plays,
 * 22% in here: one lookup of the track per row, no copy of each name. */
void links_track_artists_at(struct strbuf *sb, const struct nav_index *nav, int ti,
			    const char *names)
{
	int n = 1, k = 0;
	for (const char *p = names; (p = strstr(p, ", ")); p += 2)
		n++;
	if (ti >= 0 && nav->t[ti].nartists != n)
		ti = -1;
	strbuf_addstr(sb, "<span class=\"artist\">");
	for (const char *p = names; *p; k++) {
		const char *e = strstr(p, ", ");
		size_t len = e ? (size_t)(e - p) : strlen(p);
		artist_n(sb, nav, ti >= 0 ? nav->a[nav->t[ti].artists[k]].key : NULL, p, len);
		if (!e)
			break;
		strbuf_addstr(sb, ", ");
		p = e + 2;
	}
	strbuf_addstr(sb, "</span>");
}

void links_track_artists(struct strbuf *sb, const struct nav_index *nav,
			 const char *track_id, const char *names)
{
	links_track_artists_at(sb, nav, links_track_index(nav, track_id), names);
}

const char *links_track_album(const struct nav_index *nav, const char *track_id)
{
	return links_track_album_at(nav, links_track_index(nav, track_id));
}

const char *links_track_album_at(const struct nav_index *nav, int ti)
{
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
