/*
 * search.html?q=: tracks, artists and albums by name (report/search.h), a
 * GET form and a results page, no script. Server only: a static site
 * cannot answer a query without script, so the site has no form (its home
 * page and all-time page list what a search would reach).
 */
#include "web/page_nav.h"

#include <stdio.h>
#include <string.h>

#include "web/html.h"
#include "web/links.h"
#include "core/banned.h"

void page_nav_search_form(struct strbuf *out, const char *q)
{
	strbuf_addstr(out, "<form class=\"search\" method=\"get\" action=\"search.html\" "
		      "role=\"search\"><input type=\"search\" name=\"q\" maxlength=\"200\" "
		      "placeholder=\"track, artist or album\" aria-label=\"search\" value=\"");
	strbuf_add_html(out, q ? q : "");
	strbuf_addstr(out, "\"><button>search</button></form>");
}

static void hits(struct pages *p, const struct nav_index *x, const struct search_result *r,
		 int k, struct strbuf *out)
{
	static const char *const titles[3] = { "Tracks", "Artists", "Albums" };
	static const char *const ids[3] = { "hits-tracks", "hits-artists", "hits-albums" };

	strbuf_addf(out, "<div class=\"card\" id=\"%s\"><h2>%s</h2>", ids[k], titles[k]);
	if (!r->n[k])
		strbuf_addstr(out, "<p class=\"note\">none</p>");
	strbuf_addstr(out, "<ul>");
	for (int i = 0; i < r->n[k]; i++) {
		const struct search_hit *h = &r->hits[k][i];
		strbuf_addstr(out, "<li>");
		if (k == NAV_TRACKS && covers_id_ok(h->id)) {
			pages_link_track(p, h->id);
			strbuf_addf(out, "<a href=\"track-%s.html\"><bdi>", h->id);
			strbuf_add_html(out, h->name);
			strbuf_addstr(out, "</bdi></a>");
		} else if (k == NAV_ARTISTS) {
			links_artist(out, x, h->id, h->name);
		} else {
			links_album(out, x, h->id, h->name);
		}
		strbuf_addf(out, " <span class=\"sub\">%d play%s</span></li>", h->plays,
			    h->plays == 1 ? "" : "s");
	}
	strbuf_addstr(out, "</ul>");
	if (r->more[k])
		strbuf_addf(out, "<p class=\"note\">and %d more: try more words.</p>", r->more[k]);
	strbuf_addstr(out, "</div>");
}

enum page_status page_search(struct pages *p, const struct route_args *a,
			     struct strbuf *out, struct strbuf *err)
{
	struct nav_index *x = pages_nav(p, err);
	struct search_result r;

	if (!x)
		return PAGE_ERROR;
	html_page_start(out, "Search", a->q, p->years, p->nyears);
	strbuf_addstr(out, "<h1>Search</h1>");
	page_nav_search_form(out, a->q);
	if (a->q && a->q[0]) {
		if (search_run(x, p->store, a->q, &r, err))
			return PAGE_ERROR;
		strbuf_addstr(out, "<div class=\"cols\">");
		for (int k = 0; k < 3; k++)
			hits(p, x, &r, k, out);
		strbuf_addstr(out, "</div>");
		search_result_release(&r);
	}
	html_page_end(out);
	return PAGE_OK;
}
