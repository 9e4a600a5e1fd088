#include <string.h>
#include <utf8proc.h>

#include "core/hash.h"
#include "core/playmatch.h"
#include "core/xalloc.h"
#include "core/banned.h"

/*
 * A name being normalised: an inline buffer that covers every real name
 * (the longest title in the 1M-play bench data is 190 bytes), the heap
 * beyond it, so the per-play key costs no allocation.
 */
struct nbuf {
	char *p;
	size_t len, cap;
	unsigned hints; /* what fold_ascii saw: which cuts are worth trying */
	char inl[256];
};

/* A credit can start here: an 'f' after ' ', '(' or '['. A dash. */
enum { HINT_F = 1, HINT_DASH = 2 };

static void nb_init(struct nbuf *b)
{
	b->p = b->inl;
	b->len = 0;
	b->hints = 0;
	b->cap = sizeof(b->inl);
}

static void nb_reserve(struct nbuf *b, size_t n)
{
	if (n <= b->cap)
		return;
	while (b->cap < n)
		b->cap *= 2;
	if (b->p == b->inl) {
		b->p = xmalloc(b->cap);
		memcpy(b->p, b->inl, b->len);
	} else {
		b->p = xrealloc(b->p, b->cap);
	}
}

static void nb_free(struct nbuf *b)
{
	if (b->p != b->inl)
		free(b->p);
}

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Appends s folded as ASCII with white space collapsed; 1 if s has a byte
 * above 0x7f (its result then needs the Unicode path). */
static int fold_ascii(struct nbuf *b, const char *s, size_t len)
{
	int space = 0, high = 0;

	nb_reserve(b, b->len + len);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (is_space(c)) {
			space = b->len > 0;
			continue;
		}
		if (space) {
			b->p[b->len++] = ' ';
			space = 0;
		}
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		high |= c >= 0x80;
		if (c == 'f' && b->len && (b->p[b->len - 1] == ' ' ||
		    b->p[b->len - 1] == '(' || b->p[b->len - 1] == '['))
			b->hints |= HINT_F;
		else if (c == '-')
			b->hints |= HINT_DASH;
		b->p[b->len++] = (char)c;
	}
	return high;
}

#define NORM_OPTS (UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | \
		   UTF8PROC_CASEFOLD | UTF8PROC_IGNORE | UTF8PROC_LUMP)

/* NFKD + casefold, marks on Latin/Greek/Cyrillic letters dropped, then
 * composed again (NFKC); -1 when s is not UTF-8. */
