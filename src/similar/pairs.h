/*
 * similar/pairs: which two tracks 'spinlog similar label' shows next.
 * Informative pairs: both tracks played and with audio features; the
 * one most uncertain under the current model (p nearest 0.5) among a
 * sample of candidates drawn uniformly over the library, less the tracks
 * already shown often (spread across the library). With no model yet,
 * every other pair is a track and its nearest neighbour in feature space
 * (so "similar" answers come early), the rest random. A pair labelled
 * once is never shown again.
 *
 * Ownership: the chooser borrows lib and m (m may be NULL) until
 * simpairs_release.
 */
#ifndef SIMILAR_PAIRS_H
#define SIMILAR_PAIRS_H

#include <stddef.h>
#include <stdint.h>

#include "similar/features.h"
#include "similar/model.h"

struct simpairs {
	const struct sim_library *lib;
	const struct lr_model *m;
	uint64_t rng;
	long *pool;       /* eligible tracks */
	size_t npool;
	int *uses;        /* times each track of the library was shown */
	uint64_t *seen;   /* open-addressing set of pair keys, 0 = empty */
	size_t nseen, capseen;
	size_t shown;
};

void simpairs_init(struct simpairs *c, const struct sim_library *lib,
		   const struct lr_model *m, uint64_t seed);
void simpairs_release(struct simpairs *c);
/* The tracks eligible for a pair (played, with features). */
size_t simpairs_eligible(const struct simpairs *c);
/* Marks a pair as labelled (never shown again). */
void simpairs_seen(struct simpairs *c, long a, long b);
/* The next pair: 0, or -1 when no unseen pair is left. */
int simpairs_next(struct simpairs *c, long *a, long *b);

#endif
