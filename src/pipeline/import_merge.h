/*
 * The import's merge (the rule is in merge.h): the parsed events of one
 * import against each other and against the plays the store has of the same
 * account and time, deciding for each event whether it is new, an exact
 * duplicate, or merged into a stored play or into another new event.
 *
 * Ownership: an import_merge borrows the events (ev points into the parsed
 * files) and owns its arrays; import_merge_release frees them.
 */
#ifndef PIPELINE_IMPORT_MERGE_H
#define PIPELINE_IMPORT_MERGE_H

#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"
#include "pipeline/import.h"
#include "store/sources.h"

struct store_import;

/* A play already stored, as the merge sees it. */
struct import_row {
	int64_t id, played_ms, prec;
	uint64_t idkey, namekey[2];
	uint64_t fp[SOURCE_COUNT]; /* fingerprints by source id, 0: none */
	int32_t ms_played;
	uint8_t kind, sources;
};

/* What became of each parsed event. */
enum import_outcome { OUT_NEW, OUT_DUP, OUT_ROW, OUT_EVENT };

struct import_merge {
	struct import_event **ev;
	size_t n;
	struct import_row *rows;
	size_t nrows, arows;
	uint8_t *out;       /* per event: enum import_outcome */
	int32_t *target;    /* per event: row index or event index */
	int32_t *acct_of;   /* per event: the account event merged into it */
	int32_t *exp_of;    /* per row: the export event merged into it */
	int32_t *acc_row;   /* per row: the account event merged into it */
	size_t added, merged, dupes;
};

/* Sets up m for n events (m->ev is filled by the caller, n of them). */
void import_merge_init(struct import_merge *m, size_t n);
/*
 * Reads the import's stored plays with lo <= played_ms <= hi, then merges:
 * sorts the events in time order (then file, then record), drops exact
 * duplicates, matches the export by id and the account data by names.
 */
int import_merge_run(struct import_merge *m, struct store_import *im,
		     int64_t lo, int64_t hi, struct strbuf *err);
void import_merge_release(struct import_merge *m);

#endif
