/*
 * Measures 'spinlog similar' (issue 15) on made-up data with the
 * simulator's shape (5 hidden styles, features pulled towards the style's
 * centre by 0.66): training on 5,000 labels (5-fold cross-validation and
 * the final fit, as 'similar train' does), ranking a 50,000-track library
 * for one track, and reading that library from a store (the sweep a track
 * page or 'similar TRACK' starts with). Prints milliseconds, the best of
 * five runs, wall clock and CPU.
 *   similar-bench [STORE_FILE]   (default: a new file in /tmp, removed after)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/strbuf.h"
#include "similar/features.h"
#include "similar/rank.h"
#include "similar/train.h"
#include "store/store.h"
#include "core/banned.h"

#define TRACKS 50000
#define LABELS 5000
#define STYLES 5

static uint64_t seed = 15;
static double unit(void)
{
	seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return (double)(seed >> 11) / 9007199254740992.0;
}

static double now(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void make_id(char *out, long i)
{
	snprintf(out, 23, "bench%017ld", i);
}

static int make_library(struct sim_library *lib, int *style)
{
	static const char *const genres[] = { "indie pop", "shoegaze", "techno", "trip hop",
					      "folk", "trap", "ambient", "city pop" };
	double centre[STYLES][SV_COUNT];
	char id[23];

	for (int s = 0; s < STYLES; s++)
		for (int f = 0; f < SV_COUNT; f++)
			centre[s][f] = unit();
	for (long i = 0; i < TRACKS; i++) {
		double v[SV_COUNT];
		const char *g[2] = { genres[(int)(unit() * 8)], genres[(int)(unit() * 8)] };
		style[i] = (int)(unit() * STYLES);
		for (int f = 0; f < SV_COUNT; f++)
			v[f] = 0.66 * centre[style[i]][f] + 0.34 * unit();
		v[SV_TEMPO] = 62 + 128 * v[SV_TEMPO];
		v[SV_LOUDNESS] = -22 + 19.5 * v[SV_LOUDNESS];
		v[SV_KEY] = (int)(unit() * 12);
		v[SV_MODE] = unit() < 0.5;
		v[SV_SECTIONS] = 3 + (int)(unit() * 12);
		make_id(id, i);
		simlib_add(lib, id, id, v, 1, g, 2);
	}
	return 0;
}

static void report(const char *what, double wall, double cpu)
{
	printf("%-44s %9.2f ms wall %9.2f ms cpu\n", what, wall, cpu);
}

static void bench_train(const struct sim_library *lib, const int *style)
{
	struct sim_dataset ds = { 0 };
	double best = INFINITY, best_cpu = INFINITY;
	struct strbuf err = STRBUF_INIT;
	double auc = NAN, base = NAN;

	for (int i = 0; i < LABELS; i++) {
		long a = (long)(unit() * TRACKS), b = (long)(unit() * TRACKS);
		simtrain_dataset_add(&ds, &lib->t[a], &lib->t[b], style[a] == style[b]);
	}
	for (int run = 0; run < 5; run++) {
		struct sim_train_result r;
		double w = now(CLOCK_MONOTONIC), c = now(CLOCK_PROCESS_CPUTIME_ID);
		if (simtrain_fit(&ds, &r, &err)) {
			fprintf(stderr, "similar-bench: %s\n", err.buf);
			exit(1);
		}
		best = fmin(best, now(CLOCK_MONOTONIC) - w);
		best_cpu = fmin(best_cpu, now(CLOCK_PROCESS_CPUTIME_ID) - c);
		auc = r.cv.auc;
		base = r.cv.baseline_auc;
		lr_release(&r.model);
	}
	report("train, 5,000 labels (5-fold CV + final fit)", best, best_cpu);
	printf("   (cross-validated AUC %.3f, genre baseline %.3f)\n", auc, base);
	simtrain_dataset_release(&ds);
	strbuf_release(&err);
}

static void bench_rank(const struct sim_library *lib, const struct lr_model *m)
{
	struct simrank_hit hits[20];
	double best = INFINITY, best_cpu = INFINITY;
	size_t unranked;

	for (int run = 0; run < 5; run++) {
		double w = now(CLOCK_MONOTONIC), c = now(CLOCK_PROCESS_CPUTIME_ID);
		simrank_top(lib, m, run * 997, 20, hits, &unranked);
		best = fmin(best, now(CLOCK_MONOTONIC) - w);
		best_cpu = fmin(best_cpu, now(CLOCK_PROCESS_CPUTIME_ID) - c);
	}
	report("rank 50,000 tracks for one (top 20)", best, best_cpu);
}

/* The same library in a store, read back with the sweep. */
static void bench_load(const struct sim_library *lib, const char *path)
{
	struct store *s;
	struct strbuf err = STRBUF_INIT;
	double best = INFINITY, best_cpu = INFINITY;

	if (store_open(path, &s, &err) || store_begin(s, &err)) {
		fprintf(stderr, "similar-bench: %s\n", err.buf);
		exit(1);
	}
	for (size_t i = 0; i < lib->n; i++) {
		const struct sim_track *t = &lib->t[i];
		struct store_track tr = { t->id, t->name, NULL, NULL, 200000, 0, NAN, 1, 1, NULL, 0 };
		struct store_features f = { t->id, "spotify", t->v[SV_ACOUSTIC], t->v[SV_DANCE],
					    t->v[SV_ENERGY], t->v[SV_INSTR], t->v[SV_LIVE],
					    t->v[SV_LOUDNESS], t->v[SV_SPEECH], t->v[SV_VALENCE],
					    t->v[SV_TEMPO], t->v[SV_KEY], t->v[SV_MODE], 4, 200000 };
		if (store_catalog_put_tracks(s, &tr, 1, &err) ||
		    store_catalog_put_features(s, &f, 1, 0, &err)) {
			fprintf(stderr, "similar-bench: %s\n", err.buf);
			exit(1);
		}
	}
	store_commit(s, &err);
	for (int run = 0; run < 5; run++) {
		struct sim_library back;
		double w = now(CLOCK_MONOTONIC), c = now(CLOCK_PROCESS_CPUTIME_ID);
		if (simlib_load(s, 0, &back, &err)) {
			fprintf(stderr, "similar-bench: %s\n", err.buf);
			exit(1);
		}
		best = fmin(best, now(CLOCK_MONOTONIC) - w);
		best_cpu = fmin(best_cpu, now(CLOCK_PROCESS_CPUTIME_ID) - c);
		simlib_release(&back);
	}
	report("read the 50,000-track library from SQLite", best, best_cpu);
	store_close(s);
	strbuf_release(&err);
}

