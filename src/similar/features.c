/*
 * The library sweep and the pair features. Tempo distance is taken on a
 * log2 scale and folded over octaves, so 80 and 160 BPM (a half-time feel)
 * count as close; section loudness is summarised by its spread
 * (sqrt(E[l^2] - E[l]^2)).
 */
#include "similar/features.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "core/xalloc.h"
#include "store/store.h"
#include "core/banned.h"

static const char *const names[SF_COUNT] = {
	"d_acousticness", "d_danceability", "d_energy", "d_instrumentalness", "d_liveness",
	"d_speechiness", "d_valence",
	"p_acousticness", "p_danceability", "p_energy", "p_instrumentalness", "p_liveness",
	"p_speechiness", "p_valence",
	"missing_audio_features",
	"d_tempo", "p_tempo", "d_loudness", "p_loudness", "missing_tempo_loudness",
	"key_fifths", "key_relative_fifths", "same_mode", "missing_key",
	"d_sections", "d_section_duration", "d_section_loudness_sd", "d_section_keys",
	"missing_sections",
	"genre_jaccard", "missing_genres",
};

const char *simf_name(int f)
{
	return f >= 0 && f < SF_COUNT ? names[f] : "?";
}

char *simf_list(void)
{
	struct strbuf sb = STRBUF_INIT;
	for (int f = 0; f < SF_COUNT; f++)
		strbuf_addf(&sb, "%s%s", f ? "," : "", names[f]);
	return strbuf_detach(&sb, NULL);
}

