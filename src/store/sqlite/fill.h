/*
 * The SQLite engine's calls of store.h's "record fill" section (issue 10):
 * what a song record takes when the analysis is missing, and the albums
 * whose cover is known or wanted.
 */
#ifndef STORE_SQLITE_FILL_H
#define STORE_SQLITE_FILL_H

#include "store/sqlite/sqlite.h"

int sq_track_fill(struct store *s, const char *id,
		  struct store_track_fill *out, struct strbuf *err);

#endif
