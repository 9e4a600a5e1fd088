/* Unit tests for similar/: the model's math, the AUC, the pair features. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "similar/features.h"
#include "similar/model.h"
#include "similar/rank.h"

static uint64_t lcg = 12345;
static double unit(void)
{
	lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
	return (double)(lcg >> 11) / 9007199254740992.0;
}

static void lr_separates_separable_data(void **state)
{
	double X[200];
	int y[200];
	struct lr_model m;
	struct strbuf err = STRBUF_INIT;
	(void)state;

	for (int i = 0; i < 200; i++) {
		X[i] = (i % 2 ? 1 : -1) * (0.1 + unit());
		y[i] = X[i] > 0;
	}
	assert_int_equal(lr_fit(X, y, 200, 1, 1.0, &m, &err), 0);
	double lo = -1.5, hi = 1.5;
	assert_true(lr_predict(&m, &hi) > 0.99);
	assert_true(lr_predict(&m, &lo) < 0.01);
	assert_true(isfinite(m.w[0]) && m.w[0] > 0);
	lr_release(&m);
	strbuf_release(&err);
}

/* Labels drawn from a known logistic model: the fit predicts its probabilities. */
static void lr_recovers_a_known_model(void **state)
{
	enum { N = 20000 };
	double *X = malloc(sizeof(double) * N * 2);
	int *y = malloc(sizeof(int) * N);
	struct lr_model m;
	struct strbuf err = STRBUF_INIT;
	(void)state;

	for (int i = 0; i < N; i++) {
		X[2 * i] = unit() * 4 - 2;
		X[2 * i + 1] = unit() * 10 + 5; /* another scale: standardisation copes */
		double z = 2 * X[2 * i] - 0.5 * (X[2 * i + 1] - 10) + 0.5;
		y[i] = unit() < 1 / (1 + exp(-z));
	}
	assert_int_equal(lr_fit(X, y, N, 2, 0.01, &m, &err), 0);
	for (double a = -2; a <= 2; a += 1)
		for (double b = 6; b <= 14; b += 4) {
			double x[2] = { a, b }, z = 2 * a - 0.5 * (b - 10) + 0.5;
			assert_true(fabs(lr_predict(&m, x) - 1 / (1 + exp(-z))) < 0.04);
		}
	/* the text form reads back exactly */
	char *text = lr_serialise(&m);
	struct lr_model back;
	assert_int_equal(lr_parse(text, 2, &back, &err), 0);
	double x[2] = { 0.3, 7.7 };
	assert_true(lr_predict(&back, x) == lr_predict(&m, x));
	lr_release(&back);
	assert_int_equal(lr_parse(text, 3, &back, &err), -1);
	free(text);
	lr_release(&m);
	free(X);
	free(y);
	strbuf_release(&err);
}

