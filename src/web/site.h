/*
 * The dashboard as a static site: the same pages the server answers, as
 * flat files in one folder with relative links only (it opens from file://
 * with no server), the covers copied into covers/, plus calendar.json and
 * summary.json (arrays with one API object per year). Files are written
 * plainly (no fsync per file): a site is regenerated, not recovered. The
 * site is written into a new folder DIR.tmp-XXXXXX beside DIR and swapped
 * in at the end (renameat2 RENAME_EXCHANGE where the file system has it),
 * then the old pages are removed, so a re-run leaves no stale page and a
 * failed run leaves DIR as it was. DIR may be missing, empty or an earlier
 * site; a folder holding anything else is refused. Day and track pages are
 * written by two threads, the second on its own store handle (db_path).
 */
#ifndef WEB_SITE_H
#define WEB_SITE_H

#include <stdint.h>

#include "core/strbuf.h"
#include "web/pages.h"

struct site_options {
	const char *out_dir;  /* DIR */
	int year;       /* 0 = every year */
	const char *db_path;  /* the store's url: lets a second thread open its own handle */
	const char *data_dir; /* for that thread's covers */
	const char *base_url; /* where the site is published (no trailing '/'), NULL: relative only */
	/* Told how far the site is, now and then from one thread (NULL: not):
	 * what ("day pages", "track pages", ...) and done of total. */
	void (*progress)(void *arg, const char *what, int done, int total);
	void *progress_arg;
};

struct site_stats {
	int files;
	int written;    /* of those, written anew (the others are the last site's, unchanged) */
	int covers;
	int64_t ms_years;   /* calendars, reviews, coverage and day pages */
	int64_t ms_tracks;  /* track pages */
};

int site_write(struct pages *p, const struct site_options *o,
	       struct site_stats *stats, struct strbuf *err);

#endif
