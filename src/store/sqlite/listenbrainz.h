/*
 * The SQLite engine's part of the store's "listenbrainz" section
 * (store.h): tokens, playing-now, kept listen metadata, and the plays read
 * back as listens. All SQL reading plays for the endpoint is in
 * listenbrainz.c. Private to the engine.
 */
#ifndef STORE_SQLITE_LISTENBRAINZ_H
#define STORE_SQLITE_LISTENBRAINZ_H

#include "store/store.h"

int sqlb_token_add(struct store *s, int64_t account_id, const char *hash,
		   const char *prefix, int64_t now_ms, int64_t *id,
		   struct strbuf *err);
int sqlb_token_find(struct store *s, const char *hash, int64_t now_ms,
		    int64_t *account_id, char **account, struct strbuf *err);
int sqlb_token_list(struct store *s, const char *account,
		    int (*fn)(void *, const struct store_lb_token *), void *arg,
		    struct strbuf *err);
int sqlb_token_revoke(struct store *s, int64_t id, const char *account,
		      struct strbuf *err);
int sqlb_playing_set(struct store *s, int64_t account_id, const char *json,
		     int64_t expires_ms, struct strbuf *err);
int sqlb_playing_get(struct store *s, int64_t account_id, int64_t now_ms,
		     char **json, struct strbuf *err);
int sqlb_keep(struct store *s, int64_t account_id,
	      const struct store_lb_kept *v, size_t n, int64_t now_ms,
	      struct strbuf *err);
int sqlb_listens(struct store *s, int64_t account_id, int64_t min_ts,
		 int64_t max_ts, int64_t count,
		 int (*fn)(void *, const struct store_lb_listen *), void *arg,
		 struct strbuf *err);
int sqlb_listen_stats(struct store *s, int64_t account_id, int64_t *count,
		      int64_t *oldest, int64_t *latest, struct strbuf *err);

#endif
