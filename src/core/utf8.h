/*
 * UTF-8 at the boundary. spinlog's one policy for text from any source
 * (export files, API pages, provider answers, imports of other services):
 * names are kept, and whatever is not valid UTF-8 is replaced with U+FFFD
 * (EF BF BD), one per maximal invalid subsequence as Unicode's "substitution
 * of maximal subparts" recommends. Overlong forms, surrogates (also when they
 * come from a JSON "\ud800" escape) and code points past U+10FFFF are
 * invalid; so is U+0000, which would cut a C string, so it is replaced too.
 * Callers count replacements and say so; fields that are not free text
 * (ids, timestamps) are validated strictly and rejected instead.
 */
#ifndef CORE_UTF8_H
#define CORE_UTF8_H

#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"

/* The length of a valid sequence starting at s (1..4), 0 when invalid. */
size_t utf8_seq_len(const unsigned char *s, size_t avail);
/* 1 when all of s[0..len) is valid UTF-8 without U+0000. */
int utf8_valid(const char *s, size_t len);
/*
 * Appends s[0..len) to sb with every invalid subsequence (and U+0000)
 * replaced by U+FFFD. Returns the number of replacements, or -1 when the
 * cap of sb would be exceeded (nothing is added then).
 */
long utf8_add_replacing(struct strbuf *sb, const char *s, size_t len);
/* Appends code point cp as UTF-8 (U+FFFD for a surrogate, 0 or > 0x10FFFF). */
int utf8_add_cp(struct strbuf *sb, uint32_t cp);

#endif
