/*
 * The SQLite engine's reads for navigation (store.h's "navigation"
 * section): the ops engine.c puts in its table, and the cache of prepared
 * statements they share, kept in struct sqlite_store and freed by sq_close.
 */
#ifndef STORE_SQLITE_NAV_H
#define STORE_SQLITE_NAV_H

#include "store/sqlite/sqlite.h"

struct sqlite_nav;
void sqn_release(struct sqlite_nav *n);

int sqn_track_plays(struct store *s, int64_t account_id, const char *track_id,
		    int (*fn)(void *, const struct store_nav_play *), void *arg,
		    struct strbuf *err);
int sqn_album(struct store *s, const char *album_id, char **name,
	      struct strvec *artist_ids, struct strbuf *err);
int sqn_names(struct store *s, enum store_nav_kind kind,
	      int (*fn)(void *, const char *, const char *), void *arg,
	      struct strbuf *err);

#endif
