/*
 * The merge rule: one listening event is stored once, whatever brought it
 * (recently-played, the extended streaming history, account data, the same
 * file twice, overlapping exports). doc/import.md states it for users.
 *
 *  1. Exact duplicates: a record whose fingerprint (import.h) was already
 *     seen in this import or is stored on a play is dropped.
 *  2. Extended export <-> API: same Spotify id (track or episode), end times
 *     within MERGE_TOL_ID_MS of each other (the export's second [ts, ts+1s)
 *     against the API's millisecond).
 *  3. Account data <-> anything without account data: same normalised
 *     artist+title (import_namekey), same kind (old account data mixing
 *     music and podcasts matches either), and the account data's minute
 *     [m, m+60s) within MERGE_TOL_NAME_MS of the other's end time: the same
 *     minute or the one next to it.
 *  Two events from the same source are never merged with each other. Pairs
 *  are taken greedily one-to-one, nearest first (then closest ms_played,
 *  then closest mid-points), so a track played twice in a row stays two
 *  events.
 *
 * A merged play keeps the finest end time (API ms over export seconds over
 * minutes), ms_played and the stream fields from the export, names from
 * wherever they are present, and ORs the sources bitmask.
 */
#ifndef PIPELINE_MERGE_H
#define PIPELINE_MERGE_H

#include <stddef.h>
#include <stdint.h>

#include "core/playmatch.h"

#define MERGE_TOL_ID_MS PLAYMATCH_TOL_ID_MS
#define MERGE_TOL_NAME_MS PLAYMATCH_TOL_NAME_MS

/* A candidate on either side of a match. */
struct merge_cand {
	uint64_t key;      /* id hash or namekey */
	int64_t t;         /* start of the end-time interval */
	int64_t prec;      /* its width: 1, 1000 or 60000 */
	int32_t ms_played; /* -1 when unknown */
	uint8_t kind;
	uint8_t unsure;    /* kind music-or-podcast (old account data) */
	uint32_t idx;      /* caller's index */
};

/*
 * Matches left against right one-to-one: pairs with equal key, compatible
 * kind and interval gap <= tol, greedily nearest first. Fills out[i] (for
 * left[i]) with the index into right, or -1. Sorts both arrays.
 */
void merge_match(struct merge_cand *left, size_t nl, struct merge_cand *right,
		 size_t nr, int64_t tol, int32_t *out);

/* Hash of a Spotify id for merge_cand.key ('t' tracks, 'e' episodes). */
uint64_t merge_id_key(char type, const char *id);

#endif
