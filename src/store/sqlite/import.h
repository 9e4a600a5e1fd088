/*
 * The SQLite engine's import calls (store.h's "imports"): the import's
 * writes and the bulk-loading tricks, for the ops table in engine.c.
 */
#ifndef STORE_SQLITE_IMPORT_H
#define STORE_SQLITE_IMPORT_H

#include "store/sqlite/sqlite.h"

int sq_import_start(struct store *s, int64_t account_id, const char *paths,
		    int64_t started_ms, struct store_import **out,
		    struct strbuf *err);
int sq_import_account_has_plays(struct store_import *im);
int sq_import_scan(struct store_import *im, int64_t lo, int64_t hi,
		   int (*fn)(void *arg, const struct store_import_row *r),
		   void *arg, struct strbuf *err);
int sq_import_add(struct store_import *im, const struct store_import_play *p,
		  size_t n, struct strbuf *err);
int sq_import_merge(struct store_import *im, int64_t play_id,
		    const struct store_import_play *p, struct strbuf *err);
int sq_import_heal_gaps(struct store_import *im, int64_t lo, int64_t hi,
			int64_t now_ms, size_t *healed, struct strbuf *err);
int sq_import_finish(struct store_import *im,
		     const struct store_import_counts *c, struct strbuf *err);
void sq_import_free(struct store_import *im);

int sq_bulk_begin(struct store *s, size_t rows, struct strbuf *err);
int sq_bulk_indexes_off(struct store *s, size_t new_rows, struct strbuf *err);
int sq_bulk_indexes_on(struct store *s, struct strbuf *err);
/* 1 while the name lookup indexes are set aside: dictionaries load whole (dict.c). */
int sq_bulk_names_off(struct store *s);
void sq_bulk_end(struct store *s);

#endif
