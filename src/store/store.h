/*
 * The store: everything spinlog keeps about plays, the catalog, enrichment,
 * the collector's bookkeeping and imports, behind one opaque handle. Callers
 * speak in domain calls (scan the plays of a time range, put a track, the
 * pending enrichment work), never in SQL: each engine (SQLite under
 * store/sqlite/, PostgreSQL to follow) implements the calls in its own SQL,
 * through the table of operations in store/engine.h, the way git's refs
 * have a ref_storage_be per backend and landing.h hides its files.
 *
 * Ownership: store_open returns a handle the caller frees with
 * store_close. Strings passed in are borrowed for the call; strings handed
 * out are new and freed by the caller unless a comment says otherwise. Calls
 * return 0 (or a count, or 1/0 for a yes/no) and -1 on failure with a
 * message appended to err where an err is taken. A handle is used by one
 * thread at a time.
 */
#ifndef STORE_STORE_H
#define STORE_STORE_H

#include <stdint.h>

#include "core/strbuf.h"

struct store;

/*
 * Opens (creating and migrating as needed) the store at url: "sqlite:PATH"
 * or a plain path of an SQLite file.
 */
int store_open(const char *url, struct store **out, struct strbuf *err);
void store_close(struct store *s);
/* The engine's name ("sqlite") and where it keeps the data, for messages. */
const char *store_engine(const struct store *s);
const char *store_where(const struct store *s);

/*
 * Transactions. store_begin takes the write lock at once (so a second
 * writer waits at the start, not at its first write); they do not nest.
 */
int store_begin(struct store *s, struct strbuf *err);
int store_commit(struct store *s, struct strbuf *err);
void store_rollback(struct store *s);

/*
 * A number that changes whenever another connection committed a change
 * since the last call on this handle, or this handle changed the data:
 * caches of what was read compare it to know when to forget.
 */
int64_t store_data_version(struct store *s);

/* Small named values (watermarks, the collector's cursors). */
char *store_state_get(struct store *s, const char *key); /* NULL when unset */
int store_state_set(struct store *s, const char *key, const char *value);
int store_state_get_int(struct store *s, const char *key, int64_t *out);
int store_state_set_int(struct store *s, const char *key, int64_t value);

/* ---- plays and the collector ---- */
/* (end of plays and the collector) */

/* ---- catalog and enrichment ---- */
/* (end of catalog and enrichment) */

/* ---- imports ---- */
/* (end of imports) */

/* ---- reports ---- */
/*
 * Reads for report/, web/ and the read-only commands. Strings in the
 * structs handed to a callback are borrowed for that call only. A scan
 * calls fn once per row in the order it names, stops early when fn returns
 * nonzero and returns that value; 0 at the end, -1 on a read error (with
 * err filled).
 */

/* Bits of a play's sources (named here until the source model replaces them). */
enum store_source {
	STORE_SRC_API = 1,          /* recently-played */
	STORE_SRC_EXPORT = 2,       /* extended streaming history */
	STORE_SRC_ACCOUNT_DATA = 4, /* account data StreamingHistory*.json */
};

/*
 * A read snapshot: everything read until store_read_end sees the same data
 * (a pass over a year and its catalog agree with each other). No nesting.
 */
int store_read_begin(struct store *s, struct strbuf *err);
void store_read_end(struct store *s);
/* Engine settings that make big reads fast (cache, memory mapping). */
void store_tune_for_reads(struct store *s);

/* A music play with a track id, as the year pass reads it. */
struct store_music_play {
	int64_t played_ms;
	const char *track_id;
	int64_t ms_played; /* -1 when unknown */
	int skipped;       /* -1 when unknown */
};
/* Music plays with a track id played in [from, to), by time. */
int store_scan_music(struct store *s, int64_t from, int64_t to,
		     int (*fn)(void *arg, const struct store_music_play *p), void *arg,
		     struct strbuf *err);

/* A play of any kind, as a day page lists it; strings never NULL. */
struct store_play_row {
	int64_t played_ms;
	const char *kind;
	const char *track_id; /* "" when none */
	const char *name;     /* the name stored on the play (track or episode) */
	const char *artist;
	const char *album;
	int64_t ms_played;    /* -1 when unknown */
	int skipped;          /* -1 when unknown */
	int sources;          /* enum store_source bits */
};
/* Every play in [from, to), by time, then in the order stored. */
int store_scan_plays(struct store *s, int64_t from, int64_t to,
		     int (*fn)(void *arg, const struct store_play_row *p), void *arg,
		     struct strbuf *err);
