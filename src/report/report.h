/*
 * Reports: pure functions from the store to plain structs, for web/ to draw
 * and cmd/ to print. Nothing here writes to the database or prints.
 *
 * Music statistics count only plays with kind = 'music' and a track id, and
 * only from min_ms_played on where ms_played is known (API plays have no
 * ms_played and always count). Time played is ms_played where known, else
 * the track's duration (an estimate; the structs say how much was which).
 * Days are local calendar days of the play's END time in the process zone
 * (time_local_day), so DST and zone changes follow the IANA rules.
 *
 * Ownership: every report_* function fills a caller-provided struct that
 * the caller releases with the matching *_release; strings inside are owned
 * by the struct. Functions return 0, or -1 with a message in err.
 */
#ifndef REPORT_REPORT_H
#define REPORT_REPORT_H

#include <stdint.h>

#include "core/strbuf.h"
#include "store/store.h"

#define REPORT_TOP 10

/* A track as reports show it; strings may be empty, never NULL. */
struct report_track {
	char *id;
	char *name;
	char *artists;   /* every artist's name, in order, joined with ", " */
	char *album_id;  /* "" when unknown */
	char *album;
	char *cover_url; /* the image to cache for the album, "" when none */
	int64_t duration_ms; /* -1 when unknown */
};

/* One calendar day. */
struct report_day {
	int64_t day;          /* local day number (days since 1970-01-01) */
	int plays;            /* counted music plays that day */
	int64_t ms;           /* time played that day */
	int win;              /* index into report_year.tracks, -1 = empty day */
	int win_plays;
	int64_t win_ms;
};

struct report_rank {
	char *key;     /* track/artist/album id or genre */
	char *label;   /* display name */
	char *sub;     /* artists of a track, artist of an album; "" otherwise */
	int track;     /* index into tracks for tracks, -1 otherwise */
	int plays;
	int64_t ms;
};

/*
 * Everything about one local calendar year: the calendar and the year in
 * review are computed in one pass over the year's plays (the plays_time
 * index), so they are always consistent with each other.
 */
struct report_year {
	int year;
	int64_t first_day;     /* local day number of 1 January */
	int ndays;             /* 365 or 366 */
	struct report_day *days;

	struct report_track *tracks; /* calendar winners and top tracks */
	int ntracks;

	int plays;             /* counted music plays */
	int plays_ms_known;    /* of which ms_played was known */
	int plays_ms_unknown;  /* ... neither ms_played nor the duration known */
	int64_t ms;            /* time played: measured + estimated */
	int64_t ms_measured;   /* the part from ms_played */
	int distinct_tracks, distinct_artists, distinct_albums;

	struct report_rank top_tracks[REPORT_TOP];
	int ntop_tracks;
	struct report_rank top_artists[REPORT_TOP];
	int ntop_artists;
	struct report_rank top_albums[REPORT_TOP];
	int ntop_albums;
	struct report_rank top_genres[REPORT_TOP];
	int ntop_genres;

	int64_t month_ms[12];
	int month_plays[12];
	int heat[7][24];       /* plays by weekday (0 = Monday) and local hour */

	int biggest_day;       /* index into days, -1 when the year is empty */
	int64_t first_play_ms; /* -1 when none */
	int first_play_track;  /* index into tracks */

	int new_artists;       /* artists whose first play ever is in this year */
	int first_year;        /* 1 when nothing was played before this year: then
				  every artist is new and new_artist_list is
				  top_artists again, so pages say so instead */
	struct report_rank new_artist_list[REPORT_TOP]; /* the most played of them */
	int nnew_artist_list;

	int skips_known;       /* music plays with a known skipped flag */
	int skips;             /* of which skipped */

	/* Mood: play-weighted means over plays whose track has features. */
	double month_valence[12], month_energy[12];
	int month_mood_plays[12];
};

struct report_options {
	int64_t min_ms_played; /* stats.min_ms_played */
	int64_t account_id;    /* whose plays: an account's id, 0 every account's
				  (report_year_with checks it against its cache's) */
};

int report_year(struct store *st, int year, const struct report_options *opt,
		struct report_year *out, struct strbuf *err);
void report_year_release(struct report_year *y);
/*
 * The same through c, keeping what it reads of the catalog and the display
 * names in c for the next year while the store is unchanged (checked on
 * every call with store_data_version). One thread at a time per c; struct
 * report_cache is below.
 */
struct report_cache;
int report_year_with(struct report_cache *c, int year, const struct report_options *opt,
		     struct report_year *out, struct strbuf *err);

/* Years from the first play's to the last play's (of the account, 0: of any),
 * ascending. Returns a new array. */
int report_years(struct store *st, int64_t account_id, int **years, int *n,
		 struct strbuf *err);

/*
 * What reports remember for one store handle between calls, so a renderer
 * asking many small questions (the static site's thousands of track and
 * day pages) looks each track's names up once. Borrows st; release before
 * closing it.
 */