static void lr_missing_values_sit_at_the_mean(void **state)
{
	double X[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	int y[8] = { 0, 0, 0, 0, 1, 1, 1, 1 };
	struct lr_model m;
	struct strbuf err = STRBUF_INIT;
	(void)state;

	assert_int_equal(lr_fit(X, y, 8, 1, 1.0, &m, &err), 0);
	double nan = NAN, mean = 3.5;
	assert_true(lr_predict(&m, &nan) == lr_predict(&m, &mean));
	lr_release(&m);
	strbuf_release(&err);
}

static void auc_of_known_rankings(void **state)
{
	double s[4] = { 0.1, 0.4, 0.35, 0.8 };
	int y[4] = { 0, 0, 1, 1 };
	double perfect[4] = { 1, 2, 3, 4 }, ties[4] = { 1, 1, 1, 1 };
	int up[4] = { 0, 0, 1, 1 }, down[4] = { 1, 1, 0, 0 }, one[4] = { 1, 1, 1, 1 };
	(void)state;

	assert_true(fabs(roc_auc(s, y, 4) - 0.75) < 1e-12);
	assert_true(roc_auc(perfect, up, 4) == 1.0);
	assert_true(roc_auc(perfect, down, 4) == 0.0);
	assert_true(roc_auc(ties, up, 4) == 0.5);
	assert_true(isnan(roc_auc(perfect, one, 4)));
}

static void cv_scores_held_out_folds(void **state)
{
	enum { N = 300 };
	double X[N * 2];
	int y[N];
	struct lr_cv cv;
	struct strbuf err = STRBUF_INIT;
	(void)state;

	for (int i = 0; i < N; i++) {
		y[i] = i % 3 == 0;
		X[2 * i] = y[i] * 2 + unit();   /* informative */
		X[2 * i + 1] = unit();         /* the "baseline": noise */
	}
	assert_int_equal(lr_cross_validate(X, y, N, 2, 1.0, 5, 1, 1, &cv, &err), 0);
	assert_int_equal(cv.folds, 5);
	assert_true(cv.auc > 0.99 && cv.accuracy > 0.95);
	assert_true(fabs(cv.baseline_auc - 0.5) < 0.15);
	assert_true(cv.auc_sd >= 0 && cv.baseline_auc_sd > 0);
	strbuf_release(&err);
}

static void track(struct sim_library *lib, const char *id, double base, int features,
		  const char *const *genres, int ng)
{
	double v[SV_COUNT];
	for (int i = 0; i < SV_COUNT; i++)
		v[i] = base + 0.01 * i;
	v[SV_TEMPO] = 100 + base * 50;
	v[SV_LOUDNESS] = -10 + base;
	v[SV_KEY] = 9;
	v[SV_MODE] = 0;
	v[SV_SECTIONS] = features ? 8 : NAN;
	simlib_add(lib, id, id, v, features, genres, ng);
}

static int same(double a, double b)
{
	return (isnan(a) && isnan(b)) || a == b;
}

static void pair_features_are_symmetric_and_say_what_is_missing(void **state)
{
	static const char *const g1[] = { "shoegaze", "dream pop" }, *const g2[] = { "dream pop" };
	struct sim_library lib = { 0 };
	double ab[SF_COUNT], ba[SF_COUNT];
	(void)state;

	track(&lib, "a", 0.2, 1, g1, 2);
	track(&lib, "b", 0.7, 1, g2, 1);
	track(&lib, "c", 0.5, 0, NULL, 0);
	simlib_sort(&lib);
	for (long i = 0; i < 3; i++)
		for (long j = 0; j < 3; j++) {
			simf_pair(&lib.t[i], &lib.t[j], ab);
			simf_pair(&lib.t[j], &lib.t[i], ba);
			for (int f = 0; f < SF_COUNT; f++)
				if (!same(ab[f], ba[f]))
					fail_msg("%s: %g %g (%ld %ld)", simf_name(f), ab[f], ba[f], i, j);
		}
	simf_pair(&lib.t[0], &lib.t[1], ab);
	assert_true(fabs(ab[SF_D_ENERGY] - 0.5) < 1e-12);
	assert_true(fabs(ab[SF_P_ENERGY] - 0.22 * 0.72) < 1e-12);
	assert_true(fabs(ab[SF_GENRE_JACCARD] - 0.5) < 1e-12);
	assert_true(ab[SF_MISSING_AUDIO] == 0 && ab[SF_MISSING_GENRES] == 0);
	simf_pair(&lib.t[0], &lib.t[2], ab);
	assert_true(ab[SF_MISSING_AUDIO] == 1 && isnan(ab[SF_D_ENERGY]));
	assert_true(ab[SF_MISSING_GENRES] == 1 && isnan(ab[SF_GENRE_JACCARD]));
	assert_true(ab[SF_MISSING_SECTIONS] == 1 && isnan(ab[SF_D_SECTIONS]));
	assert_int_equal(lib.with_features, 2);
	simlib_release(&lib);
}

static void circle_of_fifths(void **state)
{
	(void)state;
	assert_int_equal(simf_fifths(0, 7), 1);  /* C, G */
	assert_int_equal(simf_fifths(0, 5), 1);  /* C, F */
	assert_int_equal(simf_fifths(0, 6), 6);  /* C, F# */
	assert_int_equal(simf_fifths(0, 2), 2);  /* C, D */
	assert_int_equal(simf_fifths(0, 1), 5);  /* C, C# */
	assert_int_equal(simf_fifths(9 + 3, 0), 0); /* A minor as its relative major, C */
	assert_int_equal(simf_fifths(11, 4), 1); /* B, E */
}

static void ranking_skips_tracks_without_features(void **state)
{
	struct sim_library lib = { 0 };
	struct lr_model m = { 0 };
	struct simrank_hit hits[10];
	size_t unranked;
	(void)state;

	track(&lib, "q", 0.5, 1, NULL, 0);
	track(&lib, "near", 0.52, 1, NULL, 0);
	track(&lib, "far", 0.9, 1, NULL, 0);
	track(&lib, "none", 0.5, 0, NULL, 0);
	simlib_sort(&lib);
	/* a model that likes small energy distances only */
	m.d = SF_COUNT;
	m.mean = calloc(SF_COUNT, sizeof(double));
	m.sd = malloc(SF_COUNT * sizeof(double));
	m.w = calloc(SF_COUNT + 1, sizeof(double));
	for (int f = 0; f < SF_COUNT; f++)
		m.sd[f] = 1;
	m.w[SF_D_ENERGY] = -10;
	size_t k = simrank_top(&lib, &m, simlib_find(&lib, "q"), 10, hits, &unranked);
	assert_int_equal(k, 2);
	assert_int_equal(unranked, 1);
	assert_string_equal(lib.t[hits[0].track].id, "near");
	assert_string_equal(lib.t[hits[1].track].id, "far");
	assert_true(hits[0].p > hits[1].p);
	assert_int_equal(simrank_top(&lib, &m, simlib_find(&lib, "q"), 1, hits, NULL), 1);
	assert_string_equal(lib.t[hits[0].track].id, "near");
	lr_release(&m);
	simlib_release(&lib);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lr_separates_separable_data),
		cmocka_unit_test(lr_recovers_a_known_model),
		cmocka_unit_test(lr_missing_values_sit_at_the_mean),
		cmocka_unit_test(auc_of_known_rankings),
		cmocka_unit_test(cv_scores_held_out_folds),
		cmocka_unit_test(pair_features_are_symmetric_and_say_what_is_missing),
		cmocka_unit_test(circle_of_fifths),
		cmocka_unit_test(ranking_skips_tracks_without_features),
	};
	return cmocka_run_group_tests_name("similar", tests, NULL, NULL);
}
