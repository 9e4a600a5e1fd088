/*
 * similar/labels: labels made elsewhere, as CSV: "track_a,track_b,label"
 * per line, an optional header line of those names, ids bare or as
 * spotify:track:ID, and the label one of similar/different, s/d, 1/0,
 * yes/no, true/false. An import lands whole or not at all, in one
 * transaction of its own.
 */
#ifndef SIMILAR_LABELS_H
#define SIMILAR_LABELS_H

#include <stdint.h>

#include "core/strbuf.h"
#include "similar/features.h"

struct store;

/* 1 similar, 0 different, -1 not a label. */
int simlabels_answer(const char *s);
/*
 * Imports path into the account: the number of labels stored, or -1 with
 * err naming the file and line ("labels.csv:3: ...") and nothing stored.
 * Every id must be a track of lib.
 */
long simlabels_import(struct store *s, int64_t account_id, const struct sim_library *lib,
		      const char *path, struct strbuf *err);

#endif
