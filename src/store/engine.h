/*
 * What an engine implements: one struct store_ops per engine, and the
 * struct store it embeds first in its own handle. Only store/store.c and the
 * engines (store/<engine>/) include this header; everything else sees the
 * opaque handle of store.h. A new domain call is one member here, one
 * trampoline in store.c and one function in each engine.
 */
#ifndef STORE_ENGINE_H
#define STORE_ENGINE_H

#include "store/store.h"

struct store_ops {
	const char *name;
	/* Returns the engine's handle for its part of the url (after "name:"). */
	int (*open)(const char *where, struct store **out, struct strbuf *err);
	void (*close)(struct store *s);

	int (*begin)(struct store *s, struct strbuf *err);
	int (*commit)(struct store *s, struct strbuf *err);
	void (*rollback)(struct store *s);
	int64_t (*data_version)(struct store *s);

	char *(*state_get)(struct store *s, const char *key);
	int (*state_set)(struct store *s, const char *key, const char *value);

	/* ---- plays and the collector ---- */
	/* (end of plays and the collector) */

	/* ---- catalog and enrichment ---- */
	/* (end of catalog and enrichment) */

	/* ---- imports ---- */
	/* (end of imports) */

	/* ---- reports ---- */
	/* (end of reports) */
};

struct store {
	const struct store_ops *ops;
	char *where; /* the path or URL, for messages */
};

extern const struct store_ops store_sqlite_ops;

#endif
