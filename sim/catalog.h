/*
 * catalog.h - the simulated Spotify catalog: artists, albums, tracks, podcast
 * shows and episodes, generated once from the seed by catalog_init and
 * read-only afterwards (safe to read from any thread). The catalog owns all
 * names; catalog_release frees them.
 *
 * The *_json builders return a new cJSON tree the caller deletes. `base` is
 * the simulator's own URL ("http://127.0.0.1:PORT") used in href fields and
 * image URLs; `dev` drops the fields development-mode apps no longer get
 * (popularity, followers, available_markets).
 */
#ifndef SIM_CATALOG_H
#define SIM_CATALOG_H

#include <cjson/cJSON.h>
#include <stdint.h>

#define CAT_ID_LEN 22

struct cat_artist {
	char id[CAT_ID_LEN + 1];
	char *name;
	int ngenres;
	const char *genres[3];
	int popularity;
	int followers;
};

struct cat_album {
	char id[CAT_ID_LEN + 1];
	char *name;
	int nartists;
	int artists[2];
	char release_date[11];
	const char *album_type;
	int total_tracks;
	int first_track;
	int popularity;
};

struct cat_track {
	char id[CAT_ID_LEN + 1];
	char *name;
	int nartists;
	int artists[3];
	int album;
	int duration_ms;
	int explicit_;
	int popularity;
	char isrc[13];
	int track_number;
	int disc_number;
	/* audio features; equal to the analysis' track block */
	double danceability, energy, loudness, speechiness, acousticness;
	double instrumentalness, liveness, valence, tempo;
	int key, mode, time_signature;
	int duration_units; /* analysis duration in 1e-5 s */
	int style;          /* the hidden style (issue 15): never in an answer */
};

struct cat_show {
	char id[CAT_ID_LEN + 1];
	char *name;
};

struct cat_episode {
	char id[CAT_ID_LEN + 1];
	char *name;
	int show;
	int duration_ms;
};

struct catalog {
	uint64_t seed;
	struct cat_artist *artists;
	int nartists;
	struct cat_album *albums;
	int nalbums;
	struct cat_track *tracks;
	int ntracks;
	struct cat_show *shows;
	int nshows;
	struct cat_episode *episodes;
	int nepisodes;
	/* indices sorted by id, for lookups */
	int *track_order, *artist_order, *album_order;
	/* tracks with hostile names (markup, quotes, emoji, right-to-left) */
	int hostile[8];
	int nhostile;
};

void catalog_init(struct catalog *c, uint64_t seed);
void catalog_release(struct catalog *c);

/* 1 if s is exactly 22 base62 characters. */
int catalog_valid_id(const char *s);
/* Index of the object with that id, or -1. */
int catalog_find_track(const struct catalog *c, const char *id);
int catalog_find_artist(const struct catalog *c, const char *id);
int catalog_find_album(const struct catalog *c, const char *id);

cJSON *catalog_track_json(const struct catalog *c, int t, const char *base, int dev);
cJSON *catalog_artist_json(const struct catalog *c, int a, const char *base, int dev);
/* 1 when the artist has a picture (its "images" list 640, 320 and 160 px),
 * 0 for the one in eight whose "images" is empty, as on Spotify. */
int catalog_artist_has_image(const struct catalog *c, int a);
cJSON *catalog_album_json(const struct catalog *c, int al, const char *base, int dev);
cJSON *catalog_features_json(const struct catalog *c, int t, const char *base);
cJSON *catalog_analysis_json(const struct catalog *c, int t);
cJSON *catalog_recco_json(const struct catalog *c, int t);

/* The truth of issue 15: 1 when tracks a and b share their hidden style. */
int catalog_similar(const struct catalog *c, int a, int b);

#endif
