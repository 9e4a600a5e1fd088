/*
 * Links between the pages of navigation (artist-<id>.html,
 * album-<id>.html, week-, month-, day- pages), decided from the history
 * (report/nav.h) so that a link is drawn only to a page that exists: the
 * static site writes a page for every artist and album with counted plays,
 * and the server answers the same ones. Every name is escaped
 * (strbuf_add_html) and isolated (<bdi>, dir="auto"). nav may be NULL:
 * then names are drawn without links. Functions append to sb.
 */
#ifndef WEB_LINKS_H
#define WEB_LINKS_H

#include "core/strbuf.h"
#include "report/nav.h"

/* <a href="artist-KEY.html"><bdi>name</bdi></a>, or the <bdi> alone. */
void links_artist(struct strbuf *sb, const struct nav_index *nav, const char *key,
		  const char *name);
void links_album(struct strbuf *sb, const struct nav_index *nav, const char *key,
		 const char *name);
/*
 * A track's artists, names joined with ", " as report_track.artists holds
 * them, each linked to its page when the catalog's artists of the track are
 * as many as the names (a name holding ", " then goes without links).
 */
void links_track_artists(struct strbuf *sb, const struct nav_index *nav,
			 const char *track_id, const char *names);
/* The album key of a track in the history, NULL when none. */
const char *links_track_album(const struct nav_index *nav, const char *track_id);
/* The same two by the track's index in nav (links_track_index; -1: none),
 * for a page that asks both of one track. */
int links_track_index(const struct nav_index *nav, const char *track_id);
void links_track_artists_at(struct strbuf *sb, const struct nav_index *nav, int ti,
			    const char *names);
const char *links_track_album_at(const struct nav_index *nav, int ti);
/* The Monday of the week of a local day number. */
int64_t links_monday(int64_t day);
/* The day page's links: the days before and after with plays, its week, month
 * and calendar, and the same date in earlier years. */
void links_day_nav(struct strbuf *sb, const struct nav_index *nav, int64_t day);

#endif