struct report_memo;
struct report_catalog;

struct report_cache {
	struct store *store;
	struct report_memo *memo; /* display names of tracks in the store (bounded
				     by it: ids that are not in the store are
				     never kept); report.c's */
	struct report_catalog *catalog; /* what report_year_with read of the
					   catalog; report.c's */
	int64_t account; /* whose plays every report through the cache reads:
			    an account's id, 0 every account's. Fixed at init, so
			    two listeners' requests never share a cache */
	int strict;    /* one listener among several: report_track finds only
			  tracks with the account's plays (no id guessing) */
};

/* A cache of every account's plays (account 0). */
void report_cache_init(struct report_cache *c, struct store *st);
/* A cache of one account's plays (0: every account's). */
void report_cache_init_for(struct report_cache *c, struct store *st, int64_t account_id,
			   int strict);
void report_cache_release(struct report_cache *c);
/* Forgets remembered names and catalog (call when the store changed). */
void report_cache_forget(struct report_cache *c);

/* One play as a day page lists it. */
struct report_play {
	int64_t played_ms;
	char *kind;
	char *track_id; /* "" when none */
	char *name;     /* track or episode name */
	char *artists;
	char *album;
	int64_t ms_played; /* -1 when unknown */
	int skipped;       /* -1 when unknown */
	int sources;       /* enum play_source bits */
	int counted;       /* counts in music statistics */
	char name_id[18];  /* no track id: its track page's id (report_name_id), "" none */
};

struct report_plays {
	struct report_play *v;
	int n;
};

/* Every play (all kinds) whose end time falls on local day `day`. */
int report_day_plays(struct report_cache *c, int64_t day, const struct report_options *opt,
		     struct report_plays *out, struct strbuf *err);
void report_plays_release(struct report_plays *p);

/*
 * Artists' display names, asked of the store at once: the name in a
 * "name:" key, else the catalog's, else the key itself. out[i] (new
 * strings) for keys[i]; the second sets v[k].label of ranked artists.
 */
void report_artist_labels(struct store *st, const char *const *keys, int n, char **out);
void report_label_artist_ranks(struct store *st, struct report_rank *v, int n);

struct report_section {
	double start, duration, loudness, tempo;
	int key, mode;
};

struct report_track_page {
	struct report_track t;
	int found;             /* the track is known at all */
	int64_t *plays_ms;     /* every play's end time, ascending */
	int nplays;
	struct report_section *sections;
	int nsections;
	int has_features;
	double valence, energy, danceability, tempo, loudness;
};

/*
 * A track known by its names only (no Spotify id) is keyed, and its page
 * named, "n" and the 16 hex digits of its name key (core/playmatch.h):
 * base 62 like an id, never 22 characters like a Spotify id, and the same
 * in every store that has those names (track-n<hex>.html). NAME_ID_LEN
 * with its NUL.
 */
#define REPORT_NAME_ID_LEN 18
void report_name_id(uint64_t name_key, char out[REPORT_NAME_ID_LEN]);
/* 1 with *name_key when id is such a key. */
int report_name_id_parse(const char *id, uint64_t *name_key);

/* A track's page; a name-keyed id (report_name_id) gives the page of a
 * track known by its names: its plays and names, no album id, cover,
 * duration, features or sections. */
int report_track(struct report_cache *c, const char *track_id,
		 struct report_track_page *out, struct strbuf *err);
void report_track_page_release(struct report_track_page *p);

/* Coverage of one year: per day, which sources saw plays. */
struct report_coverage_day {
	int plays;      /* all plays that day, any kind */
	int api;        /* plays with sources & SRC_API */
	int exported;   /* plays with sources & (SRC_EXPORT | SRC_ACCOUNT_DATA) */
};

struct report_gap {
	char *account;
	int64_t from_ms, to_ms, detected_ms, healed_ms; /* healed_ms -1: open */
	char *healed_by;
};

struct report_coverage {
	int year;
	int64_t first_day;
	int ndays;
	struct report_coverage_day *days;
	struct report_gap *gaps; /* gaps overlapping the year */
	int ngaps;
};

/* Of the account's plays and gaps (0: every account's). */
int report_coverage(struct store *st, int64_t account_id, int year,
		    struct report_coverage *out, struct strbuf *err);
void report_coverage_release(struct report_coverage *c);

/*
 * The calendar winner rule, exposed for tests: is candidate (plays, ms, id)
 * better than the current best? More plays win; ties go to more time played;
 * then to the smaller track id (bytewise), so the answer never depends on
 * the order rows come in.
 */
int report_better(int plays, int64_t ms, const char *id,
		  int best_plays, int64_t best_ms, const char *best_id);

/* Local year bounds: [*from, *to) in UTC ms; local day numbers of 1 Jan. */
void report_year_bounds(int year, int64_t *from_ms, int64_t *to_ms);

#endif
