/*
 * The engine-independent half of the store: picking the engine from the
 * url, and one trampoline per domain call into the engine's ops.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/engine.h"
#include "core/banned.h"

static const struct store_ops *const engines[] = {
	&store_sqlite_ops,
};

int store_open(const char *url, struct store **out, struct strbuf *err)
{
	const char *colon = strchr(url, ':');

	*out = NULL;
	for (size_t i = 0; colon && i < sizeof(engines) / sizeof(*engines); i++) {
		size_t n = strlen(engines[i]->name);
		if ((size_t)(colon - url) == n && !strncmp(url, engines[i]->name, n))
			return engines[i]->open(colon + 1, out, err);
	}
	if (colon && colon - url > 1 && strspn(url, "abcdefghijklmnopqrstuvwxyz+") ==
	    (size_t)(colon - url)) {
		strbuf_addf(err, "unknown store engine in '%.*s' (known: sqlite)",
			    (int)(colon - url), url);
		return -1;
	}
	return store_sqlite_ops.open(url, out, err); /* a plain path */
}

void store_close(struct store *s)
{
	if (s)
		s->ops->close(s);
}

const char *store_engine(const struct store *s)
{
	return s->ops->name;
}

const char *store_where(const struct store *s)
{
	return s->where;
}

int store_begin(struct store *s, struct strbuf *err)
{
	return s->ops->begin(s, err);
}

int store_commit(struct store *s, struct strbuf *err)
{
	return s->ops->commit(s, err);
}

void store_rollback(struct store *s)
{
	s->ops->rollback(s);
}

int64_t store_data_version(struct store *s)
{
	return s->ops->data_version(s);
}

char *store_state_get(struct store *s, const char *key)
{
	return s->ops->state_get(s, key);
}

int store_state_set(struct store *s, const char *key, const char *value)
{
	return s->ops->state_set(s, key, value);
}

int store_state_get_int(struct store *s, const char *key, int64_t *out)
{
	char *v = store_state_get(s, key);

	if (!v)
		return -1;
	*out = strtoll(v, NULL, 10);
	free(v);
	return 0;
}

int store_state_set_int(struct store *s, const char *key, int64_t value)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", (long long)value);
	return store_state_set(s, key, buf);
}

/* ---- plays and the collector ---- */
/* (end of plays and the collector) */

/* ---- catalog and enrichment ---- */
/* (end of catalog and enrichment) */

/* ---- imports ---- */
/* (end of imports) */

/* ---- reports ---- */
/* (end of reports) */
