/*
 * Navigation reports: the listening history as a whole, for the artist,
 * album, range (all time, any dates, a week, a month), streak and "on this
 * day" pages. Counting follows report.h: music plays with a track id, from
 * min_ms_played on where ms_played is known; time played is ms_played, else
 * the track's duration, else 0. Days are local days of the END time. Ranks
 * order by plays, then time played, then the key (bytewise), as the year
 * in review's top lists do, so the two agree.
 *
 * struct nav_index is built once (nav_index_build: one pass over every play
 * and one over the catalog) and then answers many pages without reading
 * the plays again: it keeps every counted play (struct nav_play, 16 bytes:
 * 16 MB at 1M plays) in time order and, per track, where its plays are.
 * It is read-only afterwards, so threads may share one index (the site's
 * two do); the store handle passed to each call must be the thread's own. Artists and albums are keyed by catalog id; a track the
 * catalog does not have yet counts under "name:<the play's artist>" and
 * "name:<album>", as report.c does (such keys have no page).
 *
 * Ownership: every nav_* function that fills a struct is paired with a
 * *_release; strings inside are owned by the struct. Functions return 0, or
 * -1 with a message in err (or 1/0 for found/not found where said).
 */
#ifndef REPORT_NAV_H
#define REPORT_NAV_H

#include <stdint.h>

#include "core/strbuf.h"
#include "report/report.h"
#include "store/store.h"

#define NAV_TOP 25

struct nav_track {
	char *id;
	char *album;        /* album key, "" when unknown */
	int *artists;       /* artist indices, in position order */
	int nartists;
	int64_t duration;   /* -1 unknown */
	int plays;          /* all time */
	int64_t ms;
	int64_t first_ms, last_ms;
	int64_t ref;        /* a track known by its names: its reference, else 0 */
};

/* A counted play: its track (index), local day and time played. */
struct nav_play {
	int32_t track;
	int32_t day;
	int64_t ms;
};

/* An artist or an album. */
struct nav_group {
	char *key;
	int plays;
	int64_t ms;
	int64_t first_ms, last_ms;  /* -1 when never played */
	int rank;           /* 1-based among the groups with plays, 0 none */
	int *tracks;        /* track indices */
	int ntracks, atracks;
};

struct nav_map {
	struct nav_map_ent { uint64_t h; int val; } *e;
	size_t cap, n;
};

struct nav_index {
	struct nav_track *t;
	int nt, at;
	struct nav_group *a;  /* artists */
	int na, aa;
	struct nav_group *b;  /* albums */
	int nb, ab;
	struct nav_map tmap, amap, bmap;
	int nranked_artists, nranked_albums;
	/* every local day from first_day with counted plays (ndays 0: none) */
	int64_t first_day;
	int ndays;
	int *day_plays;
	int64_t *day_ms;
	int plays;
	int64_t ms;
	int64_t min_ms_played;
	/* name keys of the name-keyed track references, by reference (0:
	 * none), so their tracks are keyed report_name_id as report.c's */
	uint64_t *ref_key;
	int64_t nref_key;
	int64_t account_id; /* whose plays (report_options.account_id), for nav_range
			       and the pages */
	int only_played;    /* search finds only what the account played (set by
			       the caller: one listener among several) */
	/* every counted play, time order; those of track i are
	 * log[tplay[toff[i]]] .. log[tplay[toff[i + 1] - 1]] */
	struct nav_play *log;
	int nlog, alog;
	int *toff, *tplay;
};

int nav_index_build(struct store *st, const struct report_options *opt,
		    struct nav_index *out, struct strbuf *err);
void nav_index_release(struct nav_index *x);

/* Index of a track, artist or album key; -1 when unknown. */
int nav_track_of(const struct nav_index *x, const char *id);
int nav_artist_of(const struct nav_index *x, const char *key);
int nav_album_of(const struct nav_index *x, const char *key);
/* 1 when the artist/album has a page: a catalog id with counted plays. */
int nav_artist_page(const struct nav_index *x, const char *key);
int nav_album_page(const struct nav_index *x, const char *key);
/* Counted plays on a local day (0 outside the history). */
int nav_day_plays(const struct nav_index *x, int64_t day);
/* The nearest day before (dir -1) or after (dir 1) day with plays; 0 found. */
int nav_day_step(const struct nav_index *x, int64_t day, int dir, int64_t *out);

/* Top lists and totals over local days [from_day, to_day). */
struct nav_range {
	int64_t from_day, to_day;
	int plays;
	int64_t ms;
	int distinct_tracks, distinct_artists, distinct_albums;
	struct report_rank top_tracks[NAV_TOP], top_artists[NAV_TOP], top_albums[NAV_TOP];
	int ntop_tracks, ntop_artists, ntop_albums;
	/* per day of [from_day, to_day) clamped to the history; day0 = first */
	int64_t day0;
	int ndays;
	int *day_plays;
	int64_t *day_ms;
};
/* from_day INT64_MIN and to_day INT64_MAX: all time. */
int nav_range(const struct nav_index *x, struct store *st, int64_t from_day, int64_t to_day,
	      struct nav_range *out, struct strbuf *err);
void nav_range_release(struct nav_range *r);

/* An artist's or an album's page. */
struct nav_group_page {
	char *key;
	char *name;
	char *sub;            /* an album's artists, joined with ", " */
	char **artist_ids;    /* an album's artists (ids) */
	int nartist_ids;
	int rank, nranked;
	int plays;
	int64_t ms;
	int64_t first_ms, last_ms;
	int ntracks_played;
	struct report_rank top_tracks[NAV_TOP]; /* key: track id; sub: artists */
	int ntop_tracks;
	int month0;           /* year * 12 + month - 1 of the first bar */
	int nmonths;
	int *month_plays;
	int64_t *month_ms;
};
/* 1 with *out filled, 0 when the key has no counted plays, -1 with err. */
int nav_artist(const struct nav_index *x, struct store *st, const char *key,
	       struct nav_group_page *out, struct strbuf *err);
int nav_album(const struct nav_index *x, struct store *st, const char *key,
	      struct nav_group_page *out, struct strbuf *err);
void nav_group_page_release(struct nav_group_page *p);

/* Streaks of consecutive local days with counted plays. */
struct nav_streaks {
	int longest;
	int64_t longest_from;   /* first day of the longest (the earliest of equals) */
	int current;            /* the run ending today, or yesterday when today has none */
	int64_t current_from;
};
void nav_streaks(const struct nav_index *x, int64_t today, struct nav_streaks *out);

/* The same date (month and day) in earlier years, newest first. */
struct nav_on_day {
	int64_t day;
	int plays;
	int64_t ms;
};
/* Fills up to max entries of v; returns how many. */
int nav_on_this_day(const struct nav_index *x, int64_t day, struct nav_on_day *v, int max);

/* Local midnight of a local day number, as UTC ms. */
int64_t nav_midnight(int64_t day);
/* Parses "YYYY-MM-DD" (a date that exists): 0 with *day, else -1. */
int nav_parse_date(const char *s, int64_t *day);

#endif
