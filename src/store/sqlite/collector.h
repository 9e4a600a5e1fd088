/*
 * The SQLite engine's plays and collector calls (store.h's "plays and the
 * collector"), for the ops table in engine.c.
 */
#ifndef STORE_SQLITE_COLLECTOR_H
#define STORE_SQLITE_COLLECTOR_H

#include "store/sqlite/sqlite.h"

int sq_plays_add_api(struct store *s, int64_t account_id, int64_t page_id,
		     const struct api_play *p);
int sq_plays_merge_api(struct store *s, int64_t account_id, int64_t page_id,
		       const struct api_play *p);
int64_t sq_plays_newest_api_ms(struct store *s, int64_t account_id);
int64_t sq_plays_count(struct store *s, int64_t account_id);
int64_t sq_pages_add(struct store *s, int64_t account_id,
		     const struct page_info *p);
int sq_gaps_add(struct store *s, int64_t account_id, int64_t from_ms,
		int64_t to_ms, int64_t detected_ms);
int64_t sq_gaps_open_count(struct store *s, int64_t account_id);
int64_t sq_accounts_ensure(struct store *s, const char *name);
int64_t sq_accounts_find(struct store *s, const char *name);
int sq_accounts_record_poll(struct store *s, int64_t id, int64_t when_ms,
			    const char *status, int ok);
int sq_accounts_names(struct store *s, struct strvec *names);
int sq_accounts_poll_info(struct store *s, int64_t id,
			  struct store_poll_info *out);
const char *sq_errmsg(struct store *s);

#endif
