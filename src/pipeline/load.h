/*
 * Load: writes a tr_batch into the store's catalog (store.h's "catalog and
 * enrichment") and plays. Catalog objects are put (the newest answer wins);
 * plays go in through store_plays_add_api, which ignores a play the
 * collector stored already. load_batch does
 * not begin or end a transaction: the caller wraps each batch in one, so a
 * failure rolls the whole batch back. A catalog object whose id is not a
 * Spotify id (core/ids.h) is not stored (counted in skipped), nor is a
 * link to one; plays are stored whatever their track id (the ETL sets a
 * bad one aside, see enrich.h).
 */
#ifndef PIPELINE_LOAD_H
#define PIPELINE_LOAD_H

#include <stdint.h>

#include "core/strbuf.h"
#include "pipeline/transform.h"
#include "store/store.h"

struct load_stats {
	long plays_new, tracks, albums, artists, features, analyses;
	long skipped; /* catalog objects whose id is not a Spotify id */
};

int load_batch(struct store *s, const struct tr_batch *b, int64_t now_ms,
	       struct load_stats *st, struct strbuf *err);

/*
 * Transactions: store_begin at the top level, or a savepoint when the
 * caller already holds one (a rebuild runs inside one outer transaction).
 */
int load_begin(struct store *s, int nested, struct strbuf *err);
int load_commit(struct store *s, int nested, struct strbuf *err);
void load_rollback(struct store *s, int nested);

/* Empties the catalog (for a rebuild). */
int load_clear_catalog(struct store *s, struct strbuf *err);

#endif
