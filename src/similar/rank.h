/*
 * similar/rank: the library ranked by predicted similarity to one track,
 * and the probability of one pair. Only tracks with audio features are
 * compared: a track without them (not enriched yet, set aside, a local
 * file; podcasts are never tracks) is counted, never ranked.
 */
#ifndef SIMILAR_RANK_H
#define SIMILAR_RANK_H

#include <stddef.h>

#include "similar/features.h"
#include "similar/model.h"

struct simrank_hit {
	long track;   /* index into the library */
	double p;
};

/*
 * The n tracks most similar to track q, best first, into out[n]: how many
 * were filled. *unranked: the library's tracks left out for lack of
 * features. q must have features (the caller says why not otherwise).
 */
size_t simrank_top(const struct sim_library *lib, const struct lr_model *m, long q,
		   size_t n, struct simrank_hit *out, size_t *unranked);
/* P(similar) of tracks a and b. */
double simrank_pair(const struct sim_library *lib, const struct lr_model *m, long a, long b);

#endif
