#include "core/lru.h"

#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "core/xalloc.h"
#include "core/banned.h"

struct lru_entry {
	char *key;
	void *value;
	size_t size;
	struct lru_entry *chain;        /* next in the same bucket */
	struct lru_entry *newer, *older; /* the use order */
};

void lru_init(struct lru *l, size_t max_n, size_t max_bytes,
	      void (*free_value)(void *value))
{
	memset(l, 0, sizeof(*l));
	l->max_n = max_n ? max_n : 1;
	l->max_bytes = max_bytes;
	l->free_value = free_value;
	l->nbuckets = 16;
	while (l->nbuckets < l->max_n)
		l->nbuckets *= 2;
	l->buckets = xcalloc(l->nbuckets, sizeof(*l->buckets));
}

static struct lru_entry **find(struct lru *l, const char *key)
{
	struct lru_entry **p = &l->buckets[hash_fnv1a(key) & (l->nbuckets - 1)];
	while (*p && strcmp((*p)->key, key))
		p = &(*p)->chain;
	return p;
}

static void unlink_use(struct lru *l, struct lru_entry *e)
{
	if (e->newer)
		e->newer->older = e->older;
	else
		l->newest = e->older;
	if (e->older)
		e->older->newer = e->newer;
	else
		l->oldest = e->newer;
	e->newer = e->older = NULL;
}

static void push_newest(struct lru *l, struct lru_entry *e)
{
	e->older = l->newest;
	e->newer = NULL;
	if (l->newest)
		l->newest->newer = e;
	l->newest = e;
	if (!l->oldest)
		l->oldest = e;
}

/* Unlinks and frees the entry *p points to (p is its place in a bucket). */
static void drop(struct lru *l, struct lru_entry **p)
{
	struct lru_entry *e = *p;
	*p = e->chain;
	unlink_use(l, e);
	l->n--;
	l->bytes -= e->size;
	if (l->free_value)
		l->free_value(e->value);
	free(e->key);
	free(e);
}

void lru_clear(struct lru *l)
{
	for (size_t i = 0; i < l->nbuckets; i++)
		while (l->buckets[i])
			drop(l, &l->buckets[i]);
}

void lru_release(struct lru *l)
{
	if (!l->buckets)
		return;
	lru_clear(l);
	free(l->buckets);
	l->buckets = NULL;
}

void *lru_get(struct lru *l, const char *key)
{
	struct lru_entry *e = *find(l, key);
	if (!e)
		return NULL;
	unlink_use(l, e);
	push_newest(l, e);
	return e->value;
}

int lru_put(struct lru *l, const char *key, void *value, size_t size)
{
	struct lru_entry **p = find(l, key);

	if (*p)
		drop(l, p);
	if (size > l->max_bytes) {
		if (l->free_value)
			l->free_value(value);
		return 0;
	}
	while (l->n + 1 > l->max_n || l->bytes + size > l->max_bytes)
		drop(l, find(l, l->oldest->key));
	struct lru_entry *e = xcalloc(1, sizeof(*e));
	e->key = xstrdup(key);
	e->value = value;
	e->size = size;
	p = find(l, key);
	*p = e;
	push_newest(l, e);
	l->n++;
	l->bytes += size;
	return 1;
}
