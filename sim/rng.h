/*
 * rng.h - deterministic pseudo-random numbers for the simulator (splitmix64).
 * A struct rng is a plain value owned by whoever declares it; the same
 * (a, b, c) given to rng_init always yields the same sequence.
 */
#ifndef SIM_RNG_H
#define SIM_RNG_H

#include <stdint.h>

struct rng {
	uint64_t s;
};

static inline uint64_t rng_mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline void rng_init(struct rng *r, uint64_t a, uint64_t b, uint64_t c)
{
	r->s = rng_mix(a + 0x243f6a8885a308d3ULL) ^ rng_mix(b * 0x9e3779b97f4a7c15ULL + 0x13198a2e03707344ULL) ^
	       rng_mix(c * 0xc2b2ae3d27d4eb4fULL + 0xa4093822299f31d0ULL);
}

static inline uint64_t rng_next(struct rng *r)
{
	r->s += 0x9e3779b97f4a7c15ULL;
	return rng_mix(r->s);
}

/* Uniform in [0, 1). */
static inline double rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* Uniform integer in [lo, hi], both inclusive. */
static inline int64_t rng_int(struct rng *r, int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

static inline double rng_range(struct rng *r, double lo, double hi)
{
	return lo + (hi - lo) * rng_unit(r);
}

/* FNV-1a, to derive seeds from strings such as track ids. */
static inline uint64_t rng_hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

#endif
