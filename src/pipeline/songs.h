/*
 * Songs: song records (record.h) built from the store, one per music play
 * with a track id, oldest first. A track's part of the record is read once
 * and cached for the walk; a play whose track the catalog does not know yet
 * still yields a record, with the names the play carries and nulls. A play
 * whose track id is not a Spotify id (core/ids.h; the ETL sets it aside)
 * yields none.
 */
#ifndef PIPELINE_SONGS_H
#define PIPELINE_SONGS_H

#include <stdint.h>

#include "core/strbuf.h"
#include "pipeline/record.h"
#include "store/store.h"

struct songs_query {
	int64_t from_ms; /* inclusive; INT64_MIN for none */
	int64_t to_ms;   /* exclusive; INT64_MAX for none */
	int flags;       /* record_flags: what the records must carry */
	int64_t account_id; /* whose plays: an account's id, 0 every account's */
};

/* Calls fn for every record (borrowed for the call); a non-zero return
 * stops the walk and is returned. -1 with err when the store cannot be read. */
int songs_each(struct store *s, const struct songs_query *q,
	       int (*fn)(const struct song_record *r, void *arg), void *arg,
	       struct strbuf *err);

#endif
