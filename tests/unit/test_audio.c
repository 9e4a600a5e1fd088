/*
 * The analysis parts spinlog writes itself (audio/music.h), on inputs whose
 * answer is known by construction.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "audio/music.h"

/* A chroma of a triad's tones with 1/h partials: the real thing, roughly. */
static void triad_chroma(double c[12], int root, int minor, double w)
{
	int third = minor ? 3 : 4;
	int notes[3] = { root, root + third, root + 7 };

	for (int i = 0; i < 3; i++)
		for (int h = 1; h <= 5; h++) {
			int pc = (notes[i] + (int)lround(12 * log2(h))) % 12;
			c[pc] += w / h;
		}
}

static void test_key(void **state)
{
	double c[12] = { 0 }, conf;
	int key = -1, mode = -1;

	(void)state;
	/* A minor: i iv V i (Am Dm E Am) */
	triad_chroma(c, 9, 1, 2);
	triad_chroma(c, 2, 1, 1);
	triad_chroma(c, 4, 0, 1);
	assert_int_equal(music_key(c, &key, &mode, &conf), 0);
	assert_int_equal(key, 9);
	assert_int_equal(mode, 0);
	for (int i = 0; i < 12; i++)
		c[i] = 0;
	/* E major: I IV V I */
	triad_chroma(c, 4, 0, 2);
	triad_chroma(c, 9, 0, 1);
	triad_chroma(c, 11, 0, 1);
	assert_int_equal(music_key(c, &key, &mode, &conf), 0);
	assert_int_equal(key, 4);
	assert_int_equal(mode, 1);
	assert_true(conf > 0);
	for (int i = 0; i < 12; i++)
		c[i] = 1;
	assert_int_equal(music_key(c, &key, &mode, &conf), -1);
	/* a whole-tone cluster (C D E F# G# A#) has no key: -1 */
	for (int i = 0; i < 12; i++)
		c[i] = i % 2 ? 0.2 : 1;
	assert_int_equal(music_key(c, &key, &mode, &conf), 1);
	assert_int_equal(key, -1);
}

static void test_tempo(void **state)
{
	double b[64];
	size_t n = 0;

	(void)state;
	/* 120 BPM on an 11.6 ms grid, beat 10 missed */
	for (int i = 0; i < 60; i++)
		if (i != 10)
			b[n++] = floor((1.0 + i * 0.5) / 0.0116) * 0.0116;
	assert_true(fabs(music_tempo(b, n) - 120.0) < 0.2);
	assert_true(music_tempo(b, 3) == 0);
}

static void test_meter(void **state)
{
	double acc[48];
	long num[48];
	double beats[48], conf;
	size_t n = 0;

	(void)state;
	for (int m = 3; m <= 4; m++) {
		n = 0;
		for (int i = 0; i < 48; i++) {
			if (i == 7)
				continue; /* a missed beat must not shift the bar */
			beats[n] = i * 0.5;
			acc[n++] = i % m == 0 ? -10 : -20 + (i % 2);
		}
		music_beat_numbers(beats, n, num);
		assert_int_equal(num[n - 1], 47);
		assert_int_equal(music_meter(acc, num, n, &conf), m);
	}
	for (size_t i = 0; i < n; i++)
		acc[i] = -10;
	assert_int_equal(music_meter(acc, num, n, &conf), 4);
	assert_true(conf == 0);
}

static void test_novelty_peaks(void **state)
{
	enum { N = 80, D = 4 };
	float v[N * D];
	double nov[N];
	size_t peaks[N], np;

	(void)state;
	for (int i = 0; i < N; i++)
		for (int j = 0; j < D; j++)
			v[i * D + j] = (i < 50) == (j < 2) ? 1.0f : 0.05f;
	music_novelty(v, N, D, 8, nov);
	np = music_peaks(nov, N, 8, 0.1, peaks);
	assert_int_equal(np, 1);
	assert_int_equal(peaks[0], 50);
	/* (1 - S) / 2 with S = 0.2 / 2.005, the cosine across the change */
	assert_true(fabs(nov[50] - (1 - 0.2 / 2.005) / 2) < 0.02);
	assert_true(fabs(nov[20]) < 0.05);
}

static void test_gated_loudness(void **state)
{
	/* blocks at -20 LUFS, and quiet ones below the relative gate */
	double e[20], m20 = pow(10, (-20 + 0.691) / 10);

	(void)state;
	for (int i = 0; i < 20; i++)
		e[i] = i < 10 ? m20 : m20 / 1000;
	assert_true(fabs(music_gated_loudness(e, 20) - -20.0) < 1e-9);
	for (int i = 0; i < 20; i++)
		e[i] = 0;
	assert_true(isinf(music_gated_loudness(e, 20)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key),
		cmocka_unit_test(test_tempo),
		cmocka_unit_test(test_meter),
		cmocka_unit_test(test_novelty_peaks),
		cmocka_unit_test(test_gated_loudness),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
