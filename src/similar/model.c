/*
 * Logistic regression by Newton's method. The loss is the summed log-loss
 * plus lambda/2 |w|^2 (the bias not penalised), on standardised inputs,
 * so one lambda suits every feature's scale. Each step solves (X'WX + lambda I) s = g
 * by Cholesky (d is about 30: a 31 x 31 system); a step is halved while it
 * does not lower the loss. It converges in 6-10 steps on the simulator's
 * labels; separable data stays finite thanks to lambda.
 */
#include "similar/model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "core/banned.h"

#define MAX_STEPS 50

static double sigmoid(double z)
{
	return z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z));
}

static void scale_of(const double *X, size_t n, int d, struct lr_model *m)
{
	for (int j = 0; j < d; j++) {
		double s = 0, s2 = 0;
		size_t k = 0;
		for (size_t i = 0; i < n; i++) {
			double v = X[i * (size_t)d + (size_t)j];
			if (isnan(v))
				continue;
			s += v;
			s2 += v * v;
			k++;
		}
		double mean = k ? s / (double)k : 0, var = k ? s2 / (double)k - mean * mean : 0;
		m->mean[j] = mean;
		m->sd[j] = var > 1e-12 ? sqrt(var) : 1; /* a constant column: weight 0 */
	}
}

/* Row i standardised into z[d], with z[d] = 1 for the bias. */
static void standard(const struct lr_model *m, const double *x, double *z)
{
	for (int j = 0; j < m->d; j++)
		z[j] = isnan(x[j]) ? 0 : (x[j] - m->mean[j]) / m->sd[j];
	z[m->d] = 1;
}

static double dot(const double *a, const double *b, int n)
{
	double s = 0;
	for (int i = 0; i < n; i++)
		s += a[i] * b[i];
	return s;
}

/* Cholesky of the p x p matrix A in place, then A x = b into b: 0, or -1. */
static int solve(double *A, double *b, int p)
{
	for (int j = 0; j < p; j++) {
		double s = A[j * p + j];
		for (int k = 0; k < j; k++)
			s -= A[j * p + k] * A[j * p + k];
		if (s <= 0)
			return -1;
		A[j * p + j] = sqrt(s);
		for (int i = j + 1; i < p; i++) {
			double t = A[i * p + j];
			for (int k = 0; k < j; k++)
				t -= A[i * p + k] * A[j * p + k];
			A[i * p + j] = t / A[j * p + j];
		}
	}
	for (int i = 0; i < p; i++) {
		b[i] = (b[i] - dot(&A[i * p], b, i)) / A[i * p + i];
	}
	for (int i = p - 1; i >= 0; i--) {
		double t = b[i];
		for (int k = i + 1; k < p; k++)
			t -= A[k * p + i] * b[k];
		b[i] = t / A[i * p + i];
	}
	return 0;
}

static double loss(const double *Z, const int *y, size_t n, int p, const double *w, double lambda)
{
	double l = 0;
	for (size_t i = 0; i < n; i++) {
		double z = dot(&Z[i * (size_t)p], w, p);
		/* log(1 + e^z) - y z, stable for large |z| */
		l += (z > 0 ? z + log1p(exp(-z)) : log1p(exp(z))) - y[i] * z;
	}
	return l + lambda / 2 * dot(w, w, p - 1);
}

/* Gradient into g and Hessian into H at w. */
static void derivatives(const double *Z, const int *y, size_t n, int p, const double *w,
			double lambda, double *g, double *H)
{
	memset(g, 0, sizeof(*g) * (size_t)p);
	memset(H, 0, sizeof(*H) * (size_t)p * (size_t)p);
	for (size_t i = 0; i < n; i++) {
		const double *z = &Z[i * (size_t)p];
		double q = sigmoid(dot(z, w, p)), r = q * (1 - q);
		for (int a = 0; a < p; a++) {
			g[a] += (q - y[i]) * z[a];
			double rz = r * z[a];
			for (int b = 0; b <= a; b++)
				H[a * p + b] += rz * z[b];
		}
	}
	for (int a = 0; a < p; a++) {
		for (int b = 0; b < a; b++)
			H[b * p + a] = H[a * p + b];
		if (a < p - 1) {
			g[a] += lambda * w[a];
			H[a * p + a] += lambda;
		}
	}
	H[(p - 1) * p + (p - 1)] += 1e-9; /* the bias: keeps H definite */
}

static int newton(const double *Z, const int *y, size_t n, int p, double lambda,
		  struct lr_model *m, struct strbuf *err)
{
	double *g = xmalloc(sizeof(*g) * (size_t)p), *H = xmalloc(sizeof(*H) * (size_t)p * (size_t)p);
	double *next = xmalloc(sizeof(*next) * (size_t)p), cur = loss(Z, y, n, p, m->w, lambda);
	int ret = 0, it;

