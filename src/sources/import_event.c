/*
 * The interning pools of import events, and the events' small helpers.
 */
#include <stdlib.h>
#include <string.h>

#include "core/playmatch.h"
#include "core/xalloc.h"
#include "core/hash.h"
#include "sources/import_event.h"
#include "core/banned.h"

const char *const import_kind_names[] = { "music", "podcast", "audiobook",
					  "video", "unknown" };

struct import_pool *import_pools[IMPORT_POOLS];

#define CHUNK ((size_t)1 << IMPORT_CHUNK_SHIFT)

static const char *pool_at(const struct import_pool *p, uint32_t off)
{
	return p->chunk[off >> IMPORT_CHUNK_SHIFT] + (off & (CHUNK - 1));
}

void import_pool_init(struct import_pool *p, unsigned index)
{
	memset(p, 0, sizeof(*p));
	p->index = index;
	p->max_chunks = IMPORT_CHUNKS;
	p->chunk[0] = xmalloc(CHUNK);
	p->chunk[0][0] = '\0';
	p->len = 1; /* offset 0 is never a string */
	p->tabsize = 1024;
	p->tab = xcalloc(p->tabsize, sizeof(*p->tab));
}

void import_pool_reset(struct import_pool *p)
{
	for (size_t i = 1; i < IMPORT_CHUNKS; i++) {
		free(p->chunk[i]);
		p->chunk[i] = NULL;
	}
	if (p->tabsize > 1024) {
		free(p->tab);
		p->tabsize = 1024;
		p->tab = xcalloc(p->tabsize, sizeof(*p->tab));
	} else {
		memset(p->tab, 0, p->tabsize * sizeof(*p->tab));
	}
	p->len = 1;
	p->count = 0;
	p->full = 0;
}

void import_pool_release(struct import_pool *p)
{
	for (size_t i = 0; i < IMPORT_CHUNKS; i++)
		free(p->chunk[i]);
	free(p->tab);
	memset(p, 0, sizeof(*p));
}

/* A slot keeps the string's 32-bit hash beside its offset: a probe past
 * another string is settled without reading the pool (a cache miss each),
 * and a rehash reads no string at all. */
static void pool_rehash(struct import_pool *p)
{
	size_t n = p->tabsize * 2;
	uint64_t *t = xcalloc(n, sizeof(*t));

	for (size_t i = 0; i < p->tabsize; i++) {
		uint64_t e = p->tab[i];
		size_t j;
		if (!e)
			continue;
		j = (size_t)(e >> 32) & (n - 1);
		while (t[j])
			j = (j + 1) & (n - 1);
		t[j] = e;
	}
	free(p->tab);
	p->tab = t;
	p->tabsize = n;
}

uint32_t import_pool_intern(struct import_pool *p, const char *s, size_t len)
{
	size_t j, c, room;
	uint32_t off, h;
	uint64_t e;
	char *dst;

	if (len > 65535) { /* no name is that long: keep 64 KB, whole UTF-8 */
		len = 65535;
		while (len && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--;
	}
	h = (uint32_t)hash_words(HASH_WORDS_SEED, s, len);
	j = h & (p->tabsize - 1);

	while ((e = p->tab[j])) {
		const unsigned char *x;
		off = (uint32_t)e;
		if ((uint32_t)(e >> 32) == h) {
			x = (const unsigned char *)pool_at(p, off);
			if (((size_t)x[-2] | (size_t)x[-1] << 8) == len &&
			    !memcmp(x, s, len))
				return ((uint32_t)p->index << IMPORT_POOL_SHIFT) | off;
		}
		j = (j + 1) & (p->tabsize - 1);
	}
	c = p->len >> IMPORT_CHUNK_SHIFT;
	room = CHUNK - (p->len & (CHUNK - 1));
	if (len + 3 > room) { /* strings never straddle chunks */
		c++;
		p->len = c << IMPORT_CHUNK_SHIFT;
	}
	if (c >= p->max_chunks) { /* a gigabyte of distinct strings */
		p->full = 1;
		p->len = (size_t)p->max_chunks << IMPORT_CHUNK_SHIFT;
		return 0;
	}
	if (!p->chunk[c])
		p->chunk[c] = xmalloc(CHUNK);
	dst = p->chunk[c] + (p->len & (CHUNK - 1));
	dst[0] = (char)(len & 0xff);
	dst[1] = (char)(len >> 8);
	memcpy(dst + 2, s, len);
	dst[2 + len] = '\0';
	off = (uint32_t)(p->len + 2);
	p->len += len + 3;
	p->tab[j] = (uint64_t)h << 32 | off;
	if (++p->count * 2 > p->tabsize)
		pool_rehash(p);
	return ((uint32_t)p->index << IMPORT_POOL_SHIFT) | off;
}

void import_file_release(struct import_file *f)
{
	free(f->name);
	free(f->ev);
	strvec_clear(&f->warnings);
	for (size_t i = 0; i < f->nrej; i++)
		free(f->rej[i].reason);
	free(f->rej);
	memset(f, 0, sizeof(*f));
}

void import_file_keep(struct import_file *f, uint32_t rec, uint8_t source_bit,
		      int64_t precision_ms)
{
	struct import_event *e = &f->ev[f->n];

	e->rec = rec;
	e->source = source_bit;
	if (e->played_ms < f->min_ms)
		f->min_ms = e->played_ms;
	if (e->played_ms + precision_ms > f->max_ms)
		f->max_ms = e->played_ms + precision_ms;
	f->n++;
}

uint64_t import_namekey(const char *artist, size_t alen, const char *title,
			size_t tlen)
{
	return playmatch_namekey(artist, alen, title, tlen);
}

uint64_t import_event_namekey(const struct import_event *e)
{
	if (e->namekey)
		return e->namekey;
	return import_namekey(e->str[IS_ARTIST] ? import_str(e->str[IS_ARTIST]) : "",
			      import_strlen(e->str[IS_ARTIST]),
			      e->str[IS_TRACK] ? import_str(e->str[IS_TRACK]) : "",
			      import_strlen(e->str[IS_TRACK]));
}

