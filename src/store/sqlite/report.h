/*
 * The SQLite engine's reads for reports (store.h's "reports" section):
 * the ops engine.c puts in its table, and the cache of prepared statements
 * they share, kept in struct sqlite_store and freed by sq_close.
 */
#ifndef STORE_SQLITE_REPORT_H
#define STORE_SQLITE_REPORT_H

#include "store/sqlite/sqlite.h"

struct sqlite_report;
void sqr_release(struct sqlite_report *r);

int sqr_read_begin(struct store *s, struct strbuf *err);
void sqr_read_end(struct store *s);
void sqr_tune_for_reads(struct store *s);
int sqr_scan_music(struct store *s, int64_t account_id, int64_t from, int64_t to,
		   int (*fn)(void *, const struct store_music_play *), void *arg,
		   struct strbuf *err);
int sqr_scan_plays(struct store *s, int64_t account_id, int64_t from, int64_t to,
		   int (*fn)(void *, const struct store_play_row *), void *arg,
		   struct strbuf *err);
int sqr_scan_sources(struct store *s, int64_t account_id, int64_t from, int64_t to,
		     int (*fn)(void *, int64_t, int), void *arg, struct strbuf *err);
int sqr_play_span(struct store *s, int64_t account_id, int64_t *first_ms, int64_t *last_ms,
		  struct strbuf *err);
int sqr_track_play_times(struct store *s, int64_t account_id, const char *track_id, int64_t **v, int *n,
			 struct strbuf *err);
int sqr_any_play_before(struct store *s, int64_t account_id, int64_t ms);
int sqr_artists_played_before(struct store *s, int64_t account_id, const char *const *ids,
			      int n, int64_t ms, int *out);
int sqr_track_names(struct store *s, const char *const *ids, int n,
		    struct store_track_names *out);
int sqr_play_names(struct store *s, const char *track_id, char **artist, char **album);
int sqr_artist_names(struct store *s, const char *const *ids, int n, char **out);
char *sqr_album_cover(struct store *s, const char *album_id);
int sqr_catalog_scan(struct store *s, const struct store_catalog_fns *fns,
		     struct strbuf *err);
int sqr_track_sections(struct store *s, const char *track_id, struct store_page_section **v,
		       int *n, struct strbuf *err);
int sqr_track_features(struct store *s, const char *track_id, struct store_page_features *f);
int sqr_gaps_overlapping(struct store *s, int64_t account_id, int64_t from, int64_t to,
			 int (*fn)(void *, const struct store_gap *), void *arg,
			 struct strbuf *err);
int sqr_gaps_list(struct store *s, const char *account,
		  int (*fn)(void *, const struct store_gap *), void *arg,
		  struct strbuf *err);
int sqr_recent_plays(struct store *s, const char *account, int64_t n,
		     int (*fn)(void *, const struct store_log_play *), void *arg,
		     struct strbuf *err);

#endif