	for (it = 0; it < MAX_STEPS; it++) {
		derivatives(Z, y, n, p, m->w, lambda, g, H);
		if (solve(H, g, p)) {
			strbuf_addstr(err, "the model's equations have no solution (labels too few or all alike)");
			ret = -1;
			break;
		}
		double step = 1, nl = cur, big = 0;
		for (int tries = 0; tries < 30; tries++, step /= 2) {
			for (int a = 0; a < p; a++)
				next[a] = m->w[a] - step * g[a];
			if ((nl = loss(Z, y, n, p, next, lambda)) <= cur)
				break;
		}
		for (int a = 0; a < p; a++) {
			big = fmax(big, fabs(next[a] - m->w[a]));
			m->w[a] = next[a];
		}
		cur = nl;
		if (big < 1e-8)
			break;
	}
	m->iterations = it + 1;
	free(g);
	free(H);
	free(next);
	return ret;
}

int lr_fit(const double *X, const int *y, size_t n, int d, double lambda,
	   struct lr_model *m, struct strbuf *err)
{
	int p = d + 1;
	memset(m, 0, sizeof(*m));
	m->d = d;
	m->mean = xcalloc((size_t)d, sizeof(double));
	m->sd = xcalloc((size_t)d, sizeof(double));
	m->w = xcalloc((size_t)p, sizeof(double));
	if (!n) {
		strbuf_addstr(err, "no labelled pairs to fit");
		return -1;
	}
	scale_of(X, n, d, m);
	double *Z = xmalloc(sizeof(*Z) * n * (size_t)p);
	for (size_t i = 0; i < n; i++)
		standard(m, &X[i * (size_t)d], &Z[i * (size_t)p]);
	int ret = newton(Z, y, n, p, lambda, m, err);
	free(Z);
	return ret;
}

void lr_release(struct lr_model *m)
{
	free(m->mean);
	free(m->sd);
	free(m->w);
	memset(m, 0, sizeof(*m));
}

double lr_predict(const struct lr_model *m, const double *x)
{
	double z = m->w[m->d];
	for (int j = 0; j < m->d; j++)
		if (!isnan(x[j]))
			z += m->w[j] * (x[j] - m->mean[j]) / m->sd[j];
	return sigmoid(z);
}

/* --- AUC and cross-validation --------------------------------------------- */

struct scored {
	double s;
	int y;
};

static int cmp_score(const void *a, const void *b)
{
	double x = ((const struct scored *)a)->s, y = ((const struct scored *)b)->s;
	return x < y ? -1 : x > y;
}

double roc_auc(const double *score, const int *y, size_t n)
{
	struct scored *o = xmalloc(sizeof(*o) * (n ? n : 1));
	size_t pos = 0;
	double rank_sum = 0;

	for (size_t i = 0; i < n; i++)
		o[i] = (struct scored){ score[i], y[i] != 0 };
	qsort(o, n, sizeof(*o), cmp_score);
	/* Mann-Whitney: the positives' ranks, tied scores sharing their mean rank */
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && o[j].s == o[i].s)
			j++;
		double r = (double)(i + 1 + j) / 2;
		for (size_t k = i; k < j; k++)
			if (o[k].y) {
				rank_sum += r;
				pos++;
			}
		i = j;
	}
	free(o);
	size_t neg = n - pos;
	if (!pos || !neg)
		return NAN;
	return (rank_sum - (double)pos * (double)(pos + 1) / 2) / ((double)pos * (double)neg);
}

static uint64_t mix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* fold[i] for each row: each class shuffled and dealt round the k folds. */
static void assign_folds(const int *y, size_t n, int k, uint64_t seed, int *fold)
{
	size_t *idx = xmalloc(sizeof(*idx) * (n ? n : 1));
	for (int cls = 0; cls < 2; cls++) {
		size_t m = 0;
		for (size_t i = 0; i < n; i++)
			if (y[i] == cls)
				idx[m++] = i;
		for (size_t i = m; i > 1; i--) {
			size_t j = (size_t)(mix(&seed) % i), t = idx[i - 1];
			idx[i - 1] = idx[j];
			idx[j] = t;
		}
		for (size_t i = 0; i < m; i++)
			fold[idx[i]] = (int)((i + (size_t)cls) % (size_t)k);
	}
	free(idx);
}

static void mean_sd(const double *v, int n, double *mean, double *sd)
{
	double s = 0, s2 = 0;
	for (int i = 0; i < n; i++)
		s += v[i];
	*mean = s / n;
	for (int i = 0; i < n; i++)
		s2 += (v[i] - *mean) * (v[i] - *mean);
	*sd = n > 1 ? sqrt(s2 / (n - 1)) : 0;
}

struct cv_split {
	double *Xtr, *sc, *base;
	int *ytr, *yte;
};

