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
#include "store/sources.h"

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
/* A play's sources: enum play_source bits over store/sources.h's ids. */

/* A play recently-played gave (strings borrowed for the call). */
struct api_play {
	int64_t played_ms;        /* played_at, the end time, UTC ms */
	const char *track_id;     /* NULL for a local file */
	const char *track_name;
	const char *artist_name;  /* every artist, joined with ", " */
	const char *album_name;
	const char *context_uri;
};

/* A raw page the collector landed. */
struct page_info {
	const char *key;      /* landing key */
	int64_t fetched_ms;
	int64_t after_ms;     /* the request's after cursor, 0 when none */
	int items;
	int64_t newest_ms, oldest_ms; /* 0 when empty */
};

/*
 * Stores an API play, or merges it into a play an import stored first
 * (store_plays_merge_api): 1 when stored or merged, 0 when already there,
 * -1 on failure. An API play is identified by (account, played_ms,
 * track id); page_id 0 when none.
 */
int store_plays_add_api(struct store *s, int64_t account_id, int64_t page_id,
			const struct api_play *p);
/*
 * If an imported play without SRC_API matches p (the merge rule of
 * pipeline/merge.h), the play takes p's millisecond end time, SRC_API and
 * the names and context it lacked: 1 when merged, 0 when not, -1 on failure.
 */
int store_plays_merge_api(struct store *s, int64_t account_id, int64_t page_id,
			  const struct api_play *p);
/* The newest play recently-played gave this account, 0 when none. */
int64_t store_plays_newest_api_ms(struct store *s, int64_t account_id);
/* Plays stored for the account (all sources). */
int64_t store_plays_count(struct store *s, int64_t account_id);

/* The new page's id, or -1 on failure. */
int64_t store_pages_add(struct store *s, int64_t account_id,
			const struct page_info *p);
/* A span recently-played could not cover: 1 when new, 0 when known, -1. */
int store_gaps_add(struct store *s, int64_t account_id, int64_t from_ms,
		   int64_t to_ms, int64_t detected_ms);
/* Gaps not healed yet for the account. */
int64_t store_gaps_open_count(struct store *s, int64_t account_id);

/* The account's id, creating it when needed; -1 on failure. */
int64_t store_accounts_ensure(struct store *s, const char *name);
/* The account's id, or 0 when there is no such account. */
int64_t store_accounts_find(struct store *s, const char *name);
/* Records the outcome of a poll ("ok", "rate limited", ...). */
int store_accounts_record_poll(struct store *s, int64_t id, int64_t when_ms,
			       const char *status, int ok);
struct strvec;
/* Appends the names of every account to names, sorted; -1 on failure. */
int store_accounts_names(struct store *s, struct strvec *names);
/* What the account's polls did so far (store_accounts_record_poll). */
struct store_poll_info {
	int64_t last_poll_ms, last_success_ms; /* 0 when never */
	int64_t polls;
	char *last_status; /* NULL when never polled; freed by _release */
};
#define STORE_POLL_INFO_INIT { 0, 0, 0, NULL }
/* Fills *out for the account: 1 when it exists, 0 when not, -1 on failure. */
int store_accounts_poll_info(struct store *s, int64_t id,
			     struct store_poll_info *out);
void store_poll_info_release(struct store_poll_info *p);
/*
 * What the last failed call that takes no err met (these calls and
 * store_state_set), for messages; borrowed until the next call.
 */
const char *store_errmsg(struct store *s);
/* (end of plays and the collector) */

/* ---- catalog and enrichment ---- */
/*
 * The catalog: what Spotify (or ReccoBeats) says of tracks, albums and
 * artists, and of a track's audio features and analysis (sections and
 * segments). Numbers are doubles, NaN when absent (NULL in the store);
 * strings NULL when absent. The store keeps what it is given: callers check
 * ids first (core/ids.h). A put replaces what the store had for the id,
 * its links, images, genres, sections and segments included; puts take an
 * array and go inside the caller's transaction (store_begin, or
 * store_savepoint inside one).
 */
struct store_image {
	const char *url;
	double width, height;
};

struct store_album {
	const char *id, *name, *album_type, *release_date;
	double total_tracks;
	const char *const *artist_ids;    /* in order */
	size_t nartists;
	const struct store_image *images; /* the first is the cover */
	size_t nimages;
};

struct store_track {
	const char *id, *name, *album_id, *isrc;
	double duration_ms, explicit_, popularity, track_number, disc_number;
	const char *const *artist_ids;    /* in order */
	size_t nartists;
};

/*
 * full 0: only the name is known (a track's artist): the put keeps the
 * popularity, followers, genres and enrichment time stored before. full 1:
 * all of it, and the artist counts as enriched at now_ms.
 */
struct store_artist {
	const char *id, *name;
	int full;
	double popularity, followers;
	const char *const *genres;        /* in the provider's order */
	size_t ngenres;
};

struct store_features {
	const char *track_id, *provider;  /* "spotify", "reccobeats" */
	double acousticness, danceability, energy, instrumentalness, liveness,
		loudness, speechiness, valence, tempo, key, mode,
		time_signature, duration_ms;
};

struct store_section {
	double start, duration, confidence, loudness, tempo, tempo_confidence,
		key, key_confidence, mode, mode_confidence, time_signature,
		time_signature_confidence;
};

struct store_segment {
	double start, duration, confidence, loudness_start, loudness_max,
		loudness_max_time, loudness_end;
	const char *pitches, *timbre;     /* JSON array text */
};

