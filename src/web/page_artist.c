/* artist-<id>.html: an artist's plays over time, top tracks, first and last listen, rank. */
#include "web/page_nav.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/html.h"
#include "web/links.h"
#include "core/banned.h"

static void month_label(void *arg, int i, char buf[32])
{
	const struct nav_group_page *g = arg;
	int ym = g->month0 + i;
	snprintf(buf, 32, "%04d-%02d", ym / 12, ym % 12 + 1);
}

static const char *month_href(void *arg, int i, char buf[64])
{
	const struct nav_group_page *g = arg;
	int ym = g->month0 + i;
	snprintf(buf, 64, "month-%04d-%02d.html", ym / 12, ym % 12 + 1);
	return buf;
}

void page_group_body(struct pages *p, const struct nav_index *x,
		     const struct nav_group_page *g, const char *what, struct strbuf *out)
{
	strbuf_addf(out, "<div class=\"stats\"><div class=\"stat\"><b id=\"rank\">#%d</b>of %d "
		    "%s, all time</div><div class=\"stat\"><b id=\"plays\">%d</b>plays</div>"
		    "<div class=\"stat\"><b id=\"minutes\">%.1f</b>minutes</div>"
		    "<div class=\"stat\"><b>%d</b>tracks played</div></div>",
		    g->rank, g->nranked, what, g->plays, (double)g->ms / 60000.0,
		    g->ntracks_played);
	strbuf_addstr(out, "<p>First listen: <span id=\"first\">");
	page_nav_when(out, g->first_ms);
	strbuf_addstr(out, "</span> · last listen: <span id=\"last\">");
	page_nav_when(out, g->last_ms);
	strbuf_addstr(out, "</span></p><div class=\"card\"><h2>Plays per month</h2>");
	page_nav_bars(out, "month", g->month_plays, g->month_ms, g->nmonths, month_label,
		      (void *)g, month_href);
	strbuf_addstr(out, "</div>");
	for (int i = 0; i < g->ntop_tracks; i++)
		pages_link_track(p, g->top_tracks[i].key);
	html_rank_list(out, "Top tracks", g->top_tracks, g->ntop_tracks, 0, x, &p->covers);
}

enum page_status page_artist(struct pages *p, const struct route_args *a,
			     struct strbuf *out, struct strbuf *err)
{
	struct nav_index *x = pages_nav(p, err);
	struct nav_group_page g;
	int rc = x ? nav_artist(x, p->store, a->id, &g, err) : -1;

	if (rc < 0)
		return PAGE_ERROR;
	if (!rc || !nav_artist_page(x, a->id)) {
		if (rc)
			nav_group_page_release(&g);
		strbuf_addstr(err, "no such artist (or no counted plays)");
		return PAGE_NOT_FOUND;
	}
	html_page_start(out, "Artist", g.name, p->years, p->nyears);
	html_artist_image(out, &p->covers, a->id, g.name);
	strbuf_addstr(out, "<h1><span class=\"artist\" dir=\"auto\">");
	strbuf_add_html(out, g.name);
	strbuf_addstr(out, "</span></h1>");
	page_group_body(p, x, &g, "artists", out);
	html_page_end(out);
	nav_group_page_release(&g);
	return PAGE_OK;
}
