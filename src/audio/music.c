/*
 * The analysis parts no Debian library does (music.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "audio/music.h"
#include "core/xalloc.h"
#include "core/banned.h"

/* Krumhansl & Kessler (1982), as tabulated in Krumhansl (1990). */
static const double kk_major[12] = { 6.35, 2.23, 3.48, 2.33, 4.38, 4.09,
				     2.52, 5.19, 2.39, 3.66, 2.29, 2.88 };
static const double kk_minor[12] = { 6.33, 2.68, 3.52, 5.38, 2.60, 3.53,
				     2.54, 4.75, 3.98, 2.69, 3.34, 3.17 };

/* Pearson correlation of x with the profile p rotated to tonic t. */
static double correlate(const double x[12], const double p[12], int t)
{
	double mx = 0, mp = 0, sxy = 0, sxx = 0, spp = 0;

	for (int i = 0; i < 12; i++) {
		mx += x[i] / 12;
		mp += p[i] / 12;
	}
	for (int i = 0; i < 12; i++) {
		double dx = x[(i + t) % 12] - mx, dp = p[i] - mp;
		sxy += dx * dp;
		sxx += dx * dx;
		spp += dp * dp;
	}
	return sxx > 0 ? sxy / sqrt(sxx * spp) : 0;
}

int music_key(const double chroma[12], int *key, int *mode, double *confidence)
{
	double best = -2, second = -2;
	int bk = -1, bm = 0;

	for (int m = 0; m < 2; m++)
		for (int t = 0; t < 12; t++) {
			double r = correlate(chroma, m ? kk_major : kk_minor, t);
			if (r > best) {
				second = best;
				best = r;
				bk = t;
				bm = m;
			} else if (r > second) {
				second = r;
			}
		}
	if (bk < 0 || best == 0)
		return -1;
	*key = bk;
	*mode = bm;
	*confidence = best - second;
	if (best < MUSIC_KEY_MIN_R) {
		*key = -1;
		*confidence = 0;
		return 1;
	}
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median_ibi(const double *beats, size_t n)
{
	double *d = xmalloc((n - 1) * sizeof(double)), m;

	for (size_t i = 1; i < n; i++)
		d[i - 1] = beats[i] - beats[i - 1];
	qsort(d, n - 1, sizeof(double), cmp_double);
	m = d[(n - 1) / 2];
	free(d);
	return m;
}

double music_tempo(const double *beats, size_t n)
{
	double m, sum = 0, beats_in = 0;

	if (n < 4 || (m = median_ibi(beats, n)) <= 0)
		return 0;
	for (size_t i = 1; i < n; i++) {
		double d = beats[i] - beats[i - 1], k = floor(d / m + 0.5);
		if (k >= 1 && k <= 4 && fabs(d / m - k) < 0.12) {
			sum += d;
			beats_in += k;
		}
	}
	return sum > 0 ? 60.0 * beats_in / sum : 0;
}

void music_beat_numbers(const double *beats, size_t n, long *out)
{
	double m = n >= 2 ? median_ibi(beats, n) : 0;

	out[0] = 0;
	for (size_t i = 1; i < n; i++)
		out[i] = out[i - 1] + (m > 0 ? (long)fmax(1.0,
			floor((beats[i] - beats[i - 1]) / m + 0.5)) : 1);
}

/* How far the downbeats (number % m == p) stand out, in accent deviations. */
static double meter_score(const double *a, const long *num, size_t n, int m,
			  int p, double sd)
{
	double on = 0, off = 0;
	size_t non = 0, noff = 0;

	for (size_t i = 0; i < n; i++) {
		if ((int)(num[i] % m) == p) {
			on += a[i];
			non++;
		} else {
			off += a[i];
			noff++;
		}
	}
	return non && noff ? (on / non - off / noff) / sd : 0;
}

int music_meter(const double *accent, const long *number, size_t n,
		double *confidence)
{
	double mean = 0, var = 0, best = 0, second = 0;
	int bm = 4;

	*confidence = 0;
	if (n < 8)
		return 4;
	for (size_t i = 0; i < n; i++)
		mean += accent[i] / n;
	for (size_t i = 0; i < n; i++)
		var += (accent[i] - mean) * (accent[i] - mean) / n;
	if (var <= 1e-12)
		return 4;
	for (int m = 3; m <= 7; m++) {
		double s = 0;
		for (int p = 0; p < m; p++)
			s = fmax(s, meter_score(accent, number, n, m, p,
						sqrt(var)));
		if (s > best * 1.05) { /* a longer bar must do clearly better */
			second = best;
			best = s;
			bm = m;
		} else if (s > second) {
			second = s;
		}
	}
	if (best <= 0)
		return 4;
	*confidence = fmin(1.0, (best - second) / best);
	return bm;
}

static double cosine(const float *a, const float *b, int dim)
{
	double ab = 0, aa = 0, bb = 0;

	for (int k = 0; k < dim; k++) {
		ab += (double)a[k] * b[k];
		aa += (double)a[k] * a[k];
		bb += (double)b[k] * b[k];
	}
	return aa > 0 && bb > 0 ? ab / sqrt(aa * bb) : 0;
}

/*
 * The kernel's weight at (a, b), a and b in [-half, half): +1 on the two
 * quadrants within one side of the centre, -1 across, tapered by a
 * Gaussian of standard deviation half/2 (Foote's "radially-symmetric
 * Gaussian" taper).
 */
static double kernel(int a, int b, int half)
{
	double x = (a + 0.5) / (half * 0.5), y = (b + 0.5) / (half * 0.5);
	double g = exp(-0.5 * (x * x + y * y));

	return ((a < 0) == (b < 0)) ? g : -g;
}

void music_novelty(const float *v, size_t n, int dim, int half, double *out)
{
	int w = 2 * half;
	/* band[i * w + d] = S(i, i + d), the only cells the kernel reaches */
	double *band = xcalloc(n * (size_t)w + 1, sizeof(double)), norm = 0;

	for (size_t i = 0; i < n; i++)
		for (int d = 0; d < w && i + (size_t)d < n; d++)
			band[i * w + d] = cosine(v + i * dim,
						 v + (i + d) * dim, dim);
	for (int a = -half; a < half; a++)
		for (int b = -half; b < half; b++)
			norm += fabs(kernel(a, b, half));
	for (size_t i = 0; i < n; i++) {
		double s = 0;
		for (int a = -half; a < half; a++)
			for (int b = -half; b < half; b++) {
				long p = (long)i + a, q = (long)i + b;
				if (p < 0 || q < 0 || p >= (long)n || q >= (long)n)
					continue;
				s += kernel(a, b, half) * (p <= q
					? band[p * w + (q - p)]
					: band[q * w + (p - q)]);
			}
		out[i] = s / norm;
	}
	free(band);
}

size_t music_peaks(const double *nov, size_t n, int min_gap, double threshold,
		   size_t *out)
{
	size_t k = 0, edge = (size_t)(min_gap / 2);

	for (size_t i = edge; i + edge < n; i++) {
		int peak = nov[i] > threshold;
		for (long j = (long)i - min_gap; peak && j <= (long)i + min_gap; j++)
			if (j >= 0 && j < (long)n && j != (long)i &&
			    (nov[j] > nov[i] || (nov[j] == nov[i] && j < (long)i)))
				peak = 0;
		if (peak)
			out[k++] = i;
	}
	return k;
}

double music_gated_loudness(const double *energy, size_t n)
{
	/* -70 LUFS and the -0.691 dB of BS.1770's loudness formula */
	double abs_gate = pow(10.0, (-70.0 + 0.691) / 10.0), sum = 0, rel;
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (energy[i] > abs_gate) {
			sum += energy[i];
			k++;
		}
	if (!k)
		return -HUGE_VAL;
	rel = sum / k * pow(10.0, -10.0 / 10.0);
	sum = 0;
	k = 0;
	for (size_t i = 0; i < n; i++)
		if (energy[i] > abs_gate && energy[i] > rel) {
			sum += energy[i];
			k++;
		}
	return -0.691 + 10.0 * log10(sum / k);
}