struct store_analysis {
	const char *track_id, *provider;
	double duration, loudness, tempo, key, mode, time_signature;
	const struct store_section *sections;
	size_t nsections;
	const struct store_segment *segments;
	size_t nsegments;
};

int store_catalog_put_tracks(struct store *s, const struct store_track *v,
			     size_t n, struct strbuf *err);
int store_catalog_put_albums(struct store *s, const struct store_album *v,
			     size_t n, struct strbuf *err);
int store_catalog_put_artists(struct store *s, const struct store_artist *v,
			      size_t n, int64_t now_ms, struct strbuf *err);
/* fetched at now_ms */
int store_catalog_put_features(struct store *s,
			       const struct store_features *v, size_t n,
			       int64_t now_ms, struct strbuf *err);
int store_catalog_put_analyses(struct store *s,
			       const struct store_analysis *v, size_t n,
			       int64_t now_ms, struct strbuf *err);
/* Empties the catalog (tracks to segments), for a rebuild. */
int store_catalog_clear(struct store *s, struct strbuf *err);
/* Tracks in the catalog; -1 on failure. */
int64_t store_catalog_count_tracks(struct store *s);
/* The track's ISRC: a new string, NULL when unknown or no such track. */
char *store_catalog_track_isrc(struct store *s, const char *id);

/*
 * What the catalog says of a track, for a song record (pipeline/songs.c),
 * read in one call. Strings and arrays belong to the view; free them with
 * store_track_view_release. Sections are in order.
 */
struct store_track_view {
	int known;                 /* the catalog has the track */
	char *name, *album, *cover;
	char *artists;             /* the names joined with ", ", in order */
	double explicit_, popularity, cover_height, cover_width;
	char *features_source;     /* NULL: no audio features */
	double acousticness, danceability, energy, instrumentalness,
		speechiness, valence;
	char *analysis_source;     /* NULL: no audio analysis */
	double duration, loudness, tempo, key, time_signature, mode;
	struct store_section *sections;
	size_t nsections;
	/* only when asked with extended: */
	char **genres;             /* the artists' genres in order, repeats kept */
	size_t ngenres;
	int artists_enriched;      /* known, and every artist enriched */
	double segments, segment_duration_avg, segment_loudness_max_avg;
};
/* 0 (a view with known 0 when there is no such track), -1 with err. */
int store_catalog_track_view(struct store *s, const char *id, int extended,
			     struct store_track_view *out, struct strbuf *err);
void store_track_view_release(struct store_track_view *v);

/* A music play, for a song record (strings borrowed; track_id NULL: known by names). */
struct store_song_play {
	int64_t played_ms, sources;  /* sources: enum play_source bits */
	const char *track_id, *track_name, *artist_name, *album_name;
	const char *context_uri, *reason_start, *reason_end, *platform;
	double ms_played, skipped, shuffle; /* NaN when unknown */
};
/*
 * Calls fn for each music play with a track id or a track name and from_ms <= played_ms <
 * to_ms, oldest first (then in the order stored). fn's first non-zero
 * return stops the walk and is returned; -1 with err on failure.
 */
int store_song_plays(struct store *s, int64_t account_id, int64_t from_ms, int64_t to_ms,
		     int (*fn)(void *arg, const struct store_song_play *p),
		     void *arg, struct strbuf *err);

/*
 * Pending enrichment: the ids the catalog lacks something for, sorted,
 * appended to ids. Tracks: music plays' track ids with no track row;
 * artists: artists never enriched; features, analysis: music plays'
 * track ids without them. Ids set aside are listed too (the caller
 * skips them with store_setaside_has).
 */
enum store_pending {
	PENDING_TRACKS,
	PENDING_ARTISTS,
	PENDING_FEATURES,
	PENDING_ANALYSIS,
};
int store_pending(struct store *s, enum store_pending what,
		  struct strvec *ids, struct strbuf *err);

/*
 * Provider blocks: an endpoint ("spotify:audio-analysis", ...) that may
 * not be asked for an account (0: none, ReccoBeats) before until_ms.
 * store_blocks_until gives the end of a block in force at now_ms, 0 when
 * none. A put replaces the block stored for (provider, account).
 */
int64_t store_blocks_until(struct store *s, const char *provider,
			   int64_t account_id, int64_t now_ms);
int store_blocks_put(struct store *s, const char *provider,
		     int64_t account_id, int64_t until_ms, const char *reason,
		     struct strbuf *err);

/*
 * Set-aside ids: an id the ETL cannot use is kept with its kind, the
 * reason and the time, so it never blocks the other ids of its batch and
 * no provider is asked for it again. Reasons: it is not a Spotify id
 * (core/ids.h), the provider says it does not exist (404, null in a batch
 * answer), or the answer for it cannot be used. 'spinlog etl' says what a
 * run set aside, 'spinlog status' lists them, and 'spinlog etl
 * --retry-set-aside' forgets them so they are asked again.
 */
enum setaside_kind {
	SA_TRACK,    /* every track endpoint skips it */
	SA_ARTIST,   /* the artist endpoint skips it */
	SA_FEATURES, /* only audio features skip it */
	SA_ANALYSIS, /* only audio analysis skips it */
	SA_PAGE,     /* a landed page extract cannot read, by its key: the
		      * ETL goes on without its plays; --rebuild reads it again */
	SA_KINDS
};

/* "track", "artist", "audio-features", "audio-analysis", "landed-page". */
const char *store_setaside_kind_name(enum setaside_kind k);
/* 1 when newly set aside, 0 when it was already, -1 with err. */
int store_setaside_add(struct store *s, enum setaside_kind k, const char *id,
		       const char *reason, int64_t now_ms, struct strbuf *err);
