/*
 * Matching an analysed file to a track (cmd/analyze.c): by the ISRC in its
 * tags against the catalog's, else by normalised title and artist (the
 * whole artist list or its first name) with a duration within
 * MATCH_TOL_S. More than one track is ambiguous: the candidates are
 * listed, none is chosen.
 *
 * Ownership: the matcher (created on first use, freed with
 * analyze_matcher_free) keeps a copy of the names it read from the store.
 * struct analyze_match owns its strings; analyze_match_release frees them.
 */
#ifndef CMD_ANALYZE_MATCH_H
#define CMD_ANALYZE_MATCH_H

#include "audio/tags.h"
#include "core/strbuf.h"
#include "core/strvec.h"

#define MATCH_TOL_S 3.0

struct store;
struct analyze_matcher;

struct analyze_match {
	char *track_id;          /* NULL: no match (or ambiguous) */
	const char *by;          /* "isrc", "name", or NULL: a static string */
	struct strvec candidates; /* when ambiguous, sorted */
};

/* duration: of the audio, s (NaN: take the tags'). 0, or -1 with err. */
int analyze_match(struct store *s, struct analyze_matcher **m,
		  const struct audio_tags *t, double duration,
		  struct analyze_match *out, struct strbuf *err);
void analyze_match_release(struct analyze_match *a);
void analyze_matcher_free(struct analyze_matcher *m);

#endif
