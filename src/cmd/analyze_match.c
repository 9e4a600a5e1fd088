/*
 * Matching files to tracks (analyze_match.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/analyze_files.h"
#include "cmd/analyze_match.h"
#include "core/xalloc.h"
#include "store/store.h"
#include "core/banned.h"

struct named {
	char *id, *title, *artists, *first;
	double seconds; /* NaN: unknown */
};

struct analyze_matcher {
	struct named *v;
	size_t n, alloc;
};

static int add_named(void *arg, const struct store_named_track *t)
{
	struct analyze_matcher *m = arg;
	struct named *x;
	const char *comma = t->artists ? strstr(t->artists, ", ") : NULL;
	char *first;

	ALLOC_GROW(m->v, m->n + 1, m->alloc);
	x = &m->v[m->n++];
	x->id = xstrdup(t->id);
	x->title = analyze_norm(t->name);
	x->artists = analyze_norm(t->artists);
	first = comma ? xstrndup(t->artists, (size_t)(comma - t->artists))
		      : xstrdup(t->artists ? t->artists : "");
	x->first = analyze_norm(first);
	free(first);
	x->seconds = t->duration_ms / 1000.0;
	return 0;
}

void analyze_matcher_free(struct analyze_matcher *m)
{
	for (size_t i = 0; m && i < m->n; i++) {
		free(m->v[i].id);
		free(m->v[i].title);
		free(m->v[i].artists);
		free(m->v[i].first);
	}
	if (m)
		free(m->v);
	free(m);
}

void analyze_match_release(struct analyze_match *a)
{
	free(a->track_id);
	strvec_clear(&a->candidates);
	memset(a, 0, sizeof(*a));
}

/* Candidates by names: those with a known duration, if any match so. */
static void by_name(const struct analyze_matcher *m, const char *artist,
		    const char *title, double dur, struct strvec *ids)
{
	int known = 0;

	for (int pass = 0; pass < 2 && !ids->n; pass++)
		for (size_t i = 0; i < m->n; i++) {
			const struct named *x = &m->v[i];
			int has = !isnan(x->seconds);
			if (strcmp(x->title, title) || (strcmp(x->artists, artist) &&
							strcmp(x->first, artist)))
				continue;
			if (pass == 0 && (!has || isnan(dur) ||
					  fabs(x->seconds - dur) > MATCH_TOL_S))
				continue;
			if (pass == 1 && (has || known))
				continue;
			known |= has;
			strvec_push(ids, x->id);
		}
	strvec_sort(ids);
}

static void decide(struct strvec *ids, const char *by,
		   struct analyze_match *out)
{
	if (ids->n == 1) {
		out->track_id = xstrdup(ids->v[0]);
		out->by = by;
		strvec_clear(ids);
	} else {
		out->candidates = *ids;
		memset(ids, 0, sizeof(*ids));
	}
}

int analyze_match(struct store *s, struct analyze_matcher **m,
		  const struct audio_tags *t, double duration,
		  struct analyze_match *out, struct strbuf *err)
{
	struct strvec ids = STRVEC_INIT;
	char *artist, *title;

	memset(out, 0, sizeof(*out));
	if (isnan(duration))
		duration = t->seconds >= 0 ? t->seconds : NAN;
	if (t->isrc && store_analysis_by_isrc(s, t->isrc, &ids, err))
		return -1;
	if (ids.n) {
		decide(&ids, "isrc", out);
		return 0;
	}
	if (!t->artist || !t->title)
		return 0;
	if (!*m) {
		*m = xcalloc(1, sizeof(**m));
		if (store_analysis_tracks(s, add_named, *m, err))
			return -1;
	}
	artist = analyze_norm(t->artist);
	title = analyze_norm(t->title);
	by_name(*m, artist, title, duration, &ids);
	free(artist);
	free(title);
	if (ids.n)
		decide(&ids, "name", out);
	strvec_clear(&ids);
	return 0;
}