/* 1 when id is set aside for k; a track set aside (SA_TRACK) is also set
 * aside for its audio features and analysis. */
int store_setaside_has(struct store *s, enum setaside_kind k, const char *id);
/* Ids set aside, all kinds; -1 on failure. */
int64_t store_setaside_count(struct store *s);

struct setaside_entry {
	enum setaside_kind kind;
	char *id, *reason;
	int64_t set_ms;
};
struct setaside_list {
	struct setaside_entry *v;
	size_t n;
};
#define SETASIDE_LIST_INIT { NULL, 0 }
/* The first max entries, by kind then id, into out (freed with
 * store_setaside_list_release even on failure). 0, or -1 with err. */
int store_setaside_list(struct store *s, size_t max, struct setaside_list *out,
			struct strbuf *err);
void store_setaside_list_release(struct setaside_list *l);
/* Forgets every set-aside id; the number forgotten, or -1 with err. */
int64_t store_setaside_forget(struct store *s, struct strbuf *err);
/* Appends "'<id>': <reason>" with the id made printable and cut at 96
 * bytes, as messages show an id that may be hostile. */
void store_setaside_describe(struct strbuf *out, const char *id,
			     const char *reason);

/*
 * What the ETL walks: the accounts, and each account's landed pages after
 * its watermark (the state key "etl.pages.<account id>").
 */
struct store_account {
	int64_t id;
	char *name;
};
/* The accounts by id (only the one named only, when not NULL): a new
 * array in *out the caller frees with store_accounts_free. */
int store_accounts_list(struct store *s, const char *only,
			struct store_account **out, size_t *n,
			struct strbuf *err);
void store_accounts_free(struct store_account *v, size_t n);
/* Calls fn for each page of the account with an id above after_id, by id
 * (key borrowed); fn's first non-zero return stops the walk and is
 * returned; -1 with err on failure. */
int store_pages_after(struct store *s, int64_t account_id, int64_t after_id,
		      int (*fn)(void *arg, int64_t id, const char *key),
		      void *arg, struct strbuf *err);
/* Forgets every account's page watermark and the landed pages set aside
 * (a rebuild reads every page again). */
int store_etl_marks_clear(struct store *s, struct strbuf *err);

/*
 * A savepoint inside the open transaction: a batch of a rebuild, which
 * runs in one outer transaction, can fail alone. They do not nest.
 */
int store_savepoint(struct store *s, struct strbuf *err);
int store_savepoint_release(struct store *s, struct strbuf *err);
void store_savepoint_rollback(struct store *s);
/* (end of catalog and enrichment) */

/* ---- imports ---- */
/*
 * Writing an import (pipeline/import*.c), inside one transaction the caller
 * opens with store_begin and ends with store_commit or store_rollback, so an
 * import lands whole or leaves the store as it was. store_import_start
 * records the import and returns a handle for its writes; the handle is
 * freed with store_import_free (before the commit or after it).
 */
struct store_import;

/* A string given by pointer and length; s NULL: none (NULL in the store). */
struct store_text {
	const char *s;
	uint32_t len;
};

/* Tri-state values of a play: 0 false, 1 true, STORE_TRI_NULL unknown. */
#define STORE_TRI_NULL 2

/*
 * A play an import writes. Strings are borrowed for the call. Fingerprints
 * and name_key 0 mean none; ms_played -1 and offline_ms 0 unknown.
 */
struct store_import_play {
	int64_t played_ms, precision_ms, offline_ms;
	uint64_t name_key;       /* only for plays without a track or episode id */
	uint64_t fp[SOURCE_COUNT]; /* fingerprints by source id, 0: none */
	const char *kind;        /* "music", "podcast", ...: a static string */
	struct store_text track_id, episode_id, track_name, artist_name,
		album_name, reason_start, reason_end, platform, country, ip_addr,
		user_agent;
	int32_t ms_played;
	uint8_t skipped, shuffle, offline, incognito; /* tri-state */
	uint8_t sources;         /* enum play_source bits */
};

/* A stored play as the import's merge sees it (strings borrowed for the call). */
struct store_import_row {
	int64_t id, played_ms, precision_ms;
	const char *kind, *track_id, *episode_id, *artist_name, *track_name;
	uint64_t name_key;       /* valid when has_name_key */
	uint64_t fp[SOURCE_COUNT]; /* fingerprints by source id, 0: none */
	int32_t ms_played;       /* -1 when unknown */
	uint8_t sources, has_name_key;
};

/* Counts and time range of an import, recorded by store_import_finish. */
struct store_import_counts {
	int64_t files, records, added, merged, duplicates, ignored;
	int64_t from_ms, to_ms;  /* from_ms > to_ms: no plays */
	int64_t finished_ms;
};

/*
 * Records a new import of paths (one per line) into the account, started at
 * started_ms, and returns its handle in *out.
 */
int store_import_start(struct store *s, int64_t account_id, const char *paths,
		       int64_t started_ms, struct store_import **out,
		       struct strbuf *err);
int64_t store_import_id(const struct store_import *im);
/* 1 when the import's account has any play stored, 0 when not, -1. */
int store_import_account_has_plays(struct store_import *im);
/*
 * Calls fn for each play of the import's account with lo <= played_ms <=
 * hi, in no particular order; stops at fn's first non-zero return.
 */
int store_import_scan(struct store_import *im, int64_t lo, int64_t hi,
		      int (*fn)(void *arg, const struct store_import_row *r),
		      void *arg, struct strbuf *err);
