/*
 * store copy on SQLite (store.h "store copy"): the engine's ops, in
 * sqlite/copy.c. Private to the SQLite engine.
 */
#ifndef STORE_SQLITE_COPY_H
#define STORE_SQLITE_COPY_H

#include "store/sqlite/sqlite.h"

int64_t sqc_copy_count(struct store *s, const struct store_copy_table *t,
		       struct strbuf *err);
int sqc_copy_read(struct store *s, const struct store_copy_table *t,
		  int (*fn)(void *, const struct store_copy_value *), void *arg,
		  struct strbuf *err);
int sqc_copy_write(struct store *s, const struct store_copy_table *t,
		   const struct store_copy_value *row, struct strbuf *err);
int sqc_copy_finish(struct store *s, struct strbuf *err);

#endif