/* The time and sources of every play in [from, to), in no set order. */
int store_scan_sources(struct store *s, int64_t from, int64_t to,
		       int (*fn)(void *arg, int64_t played_ms, int sources), void *arg,
		       struct strbuf *err);

/* The first and last play time of any play: 1, 0 when there are none, -1. */
int store_play_span(struct store *s, int64_t *first_ms, int64_t *last_ms,
		    struct strbuf *err);
/* The end times of every play of a track, ascending, into a new *v. */
int store_track_play_times(struct store *s, const char *track_id, int64_t **v, int *n,
			   struct strbuf *err);
/* Did any play (1 yes, 0 no) end before ms? Of a track by the artist? */
int store_any_play_before(struct store *s, int64_t ms);
int store_artist_played_before(struct store *s, const char *artist_id, int64_t ms);

/*
 * A track as reports show it: the catalog's names, else the names stored
 * on its plays. New strings; name is NULL when neither knows a name, the
 * others "" when unknown. Release with store_track_names_release.
 */
struct store_track_names {
	char *name;
	char *artists; /* every artist's name, in order, joined with ", " */
	char *album_id;
	char *album;
	int64_t duration_ms; /* -1 when unknown */
	int in_catalog;      /* the catalog has a row for the track */
};
int store_track_names(struct store *s, const char *track_id,
		      struct store_track_names *out);
void store_track_names_release(struct store_track_names *t);
/*
 * The artist and album named on some play of a track (new strings, album
 * NULL when the play had none): 1, or 0 when no play names an artist.
 */
int store_play_names(struct store *s, const char *track_id, char **artist, char **album);
/* New strings, or NULL when unknown: an artist's name; an album's cover (the
 * smallest image at least 160 px wide, else the largest). */
char *store_artist_name(struct store *s, const char *artist_id);
char *store_album_cover(struct store *s, const char *album_id);

/*
 * The catalog as the year pass keeps it, in four sweeps, each callback in
 * turn: a size hint (about the number of tracks), every track, the audio
 * features with mood, each track's artists by position, each artist's
 * genres by position. A NULL callback skips its sweep.
 */
struct store_catalog_fns {
	void *arg;
	void (*tracks_about)(void *arg, int64_t n);
	void (*track)(void *arg, const char *id, int64_t duration_ms, const char *album_id);
	void (*mood)(void *arg, const char *track_id, double valence, double energy);
	void (*track_artist)(void *arg, const char *track_id, const char *artist_id);
	void (*artist_genre)(void *arg, const char *artist_id, const char *genre);
};
int store_catalog_scan(struct store *s, const struct store_catalog_fns *fns,
		       struct strbuf *err);

struct store_section {
	double start, duration, loudness, tempo;
	int key, mode;
};
/* A track's sections by position, into a new *v. */
int store_track_sections(struct store *s, const char *track_id,
			 struct store_section **v, int *n, struct strbuf *err);
struct store_features {
	double valence, energy, danceability, tempo, loudness;
};
/* 1 with *f filled, 0 when the track has no audio features. */
int store_track_features(struct store *s, const char *track_id, struct store_features *f);

/* A gap in the collected plays. */
struct store_gap {
	const char *account;
	int64_t from_ms, to_ms, detected_ms;
	int64_t healed_ms;     /* -1 while open */
	const char *healed_by; /* NULL when not healed or not said */
};
/* Gaps overlapping [from, to), by start. */
int store_gaps_overlapping(struct store *s, int64_t from, int64_t to,
			   int (*fn)(void *arg, const struct store_gap *g), void *arg,
			   struct strbuf *err);
/* Every gap of the account (NULL: of every account), by start and account. */
int store_gaps_list(struct store *s, const char *account,
		    int (*fn)(void *arg, const struct store_gap *g), void *arg,
		    struct strbuf *err);

/* A stored play as 'spinlog log' shows it; names NULL when not stored. */
struct store_log_play {
	int64_t played_ms;
	const char *track_id, *track_name, *artist_name, *album_name;
	const char *catalog_artists; /* the catalog's artist names joined by 0x1f */
	int64_t ms_played;           /* -1 when unknown */
	const char *kind;
	int sources;
	const char *account;
};
/* The newest n plays (of account, NULL: of every account), newest first. */
int store_recent_plays(struct store *s, const char *account, int64_t n,
		       int (*fn)(void *arg, const struct store_log_play *p), void *arg,
		       struct strbuf *err);
/* (end of reports) */

#endif
