/*
 * An import of events made in memory rather than read from files: serve's
 * ListenBrainz endpoint (web/listenbrainz.h) turns each accepted request
 * into one, so submitted listens go through the same merge and write path
 * as a file (import_write.h): duplicates dropped, merged with the plays of
 * other sources by the one rule (merge.h), in one transaction.
 *
 * The events' strings live in the pool import_mem_pool gives, which is
 * the last of import_pools[]; one caller at a time (a mutex).
 *
 * Ownership: import_mem_begin locks and resets the pool;
 * import_mem_end unlocks (the pool is kept for the next request, emptied
 * of all but its first chunk). The file is the caller's.
 */
#ifndef PIPELINE_IMPORT_MEM_H
#define PIPELINE_IMPORT_MEM_H

#include "pipeline/import.h"

/* Locks the in-memory import and returns its (empty) string pool. */
struct import_pool *import_mem_begin(void);
void import_mem_end(void);
/*
 * Merges and writes f's events into o->account, recorded as an import of
 * what ("listenbrainz:single"). 0 with res filled, or -1 with err set.
 */
int import_mem_run(struct store *s, const struct import_opts *o,
		   const char *what, struct import_file *f,
		   struct import_result *res, struct strbuf *err);

#endif
