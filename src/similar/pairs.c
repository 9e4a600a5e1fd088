/*
 * Candidates: 400 random unseen pairs per choice; with 31 features that is
 * well under a millisecond. The spread penalty (0.05 per earlier showing
 * of either track) outweighs small differences in uncertainty, so a
 * session walks across the library instead of circling one track.
 */
#include "similar/pairs.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "core/banned.h"

#define CANDIDATES 400
#define SPREAD 0.05

static uint64_t next_u64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t key_of(long a, long b)
{
	if (a > b) {
		long t = a;
		a = b;
		b = t;
	}
	return ((uint64_t)a << 32 | (uint64_t)b) + 1;
}

static int seen_has(const struct simpairs *c, uint64_t k)
{
	if (!c->capseen)
		return 0;
	for (size_t i = (k * 0x9e3779b97f4a7c15ULL) % c->capseen; c->seen[i]; i = (i + 1) % c->capseen)
		if (c->seen[i] == k)
			return 1;
	return 0;
}

static void seen_put(struct simpairs *c, uint64_t k)
{
	if (2 * (c->nseen + 1) > c->capseen) {
		uint64_t *old = c->seen;
		size_t oldcap = c->capseen;
		c->capseen = oldcap ? oldcap * 2 : 1024;
		c->seen = xcalloc(c->capseen, sizeof(*c->seen));
		c->nseen = 0;
		for (size_t i = 0; i < oldcap; i++)
			if (old[i])
				seen_put(c, old[i]);
		free(old);
	}
	size_t i = (k * 0x9e3779b97f4a7c15ULL) % c->capseen;
	while (c->seen[i] && c->seen[i] != k)
		i = (i + 1) % c->capseen;
	c->nseen += !c->seen[i];
	c->seen[i] = k;
}

void simpairs_init(struct simpairs *c, const struct sim_library *lib,
		   const struct lr_model *m, uint64_t seed)
{
	memset(c, 0, sizeof(*c));
	c->lib = lib;
	c->m = m;
	c->rng = seed;
	c->pool = xmalloc(sizeof(*c->pool) * (lib->n ? lib->n : 1));
	c->uses = xcalloc(lib->n ? lib->n : 1, sizeof(*c->uses));
	for (size_t i = 0; i < lib->n; i++)
		if (lib->t[i].has_features && lib->t[i].plays > 0)
			c->pool[c->npool++] = (long)i;
}

void simpairs_release(struct simpairs *c)
{
	free(c->pool);
	free(c->uses);
	free(c->seen);
	memset(c, 0, sizeof(*c));
}

size_t simpairs_eligible(const struct simpairs *c)
{
	return c->npool;
}

void simpairs_seen(struct simpairs *c, long a, long b)
{
	seen_put(c, key_of(a, b));
	c->uses[a]++;
	c->uses[b]++;
}

/* Squared distance of two tracks over the audio features, tempo and loudness. */
static double distance(const struct sim_track *a, const struct sim_track *b)
{
	double d = 0;
	for (int i = 0; i < SV_AUDIO; i++)
		d += (a->v[i] - b->v[i]) * (a->v[i] - b->v[i]);
	if (!isnan(a->v[SV_TEMPO] + b->v[SV_TEMPO]))
		d += pow((a->v[SV_TEMPO] - b->v[SV_TEMPO]) / 128, 2);
	if (!isnan(a->v[SV_LOUDNESS] + b->v[SV_LOUDNESS]))
		d += pow((a->v[SV_LOUDNESS] - b->v[SV_LOUDNESS]) / 20, 2);
	return d;
}

/* How bad a candidate is: lower is better. */
static double cost(struct simpairs *c, long a, long b, int near)
{
	const struct sim_track *ta = &c->lib->t[a], *tb = &c->lib->t[b];
	double spread = SPREAD * (c->uses[a] + c->uses[b]);
	double x[SF_COUNT];

	if (c->m) {
		simf_pair(ta, tb, x);
		return fabs(lr_predict(c->m, x) - 0.5) + spread;
	}
	return (near ? distance(ta, tb) : 0) + spread;
}

static int walk_all(const struct simpairs *c, long *a, long *b)
{
	for (size_t i = 0; i < c->npool; i++)
		for (size_t j = i + 1; j < c->npool; j++)
			if (!seen_has(c, key_of(c->pool[i], c->pool[j]))) {
				*a = c->pool[i];
				*b = c->pool[j];
				return 0;
			}
	return -1;
}

int simpairs_next(struct simpairs *c, long *a, long *b)
{
	double best = INFINITY;
	int near = !c->m && c->shown % 2 == 1;

	if (c->npool < 2)
		return -1;
	/* With no model, "near" pairs fix the first track and seek its neighbour. */
	long fixed = c->pool[next_u64(&c->rng) % c->npool];
	for (int i = 0; i < CANDIDATES; i++) {
		long x = near ? fixed : c->pool[next_u64(&c->rng) % c->npool];
		long y = c->pool[next_u64(&c->rng) % c->npool];
		if (x == y || seen_has(c, key_of(x, y)))
			continue;
		double k = cost(c, x, y, near);
		if (k < best) {
			best = k;
			*a = x;
			*b = y;
		}
	}
	/* the sample found nothing unseen: walk every pair once */
	if (best == INFINITY && walk_all(c, a, b))
		return -1;
	c->shown++;
	return 0;
}
