/*
 * store copy on PostgreSQL (store.h "store copy"): the engine's ops, in
 * postgres/copy.c. Private to the PostgreSQL engine.
 */
#ifndef STORE_POSTGRES_COPY_H
#define STORE_POSTGRES_COPY_H

#include "store/postgres/pg.h"

struct pg_copy;
void pgc_release(struct pg_copy *c);
int64_t pgc_copy_count(struct store *s, const struct store_copy_table *t,
		       struct strbuf *err);
int pgc_copy_read(struct store *s, const struct store_copy_table *t,
		  int (*fn)(void *, const struct store_copy_value *), void *arg,
		  struct strbuf *err);
int pgc_copy_write(struct store *s, const struct store_copy_table *t,
		   const struct store_copy_value *row, struct strbuf *err);
int pgc_copy_finish(struct store *s, struct strbuf *err);

#endif
