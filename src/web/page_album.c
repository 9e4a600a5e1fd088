/* album-<id>.html: an album's plays over time, top tracks, first and last listen, rank. */
#include "web/page_nav.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "web/html.h"
#include "web/links.h"
#include "core/banned.h"

/* The album's artists, each linked to its page. */
static void album_artists(struct strbuf *out, const struct nav_index *x,
			  const struct nav_group_page *g)
{
	int k = 0;
	strbuf_addstr(out, "<p><span class=\"artist\">");
	for (const char *s = g->sub; *s; k++) {
		const char *e = strstr(s, ", ");
		size_t n = e ? (size_t)(e - s) : strlen(s);
		char *one = xstrndup(s, n);
		if (g->nartist_ids == 0 || k >= g->nartist_ids)
			links_artist(out, NULL, "", one);
		else
			links_artist(out, x, g->artist_ids[k], one);
		free(one);
		if (!e)
			break;
		strbuf_addstr(out, ", ");
		s = e + 2;
	}
	strbuf_addstr(out, "</span></p>");
}

enum page_status page_album(struct pages *p, const struct route_args *a,
			    struct strbuf *out, struct strbuf *err)
{
	struct nav_index *x = pages_nav(p, err);
	struct nav_group_page g;
	char cover[128];
	int rc = x ? nav_album(x, p->store, a->id, &g, err) : -1;

	if (rc < 0)
		return PAGE_ERROR;
	if (!rc || !nav_album_page(x, a->id)) {
		if (rc)
			nav_group_page_release(&g);
		strbuf_addstr(err, "no such album (or no counted plays)");
		return PAGE_NOT_FOUND;
	}
	html_page_start(out, "Album", g.name, p->years, p->nyears);
	strbuf_addstr(out, "<div class=\"card\">");
	if (covers_find(&p->covers, a->id, cover, sizeof(cover))) {
		strbuf_addf(out, "<img class=\"cover\" src=\"covers/%s\" alt=\"", cover);
		strbuf_add_html(out, g.name);
		strbuf_addstr(out, "\">");
	}
	strbuf_addstr(out, "<h1><span class=\"album\" dir=\"auto\">");
	strbuf_add_html(out, g.name);
	strbuf_addstr(out, "</span></h1>");
	album_artists(out, x, &g);
	strbuf_addstr(out, "<div style=\"clear:both\"></div></div>");
	page_group_body(p, x, &g, "albums", out);
	html_page_end(out);
	nav_group_page_release(&g);
	return PAGE_OK;
}