/* Fits without fold f and scores fold f: its AUC, accuracy, baseline AUC. */
static int one_fold(const double *X, const int *y, size_t n, int d, double lambda,
		    const int *fold, int f, int bcol, struct cv_split *s, double out[3],
		    struct strbuf *err)
{
	size_t ntr = 0, nte = 0, right = 0;
	struct lr_model m;

	for (size_t i = 0; i < n; i++) {
		if (fold[i] != f) {
			memcpy(&s->Xtr[ntr * (size_t)d], &X[i * (size_t)d], sizeof(double) * (size_t)d);
			s->ytr[ntr++] = y[i];
		}
	}
	if (lr_fit(s->Xtr, s->ytr, ntr, d, lambda, &m, err)) {
		lr_release(&m);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (fold[i] != f)
			continue;
		double b = X[i * (size_t)d + (size_t)bcol];
		s->sc[nte] = lr_predict(&m, &X[i * (size_t)d]);
		s->base[nte] = isnan(b) ? 0 : b;
		s->yte[nte] = y[i];
		right += (s->sc[nte] >= 0.5) == (y[i] == 1);
		nte++;
	}
	out[0] = roc_auc(s->sc, s->yte, nte);
	out[1] = nte ? (double)right / (double)nte : NAN;
	out[2] = roc_auc(s->base, s->yte, nte);
	lr_release(&m);
	return 0;
}

int lr_cross_validate(const double *X, const int *y, size_t n, int d, double lambda,
		      int k, uint64_t seed, int baseline_col, struct lr_cv *out,
		      struct strbuf *err)
{
	int *fold = xmalloc(sizeof(*fold) * (n ? n : 1)), ret = 0;
	double *auc = xcalloc((size_t)k, sizeof(double)), *acc = xcalloc((size_t)k, sizeof(double));
	double *base = xcalloc((size_t)k, sizeof(double));
	struct cv_split s = { xmalloc(sizeof(double) * (n ? n : 1) * (size_t)d),
			      xmalloc(sizeof(double) * (n ? n : 1)), xmalloc(sizeof(double) * (n ? n : 1)),
			      xmalloc(sizeof(int) * (n ? n : 1)), xmalloc(sizeof(int) * (n ? n : 1)) };

	memset(out, 0, sizeof(*out));
	out->folds = k;
	assign_folds(y, n, k, seed, fold);
	for (int f = 0; f < k && !ret; f++) {
		double r[3] = { NAN, NAN, NAN };
		ret = one_fold(X, y, n, d, lambda, fold, f, baseline_col, &s, r, err);
		auc[f] = r[0];
		acc[f] = r[1];
		base[f] = r[2];
	}
	if (!ret) {
		mean_sd(auc, k, &out->auc, &out->auc_sd);
		mean_sd(acc, k, &out->accuracy, &out->accuracy_sd);
		mean_sd(base, k, &out->baseline_auc, &out->baseline_auc_sd);
	}
	free(fold);
	free(auc);
	free(acc);
	free(base);
	free(s.Xtr);
	free(s.sc);
	free(s.base);
	free(s.ytr);
	free(s.yte);
	return ret;
}

/* --- text form -------------------------------------------------------------- */

char *lr_serialise(const struct lr_model *m)
{
	struct strbuf sb = STRBUF_INIT;
	const double *parts[3] = { m->mean, m->sd, m->w };
	const int lens[3] = { m->d, m->d, m->d + 1 };

	strbuf_addf(&sb, "%d", m->d);
	for (int p = 0; p < 3; p++)
		for (int i = 0; i < lens[p]; i++) {
			strbuf_addch(&sb, ' ');
			strbuf_add_double(&sb, parts[p][i]);
		}
	return strbuf_detach(&sb, NULL);
}

int lr_parse(const char *text, int d, struct lr_model *m, struct strbuf *err)
{
	char *end;
	long got = strtol(text, &end, 10);

	memset(m, 0, sizeof(*m));
	if (end == text || got != d) {
		strbuf_addf(err, "the stored model has %ld features, this spinlog computes %d", got, d);
		return -1;
	}
	m->d = d;
	m->mean = xcalloc((size_t)d, sizeof(double));
	m->sd = xcalloc((size_t)d, sizeof(double));
	m->w = xcalloc((size_t)d + 1, sizeof(double));
	double *parts[3] = { m->mean, m->sd, m->w };
	const int lens[3] = { d, d, d + 1 };
	for (int p = 0; p < 3; p++)
		for (int i = 0; i < lens[p]; i++) {
			const char *at = end;
			parts[p][i] = strtod(at, &end);
			if (end == at || !isfinite(parts[p][i])) {
				strbuf_addstr(err, "the stored model's numbers are damaged");
				lr_release(m);
				return -1;
			}
		}
	while (*end == ' ')
		end++;
	if (*end) {
		strbuf_addstr(err, "the stored model has more numbers than its features");
		lr_release(m);
		return -1;
	}
	return 0;
}
