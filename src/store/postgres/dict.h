/*
 * The PostgreSQL import's dictionary (issue 12, the import's speed): the
 * texts and items of the database, held in the import handle, so a batch
 * of plays goes to the server as integers (COPY into play_rows) instead of
 * texts the server looks up with twelve joins per batch.
 *
 * A new text or item gets its id here, from ids reserved with nextval on
 * the table's own sequence, and is held until pgd_write sends it with
 * COPY, before the plays that refer to it. Everything runs inside the
 * import's transaction, under the writers' advisory lock (engine.c), so no
 * other writer adds texts meanwhile; statements of the same transaction
 * that may (a merge's text_put) are caught up by pgd_sync, which reads the
 * rows above the highest id the dictionary knows (sequences only grow).
 *
 * Ownership: pgd_new returns a dictionary the caller frees with pgd_free;
 * it borrows the store given to each call. The strings passed in are
 * copied. After a rollback the caller calls pgd_forget: the ids held may
 * name rows that are gone.
 */
#ifndef STORE_POSTGRES_DICT_H
#define STORE_POSTGRES_DICT_H

#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"

struct pg_store;
struct pgd;

struct pgd *pgd_new(void);
void pgd_free(struct pgd *d);

/* Reads what the database holds above what d knows (all of it at first). */
int pgd_sync(struct pgd *d, struct pg_store *s, struct strbuf *err);

/*
 * The id of text s (len bytes; NUL bytes are dropped, as PostgreSQL's text
 * holds none), 0 for NULL; a new text is given an id and held. -1: no id
 * could be reserved (err says why).
 */
int32_t pgd_text(struct pgd *d, struct pg_store *s, const char *str,
		 size_t len, struct strbuf *err);

/* The id of the item of these five text ids, new ones held; -1 as above. */
int32_t pgd_item(struct pgd *d, struct pg_store *s, const int32_t k[5],
		 struct strbuf *err);

/* COPY of the texts and items held into their tables. */
int pgd_write(struct pgd *d, struct pg_store *s, struct strbuf *err);

/* Forgets everything: the next pgd_sync reads the tables again. */
void pgd_forget(struct pgd *d);

#endif