static int fold_unicode(struct nbuf *b, const char *s, size_t len)
{
	utf8proc_int32_t stack[256], *cp = stack;
	utf8proc_ssize_t n, m = 0;
	int latin = 0;

	n = utf8proc_decompose((const utf8proc_uint8_t *)s,
			       (utf8proc_ssize_t)len, cp, 256, NORM_OPTS);
	if (n > 256) {
		cp = xmalloc((size_t)n * sizeof(*cp));
		n = utf8proc_decompose((const utf8proc_uint8_t *)s,
				       (utf8proc_ssize_t)len, cp, n, NORM_OPTS);
	}
	if (n < 0)
		goto out;
	for (utf8proc_ssize_t i = 0; i < n; i++) {
		utf8proc_category_t cat = utf8proc_category(cp[i]);
		if (cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_ME) {
			if (latin)
				continue;
		} else {
			latin = cp[i] < 0x0530;
		}
		cp[m++] = cp[i];
	}
	m = utf8proc_reencode(cp, m, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	if (m >= 0)
		fold_ascii(b, (const char *)cp, (size_t)m);
out:
	if (cp != stack)
		free(cp);
	return n < 0 || m < 0 ? -1 : 0;
}

static size_t trim_end(const char *s, size_t n)
{
	while (n && s[n - 1] == ' ')
		n--;
	return n;
}

static int word_is(const char *w, size_t n, const char *lit)
{
	return strlen(lit) == n && !memcmp(w, lit, n);
}

static int word_ok(const char *w, size_t n, int *rem)
{
	if (word_is(w, n, "remaster") || word_is(w, n, "remastered")) {
		*rem = 1;
		return 1;
	}
	if (n == 4 && w[0] >= '0' && w[0] <= '9' && w[1] >= '0' &&
	    w[1] <= '9' && w[2] >= '0' && w[2] <= '9' && w[3] >= '0' &&
	    w[3] <= '9')
		return 1;
	return word_is(w, n, "digital") || word_is(w, n, "digitally") ||
	       word_is(w, n, "version") || word_is(w, n, "edition");
}

/* s is made only of remaster words, one of them remaster(ed). */
static int remaster_words(const char *s, size_t n)
{
	int rem = 0;
	size_t i = 0;

	while (i < n) {
		size_t j = i;
		while (j < n && s[j] != ' ')
			j++;
		if (!word_ok(s + i, j - i, &rem))
			return 0;
		i = j + 1;
	}
	return rem;
}

static int starts(const char *s, size_t n, const char *lit)
{
	size_t l = strlen(lit);
	return n >= l && !memcmp(s, lit, l);
}

/* A credit: "feat. X", "feat X", "ft. X", "ft X", "featuring X". */
static int credit(const char *s, size_t n)
{
	return starts(s, n, "feat. ") || starts(s, n, "feat ") ||
	       starts(s, n, "ft. ") || starts(s, n, "ft ") ||
	       starts(s, n, "featuring ");
}

/* Where the first of the needles starts in s, or n. */
static size_t find_first(const char *s, size_t n, const char *const *needles)
{
	size_t best = n;

	for (; *needles; needles++) {
		const char *at = memmem(s, n, *needles, strlen(*needles));
		if (at && (size_t)(at - s) < best)
			best = (size_t)(at - s);
	}
	return best;
}

static const char *const title_credits[] = { " feat. ", " ft. ",
					     " featuring ", NULL };
static const char *const artist_credits[] = { " feat. ", " feat ", " ft. ",
	" featuring ", " (feat. ", " (feat ", " (ft. ", " (featuring ",
	" [feat. ", " [ft. ", NULL };

/* The length of a title with one credit or remaster suffix cut at its
 * end, or n when it has none. */
static size_t cut_title_once(const char *s, size_t n, unsigned hints)
{
	const char *dash;
	size_t i;

	if (n > 2 && (s[n - 1] == ')' || s[n - 1] == ']')) {
		const char *open = memrchr(s, s[n - 1] == ')' ? '(' : '[', n);
		if (open && open > s) {
			size_t in = n - (size_t)(open - s) - 2;
			i = (size_t)(open - s);
			if (credit(open + 1, in) || remaster_words(open + 1, in))
				return trim_end(s, i);
		}
	}
	for (dash = NULL, i = (hints & HINT_DASH) ? n : 0; i >= 3 && !dash; i--)
		if (!memcmp(s + i - 3, " - ", 3))
			dash = s + i - 3;
	if (dash) {
		const char *tail = dash + 3;
		size_t tn = n - (size_t)(tail - s);
		if (credit(tail, tn) || remaster_words(tail, tn))
			return (size_t)(dash - s);
	}
	return (hints & HINT_F) ? find_first(s, n, title_credits) : n;
}

static size_t cut(const char *s, size_t n, enum playmatch_field f,
		  unsigned hints)
{
	size_t m;

	if (f == PLAYMATCH_ARTIST) {
		m = (hints & HINT_F) ? find_first(s, n, artist_credits) : n;
		return m ? m : n;
	}
	while ((m = cut_title_once(s, n, hints)) < n && m > 0)
		n = m;
	return n;
}

/* Normalises s into b (appending); b->len is the result's end. */
static void norm(struct nbuf *b, const char *s, size_t len,
		 enum playmatch_field f)
{
	size_t start = b->len;

	b->hints = 0;
	if (fold_ascii(b, s, len)) {
		b->len = start;
		b->hints = 0;
		if (fold_unicode(b, s, len)) {
			b->len = start;
			b->hints = 0;
			fold_ascii(b, s, len);
		}
	}
	b->len = trim_end(b->p, b->len);
	if (b->len > start && (b->hints || b->p[b->len - 1] == ')' ||
			       b->p[b->len - 1] == ']'))
		b->len = start + cut(b->p + start, b->len - start, f, b->hints);
}

void playmatch_norm(const char *s, size_t len, enum playmatch_field f,
		    struct strbuf *out)
{
	struct nbuf b;

	nb_init(&b);
	norm(&b, s, len, f);
	strbuf_add(out, b.p, b.len);
	nb_free(&b);
}

static uint64_t hash_bytes(uint64_t h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = hash_fnv1a_byte(h, (unsigned char)s[i]);
	return h;
}

uint64_t playmatch_namekey(const char *artist, size_t alen, const char *title,
			   size_t tlen)
{
	struct nbuf b;
	uint64_t h;

	if (!alen && !tlen)
		return 0;
	nb_init(&b);
	norm(&b, artist, alen, PLAYMATCH_ARTIST);
	h = hash_bytes(HASH_FNV_OFFSET, b.p, b.len);
	h = hash_fnv1a_byte(h, 0x1f);
	b.len = 0;
	norm(&b, title, tlen, PLAYMATCH_TITLE);
	h = hash_bytes(h, b.p, b.len);
	nb_free(&b);
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
