/*
 * similar/features: the library as the similarity model sees it, and the
 * features of a pair of tracks (issue 15).
 *
 * A struct sim_library holds every track of the store's sweep
 * (store_similar_tracks), sorted by id, with its values: audio features,
 * tempo, loudness, key and mode, section aggregates and its genres as
 * sorted hashes. A value nobody gave is NaN, never 0.
 *
 * The pair features are symmetric (|a - b| and a * b, circle-of-fifths
 * distance, genre Jaccard), so the order of the two tracks never matters.
 * Each group has a missing-indicator feature (1 when either track lacks
 * the group); the group's own values are then NaN, and the model (model.h)
 * puts them at the training mean, so the indicator alone carries the fact.
 *
 * Ownership: simlib_load fills a library the caller frees with
 * simlib_release; tracks and their strings belong to the library.
 */
#ifndef SIMILAR_FEATURES_H
#define SIMILAR_FEATURES_H

#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"

struct store;

/* Per-track values, NaN when absent. */
enum sim_value {
	SV_ACOUSTIC, SV_DANCE, SV_ENERGY, SV_INSTR, SV_LIVE, SV_SPEECH, SV_VALENCE,
	SV_TEMPO, SV_LOUDNESS, SV_KEY, SV_MODE,
	SV_SECTIONS, SV_SECTION_DUR, SV_SECTION_LOUD_SD, SV_SECTION_KEYS,
	SV_COUNT
};
#define SV_AUDIO 7 /* SV_ACOUSTIC .. SV_VALENCE */

struct sim_track {
	char *id;
	char *name, *artists;    /* "" when the catalog has no name */
	int64_t plays;
	int in_catalog, has_features;
	double v[SV_COUNT];
	char *genre_names;       /* joined by ", " for display, "" when none */
	uint64_t *genres;        /* sorted, unique hashes */
	int ngenres;             /* -1: unknown (no artist enriched, or none listed) */
};

struct sim_library {
	struct sim_track *t;     /* sorted by id */
	size_t n, cap;
	size_t with_features;    /* tracks that can be compared */
};

int simlib_load(struct store *s, int64_t account_id, struct sim_library *lib,
		struct strbuf *err);
void simlib_release(struct sim_library *lib);
/* The index of the track with that id, or -1. */
long simlib_find(const struct sim_library *lib, const char *id);
/* Adds a track (tests and benchmarks build libraries by hand); values
 * copied, genres given as strings. Call simlib_sort when done. */
void simlib_add(struct sim_library *lib, const char *id, const char *name,
		const double v[SV_COUNT], int has_features, const char *const *genres,
		int ngenres);
void simlib_sort(struct sim_library *lib);

/* The pair features. */
enum sim_feature {
	SF_D_ACOUSTIC, SF_D_DANCE, SF_D_ENERGY, SF_D_INSTR, SF_D_LIVE, SF_D_SPEECH, SF_D_VALENCE,
	SF_P_ACOUSTIC, SF_P_DANCE, SF_P_ENERGY, SF_P_INSTR, SF_P_LIVE, SF_P_SPEECH, SF_P_VALENCE,
	SF_MISSING_AUDIO,
	SF_D_TEMPO, SF_P_TEMPO, SF_D_LOUDNESS, SF_P_LOUDNESS, SF_MISSING_TEMPO_LOUDNESS,
	SF_KEY_FIFTHS, SF_KEY_RELATIVE_FIFTHS, SF_SAME_MODE, SF_MISSING_KEY,
	SF_D_SECTIONS, SF_D_SECTION_DUR, SF_D_SECTION_LOUD_SD, SF_D_SECTION_KEYS,
	SF_MISSING_SECTIONS,
	SF_GENRE_JACCARD, SF_MISSING_GENRES,
	SF_COUNT
};
/* "d_energy", "key_fifths", ... (stored with a model). */
const char *simf_name(int f);
/* The names joined by ",": a new string. */
char *simf_list(void);
/* x[SF_COUNT] for the pair; symmetric in a and b. */
void simf_pair(const struct sim_track *a, const struct sim_track *b, double *x);
/* Circle-of-fifths distance of two pitch classes (0..11): 0..6. */
int simf_fifths(int ka, int kb);

#endif