/*
 * Inserts n new plays into the import's account, tagged with the import.
 * For the fastest bulk load, pass them in time order and 16 or more at a
 * time.
 */
int store_import_add(struct store_import *im, const struct store_import_play *p,
		     size_t n, struct strbuf *err);
/*
 * Merges p into the stored play play_id. p->sources says p's source:
 * SRC_EXPORT makes the export's stream fields win (the end time only when
 * finer, names, ids and network fields only where the play lacks them);
 * SRC_ACCOUNT_DATA fills only what the play lacks. Either way p's source
 * bit and its fingerprints (p->fp) are added; a source's fingerprint
 * replaces the one the play had of that source.
 */
int store_import_merge(struct store_import *im, int64_t play_id,
		       const struct store_import_play *p, struct strbuf *err);
/*
 * Marks healed by this import the account's open gaps lying within
 * [lo, hi], adding the number healed to *healed.
 */
int store_import_heal_gaps(struct store_import *im, int64_t lo, int64_t hi,
			   int64_t now_ms, size_t *healed, struct strbuf *err);
/* Records the import's counts. */
int store_import_finish(struct store_import *im,
			const struct store_import_counts *c, struct strbuf *err);
void store_import_free(struct store_import *im);

/*
 * Bulk loading, for an engine's own tricks; the store's content is the same
 * with or without these calls.
 * - store_bulk_begin, before the transaction: tunes the store for writing
 *   about rows plays (SIZE_MAX: many, the number not known yet).
 * - store_bulk_indexes_off, inside it: may set aside indexes that cost more
 *   to keep up than to build again when new_rows plays are about to be
 *   added (SIZE_MAX: many). 1 when it did (the caller may free what it no
 *   longer needs before they are built), 0 when not, -1.
 * - store_bulk_indexes_on, before the commit: builds them again.
 * - store_bulk_end, after the commit or rollback: puts the settings back.
 *   Call it also when store_bulk_begin failed.
 */
int store_bulk_begin(struct store *s, size_t rows, struct strbuf *err);
int store_bulk_indexes_off(struct store *s, size_t new_rows,
			   struct strbuf *err);
int store_bulk_indexes_on(struct store *s, struct strbuf *err);
void store_bulk_end(struct store *s);
/* (end of imports) */

/* ---- reports ---- */
/*
 * Reads for report/, web/ and the read-only commands. Strings in the
 * structs handed to a callback are borrowed for that call only. A scan
 * calls fn once per row in the order it names, stops early when fn returns
 * nonzero and returns that value; 0 at the end, -1 on a read error (with
 * err filled).
 */

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
	const char *track_id; /* NULL: a track known by its names only, ref */
	int64_t ref;          /* the track's reference (0 where the engine has none) */
	int64_t ms_played; /* -1 when unknown */
	int skipped;       /* -1 when unknown */
};
/*
 * Music plays with a track played in [from, to), by time: with a Spotify id,
 * or known by names (track_id NULL; one that counts as an id track, its
 * canon, comes with that track's id).
 */
int store_scan_music(struct store *s, int64_t account_id, int64_t from, int64_t to,
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
	int sources;          /* enum play_source bits */
	uint64_t name_key;    /* without a track id: the name key of its names
				 (its page, report_name_id); 0 none or unknown */
};
/* Every play in [from, to), by time, then in the order stored. */
int store_scan_plays(struct store *s, int64_t account_id, int64_t from, int64_t to,
		     int (*fn)(void *arg, const struct store_play_row *p), void *arg,
		     struct strbuf *err);
/* The time and sources of every play in [from, to), in no set order. */
int store_scan_sources(struct store *s, int64_t account_id, int64_t from, int64_t to,
		       int (*fn)(void *arg, int64_t played_ms, int sources), void *arg,
		       struct strbuf *err);

/* The first and last play time of any play: 1, 0 when there are none, -1. */
int store_play_span(struct store *s, int64_t account_id, int64_t *first_ms, int64_t *last_ms,
		    struct strbuf *err);
/* The end times of every play of a track, ascending, into a new *v. */
int store_track_play_times(struct store *s, int64_t account_id, const char *track_id, int64_t **v, int *n,
			   struct strbuf *err);
/* Did any play (1 yes, 0 no) end before ms? Of a track by the artist? */
int store_any_play_before(struct store *s, int64_t account_id, int64_t ms);
int store_artist_played_before(struct store *s, int64_t account_id, const char *artist_id, int64_t ms);
/* The same for n artists at once, out[i] 1 or 0 for ids[i]: one query on
 * PostgreSQL, where a year page at 1M plays asked 3,000 one by one
 * (150 ms of the server's time). Returns 0. */
int store_artists_played_before(struct store *s, int64_t account_id, const char *const *ids,
				int n, int64_t ms, int *out);

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
	char *cover_url;     /* the album's cover as store_album_cover, "" none */
	int64_t duration_ms; /* -1 when unknown */
	int in_catalog;      /* the catalog has a row for the track */
};
int store_track_names(struct store *s, const char *track_id,
		      struct store_track_names *out);
/*
 * The same for n tracks at once, out[i] for ids[i] (duplicates allowed):
 * one round trip on PostgreSQL, where a year page's 270 tracks asked one
 * by one were 25 ms of its 43 ms. Returns 0; a store that cannot answer
 * leaves the names unknown, as for a track it does not know.
 */
