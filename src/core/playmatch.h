/*
 * The parts of the merge rule (pipeline/merge.h states it whole) that both
 * the importer and the store's engines apply: the tolerances of a match, and
 * the normalised artist+title key that plays without a Spotify id are
 * matched by. Pure functions; strings are borrowed for the call.
 */
#ifndef CORE_PLAYMATCH_H
#define CORE_PLAYMATCH_H

#include <stddef.h>
#include <stdint.h>

/* Spotify id matches: end times within 30 s (API ms vs export seconds). */
#define PLAYMATCH_TOL_ID_MS 30000
/* Name matches against account data's minute: the same or the next minute. */
#define PLAYMATCH_TOL_NAME_MS 60000

/*
 * Hash of artist and title, each casefolded (ASCII), trimmed, white space
 * runs collapsed to one space; never 0 unless both are empty. Stored with
 * plays (name_key), so it must never change for the same input.
 */
uint64_t playmatch_namekey(const char *artist, size_t alen, const char *title,
			   size_t tlen);
/* The API's artist list "A, B": keys of the whole list and of "A". */
void playmatch_api_namekeys(const char *artist, const char *title,
			    uint64_t k[2]);

#endif
