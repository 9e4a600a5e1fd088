/*
 * Writing parsed events as plays through the store: an event (with the
 * account-data event merged into it, if any) turned into a store play, new
 * plays added in batches, and the outcome of a merge written.
 *
 * Ownership: a batch borrows the import handle and the events' strings
 * until it is flushed.
 */
#ifndef PIPELINE_IMPORT_PLAYS_H
#define PIPELINE_IMPORT_PLAYS_H

#include "pipeline/import.h"
#include "pipeline/import_merge.h"
#include "store/store.h"

/* Plays handed to the store at once (see import_prefetch_strings). */
#define IMPORT_BATCH 16

struct import_batch {
	struct store_import *im;
	struct store_import_play p[IMPORT_BATCH];
	int n;
};

/* The play event e describes, with the account-data event a (or NULL). */
void import_play_of(struct store_import_play *p, const struct import_event *e,
		    const struct import_event *a);
/*
 * Fetches an event's strings into the cache ahead of import_play_of.
 * Reading each string's length is a cache miss more often than not (names
 * and ids are spread over the pools): it was 0.3 s of the writer at a
 * million plays. The writers fetch an event's strings a batch ahead, while
 * the store works through the batch before it.
 */
static inline void import_prefetch_strings(const struct import_event *e)
{
	for (int k = 0; k < IS_N; k++)
		if (e->str[k])
			__builtin_prefetch(import_str(e->str[k]) - 2);
}

void import_batch_init(struct import_batch *b, struct store_import *im);
int import_batch_add(struct import_batch *b, const struct import_event *e,
		     const struct import_event *a, struct strbuf *err);
int import_batch_flush(struct import_batch *b, struct strbuf *err);

/* Writes what import_merge_run decided; counts the new plays in m->added. */
int import_plays_write(struct import_merge *m, struct store_import *im,
		       struct strbuf *err);

#endif