static uint64_t genre_hash(const char *s, size_t n)
{
	uint64_t h = HASH_FNV_OFFSET;
	for (size_t i = 0; i < n; i++)
		h = hash_fnv1a_byte(h, (unsigned char)s[i]);
	return h;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Sorted unique hashes of the genres; ngenres -1 when there are none. */
static void set_genres(struct sim_track *t, const char *const *g, int n)
{
	int k = 0;
	t->genres = n > 0 ? xmalloc(sizeof(*t->genres) * (size_t)n) : NULL;
	for (int i = 0; i < n; i++)
		t->genres[i] = genre_hash(g[i], strlen(g[i]));
	if (n > 0)
		qsort(t->genres, (size_t)n, sizeof(*t->genres), cmp_u64);
	for (int i = 0; i < n; i++)
		if (!k || t->genres[k - 1] != t->genres[i])
			t->genres[k++] = t->genres[i];
	t->ngenres = k ? k : -1;
}

static struct sim_track *grow(struct sim_library *lib)
{
	if (lib->n == lib->cap) {
		lib->cap = lib->cap ? lib->cap * 2 : 256;
		lib->t = xrealloc(lib->t, sizeof(*lib->t) * lib->cap);
	}
	struct sim_track *t = &lib->t[lib->n++];
	memset(t, 0, sizeof(*t));
	return t;
}

void simlib_add(struct sim_library *lib, const char *id, const char *name,
		const double v[SV_COUNT], int has_features, const char *const *genres,
		int ngenres)
{
	struct sim_track *t = grow(lib);
	t->id = xstrdup(id);
	t->name = xstrdup(name ? name : "");
	t->artists = xstrdup("");
	t->genre_names = xstrdup("");
	t->in_catalog = 1;
	t->has_features = has_features;
	memcpy(t->v, v, sizeof(t->v));
	set_genres(t, genres, ngenres);
	lib->with_features += has_features != 0;
}

static void from_store(struct sim_track *t, const struct store_sim_track *s)
{
	const double av[SV_AUDIO] = { s->acousticness, s->danceability, s->energy,
				      s->instrumentalness, s->liveness, s->speechiness, s->valence };
	double var = s->section_loudness_sq_avg - s->section_loudness_avg * s->section_loudness_avg;

	for (int i = 0; i < SV_AUDIO; i++)
		t->v[i] = s->has_features ? av[i] : NAN;
	t->v[SV_TEMPO] = s->tempo > 0 ? s->tempo : NAN;
	t->v[SV_LOUDNESS] = s->loudness;
	/* key -1: the provider found no key */
	t->v[SV_KEY] = s->key >= 0 && s->key <= 11 ? s->key : NAN;
	t->v[SV_MODE] = s->mode;
	t->v[SV_SECTIONS] = s->sections > 0 ? s->sections : NAN;
	t->v[SV_SECTION_DUR] = s->sections > 0 ? s->section_duration_avg : NAN;
	t->v[SV_SECTION_LOUD_SD] = s->sections > 0 ? sqrt(var > 0 ? var : 0) : NAN;
	t->v[SV_SECTION_KEYS] = s->sections > 0 ? s->section_keys : NAN;
}

static int add_stored(void *arg, const struct store_sim_track *s)
{
	struct sim_library *lib = arg;
	struct sim_track *t = grow(lib);
	const char *g[64];
	int ng = 0;

	t->id = xstrdup(s->id);
	t->name = xstrdup(s->name ? s->name : "");
	t->artists = xstrdup(s->artists ? s->artists : "");
	t->plays = s->plays;
	t->in_catalog = s->name != NULL;
	t->has_features = s->has_features;
	from_store(t, s);
	char *gs = s->genres && *s->genres ? xstrdup(s->genres) : NULL;
	struct strbuf shown = STRBUF_INIT;
	for (char *p = gs, *e; p && ng < 64; p = e ? e + 1 : NULL) {
		e = strchr(p, 0x1f);
		if (e)
			*e = '\0';
		g[ng++] = p;
		if (!strstr(shown.buf, p))
			strbuf_addf(&shown, "%s%s", shown.len ? ", " : "", p);
	}
	set_genres(t, g, ng);
	t->genre_names = strbuf_detach(&shown, NULL);
	free(gs);
	lib->with_features += t->has_features != 0;
	return 0;
}

static int cmp_track(const void *a, const void *b)
{
	return strcmp(((const struct sim_track *)a)->id, ((const struct sim_track *)b)->id);
}

void simlib_sort(struct sim_library *lib)
{
	if (lib->n)
		qsort(lib->t, lib->n, sizeof(*lib->t), cmp_track);
}

int simlib_load(struct store *s, int64_t account_id, struct sim_library *lib,
		struct strbuf *err)
{
	memset(lib, 0, sizeof(*lib));
	if (store_similar_tracks(s, account_id, add_stored, lib, err) < 0) {
		simlib_release(lib);
		return -1;
	}
	simlib_sort(lib);
	return 0;
}

void simlib_release(struct sim_library *lib)
{
	for (size_t i = 0; i < lib->n; i++) {
		free(lib->t[i].id);
		free(lib->t[i].name);
		free(lib->t[i].artists);
		free(lib->t[i].genres);
		free(lib->t[i].genre_names);
	}
	free(lib->t);
	memset(lib, 0, sizeof(*lib));
}

long simlib_find(const struct sim_library *lib, const char *id)
{
	size_t lo = 0, hi = lib->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(id, lib->t[mid].id);
		if (!c)
			return (long)mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

int simf_fifths(int ka, int kb)
{
	int d = ((ka - kb) * 7 % 12 + 12) % 12;
	return d > 6 ? 12 - d : d;
}

static double jaccard(const struct sim_track *a, const struct sim_track *b)
{
	int i = 0, j = 0, both = 0;
	if (a->ngenres < 0 || b->ngenres < 0)
		return NAN;
	while (i < a->ngenres && j < b->ngenres) {
		if (a->genres[i] == b->genres[j]) {
			both++;
			i++;
			j++;
		} else if (a->genres[i] < b->genres[j]) {
			i++;
		} else {
			j++;
		}
	}
	return (double)both / (double)(a->ngenres + b->ngenres - both);
}

/* Fills a group: when missing, its values are NaN and its indicator 1. */
static void group(double *x, int from, int to, int indicator, int missing)
{
	if (missing)
		for (int f = from; f < to; f++)
			x[f] = NAN;
	x[indicator] = missing ? 1 : 0;
}

static void pair_audio(const double *a, const double *b, double *x, int missing)
{
	for (int i = 0; i < SV_AUDIO; i++) {
		x[SF_D_ACOUSTIC + i] = fabs(a[i] - b[i]);
		x[SF_P_ACOUSTIC + i] = a[i] * b[i];
	}
	group(x, SF_D_ACOUSTIC, SF_MISSING_AUDIO, SF_MISSING_AUDIO, missing);
}

static void pair_tempo_key(const double *a, const double *b, double *x)
{
	/* log2 a - log2 b, not log2(a / b): the difference is exactly symmetric */
	double d = fabs(log2(a[SV_TEMPO]) - log2(b[SV_TEMPO]));
	d -= floor(d);
	x[SF_D_TEMPO] = d < 0.5 ? d : 1 - d;
	x[SF_P_TEMPO] = a[SV_TEMPO] / 100 * (b[SV_TEMPO] / 100);
	x[SF_D_LOUDNESS] = fabs(a[SV_LOUDNESS] - b[SV_LOUDNESS]);
	x[SF_P_LOUDNESS] = a[SV_LOUDNESS] / 10 * (b[SV_LOUDNESS] / 10);
	group(x, SF_D_TEMPO, SF_MISSING_TEMPO_LOUDNESS, SF_MISSING_TEMPO_LOUDNESS,
	      isnan(a[SV_TEMPO] + b[SV_TEMPO] + a[SV_LOUDNESS] + b[SV_LOUDNESS]));
	int nokey = isnan(a[SV_KEY] + b[SV_KEY] + a[SV_MODE] + b[SV_MODE]);
	if (!nokey) {
		int ka = (int)a[SV_KEY], kb = (int)b[SV_KEY];
		x[SF_KEY_FIFTHS] = simf_fifths(ka, kb);
		/* a minor key next to its relative major (A minor = C major) */
		x[SF_KEY_RELATIVE_FIFTHS] = simf_fifths(a[SV_MODE] ? ka : ka + 3,
							b[SV_MODE] ? kb : kb + 3);
		x[SF_SAME_MODE] = a[SV_MODE] == b[SV_MODE];
	}
	group(x, SF_KEY_FIFTHS, SF_MISSING_KEY, SF_MISSING_KEY, nokey);
}

void simf_pair(const struct sim_track *a, const struct sim_track *b, double *x)
{
	const double *va = a->v, *vb = b->v;
	pair_audio(va, vb, x, !a->has_features || !b->has_features);
	pair_tempo_key(va, vb, x);
	for (int i = 0; i < 4; i++)
		x[SF_D_SECTIONS + i] = fabs(va[SV_SECTIONS + i] - vb[SV_SECTIONS + i]);
	group(x, SF_D_SECTIONS, SF_MISSING_SECTIONS, SF_MISSING_SECTIONS,
	      isnan(va[SV_SECTIONS] + vb[SV_SECTIONS]));
	x[SF_GENRE_JACCARD] = jaccard(a, b);
	x[SF_MISSING_GENRES] = isnan(x[SF_GENRE_JACCARD]);
}
