/*
 * The router shared by the server and the static site: a request path (and
 * its year/date arguments) to the bytes of a page or an API answer. Keeps
 * the list of years and the last computed year (the calendar and the year in
 * review of one year share one report pass). Not thread-safe: the server
 * serialises calls. pages_init borrows st; pages_release frees the rest.
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
};

enum page_status { PAGE_OK = 200, PAGE_BAD_REQUEST = 400, PAGE_NOT_FOUND = 404,
		   PAGE_ERROR = 500 };

int pages_init(struct pages *p, struct store *st, const char *data_dir,
	       long long min_ms_played, struct strbuf *err);
void pages_release(struct pages *p);
/* Forgets cached reports and rereads the years (after the data changed). */
int pages_invalidate(struct pages *p, struct strbuf *err);
/* Parses all of s as a decimal number within lo..hi: 0, or -1 (a usage error). */
int pages_arg_int(const char *s, int lo, int hi, int *out);

/* The report of a year, computed or reused; borrowed until the next call. */
const struct report_year *pages_year(struct pages *p, int year, struct strbuf *err);

/*
 * Renders path. year and date are the query arguments (NULL when absent).
 * Sets *ctype to the content type; returns a page_status, with a page
 * (HTML or JSON, matching the path) in out also for errors.
 */
enum page_status pages_render(struct pages *p, const char *path, const char *year,
			      const char *date, struct strbuf *out, const char **ctype);

#endif
