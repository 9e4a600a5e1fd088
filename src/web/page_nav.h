/*
 * The navigation pages of issue 11, one file each, as rows of the route
 * table (web/routes.c): home (index.html, with streaks and "on this day"),
 * artist-<id>.html, album-<id>.html, alltime.html (and any range with
 * ?from=&to= on the server), week-<monday>.html, month-<YYYY-MM>.html,
 * search.html?q= (server only: a static site cannot search without
 * script), and /api/summary?from=&to=. They share the history of pages_nav
 * (report/nav.h). Route functions follow route_fn's rules.
 */
#ifndef WEB_PAGE_NAV_H
#define WEB_PAGE_NAV_H

#include "report/nav.h"
#include "report/search.h"
#include "web/routes.h"

route_fn page_home, page_artist, page_album, page_range, page_week, page_month,
	page_search, api_range_of;

/*
 * The instances of a ROUTE_EACH_ARTIST/ALBUM/WEEK/MONTH row for the site:
 * a new array in *v (freed by the caller), its length in *n. 0, or -1.
 */
int page_nav_each(struct pages *p, enum route_each each, struct route_args **v, int *n,
		  struct strbuf *err);

/* Shared by the pages: plays per bar as an SVG chart, label(i) under each
 * bar's title; the first and last labels below the chart. */
void page_nav_bars(struct strbuf *sb, const char *what, const int *plays,
		   const int64_t *ms, int n, void (*label)(void *arg, int i, char buf[32]),
		   void *arg, const char *(*href)(void *arg, int i, char buf[64]));
/* The body the artist and album pages share, after their own heading. */
void page_group_body(struct pages *p, const struct nav_index *x,
		     const struct nav_group_page *g, const char *what, struct strbuf *out);
/* The GET form of search.html (server only). */
void page_nav_search_form(struct strbuf *out, const char *q);
/* "YYYY-MM-DD HH:MM" of ms, linked to its day page. */
void page_nav_when(struct strbuf *sb, int64_t ms);

#endif
