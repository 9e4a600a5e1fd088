/* The account summary section of store.h (store/sqlite/summary.c). */
#ifndef STORE_SQLITE_SUMMARY_H
#define STORE_SQLITE_SUMMARY_H

#include "store/store.h"

int sqa_account_summary(struct store *s, int64_t account_id,
			struct store_account_summary *out, struct strbuf *err);

/* The name-keyed track pages section (store/sqlite/namepage.c). */
int sqa_name_key_plays(struct store *s, uint64_t name_key, int64_t *ref,
		       int64_t **v, int *n, struct strbuf *err);

#endif
