/*
 * Search over the catalog's track, artist and album names: every word of the
 * query must occur in the name, compared casefolded and without accents
 * (utf8proc: NFKD, case folding, marks stripped), so "beyonce" finds
 * "Beyoncé" and "ROSES" finds "Guns N' Roses". Results are ordered by
 * counted plays (struct nav_index), then name. Strings are owned by the
 * result; release with search_result_release.
 */
#ifndef REPORT_SEARCH_H
#define REPORT_SEARCH_H

#include "core/strbuf.h"
#include "report/nav.h"
#include "store/store.h"

#define SEARCH_MAX 50 /* per kind */
#define SEARCH_QUERY_MAX 200 /* bytes of the query */

struct search_hit {
	char *id, *name;
	int plays;
};

struct search_result {
	struct search_hit hits[3][SEARCH_MAX]; /* by enum store_nav_kind */
	int n[3];
	int more[3]; /* hits past SEARCH_MAX */
};

/* The normalised form of s (new string): what search compares. */
char *search_fold(const char *s);
/* 0, or -1 with err. A query with no words finds nothing. */
int search_run(struct nav_index *x, struct store *st, const char *query,
	       struct search_result *out, struct strbuf *err);
void search_result_release(struct search_result *r);

#endif
