/*
 * The dashboard's route table: every page, API answer and file that `serve`
 * answers and `site` writes is one row {pattern, function, cache rule, how
 * the site enumerates it}. The server resolves a request path through the
 * table (route_match, then route_render); the site walks the same rows and
 * writes one file per instance (route_path names it). Adding a page is one
 * function and one row in routes.c.
 *
 * A pattern is a path with at most one typed argument, and optionally one
 * query argument: "/day-%D.html", "/track-%T.html", "/api/calendar?year=%Y".
 *   %Y  a year, exactly four digits from 1970 (in a query: optional, absent
 *       is the latest year with plays)
 *   %D  a local date YYYY-MM-DD that exists (in a query: required)
 *   %T  a track id as the store keys it: 1-64 base-62 characters
 *   %F  the rest of the path, unchecked (the cover cache checks file names)
 *   %U  an account name: 1-64 bytes, no '/' (the ListenBrainz API's users)
 *   %I  an artist or album id: 1-64 base-62 characters
 *   %M  a month YYYY-MM
 *   %R  (query only) a date range: from=YYYY-MM-DD and/or to=YYYY-MM-DD, both
 *       days included; neither given means the row is not this request's
 *       (the next row with the same path answers)
 *   %Q  (query only) a search text of at most SEARCH_QUERY_MAX bytes, optional
 * A year or date in the path that does not parse means the path is not this
 * row's (404); a bad track id, or a bad query argument, is a 400.
 *
 * Everything here is pure except route_render, which borrows the pages (and
 * so shares their rule: one caller at a time). route_args.file borrows the
 * path given to route_match.
 */
#ifndef WEB_ROUTES_H
#define WEB_ROUTES_H

#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"
#include "web/pages.h"

/* The typed arguments of a route, parsed once. */
struct route_args {
	int year;         /* %Y; 0 when an optional year is absent */
	int64_t day;      /* %D: a local day number */
	char id[65];      /* %T */
	const char *file; /* %F: borrowed from the path */
	char user[65];    /* %U */
	int64_t from_day, to_day; /* %R: local days [from, to), INT64_MIN/MAX open */
	const char *q;    /* %Q: borrowed from the request, NULL when absent */
};

enum route_cache {
	ROUTE_KEEP, /* rendered once, kept in memory until the store or the covers change */
	ROUTE_FILE, /* a file of the cover cache, sent from disk (max-age one day) */
	ROUTE_LISTENBRAINZ, /* the ListenBrainz API (web/listenbrainz.h): never kept */
};

#define ROUTE_PNG 2 /* route.json of an image (its errors are HTML pages) */

/* How the site enumerates a row's instances. */
enum route_each {
	ROUTE_SERVE_ONLY,  /* not a file of the site */
	ROUTE_ONCE,        /* one file */
	ROUTE_EACH_YEAR,   /* one file per year */
	ROUTE_YEARS_ARRAY, /* site only: one JSON file, an array of fn's object per year */
	ROUTE_EACH_DAY,    /* one file per day with plays */
	ROUTE_EACH_TRACK,  /* one file per track a page links to (pages.linked) */
	ROUTE_EACH_COVER,  /* one file per cached cover (fn is NULL: the file is copied) */
	ROUTE_EACH_ARTIST, /* one file per artist with counted plays (web/page_nav.c) */
	ROUTE_EACH_ALBUM,  /* one file per album with counted plays */
	ROUTE_EACH_WEEK,   /* one file per week with plays (a: its Monday) */
	ROUTE_EACH_MONTH,  /* one file per month with plays */
};

/*
 * Appends the answer for a to out: PAGE_OK, or another status with the
 * reason in err (the caller then shows an error page instead).
 */
typedef enum page_status route_fn(struct pages *p, const struct route_args *a,
				  struct strbuf *out, struct strbuf *err);

struct route {
	const char *pattern;
	route_fn *fn;
	int json; /* 1: answers application/json, ROUTE_PNG: image/png, 0: text/html */
	enum route_cache cache;
	enum route_each each;
};

extern const struct route routes[];
extern const size_t routes_count;

/* A request's query argument by name, NULL when absent. */
typedef const char *route_query_fn(void *cls, const char *name);

/*
 * Finds the row of path (query may be NULL: no arguments) and parses its
 * arguments. PAGE_OK with *r and *a set; else PAGE_NOT_FOUND or
 * PAGE_BAD_REQUEST with *why, a message for route_fail. Rows the server
 * does not answer (ROUTE_YEARS_ARRAY) never match.
 */
enum page_status route_match(const char *path, route_query_fn *query, void *cls,
			     const struct route **r, struct route_args *a,
			     const char **why);
/* The path of one instance ("/day-2025-01-01.html"); 0, or -1 when it does not fit. */
int route_path(const struct route *r, const struct route_args *a, char *buf, size_t len);
/* 1 when the name at the top of a site folder is one a site writes. */
int route_site_name(const char *name);

/*
 * Renders one instance into out (reset first): the page, or an error page
 * when fn fails. Sets *ctype; returns fn's status.
 */
enum page_status route_render(struct pages *p, const struct route *r,
			      const struct route_args *a, struct strbuf *out,
			      const char **ctype);
/* An error page (JSON {"error":msg} or HTML) in out; returns st. */
enum page_status route_fail(enum page_status st, int json, const char *msg,
			    struct strbuf *out, const char **ctype);
/* route_match, then route_render or route_fail (a ROUTE_FILE row is a 404 here). */
enum page_status route_answer(struct pages *p, const char *path, route_query_fn *query,
			      void *cls, struct strbuf *out, const char **ctype);

#endif
