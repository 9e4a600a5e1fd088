/*
 * spinlog's two hashes: FNV-1a, a byte at a time, for in-memory hash tables
 * and the name key (plays.name_key); and hash_words, a word at a time, for
 * the import's string pools and the records' fingerprints (play_fps.fp).
 * Both are stored, so their constants must never change.
 */
#ifndef CORE_HASH_H
#define CORE_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

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

#define HASH_WORDS_SEED 14695981039346656037ULL

/*
 * A word at a time, for the import's string pools and the fingerprints of
 * imported records (stored on plays: the constants must never change).
 */
static inline uint64_t hash_words_mix(uint64_t h, uint64_t v)
{
	h ^= v;
	h *= 0x9E3779B97F4A7C15ULL;
	return h ^ (h >> 32);
}

static inline uint64_t hash_words(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t v = 0;
	while (len >= 8) {
		memcpy(&v, p, 8);
		h = hash_words_mix(h, v);
		p += 8;
		len -= 8;
	}
	v = 0;
	memcpy(&v, p, len);
	return hash_words_mix(h, v ^ ((uint64_t)len << 56));
}

#endif
