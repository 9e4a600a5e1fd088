/*
 * The SQLite engine's part of store.h's "similarity" section: the ops
 * engine.c puts in its table (labels, models, the library sweep).
 */
#ifndef STORE_SQLITE_SIMILAR_H
#define STORE_SQLITE_SIMILAR_H

#include "store/sqlite/sqlite.h"

int sqs_similar_tracks(struct store *s, int64_t account_id,
		       int (*fn)(void *, const struct store_sim_track *), void *arg,
		       struct strbuf *err);
int64_t sqs_label_add(struct store *s, int64_t account_id, const struct store_sim_label *l,
		      struct strbuf *err);
int sqs_label_delete(struct store *s, int64_t account_id, int64_t id, struct strbuf *err);
int sqs_labels(struct store *s, int64_t account_id,
	       int (*fn)(void *, const struct store_sim_label *), void *arg,
	       struct strbuf *err);
int sqs_model_put(struct store *s, const struct store_sim_model *m, struct strbuf *err);
int sqs_model_get(struct store *s, int64_t account_id, struct store_sim_model *out,
		  struct strbuf *err);

#endif
