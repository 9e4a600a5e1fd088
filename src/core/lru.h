/*
 * A bounded cache from string keys to values, the least recently used
 * dropped first. Bounded twice: by the number of entries and by the sum of
 * the sizes the caller gives for its values, so what a client can make us
 * keep is capped whatever it asks for. The cache copies keys and owns the
 * values it keeps: a value dropped, replaced or cleared goes to free_value.
 * lru_get borrows: the value stays valid until the next lru_put or
 * lru_clear. Not thread-safe.
 */
#ifndef CORE_LRU_H
#define CORE_LRU_H

#include <stddef.h>

struct lru_entry;

struct lru {
	struct lru_entry **buckets;
	size_t nbuckets;
	struct lru_entry *newest, *oldest;
	size_t n, bytes;
	size_t max_n, max_bytes;
	void (*free_value)(void *value);
};

void lru_init(struct lru *l, size_t max_n, size_t max_bytes,
	      void (*free_value)(void *value));
/* Frees every entry and the table. */
void lru_release(struct lru *l);
/* Frees every entry; the cache stays usable. */
void lru_clear(struct lru *l);
/* The value kept for key (now the most recently used), or NULL. */
void *lru_get(struct lru *l, const char *key);
/*
 * Keeps value under key, replacing an older value, and drops the least
 * recently used entries until both bounds hold. A value larger than
 * max_bytes is not kept: it is freed at once and 0 returned; else 1.
 */
int lru_put(struct lru *l, const char *key, void *value, size_t size);

#endif
