/*
 * Allocation wrappers that abort on out-of-memory, so that error paths are
 * spent on real failures. Every pointer returned is owned by the caller.
 */
#ifndef CORE_XALLOC_H
#define CORE_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Grows *arr (of *alloc elements of size elem) to hold at least need. */
void *xgrow(void *arr, size_t elem, size_t need, size_t *alloc);

#define ALLOC_GROW(arr, need, alloc) \
	((arr) = xgrow((arr), sizeof(*(arr)), (need), &(alloc)))

#endif
