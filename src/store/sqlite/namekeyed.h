#ifndef STORE_SQLITE_NAMEKEYED_H
#define STORE_SQLITE_NAMEKEYED_H

#include "store/sqlite/sqlite.h"

int sqn_ref_names(struct store *s, int64_t ref, char **name, char **artist, char **album);

/*
 * Fills track_keys.canon for every name-keyed row (doc/import.md, "The
 * counting rule"); run where an import ends, inside its transaction. Reads
 * only what changed since the last pass (canon_state, migration 12): the
 * new plays, the pairs an UPDATE changed, the new track rows; the first
 * pass of a store, or one after an import of more plays than the store
 * had, reads everything (sqn_rebuild_canon).
 */
int sqn_fill_canon(sqlite3 *db, struct strbuf *err);
/* The same with the store's kept statements (stmtcache.h): an import's. */
int sqn_fill_canon_kept(struct store *s, struct strbuf *err);
/* The whole pass: every play, every names row's keys computed again. */
int sqn_rebuild_canon(sqlite3 *db, struct strbuf *err);

/*
 * The name keys a names row votes with (canon_votes, migration 12): k[0]
 * its name_key when the play had one, else the key of the whole artist
 * and title; k[1] the key of the first artist of an "A, B" list, 0 when
 * it is k[0]'s (playmatch_api_namekeys, the merge rule's).
 */
void sqn_names_keys(const char *artist, const char *title, int64_t name_key,
		    int64_t k[2]);

#endif
