/*
 * Ranking keeps the best n in a min-heap while it walks the library once:
 * one pair's features and one dot product per track (31 features), about
 * 2 ms for 50,000 tracks (bench/similar_bench.c).
 */
#include "similar/rank.h"

#include "core/banned.h"

static void sift_down(struct simrank_hit *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < n && h[l].p < h[m].p)
			m = l;
		if (r < n && h[r].p < h[m].p)
			m = r;
		if (m == i)
			return;
		struct simrank_hit t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

static void sift_up(struct simrank_hit *h, size_t i)
{
	while (i && h[(i - 1) / 2].p > h[i].p) {
		struct simrank_hit t = h[i];
		h[i] = h[(i - 1) / 2];
		h[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

size_t simrank_top(const struct sim_library *lib, const struct lr_model *m, long q,
		   size_t n, struct simrank_hit *out, size_t *unranked)
{
	double x[SF_COUNT];
	size_t k = 0, left = 0;

	for (size_t i = 0; i < lib->n; i++) {
		if ((long)i == q)
			continue;
		if (!lib->t[i].has_features) {
			left++;
			continue;
		}
		simf_pair(&lib->t[q], &lib->t[i], x);
		struct simrank_hit h = { (long)i, lr_predict(m, x) };
		if (k < n) {
			out[k] = h;
			sift_up(out, k++);
		} else if (n && h.p > out[0].p) {
			out[0] = h;
			sift_down(out, k, 0);
		}
	}
	/* heap to best-first: pop the smallest to the end */
	for (size_t e = k; e > 1; e--) {
		struct simrank_hit t = out[0];
		out[0] = out[e - 1];
		out[e - 1] = t;
		sift_down(out, e - 1, 0);
	}
	if (unranked)
		*unranked = left;
	return k;
}

double simrank_pair(const struct sim_library *lib, const struct lr_model *m, long a, long b)
{
	double x[SF_COUNT];
	simf_pair(&lib->t[a], &lib->t[b], x);
	return lr_predict(m, x);
}
