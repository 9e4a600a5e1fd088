/*
 * store copy on SQLite: the plays logical table written into play_rows
 * (sqlite/copyplays.c). Private to the SQLite engine; copy.c calls it.
 */
#ifndef STORE_SQLITE_COPYPLAYS_H
#define STORE_SQLITE_COPYPLAYS_H

#include "store/sqlite/sqlite.h"

/*
 * One play of the logical table t ("plays", store/copy.c) written with its
 * id; row NULL: the table is done (the dictionaries' waiting rows written).
 * 0, or -1 with err set.
 */
int sqc_plays_write(struct sqlite_store *s, const struct store_copy_table *t,
		    const struct store_copy_value *row, struct strbuf *err);
/* Frees what sqc_plays_write kept (a copy that failed half-way). */
void sqc_plays_release(struct sqlite_store *s);

#endif
