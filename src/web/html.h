/*
 * The dashboard's pages as HTML with inline SVG charts, drawn from report
 * structs. Pages read without JavaScript. Every page lives at the top level
 * with a flat name (index.html, calendar-2024.html, year-2024.html,
 * day-2024-05-01.html, track-<id>.html, coverage-2024.html) and links only
 * relatively, so the server and the static site serve the same bytes and the
 * site opens from file://. Covers are linked as covers/<album_id>.<ext>.
 * Every name goes through strbuf_add_html; name elements carry dir="auto".
 * Functions append to out.
 */
#ifndef WEB_HTML_H
#define WEB_HTML_H

#include "core/strbuf.h"
#include "report/nav.h"
#include "report/report.h"
#include "web/covers.h"

void html_index(const int *years, int nyears, struct strbuf *out);
void html_calendar(const struct report_year *y, const struct covers *c,
		   const int *years, int nyears, struct strbuf *out);
/* nav (may be NULL: no links) links artists and albums to their pages. */
void html_year(const struct report_year *y, const struct covers *c,
	       const int *years, int nyears, const struct nav_index *nav,
	       struct strbuf *out);
void html_day(int64_t day, const struct report_plays *p, const struct nav_index *nav,
	      struct strbuf *out);
void html_track(const struct report_track_page *t, const struct covers *c,
		const struct nav_index *nav, struct strbuf *out);
void html_coverage(const struct report_coverage *cv, const int *years,
		   int nyears, struct strbuf *out);
/* The frame every page shares (for the navigation pages, web/page_*.c). */
void html_page_start(struct strbuf *sb, const char *title_prefix, const char *title,
		     const int *years, int nyears);
void html_page_end(struct strbuf *sb);
/* A card with a ranked list; kind 0 tracks, 1 plain names, 2 artists, 3 albums.
 * With covers (c not NULL) each track, artist and album entry shows its
 * picture as the year page's lists do (a track's album found through nav);
 * NULL draws the list without pictures. */
void html_rank_list(struct strbuf *sb, const char *title, const struct report_rank *r,
		    int n, int kind, const struct nav_index *nav, const struct covers *c);
/* A page saying what was not found, with a link home. */
void html_not_found(const char *what, struct strbuf *out);

/* The initials of a name (first letter of up to two words), UTF-8 aware. */
/* An artist's image (covers/<artist_id>.<ext>, alt the name) beside the
 * page's heading, or a round tile with the name's initials. */
void html_artist_image(struct strbuf *sb, const struct covers *c, const char *artist_id,
		       const char *name);
void html_initials(const char *name, char *buf, size_t len);
/* "YYYY-MM-DD" of a local day number. */
void html_date(int64_t day, char buf[16]);

#endif
