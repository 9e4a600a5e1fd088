/*
 * Transform: turns extracted play rows and raw enrichment answers (cJSON, as
 * Spotify or ReccoBeats sent them) into catalog rows for load. Pure: no
 * database, no network. A tr_batch owns every string in it (copies), so the
 * parsed documents can be freed as soon as a tr_add_* call returns.
 * De-duplication happens here: a track, album or artist id is added to a
 * batch once (the first object seen wins within a batch; load upserts, so
 * across batches the newest wins).
 *
 * Numbers are doubles, NaN when absent (load writes NULL).
 */
#ifndef PIPELINE_TRANSFORM_H
#define PIPELINE_TRANSFORM_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"
#include "core/strvec.h"

struct page_rows;

/* A set of strings (ids), open addressing; keys are copied. */
struct tr_idset {
	char **slots;
	size_t n, cap;
};
#define TR_IDSET_INIT { NULL, 0, 0 }
/* Returns 1 when s was added, 0 when it was already there. */
int tr_idset_add(struct tr_idset *s, const char *id);
int tr_idset_has(const struct tr_idset *s, const char *id);
void tr_idset_release(struct tr_idset *s);

struct tr_play {
	int64_t account_id, page_id, played_ms;
	char *track_id, *track_name, *artist_names, *album_name, *context_uri;
};

struct tr_image {
	char *url;
	double width, height;
};

struct tr_album {
	char *id, *name, *album_type, *release_date;
	double total_tracks;
	struct strvec artist_ids;
	struct tr_image *images;
	size_t nimages;
};

struct tr_track {
	char *id, *name, *album_id, *isrc;
	double duration_ms, explicit_, popularity, track_number, disc_number;
	struct strvec artist_ids;
};

struct tr_artist {
	char *id, *name;
	int full;               /* a full artist object: genres are known */
	double popularity, followers;
	struct strvec genres;   /* in Spotify's order */
};

struct tr_features {
	char *track_id;
	const char *provider;   /* static string: "spotify", "reccobeats" */
	double acousticness, danceability, energy, instrumentalness, liveness,
		loudness, speechiness, valence, tempo, key, mode,
		time_signature, duration_ms;
};

struct tr_section {
	double start, duration, confidence, loudness, tempo, tempo_confidence,
		key, key_confidence, mode, mode_confidence, time_signature,
		time_signature_confidence;
};

struct tr_segment {
	double start, duration, confidence, loudness_start, loudness_max,
		loudness_max_time, loudness_end;
	char *pitches, *timbre; /* JSON array text */
};

struct tr_analysis {
	char *track_id;
	const char *provider;
	double duration, loudness, tempo, key, mode, time_signature;
	struct tr_section *sections;
	size_t nsections;
	struct tr_segment *segments;
	size_t nsegments;
};

/* Everything one load writes. */
struct tr_batch {
	struct tr_play *plays;
	size_t nplays, aplays;
	struct tr_track *tracks;
	size_t ntracks, atracks;
	struct tr_album *albums;
	size_t nalbums, aalbums;
	struct tr_artist *artists;
	size_t nartists, aartists;
	struct tr_features *features;
	size_t nfeatures, afeatures;
	struct tr_analysis *analyses;
	size_t nanalyses, aanalyses;
	struct tr_idset seen;   /* "t:ID", "a:ID", "r:ID", "p:acct:ms:ID" */
	size_t replaced;        /* names whose invalid UTF-8 became U+FFFD */
};
#define TR_BATCH_INIT { 0 }

void tr_batch_release(struct tr_batch *b);

/*
 * Adds a page's plays (de-duplicated by account, time and track) and the
 * tracks, albums and artists of their embedded track objects.
 */
void tr_add_page(struct tr_batch *b, const struct page_rows *p,
		 int64_t account_id, int64_t page_id);
/* A full track object (embedded, or from /v1/tracks). -1 if it has no id. */
int tr_add_track(struct tr_batch *b, const cJSON *track);
/* A full artist object from /v1/artists: name, genres, popularity. */
int tr_add_artist(struct tr_batch *b, const cJSON *artist);
/*
 * One audio-features object (Spotify's, or a ReccoBeats "content" item) for
 * track_id; provider is a static string.
 */
int tr_add_features(struct tr_batch *b, const cJSON *f, const char *track_id,
		    const char *provider);
/* One audio-analysis document for track_id. -1 when it is not one. */
int tr_add_analysis(struct tr_batch *b, const cJSON *a, const char *track_id,
		    const char *provider);

/*
 * The Spotify track id a ReccoBeats item names through its "href"
 * ("https://open.spotify.com/track/<id>"); NULL when it has none. Writes
 * into buf (at least 64 bytes).
 */
const char *tr_recco_track_id(const cJSON *item, char *buf, size_t len);

/* A number member as a double; NaN when missing or not a number. */
double tr_num(const cJSON *o, const char *name);

#endif
