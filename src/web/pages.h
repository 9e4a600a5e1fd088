/*
 * What the pages of the route table (web/routes.h) share, for the server and
 * the static site alike: the store, the covers, the list of years and the
 * last computed year (the calendar and the year in review of one year share
 * one report pass). Not thread-safe: the server serialises calls. pages_init
 * borrows st; pages_release frees the rest.
 */
#ifndef WEB_PAGES_H
#define WEB_PAGES_H

#include "core/strbuf.h"
#include "report/report.h"
#include "web/covers.h"

struct pages {
	struct store *store;
	struct covers covers;
	struct report_options opt;
	struct report_cache cache;
	int *years;
	int nyears;
	int have_year;
	struct report_year last;
	/* Called with each track id a rendered page links to (the site writes
	 * those track pages); NULL when nobody asks. */
	void (*linked)(void *arg, const char *track_id);
	void *linked_arg;
	/* The history as a whole (report/nav.h), built on first use by
	 * pages_nav and forgotten with the rest (web/page_nav.c). */
	struct nav_index *nav;
	int nav_borrowed; /* nav is another pages' (the site's second thread): not freed */
	int static_site;  /* the pages are files of a site: no search form */
	const char *base_url; /* the site's --base-url (web/site.c), borrowed; NULL none */
};

enum page_status { PAGE_OK = 200, PAGE_BAD_REQUEST = 400, PAGE_NOT_FOUND = 404,
		   PAGE_ERROR = 500 };

/* The pages of every account's plays. */
int pages_init(struct pages *p, struct store *st, const char *data_dir,
	       long long min_ms_played, struct strbuf *err);
/* The pages of one account's plays (0: every account's); strict: one
 * listener among several, so no page shows what only others played. */
int pages_init_for(struct pages *p, struct store *st, const char *data_dir,
		   long long min_ms_played, int64_t account_id, int strict,
		   struct strbuf *err);
void pages_release(struct pages *p);
/* Forgets cached reports and rereads the years (after the data changed). */
int pages_invalidate(struct pages *p, struct strbuf *err);
/* Parses all of s as a decimal number within lo..hi: 0, or -1 (a usage error). */
int pages_arg_int(const char *s, int lo, int hi, int *out);

/* The history (report/nav.h), built or reused; borrowed until invalidated. */
struct nav_index *pages_nav(struct pages *p, struct strbuf *err);
/* Drops it (pages_invalidate and pages_release do). */
void pages_nav_forget(struct pages *p);
/*
 * 1 when a file of the covers folder ("ID.jpg": an album's cover or an
 * artist's image) may be shown with p's pages: always, unless p is strict
 * (one listener among several, issue 12), where only the covers of albums
 * and the images of artists with a page (counted plays of that listener).
 */
int pages_cover_shown(struct pages *p, const char *file);
/* Tells the site (pages.linked) that a page links to a track's page. */
void pages_link_track(struct pages *p, const char *track_id);

/* The report of a year, computed or reused; borrowed until the next call. */
const struct report_year *pages_year(struct pages *p, int year, struct strbuf *err);

#endif