int store_track_names_many(struct store *s, const char *const *ids, int n,
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
/* The names of n artists at once, out[i] for ids[i] (NULL unknown): one
 * round trip on PostgreSQL. Returns 0. */
int store_artist_names_many(struct store *s, const char *const *ids, int n, char **out);
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

struct store_page_section {
	double start, duration, loudness, tempo;
	int key, mode;
};
/* A track's sections by position, into a new *v. */
int store_track_sections(struct store *s, const char *track_id,
			 struct store_page_section **v, int *n, struct strbuf *err);
struct store_page_features {
	double valence, energy, danceability, tempo, loudness; /* NAN unknown */
};
/* 1 with *f filled, 0 when the track has no audio features. */
int store_track_features(struct store *s, const char *track_id, struct store_page_features *f);

/* A gap in the collected plays. */
struct store_gap {
	const char *account;
	int64_t from_ms, to_ms, detected_ms;
	int64_t healed_ms;     /* -1 while open */
	const char *healed_by; /* NULL when not healed or not said */
};
/* Gaps overlapping [from, to), by start. */
int store_gaps_overlapping(struct store *s, int64_t account_id, int64_t from, int64_t to,
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

/* ---- listenbrainz ---- */
/*
 * What serve's ListenBrainz-compatible endpoint (web/listenbrainz.h) keeps:
 * its tokens (only a SHA-256 of each, as 64 hex digits, and the first 8
 * characters of the token to tell them apart in a list), the account's
 * "playing now" (the submitted track_metadata until it expires), and the
 * track_metadata of every accepted listen, keyed by the account and the
 * listen's import fingerprint, so a read-back returns what was submitted.
 * Listens themselves are plays written by the import path (pipeline/).
 * Strings given to callbacks are borrowed for the call.
 */
struct store_lb_token {
	int64_t id;
	const char *account, *prefix;
	int64_t created_ms, last_used_ms; /* last_used_ms -1: never */
};
/* Adds a token of the account; its id to *id. */
int store_lb_token_add(struct store *s, int64_t account_id, const char *hash,
		       const char *prefix, int64_t now_ms, int64_t *id,
		       struct strbuf *err);
/*
 * The token with this hash: 1 with *account_id and *account (the caller
 * frees it), marking it used at now_ms; 0 when there is none; -1.
 */
int store_lb_token_find(struct store *s, const char *hash, int64_t now_ms,
			int64_t *account_id, char **account, struct strbuf *err);
/* The tokens (of account, NULL: every account), by id. */
int store_lb_token_list(struct store *s, const char *account,
			int (*fn)(void *arg, const struct store_lb_token *t),
			void *arg, struct strbuf *err);
/* 1 when the token id (of account, NULL: any) was revoked, 0 none, -1. */
int store_lb_token_revoke(struct store *s, int64_t id, const char *account,
			  struct strbuf *err);
/* Sets the account's playing-now until expires_ms. */
int store_lb_playing_set(struct store *s, int64_t account_id, const char *json,
			 int64_t expires_ms, struct strbuf *err);
/* 1 with *json (the caller frees it) while not expired at now_ms, 0, -1. */
int store_lb_playing_get(struct store *s, int64_t account_id, int64_t now_ms,
			 char **json, struct strbuf *err);
/* One accepted listen's track_metadata, for the read-backs. */
struct store_lb_kept {
	uint64_t fp;          /* its import fingerprint (play_fps) */
	int64_t listened_at;  /* seconds */
	const char *json;     /* the track_metadata object as accepted */
};
/* Keeps n listens' metadata (one already kept is left as it was). */
int store_lb_keep(struct store *s, int64_t account_id,
		  const struct store_lb_kept *v, size_t n, int64_t now_ms,
		  struct strbuf *err);
/* A play as a listen: the kept metadata when there is one, else its names. */
struct store_lb_listen {
	int64_t play_id, listened_at, inserted_ms; /* seconds; ms */
	const char *track_name, *artist_name, *album_name, *track_id;
	const char *json;   /* kept track_metadata, or NULL */
	int64_t ms_played;  /* -1 when unknown */
	int sources;        /* enum play_source bits */
};
/*
 * The account's music plays as listens with min_ts < listened_at < max_ts
 * (0: no bound), at most count, newest first; with only min_ts, the count
 * listens just after it. A play's listened_at is its start: the kept one,
 * else its end less ms_played.
 */
int store_lb_listens(struct store *s, int64_t account_id, int64_t min_ts,
		     int64_t max_ts, int64_t count,
		     int (*fn)(void *arg, const struct store_lb_listen *l),
		     void *arg, struct strbuf *err);
/* How many listens the account has, and the oldest and latest listened_at (0: none). */
int store_lb_listen_stats(struct store *s, int64_t account_id, int64_t *count,
			  int64_t *oldest, int64_t *latest, struct strbuf *err);
/* (end of listenbrainz) */
/* ---- analysis ---- */
/*
 * Local audio analysis ('spinlog analyze', issue 13): the results kept by
 * the file's content hash, so a second run over a folder analyses only
 * changed files, and the catalog reads that match a file to a track.
 */
/* A track as matching sees it: strings borrowed for the callback. */
struct store_named_track {
	const char *id, *name, *artists; /* artists joined with ", " */
	double duration_ms;              /* NaN when only plays name it */
};
/* Appends the ids of catalog tracks with that ISRC (any case), sorted. */
int store_analysis_by_isrc(struct store *s, const char *isrc,
			   struct strvec *ids, struct strbuf *err);
/*
 * Calls fn for every catalog track, then for every track id plays name
 * that the catalog lacks (its names from one of its plays); fn's first
 * non-zero return stops the walk and is returned.
 */
int store_analysis_tracks(struct store *s,
			  int (*fn)(void *arg, const struct store_named_track *t),
			  void *arg, struct strbuf *err);
/*
 * The result stored for a content hash: new JSON text, NULL when none; the
 * track it was matched to into *track_id (new, NULL when none).
 */
char *store_analysis_cached(struct store *s, const char *hash,
			    char **track_id);
/* Keeps (replacing) the result of the file with that hash. */
int store_analysis_cache_put(struct store *s, const char *hash,
			     const char *path, const char *track_id,
			     const char *json, int64_t now_ms,
			     struct strbuf *err);
/*
 * Puts a local analysis (provider "local") for its track unless the track
 * has one from another provider, which wins: 1 when put, 0 when kept.
 */
int store_analysis_put_local(struct store *s, const struct store_analysis *a,
			     int64_t now_ms, struct strbuf *err);
/* (end of analysis) */

/* ---- navigation ---- */
/*
 * Reads for the artist, album, range and search pages (report/nav.h). They
 * read only the catalog and these columns of plays: id, account_id,
 * played_ms, kind, track_id, ms_played, skipped.
 */

/* One counted-or-not music play of a track (the caller applies the minimum). */
struct store_nav_play {
	int64_t played_ms;
	int64_t ms_played; /* -1 when unknown */
};
/* The music plays of a track, by time (then in the order stored). */
int store_nav_track_plays(struct store *s, int64_t account_id, const char *track_id,
			  int (*fn)(void *arg, const struct store_nav_play *p), void *arg,
			  struct strbuf *err);
/*
 * An album as the catalog has it: its name (new string) and its artists'
 * ids in order (appended to ids). 1 when found, 0 when not, -1 with err.
 */
int store_nav_album(struct store *s, const char *album_id, char **name,
		    struct strvec *artist_ids, struct strbuf *err);

enum store_nav_kind { NAV_TRACKS, NAV_ARTISTS, NAV_ALBUMS };
/* Every (id, name) of the catalog's tracks, artists or albums, by id. */
int store_nav_names(struct store *s, enum store_nav_kind kind,
		    int (*fn)(void *arg, const char *id, const char *name), void *arg,
		    struct strbuf *err);
/* (end of navigation) */
/* ---- record fill ---- */
/*
 * What a song record takes when no analysis is stored for a track
 * (song-record.md, "When the analysis is missing"): the track object's
 * duration_ms, and tempo, key, mode and loudness from the audio features
 * as their provider gave them. NaN (and features_source NULL) when
 * unknown. Free with store_track_fill_release.
 */
struct store_track_fill {
	double duration_ms;
	char *features_source;
	double tempo, key, mode, loudness;
};
int store_track_fill(struct store *s, const char *id,
		     struct store_track_fill *out, struct strbuf *err);
void store_track_fill_release(struct store_track_fill *f);

/*
 * Covers of every album in the catalog: fn gets each album with a largest
 * image (album_images position 0), by id, except those whose last fetch
 * failed and whose retry time (store_cover_failed) is after now_ms. fn's
 * first non-zero return stops the walk and is returned; -1 with err.
 */
int store_album_covers(struct store *s, int64_t now_ms,
		       int (*fn)(void *arg, const char *album_id,
				 const char *url),
		       void *arg, struct strbuf *err);
/* A failed cover fetch: retried after a day, doubling per failure up to
 * 30 days. store_cover_fetched forgets the failures. */
int store_cover_failed(struct store *s, const char *album_id, int64_t now_ms,
		       const char *reason, struct strbuf *err);
int store_cover_fetched(struct store *s, const char *album_id,
			struct strbuf *err);
/* (end of record fill) */

/* ---- resolve ---- */
/*
 * Names without a Spotify id (account data, extended rows without a URI)
 * and what 'spinlog resolve' learnt of them, keyed by the plays' name_key
 * (core/playmatch.h). All SQL that reads plays for this is in
 * src/store/sqlite/resolve.c.
 */
struct store_resolve_name {
	uint64_t name_key;
	const char *artist, *track, *album; /* one spelling; album may be NULL */
	int64_t plays, max_ms_played;       /* max_ms_played -1: unknown */
};
/*
 * Calls fn for each distinct name key of music plays with no track id that
 * has no outcome yet, or whose miss may be asked again (retry_ms <= now_ms),
 * most played first. fn's non-zero return stops the walk and is returned.
 */
int store_resolve_pending(struct store *s, int64_t now_ms,
			  int (*fn)(void *arg, const struct store_resolve_name *n),
			  void *arg, struct strbuf *err);
/*
 * Records the outcome for a name key: track_id (a match) or NULL (a miss,
 * not asked again before retry_ms; INT64_MAX: never), with why ("search",
 * "catalog", "no match", "ambiguous: 2 tracks"). Committed at once.
 */
int store_resolve_set(struct store *s, uint64_t name_key, const char *artist,
		      const char *track, const char *track_id, const char *why,
		      int64_t now_ms, int64_t retry_ms, struct strbuf *err);
/* Gives the plays of every matched name key their track id; *plays gets
 * how many changed. One statement: all or nothing. */
int store_resolve_apply(struct store *s, int64_t *plays, struct strbuf *err);
/* Music plays without a track id, and the distinct name keys among them. */
int store_resolve_unresolved(struct store *s, int64_t *plays, int64_t *names,
			     struct strbuf *err);
/* Each catalog track: id, name, artists joined ", ", album, duration_ms
 * (-1 unknown), for matching names locally without a request. */
struct store_resolve_track {
	const char *id, *name, *artists, *album;
	int64_t duration_ms;
};
int store_resolve_catalog(struct store *s,
			  int (*fn)(void *arg, const struct store_resolve_track *t),
			  void *arg, struct strbuf *err);
/* (end of resolve) */
/* ---- similarity ---- */
/*
 * What 'spinlog similar' (similar/) keeps and reads: the listener's labels
 * (two tracks said to sound alike or not, per account, with the time and
 * where the label came from), the trained models (format version, feature
 * list and weights as text that similar/model.c writes and reads, with the
 * figures of its cross-validation), and every track of the library with
 * what a comparison uses, read in one sweep.
 */
struct store_sim_track {
	const char *id;
	const char *name, *artists; /* NULL when the catalog has no row for it */
	int64_t plays;              /* the account's music plays of it */
	int has_features;           /* audio features stored */
	double acousticness, danceability, energy, instrumentalness, liveness,
		speechiness, valence;
	/* The analysis' track block where there is one, else the features'
	 * (as the song record takes them); NaN when absent, key -1 included
	 * as the provider gave it. */
	double tempo, loudness, key, mode;
	/* Section aggregates, NaN when no sections are stored: the count, the
	 * means of duration, loudness, loudness squared and tempo, and the
	 * number of distinct keys. */
	double sections, section_duration_avg, section_loudness_avg,
		section_loudness_sq_avg, section_tempo_avg, section_keys;
	/* The artists' genres joined by 0x1f (repeats kept); NULL when no
	 * artist of the track was enriched, "" when they have none. */
	const char *genres;
};
/*
 * Every catalog track, and every track id the account played that the
 * catalog lacks (names NULL, no features), in no set order, strings
 * borrowed for the call; fn's first non-zero return stops the sweep and is returned.
 * account_id 0: plays are not counted (plays 0).
 */
int store_similar_tracks(struct store *s, int64_t account_id,
			 int (*fn)(void *arg, const struct store_sim_track *t),
			 void *arg, struct strbuf *err);

struct store_sim_label {
	int64_t id;
	const char *track_a, *track_b;
	int similar;                /* 1 similar, 0 different */
	int64_t labelled_ms;
	const char *source;         /* "label" (the terminal session), "import" */
};
/* The new label's id (> 0), or -1 with err. */
int64_t store_similar_label_add(struct store *s, int64_t account_id,
				const struct store_sim_label *l, struct strbuf *err);
/* Forgets one label of the account (an undo): 1, 0 when no such label, -1. */
int store_similar_label_delete(struct store *s, int64_t account_id, int64_t id,
			       struct strbuf *err);
/* The account's labels, oldest first (by id). */
int store_similar_labels(struct store *s, int64_t account_id,
			 int (*fn)(void *arg, const struct store_sim_label *l),
			 void *arg, struct strbuf *err);

struct store_sim_model {
	int64_t account_id;
	int version;                /* the model's format (similar/model.h) */
	char *features;             /* feature names joined by "," */
	char *params;               /* the weights and scaling, as text */
	int64_t labels, trained_ms;
	double auc, auc_sd, accuracy, accuracy_sd, baseline_auc;
};
/* Stores a new model of m->account_id (strings borrowed); the newest wins. */
int store_similar_model_put(struct store *s, const struct store_sim_model *m,
			    struct strbuf *err);
/*
 * The newest model of the account (account_id 0: of any account) into *out
 * (new strings, freed by store_similar_model_release): 1, 0 when none, -1.
 */
int store_similar_model_get(struct store *s, int64_t account_id,
			    struct store_sim_model *out, struct strbuf *err);
void store_similar_model_release(struct store_sim_model *m);
/* (end of similarity) */
/* ---- plays by track reference ---- */
/*
 * The year pass's reads by the store's own integer for a track (its
 * reference, > 0), so a pass touches the small play rows only and asks for
 * a track's id and names once per distinct track, not once per play.
 * References are stable while store_data_version is unchanged.
 */
struct store_music_ref {
	int64_t played_ms;
	int64_t track;     /* the track's reference */
	int64_t ms_played; /* -1 when unknown */
	int skipped;       /* -1 when unknown */
};
/* Music plays with a track (with or without a Spotify id) in [from, to), by time. */
int store_scan_music_refs(struct store *s, int64_t account_id, int64_t from, int64_t to,
			  int (*fn)(void *arg, const struct store_music_ref *p), void *arg,
			  struct strbuf *err);
/* A track as a reference names it; strings borrowed for the call. */
struct store_track_ref {
	int64_t ref;
	const char *spotify_id; /* NULL: a track known by its names only */
	int64_t canon;          /* the reference it counts as, 0: itself */
	const char *name, *artist, *album; /* a track known by its names: its
					      display names; NULL unknown or not */
	uint64_t name_key;      /* a track known by its names: its name key
				   (core/playmatch.h); 0 otherwise or unknown */
};
/* Every track reference, by reference (ascending). */
int store_track_refs(struct store *s, int (*fn)(void *arg, const struct store_track_ref *t),
		     void *arg, struct strbuf *err);
/*
 * The artist and album named on the earliest play of ref that names an artist
 * (new strings, album NULL when that play had none): 1, 0 when none does.
 */
int store_ref_play_names(struct store *s, int64_t ref, char **artist, char **album);
/* (end of plays by track reference) */

/* ---- tracks known by names ---- */
/*
 * A track reference's stored names (new strings, each NULL when unknown):
 * 1, 0 when the reference does not exist or the engine keeps none.
 */
int store_ref_names(struct store *s, int64_t ref, char **name, char **artist, char **album);
/* (end of tracks known by names) */

/* ---- account summary ---- */
/*
 * What 'spinlog status' says of an account from the store alone (it may
 * have no Spotify app authorised: an import made it): its plays, how many
 * of them each source brought (a merged play counts for each of its
 * sources), and its imports.
 */
struct store_account_summary {
	int64_t plays;
	int64_t by_source[8];        /* indexed by enum source_id */
	int64_t imports;             /* rows of imports */
	int64_t last_import_ms;      /* when the newest finished, 0: none */
	int64_t last_import_added;   /* the plays it added */
	char *last_import_paths;     /* what it read (new string), NULL: none */
};
int store_account_summary(struct store *s, int64_t account_id,
			  struct store_account_summary *out, struct strbuf *err);
void store_account_summary_release(struct store_account_summary *a);
/* (end of account summary) */

/* ---- name-keyed track pages ---- */
/*
 * The page of a track known by its names only (no Spotify id), found by its
 * name key (core/playmatch.h), which stays the same across stores and
 * rebuilds: the name-keyed track reference with that key (*ref, 0 when
 * none) and the end times of its music plays, ascending (*v new, *n).
 */
int store_name_key_plays(struct store *s, uint64_t name_key, int64_t *ref,
			 int64_t **v, int *n, struct strbuf *err);
/* (end of name-keyed track pages) */
/* ---- store copy ---- */
/*
 * A whole store as logical tables (issue 12, doc/store.md "store copy"):
 * the same rows whatever the engine keeps physically (SQLite's play_rows
 * and track_keys, PostgreSQL's items and texts). Every table's first nkey
 * columns are its order; types[i] is 'i' (64-bit integer), 'r' (double) or
 * 't' (text, UTF-8) for cols[i].
 */
struct store_copy_table {
	const char *name;
	const char *const *cols;
	const char *types;
	int ncols, nkey;
};
extern const struct store_copy_table store_copy_tables[];
extern const size_t store_copy_ntables;

/* One value of a logical row; s (len bytes, not NUL-terminated) is borrowed. */
struct store_copy_value {
	int null;
	int64_t i;
	double r;
	const char *s;
	size_t len;
};

/* A table's row count and SHA-256 over its canonical rows, in its order. */
struct store_copy_sum {
	const char *table;
	int64_t rows;
	unsigned char digest[32];
};

/*
 * Called as a table starts (when it has rows), every few thousand rows and
 * once as it ends (done >= total): table, rows done, rows in the source.
 */
typedef void store_copy_progress_fn(void *arg, const char *table, int64_t done,
				    int64_t total);

/*
 * The count and digest of every table of s (store_copy_ntables entries in
 * *out, freed by the caller), read in one snapshot.
 */
int store_copy_digest(struct store *s, struct store_copy_sum **out,
		      struct strbuf *err);
/*
 * Copies every table of from into to, which must be empty (-1 saying what it
 * holds otherwise), in one transaction of to; then reads to back inside it
 * and compares counts and digests with what was read from from. 0: the same,
 * committed; 1: a table differs, rolled back; -1: failed, rolled back, err
 * says why. *from_sums and *to_sums (NULL on -1) are freed by the caller.
 */
int store_copy(struct store *from, struct store *to,
	       store_copy_progress_fn *progress, void *arg,
	       struct store_copy_sum **from_sums, struct store_copy_sum **to_sums,
	       struct strbuf *err);
/*
 * The engine's parts of a copy, for store/copy.c: rows in t (0 when the
 * engine has no such table); each row of t in its order; one row written
 * (row NULL: t is complete), in a transaction; after the last table.
 */
int64_t store_copy_count(struct store *s, const struct store_copy_table *t,
			 struct strbuf *err);
int store_copy_read(struct store *s, const struct store_copy_table *t,
		    int (*fn)(void *arg, const struct store_copy_value *row),
		    void *arg, struct strbuf *err);
int store_copy_write(struct store *s, const struct store_copy_table *t,
		     const struct store_copy_value *row, struct strbuf *err);
int store_copy_finish(struct store *s, struct strbuf *err);
/* (end of store copy) */
/* ---- a second reader (issue 11) ---- */
/*
 * Tunes a handle that reads beside another handle of the same process
 * ('site''s second thread): no mapping of the file of its own and a small
 * page cache, so the file's pages are not counted twice in the process's
 * RSS. Does nothing where the engine has nothing to tune.
 */
void store_tune_second_reader(struct store *s);
/* (end of a second reader) */

/* ---- artist images (issue 11, r6-look) ---- */
/*
 * The image of an artist (artists.image_url): the URL enrichment chose
 * from /v1/artists (the smallest image at least 160 px wide, else the
 * largest), NULL when the artist has none or is unknown. put sets it
 * (url NULL clears it); image returns a new string or NULL; images walks
 * every artist with one, by id, except those whose last fetch failed and
 * whose retry time is after now_ms: the failures are kept with the album
 * covers' (store_cover_failed, store_cover_fetched, keyed by the artist
 * id: Spotify ids do not collide across kinds).
 */
int store_artist_image_put(struct store *s, const char *artist_id,
			   const char *url, struct strbuf *err);
char *store_artist_image(struct store *s, const char *artist_id);
int store_artist_images(struct store *s, int64_t now_ms,
			int (*fn)(void *arg, const char *artist_id,
				  const char *url),
			void *arg, struct strbuf *err);
/* (end of artist images) */

#endif
