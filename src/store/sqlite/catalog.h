/*
 * The SQLite engine's catalog and enrichment calls (store.h's "catalog and
 * enrichment"), for the ops table in engine.c: catalog.c has the catalog's
 * puts and gets and the song-record reads, enrich.c the pending work,
 * provider blocks, set-aside ids, the ETL's walk and savepoints.
 */
#ifndef STORE_SQLITE_CATALOG_H
#define STORE_SQLITE_CATALOG_H

#include "store/sqlite/sqlite.h"

int sq_catalog_put_tracks(struct store *s, const struct store_track *v,
			  size_t n, struct strbuf *err);
int sq_catalog_put_albums(struct store *s, const struct store_album *v,
			  size_t n, struct strbuf *err);
int sq_catalog_put_artists(struct store *s, const struct store_artist *v,
			   size_t n, int64_t now_ms, struct strbuf *err);
int sq_catalog_put_features(struct store *s, const struct store_features *v,
			    size_t n, int64_t now_ms, struct strbuf *err);
int sq_catalog_put_analyses(struct store *s, const struct store_analysis *v,
			    size_t n, int64_t now_ms, struct strbuf *err);
int sq_catalog_clear(struct store *s, struct strbuf *err);
int64_t sq_catalog_count_tracks(struct store *s);
char *sq_catalog_track_isrc(struct store *s, const char *id);
int sq_catalog_track_view(struct store *s, const char *id, int extended,
			  struct store_track_view *out, struct strbuf *err);
int sq_song_plays(struct store *s, int64_t account_id, int64_t from_ms, int64_t to_ms,
		  int (*fn)(void *arg, const struct store_song_play *p),
		  void *arg, struct strbuf *err);

int sq_pending(struct store *s, enum store_pending what, struct strvec *ids,
	       struct strbuf *err);
int64_t sq_blocks_until(struct store *s, const char *provider,
			int64_t account_id, int64_t now_ms);
int sq_blocks_put(struct store *s, const char *provider, int64_t account_id,
		  int64_t until_ms, const char *reason, struct strbuf *err);
int sq_setaside_add(struct store *s, enum setaside_kind k, const char *id,
		    const char *reason, int64_t now_ms, struct strbuf *err);
int sq_setaside_has(struct store *s, enum setaside_kind k, const char *id);
int64_t sq_setaside_count(struct store *s);
int sq_setaside_list(struct store *s, size_t max, struct setaside_list *out,
		     struct strbuf *err);
int64_t sq_setaside_forget(struct store *s, struct strbuf *err);
int sq_accounts_list(struct store *s, const char *only,
		     struct store_account **out, size_t *n, struct strbuf *err);
int sq_pages_after(struct store *s, int64_t account_id, int64_t after_id,
		   int (*fn)(void *arg, int64_t id, const char *key), void *arg,
		   struct strbuf *err);
int sq_etl_marks_clear(struct store *s, struct strbuf *err);
int sq_savepoint(struct store *s, struct strbuf *err);
int sq_savepoint_release(struct store *s, struct strbuf *err);
void sq_savepoint_rollback(struct store *s);

#endif
