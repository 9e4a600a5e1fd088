/*
 * Greedy one-to-one matching, nearest first. Both sides are small per key
 * (a track's plays within a minute or two), so the pairs within tolerance
 * are few; sorting them globally and taking each pair whose two ends are
 * still free gives the nearest-first assignment that keeps a track played
 * twice in a row as two events.
 */
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "core/xalloc.h"
#include "pipeline/import.h"
#include "pipeline/merge.h"
#include "core/banned.h"

struct pair {
	int64_t gap, dms, dmid;
	uint32_t l, r;
};

static int cmp_cand(const void *a, const void *b)
{
	const struct merge_cand *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int cmp_pair(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	if (x->gap != y->gap)
		return x->gap < y->gap ? -1 : 1;
	if (x->dms != y->dms)
		return x->dms < y->dms ? -1 : 1;
	if (x->dmid != y->dmid)
		return x->dmid < y->dmid ? -1 : 1;
	if (x->l != y->l)
		return x->l < y->l ? -1 : 1;
	return x->r < y->r ? -1 : x->r > y->r;
}

static int kinds_match(const struct merge_cand *a, const struct merge_cand *b)
{
	if (a->kind == b->kind)
		return 1;
	if (a->unsure || b->unsure)
		return (a->kind == KIND_MUSIC || a->kind == KIND_PODCAST) &&
		       (b->kind == KIND_MUSIC || b->kind == KIND_PODCAST);
	return 0;
}

static int64_t iabs(int64_t v)
{
	return v < 0 ? -v : v;
}

void merge_match(struct merge_cand *left, size_t nl, struct merge_cand *right,
		 size_t nr, int64_t tol, int32_t *out)
{
	struct pair *pairs = NULL;
	size_t np = 0, ap = 0;
	uint8_t *rused;

	for (size_t i = 0; i < nl; i++)
		out[i] = -1;
	if (!nl || !nr)
		return;
	qsort(right, nr, sizeof(*right), cmp_cand);
	for (size_t i = 0; i < nl; i++) {
		const struct merge_cand *l = &left[i];
		int64_t lo = l->t - tol - 60000;
		size_t a = 0, b = nr;
		/* first right with (key, t) >= (l->key, lo) */
		while (a < b) {
			size_t m = a + (b - a) / 2;
			if (right[m].key < l->key ||
			    (right[m].key == l->key && right[m].t < lo))
				a = m + 1;
			else
				b = m;
		}
		for (size_t j = a; j < nr && right[j].key == l->key &&
				   right[j].t <= l->t + l->prec + tol; j++) {
			const struct merge_cand *r = &right[j];
			int64_t g;
			if (r->t >= l->t + l->prec)
				g = r->t - (l->t + l->prec);
			else if (l->t >= r->t + r->prec)
				g = l->t - (r->t + r->prec);
			else
				g = 0;
			if (g > tol || !kinds_match(l, r))
				continue;
			ALLOC_GROW(pairs, np + 1, ap);
			pairs[np].gap = g;
			pairs[np].dms = l->ms_played >= 0 && r->ms_played >= 0
				? iabs((int64_t)l->ms_played - r->ms_played)
				: INT32_MAX;
			pairs[np].dmid = iabs((2 * l->t + l->prec) -
					      (2 * r->t + r->prec));
			pairs[np].l = (uint32_t)i;
			pairs[np].r = (uint32_t)j;
			np++;
		}
	}
	if (np)
		qsort(pairs, np, sizeof(*pairs), cmp_pair);
	rused = xcalloc(nr, 1);
	for (size_t k = 0; k < np; k++) {
		if (out[pairs[k].l] >= 0 || rused[pairs[k].r])
			continue;
		out[pairs[k].l] = (int32_t)right[pairs[k].r].idx;
		rused[pairs[k].r] = 1;
	}
	free(rused);
	free(pairs);
}

uint64_t merge_id_key(char type, const char *id)
{
	uint64_t h = hash_fnv1a_byte(HASH_FNV_OFFSET, (unsigned char)type);

	for (const unsigned char *p = (const unsigned char *)id; *p; p++)
		h = hash_fnv1a_byte(h, *p);
	return h;
}
