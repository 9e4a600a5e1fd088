/*
 * FNV-1a, the one string hash of spinlog: for in-memory hash tables and for
 * the fingerprints import stores (plays.export_fp, account_fp, name_key), so
 * the constants must never change.
 */
#ifndef CORE_HASH_H
#define CORE_HASH_H

#include <stdint.h>

#define HASH_FNV_OFFSET 14695981039346656037ULL
#define HASH_FNV_PRIME 1099511628211ULL

static inline uint64_t hash_fnv1a_byte(uint64_t h, unsigned char c)
{
	return (h ^ c) * HASH_FNV_PRIME;
}

/* The hash of a NUL-terminated string. */
static inline uint64_t hash_fnv1a(const char *s)
{
	uint64_t h = HASH_FNV_OFFSET;

	for (; *s; s++)
		h = hash_fnv1a_byte(h, (unsigned char)*s);
	return h;
}

#endif
