/*
 * What an engine implements: one struct store_ops per engine, and the
 * struct store it embeds first in its own handle. Only store/store.c and the
 * engines (store/<engine>/) include this header; everything else sees the
 * opaque handle of store.h. A new domain call is one member here, one
 * trampoline in store.c and one function in each engine.
 */
#ifndef STORE_ENGINE_H
#define STORE_ENGINE_H

#include "store/store.h"

struct store_ops {
	const char *name;
	/* Returns the engine's handle for its part of the url (after "name:"). */
	int (*open)(const char *where, struct store **out, struct strbuf *err);
	void (*close)(struct store *s);

	int (*begin)(struct store *s, struct strbuf *err);
	int (*commit)(struct store *s, struct strbuf *err);
	void (*rollback)(struct store *s);
	int64_t (*data_version)(struct store *s);

	char *(*state_get)(struct store *s, const char *key);
	int (*state_set)(struct store *s, const char *key, const char *value);

	/* ---- plays and the collector ---- */
	/* (end of plays and the collector) */

	/* ---- catalog and enrichment ---- */
	/* (end of catalog and enrichment) */

	/* ---- imports ---- */
	/* (end of imports) */

	/* ---- reports ---- */
	int (*read_begin)(struct store *s, struct strbuf *err);
	void (*read_end)(struct store *s);
	void (*tune_for_reads)(struct store *s);
	int (*scan_music)(struct store *s, int64_t from, int64_t to,
			  int (*fn)(void *, const struct store_music_play *), void *arg,
			  struct strbuf *err);
	int (*scan_plays)(struct store *s, int64_t from, int64_t to,
			  int (*fn)(void *, const struct store_play_row *), void *arg,
			  struct strbuf *err);
	int (*scan_sources)(struct store *s, int64_t from, int64_t to,
			    int (*fn)(void *, int64_t, int), void *arg, struct strbuf *err);
	int (*play_span)(struct store *s, int64_t *first_ms, int64_t *last_ms,
			 struct strbuf *err);
	int (*track_play_times)(struct store *s, const char *track_id, int64_t **v, int *n,
				struct strbuf *err);
	int (*any_play_before)(struct store *s, int64_t ms);
	int (*artist_played_before)(struct store *s, const char *artist_id, int64_t ms);
	int (*track_names)(struct store *s, const char *track_id,
			   struct store_track_names *out);
	int (*play_names)(struct store *s, const char *track_id, char **artist, char **album);
	char *(*artist_name)(struct store *s, const char *artist_id);
	char *(*album_cover)(struct store *s, const char *album_id);
	int (*catalog_scan)(struct store *s, const struct store_catalog_fns *fns,
			    struct strbuf *err);
	int (*track_sections)(struct store *s, const char *track_id,
			      struct store_section **v, int *n, struct strbuf *err);
	int (*track_features)(struct store *s, const char *track_id,
			      struct store_features *f);
	int (*gaps_overlapping)(struct store *s, int64_t from, int64_t to,
				int (*fn)(void *, const struct store_gap *), void *arg,
				struct strbuf *err);
	int (*gaps_list)(struct store *s, const char *account,
			 int (*fn)(void *, const struct store_gap *), void *arg,
			 struct strbuf *err);
	int (*recent_plays)(struct store *s, const char *account, int64_t n,
			    int (*fn)(void *, const struct store_log_play *), void *arg,
			    struct strbuf *err);
	/* (end of reports) */
};

struct store {
	const struct store_ops *ops;
	char *where; /* the path or URL, for messages */
};

extern const struct store_ops store_sqlite_ops;

#endif
