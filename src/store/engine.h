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
	int (*plays_add_api)(struct store *s, int64_t account_id,
			     int64_t page_id, const struct api_play *p);
	int (*plays_merge_api)(struct store *s, int64_t account_id,
			       int64_t page_id, const struct api_play *p);
	int64_t (*plays_newest_api_ms)(struct store *s, int64_t account_id);
	int64_t (*plays_count)(struct store *s, int64_t account_id);
	int64_t (*pages_add)(struct store *s, int64_t account_id,
			     const struct page_info *p);
	int (*gaps_add)(struct store *s, int64_t account_id, int64_t from_ms,
			int64_t to_ms, int64_t detected_ms);
	int64_t (*gaps_open_count)(struct store *s, int64_t account_id);
	int64_t (*accounts_ensure)(struct store *s, const char *name);
	int64_t (*accounts_find)(struct store *s, const char *name);
	int (*accounts_record_poll)(struct store *s, int64_t id, int64_t when_ms,
				    const char *status, int ok);
	int (*accounts_names)(struct store *s, struct strvec *names);
	int (*accounts_poll_info)(struct store *s, int64_t id,
				  struct store_poll_info *out);
	const char *(*errmsg)(struct store *s);
	/* (end of plays and the collector) */

	/* ---- catalog and enrichment ---- */
	int (*catalog_put_tracks)(struct store *s, const struct store_track *v,
				  size_t n, struct strbuf *err);
	int (*catalog_put_albums)(struct store *s, const struct store_album *v,
				  size_t n, struct strbuf *err);
	int (*catalog_put_artists)(struct store *s,
				   const struct store_artist *v, size_t n,
				   int64_t now_ms, struct strbuf *err);
	int (*catalog_put_features)(struct store *s,
				    const struct store_features *v, size_t n,
				    int64_t now_ms, struct strbuf *err);
	int (*catalog_put_analyses)(struct store *s,
				    const struct store_analysis *v, size_t n,
				    int64_t now_ms, struct strbuf *err);
	int (*catalog_clear)(struct store *s, struct strbuf *err);
	int64_t (*catalog_count_tracks)(struct store *s);
	char *(*catalog_track_isrc)(struct store *s, const char *id);
	int (*catalog_track_view)(struct store *s, const char *id, int extended,
				  struct store_track_view *out,
				  struct strbuf *err);
	int (*song_plays)(struct store *s, int64_t account_id, int64_t from_ms, int64_t to_ms,
			  int (*fn)(void *arg, const struct store_song_play *p),
			  void *arg, struct strbuf *err);
	int (*pending)(struct store *s, enum store_pending what,
		       struct strvec *ids, struct strbuf *err);
	int64_t (*blocks_until)(struct store *s, const char *provider,
				int64_t account_id, int64_t now_ms);
	int (*blocks_put)(struct store *s, const char *provider,
			  int64_t account_id, int64_t until_ms,
			  const char *reason, struct strbuf *err);
	int (*setaside_add)(struct store *s, enum setaside_kind k,
			    const char *id, const char *reason, int64_t now_ms,
			    struct strbuf *err);
	int (*setaside_has)(struct store *s, enum setaside_kind k,
			    const char *id);
	int64_t (*setaside_count)(struct store *s);
	int (*setaside_list)(struct store *s, size_t max,
			     struct setaside_list *out, struct strbuf *err);
	int64_t (*setaside_forget)(struct store *s, struct strbuf *err);
	int (*accounts_list)(struct store *s, const char *only,
			     struct store_account **out, size_t *n,
			     struct strbuf *err);
	int (*pages_after)(struct store *s, int64_t account_id,
			   int64_t after_id,
			   int (*fn)(void *arg, int64_t id, const char *key),
			   void *arg, struct strbuf *err);
	int (*etl_marks_clear)(struct store *s, struct strbuf *err);
	int (*savepoint)(struct store *s, struct strbuf *err);
	int (*savepoint_release)(struct store *s, struct strbuf *err);
	void (*savepoint_rollback)(struct store *s);
	/* (end of catalog and enrichment) */

	/* ---- imports ---- */
	int (*import_start)(struct store *s, int64_t account_id,
			    const char *paths, int64_t started_ms,
			    struct store_import **out, struct strbuf *err);
	int (*import_account_has_plays)(struct store_import *im);
	int (*import_scan)(struct store_import *im, int64_t lo, int64_t hi,
			   int (*fn)(void *arg, const struct store_import_row *r),
			   void *arg, struct strbuf *err);
	int (*import_add)(struct store_import *im,
			  const struct store_import_play *p, size_t n,
			  struct strbuf *err);
	int (*import_merge)(struct store_import *im, int64_t play_id,
			    const struct store_import_play *p, struct strbuf *err);
	int (*import_heal_gaps)(struct store_import *im, int64_t lo, int64_t hi,
				int64_t now_ms, size_t *healed,
				struct strbuf *err);
	int (*import_finish)(struct store_import *im,
			     const struct store_import_counts *c,
			     struct strbuf *err);
	void (*import_free)(struct store_import *im);
	int (*bulk_begin)(struct store *s, size_t rows, struct strbuf *err);
	int (*bulk_indexes_off)(struct store *s, size_t new_rows,
				struct strbuf *err);
	int (*bulk_indexes_on)(struct store *s, struct strbuf *err);
	void (*bulk_end)(struct store *s);
	/* (end of imports) */

	/* ---- reports ---- */
	int (*read_begin)(struct store *s, struct strbuf *err);
	void (*read_end)(struct store *s);
	void (*tune_for_reads)(struct store *s);
	int (*scan_music)(struct store *s, int64_t account_id, int64_t from, int64_t to,
			  int (*fn)(void *, const struct store_music_play *), void *arg,
			  struct strbuf *err);
	int (*scan_plays)(struct store *s, int64_t account_id, int64_t from, int64_t to,
			  int (*fn)(void *, const struct store_play_row *), void *arg,
			  struct strbuf *err);
	int (*scan_sources)(struct store *s, int64_t account_id, int64_t from, int64_t to,
			    int (*fn)(void *, int64_t, int), void *arg, struct strbuf *err);
	int (*play_span)(struct store *s, int64_t account_id, int64_t *first_ms, int64_t *last_ms,
			 struct strbuf *err);
	int (*track_play_times)(struct store *s, int64_t account_id, const char *track_id, int64_t **v, int *n,
				struct strbuf *err);
	int (*any_play_before)(struct store *s, int64_t account_id, int64_t ms);
	int (*artists_played_before)(struct store *s, int64_t account_id, const char *const *ids,
				     int n, int64_t ms, int *out);
	int (*track_names)(struct store *s, const char *const *ids, int n,
			   struct store_track_names *out);
	int (*play_names)(struct store *s, const char *track_id, char **artist, char **album);
	int (*artist_names)(struct store *s, const char *const *ids, int n, char **out);
	char *(*album_cover)(struct store *s, const char *album_id);
	int (*catalog_scan)(struct store *s, const struct store_catalog_fns *fns,
			    struct strbuf *err);
	int (*track_sections)(struct store *s, const char *track_id,
			      struct store_page_section **v, int *n, struct strbuf *err);
	int (*track_features)(struct store *s, const char *track_id,
			      struct store_page_features *f);
	int (*gaps_overlapping)(struct store *s, int64_t account_id, int64_t from, int64_t to,
				int (*fn)(void *, const struct store_gap *), void *arg,
				struct strbuf *err);
	int (*gaps_list)(struct store *s, const char *account,
			 int (*fn)(void *, const struct store_gap *), void *arg,
			 struct strbuf *err);
	int (*recent_plays)(struct store *s, const char *account, int64_t n,
			    int (*fn)(void *, const struct store_log_play *), void *arg,
			    struct strbuf *err);
	/* (end of reports) */
	/* ---- listenbrainz ---- */
	int (*lb_token_add)(struct store *s, int64_t account_id, const char *hash,
			    const char *prefix, int64_t now_ms, int64_t *id,
			    struct strbuf *err);
	int (*lb_token_find)(struct store *s, const char *hash, int64_t now_ms,
			     int64_t *account_id, char **account, struct strbuf *err);
	int (*lb_token_list)(struct store *s, const char *account,
			     int (*fn)(void *, const struct store_lb_token *),
			     void *arg, struct strbuf *err);
	int (*lb_token_revoke)(struct store *s, int64_t id, const char *account,
			       struct strbuf *err);
	int (*lb_playing_set)(struct store *s, int64_t account_id, const char *json,
			      int64_t expires_ms, struct strbuf *err);
	int (*lb_playing_get)(struct store *s, int64_t account_id, int64_t now_ms,
			      char **json, struct strbuf *err);
	int (*lb_keep)(struct store *s, int64_t account_id,
		       const struct store_lb_kept *v, size_t n, int64_t now_ms,
		       struct strbuf *err);
	int (*lb_listens)(struct store *s, int64_t account_id, int64_t min_ts,
			  int64_t max_ts, int64_t count,
			  int (*fn)(void *, const struct store_lb_listen *),
			  void *arg, struct strbuf *err);
	int (*lb_listen_stats)(struct store *s, int64_t account_id, int64_t *count,
			       int64_t *oldest, int64_t *latest, struct strbuf *err);
	/* (end of listenbrainz) */
	/* ---- analysis ---- */
	int (*analysis_by_isrc)(struct store *s, const char *isrc,
				struct strvec *ids, struct strbuf *err);
	int (*analysis_tracks)(struct store *s,
			       int (*fn)(void *, const struct store_named_track *),
			       void *arg, struct strbuf *err);
	char *(*analysis_cached)(struct store *s, const char *hash,
				 char **track_id);
	int (*analysis_cache_put)(struct store *s, const char *hash,
				  const char *path, const char *track_id,
				  const char *json, int64_t now_ms,
				  struct strbuf *err);
	int (*analysis_put_local)(struct store *s, const struct store_analysis *a,
				  int64_t now_ms, struct strbuf *err);
	/* (end of analysis) */

	/* ---- navigation ---- */
	int (*nav_track_plays)(struct store *s, int64_t account_id, const char *track_id,
			       int (*fn)(void *, const struct store_nav_play *), void *arg,
			       struct strbuf *err);
	int (*nav_album)(struct store *s, const char *album_id, char **name,
			 struct strvec *artist_ids, struct strbuf *err);
	int (*nav_names)(struct store *s, enum store_nav_kind kind,
			 int (*fn)(void *, const char *, const char *), void *arg,
			 struct strbuf *err);
	/* (end of navigation) */
	/* ---- record fill ---- */
	int (*track_fill)(struct store *s, const char *id,
			  struct store_track_fill *out, struct strbuf *err);
	int (*album_covers)(struct store *s, int64_t now_ms,
			    int (*fn)(void *, const char *, const char *),
			    void *arg, struct strbuf *err);
	int (*cover_failed)(struct store *s, const char *album_id,
			    int64_t now_ms, const char *reason,
			    struct strbuf *err);
	int (*cover_fetched)(struct store *s, const char *album_id,
			     struct strbuf *err);
	/* (end of record fill) */
	/* ---- resolve ---- */
	int (*resolve_pending)(struct store *s, int64_t now_ms,
			       int (*fn)(void *, const struct store_resolve_name *),
			       void *arg, struct strbuf *err);
	int (*resolve_set)(struct store *s, uint64_t name_key, const char *artist,
			   const char *track, const char *track_id,
			   const char *why, int64_t now_ms, int64_t retry_ms,
			   struct strbuf *err);
	int (*resolve_apply)(struct store *s, int64_t *plays, struct strbuf *err);
	int (*resolve_unresolved)(struct store *s, int64_t *plays, int64_t *names,
				  struct strbuf *err);
	int (*resolve_catalog)(struct store *s,
			       int (*fn)(void *, const struct store_resolve_track *),
			       void *arg, struct strbuf *err);
	/* (end of resolve) */

	/* ---- similarity ---- */
	int (*similar_tracks)(struct store *s, int64_t account_id,
			      int (*fn)(void *, const struct store_sim_track *), void *arg,
			      struct strbuf *err);
	int64_t (*similar_label_add)(struct store *s, int64_t account_id,
				     const struct store_sim_label *l, struct strbuf *err);
	int (*similar_label_delete)(struct store *s, int64_t account_id, int64_t id,
				    struct strbuf *err);
	int (*similar_labels)(struct store *s, int64_t account_id,
			      int (*fn)(void *, const struct store_sim_label *), void *arg,
			      struct strbuf *err);
	int (*similar_model_put)(struct store *s, const struct store_sim_model *m,
				 struct strbuf *err);
	int (*similar_model_get)(struct store *s, int64_t account_id,
				 struct store_sim_model *out, struct strbuf *err);
	/* (end of similarity) */

	/* ---- plays by track reference ---- */
	int (*scan_music_refs)(struct store *s, int64_t account_id, int64_t from, int64_t to,
			       int (*fn)(void *, const struct store_music_ref *), void *arg,
			       struct strbuf *err);
	int (*track_refs)(struct store *s, int (*fn)(void *, const struct store_track_ref *),
			  void *arg, struct strbuf *err);
	int (*ref_play_names)(struct store *s, int64_t ref, char **artist, char **album);
	/* (end of plays by track reference) */
	/* ---- tracks known by names ---- */
	int (*ref_names)(struct store *s, int64_t ref, char **name, char **artist,
			 char **album);
	/* (end of tracks known by names) */
	/* ---- account summary ---- */
	int (*account_summary)(struct store *s, int64_t account_id,
			       struct store_account_summary *out, struct strbuf *err);
	/* (end of account summary) */
	/* ---- name-keyed track pages ---- */
	int (*name_key_plays)(struct store *s, uint64_t name_key, int64_t *ref,
			      int64_t **v, int *n, struct strbuf *err);
	/* (end of name-keyed track pages) */
	/* ---- store copy ---- */
	/* Rows in the engine's table t (0 when it has no such table). */
	int64_t (*copy_count)(struct store *s, const struct store_copy_table *t,
			      struct strbuf *err);
	/* Each row of t in t's order (none when the engine lacks t). */
	int (*copy_read)(struct store *s, const struct store_copy_table *t,
			 int (*fn)(void *, const struct store_copy_value *),
			 void *arg, struct strbuf *err);
	/* Writes one row of t, in a transaction; row NULL: t is complete. */
	int (*copy_write)(struct store *s, const struct store_copy_table *t,
			  const struct store_copy_value *row, struct strbuf *err);
	/* After the last table, before the commit (counters, derived data). */
	int (*copy_finish)(struct store *s, struct strbuf *err);
	/* (end of store copy) */
	/* a second reader (issue 11); NULL: nothing to tune */
	void (*tune_second_reader)(struct store *s);
	/* (end of a second reader) */
	/* artist images (issue 11, r6-look); NULL: none kept */
	int (*artist_image_put)(struct store *s, const char *artist_id,
				const char *url, struct strbuf *err);
	char *(*artist_image)(struct store *s, const char *artist_id);
	int (*artist_images)(struct store *s, int64_t now_ms,
			     int (*fn)(void *, const char *, const char *),
			     void *arg, struct strbuf *err);
	/* (end of artist images) */
};

struct store {
	const struct store_ops *ops;
	char *where; /* the path or URL, for messages */
};

/* ---- imports ---- */
/* What an engine's import handle starts with. */
struct store_import {
	struct store *store;
	int64_t id, account_id;
};
/* (end of imports) */

extern const struct store_ops store_sqlite_ops;
extern const struct store_ops store_postgres_ops;

#endif
