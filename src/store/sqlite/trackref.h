/*
 * The SQLite engine's "plays by track reference" (store.h): a reference is
 * a track_keys id (migration 5). Private to the SQLite engine.
 */
#ifndef STORE_SQLITE_TRACKREF_H
#define STORE_SQLITE_TRACKREF_H

#include "store/sqlite/sqlite.h"

int sqt_scan_music_refs(struct store *s, int64_t account_id, int64_t from, int64_t to,
			int (*fn)(void *, const struct store_music_ref *), void *arg,
			struct strbuf *err);
int sqt_track_refs(struct store *s, int (*fn)(void *, const struct store_track_ref *),
		   void *arg, struct strbuf *err);
int sqt_ref_play_names(struct store *s, int64_t ref, char **artist, char **album);
/* Frees what sqt_ref_play_names read at once (the store closes). */
void sqt_refnames_free(struct sqlite_store *s);

#endif