int main(int argc, char **argv)
{
	struct sim_library lib = { 0 };
	int *style = malloc(sizeof(int) * TRACKS);
	struct sim_dataset ds = { 0 };
	struct sim_train_result r;
	struct strbuf err = STRBUF_INIT;
	char tmp[] = "/tmp/similar-bench.XXXXXX";

	make_library(&lib, style);
	bench_train(&lib, style);
	simlib_sort(&lib); /* ranking works on the sorted library, as loaded */
	for (int i = 0; i < 1000; i++) {
		long a = (long)(unit() * TRACKS), b = (long)(unit() * TRACKS);
		simtrain_dataset_add(&ds, &lib.t[a], &lib.t[b], unit() < 0.3);
	}
	if (simtrain_fit(&ds, &r, &err))
		return 1;
	bench_rank(&lib, &r.model);
	if (argc > 1) {
		bench_load(&lib, argv[1]);
	} else {
		int fd = mkstemp(tmp);
		close(fd);
		bench_load(&lib, tmp);
		unlink(tmp);
		for (const char *suf = "-wal"; suf; suf = suf[1] == 'w' ? "-shm" : NULL) {
			char p[64];
			snprintf(p, sizeof(p), "%s%s", tmp, suf);
			unlink(p);
		}
	}
	lr_release(&r.model);
	simtrain_dataset_release(&ds);
	simlib_release(&lib);
	free(style);
	strbuf_release(&err);
	return 0;
}
