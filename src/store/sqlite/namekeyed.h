#ifndef STORE_SQLITE_NAMEKEYED_H
#define STORE_SQLITE_NAMEKEYED_H

#include "store/sqlite/sqlite.h"

int sqn_ref_names(struct store *s, int64_t ref, char **name, char **artist, char **album);

/*
 * Fills track_keys.canon for every name-keyed row (doc/import.md, "The
 * counting rule"); run where an import ends, inside its transaction.
 */
int sqn_fill_canon(sqlite3 *db, struct strbuf *err);

#endif
