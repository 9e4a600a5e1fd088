/*
 * The store's half of the merge rule (pipeline/merge.h has the whole rule
 * and doc/import.md states it): the tolerances, the normalised-name key,
 * and the hook through which an API play merges into a play an import
 * stored before the collector saw it. Strings are borrowed for the call.
 */
#ifndef STORE_PLAYMERGE_H
#define STORE_PLAYMERGE_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "store/plays.h"

/* Spotify id matches: end times within 30 s (API ms vs export seconds). */
#define PLAYMERGE_TOL_ID_MS 30000
/* Name matches against account data's minute: the same or the next minute. */
#define PLAYMERGE_TOL_NAME_MS 60000

/*
 * Hash of artist and title, each casefolded (ASCII), trimmed, white space
 * runs collapsed to one space; never 0 unless both are empty.
 */
uint64_t playmerge_namekey(const char *artist, size_t alen, const char *title,
			   size_t tlen);
/* The API's artist list "A, B": keys of the whole list and of "A". */
void playmerge_api_namekeys(const char *artist, const char *title,
			    uint64_t k[2]);

/*
 * If an imported play without SRC_API matches p (same track id within
 * PLAYMERGE_TOL_ID_MS, or for rows without an id the same names within the
 * minute rule; nearest first), the row takes p's millisecond end time, SRC_API
 * and the names and context it lacked. Returns 1 when merged, 0 when not
 * (also when the API play is already stored), -1 on a database error.
 */
int playmerge_api(sqlite3 *db, int64_t account_id, int64_t page_id,
		  const struct api_play *p);

#endif
