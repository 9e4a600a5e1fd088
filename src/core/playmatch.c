#include <string.h>

#include "core/hash.h"
#include "core/playmatch.h"
#include "core/banned.h"

static uint64_t hash_norm(uint64_t h, const char *s, size_t len)
{
	int space = 0, any = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			space = any;
			continue;
		}
		if (space) {
			h = (h ^ ' ') * HASH_FNV_PRIME;
			space = 0;
		}
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		h = (h ^ c) * HASH_FNV_PRIME;
		any = 1;
	}
	return h;
}

uint64_t playmatch_namekey(const char *artist, size_t alen, const char *title,
			   size_t tlen)
{
	uint64_t h;
	if (!alen && !tlen)
		return 0;
	h = hash_norm(HASH_FNV_OFFSET, artist, alen);
	h = (h ^ 0x1f) * HASH_FNV_PRIME;
	h = hash_norm(h, title, tlen);
	/* stored in SQLite as a signed integer: keep it positive and non-zero */
	h &= 0x7fffffffffffffffULL;
	return h ? h : 1;
}

void playmatch_api_namekeys(const char *artist, const char *title,
			    uint64_t k[2])
{
	const char *a = artist ? artist : "", *t = title ? title : "";
	const char *comma = strstr(a, ", ");
	k[0] = playmatch_namekey(a, strlen(a), t, strlen(t));
	k[1] = comma ? playmatch_namekey(a, (size_t)(comma - a), t, strlen(t))
		     : k[0];
}
