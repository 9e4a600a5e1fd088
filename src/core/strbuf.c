#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/xalloc.h"
#include "core/banned.h"

char strbuf_slopbuf[1];

void strbuf_init(struct strbuf *sb, size_t hint)
{
	sb->alloc = sb->len = sb->cap = 0;
	sb->buf = strbuf_slopbuf;
	if (hint)
		strbuf_grow(sb, hint);
}

void strbuf_release(struct strbuf *sb)
{
	size_t cap = sb->cap;

	if (sb->alloc)
		free(sb->buf);
	strbuf_init(sb, 0);
	sb->cap = cap;
}

char *strbuf_detach(struct strbuf *sb, size_t *len)
{
	char *res;

	strbuf_grow(sb, 0);
	res = sb->buf;
	if (len)
		*len = sb->len;
	sb->alloc = sb->len = 0;
	sb->buf = strbuf_slopbuf;
	return res;
}

void strbuf_grow(struct strbuf *sb, size_t extra)
{
	int fresh = !sb->alloc;

	if (fresh)
		sb->buf = NULL;
	ALLOC_GROW(sb->buf, sb->len + extra + 1, sb->alloc);
	if (fresh)
		sb->buf[0] = '\0';
}

void strbuf_setlen(struct strbuf *sb, size_t len)
{
	if (!sb->alloc) {
		sb->len = 0;
		return;
	}
	sb->len = len;
	sb->buf[len] = '\0';
}

int strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	if (sb->cap && sb->len + len > sb->cap)
		return -1;
	strbuf_grow(sb, len);
	memcpy(sb->buf + sb->len, data, len);
	strbuf_setlen(sb, sb->len + len);
	return 0;
}

int strbuf_addstr(struct strbuf *sb, const char *s)
{
	return strbuf_add(sb, s, strlen(s));
}

int strbuf_addch(struct strbuf *sb, int c)
{
	char ch = (char)c;
	return strbuf_add(sb, &ch, 1);
}

int strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return -1;
	if (sb->cap && sb->len + (size_t)n > sb->cap)
		return -1;
	strbuf_grow(sb, (size_t)n);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	strbuf_setlen(sb, sb->len + (size_t)n);
	return 0;
}

int strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
	return r;
}

int strbuf_add_json_str(struct strbuf *sb, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t start = sb->len;
	int r = strbuf_addch(sb, '"');

	for (; *p && !r; p++) {
		switch (*p) {
		case '"': r = strbuf_addstr(sb, "\\\""); break;
		case '\\': r = strbuf_addstr(sb, "\\\\"); break;
		case '\n': r = strbuf_addstr(sb, "\\n"); break;
		case '\r': r = strbuf_addstr(sb, "\\r"); break;
		case '\t': r = strbuf_addstr(sb, "\\t"); break;
		case '\b': r = strbuf_addstr(sb, "\\b"); break;
		case '\f': r = strbuf_addstr(sb, "\\f"); break;
		default:
			if (*p < 0x20)
				r = strbuf_addf(sb, "\\u%04x", *p);
			else
				r = strbuf_addch(sb, *p);
		}
	}
	if (!r)
		r = strbuf_addch(sb, '"');
	if (r) /* over the cap: leave no half-escaped text behind */
		strbuf_setlen(sb, start);
	return r;
}

/*
 * Runs of plain bytes are added whole: a day page escapes some 2,000 names,
 * and one call per byte was 9% of rendering it.
 */
int strbuf_add_html_n(struct strbuf *sb, const char *s, size_t n)
{
	size_t start = sb->len, i = 0;
	int r = 0;

	while (i < n && !r) {
		size_t run = i;
		while (run < n && s[run] != '&' && s[run] != '<' && s[run] != '>' &&
		       s[run] != '"' && s[run] != '\'' && s[run])
			run++;
		if (run > i)
			r = strbuf_add(sb, s + i, run - i);
		if (run >= n || !s[run] || r)
			break;
		switch (s[run]) {
		case '&': r = strbuf_add(sb, "&amp;", 5); break;
		case '<': r = strbuf_add(sb, "&lt;", 4); break;
		case '>': r = strbuf_add(sb, "&gt;", 4); break;
		case '"': r = strbuf_add(sb, "&quot;", 6); break;
		default: r = strbuf_add(sb, "&#39;", 5); break;
		}
		i = run + 1;
	}
	if (r)
		strbuf_setlen(sb, start);
	return r;
}

int strbuf_add_html(struct strbuf *sb, const char *s)
{
	return strbuf_add_html_n(sb, s, strlen(s));
}

/*
 * Python's repr of a float: the shortest digits that read back to the same
 * double, and ".0" on integral values, so 0 prints as 0.0 and 204.4473 as
 * itself. The song record's float fields follow that rule.
 */
int strbuf_add_double(struct strbuf *sb, double d)
{
	char tmp[400];
	int prec, exp10;

	if (isnan(d) || isinf(d))
		return strbuf_addstr(sb, "null");
	for (prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	exp10 = (int)strtol(strchr(tmp, 'e') + 1, NULL, 10);
	if (exp10 >= -4 && exp10 < 16) {
		int decimals = prec - 1 - exp10;
		snprintf(tmp, sizeof(tmp), "%.*f", decimals > 0 ? decimals : 0, d);
	} else {
		/* Python writes 1e-05 and 1e+16: drop a bare ".0" mantissa */
		char *e = strchr(tmp, 'e'), *dot = strchr(tmp, '.');
		if (dot && dot < e) {
			char *z = e;
			while (z > dot + 1 && z[-1] == '0')
				z--;
			if (z == dot + 1)
				z = dot;
			memmove(z, e, strlen(e) + 1);
		}
	}
	if (!strpbrk(tmp, ".e"))
		return strbuf_addf(sb, "%s.0", tmp);
	return strbuf_addstr(sb, tmp);
}

int strbuf_add_urlencoded(struct strbuf *sb, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t start = sb->len;
	int r = 0;

	for (; *s && !r; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~') {
			r = strbuf_addch(sb, c);
		} else {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };
			r = strbuf_add(sb, e, 3);
		}
	}
	if (r)
		strbuf_setlen(sb, start);
	return r;
}

void strbuf_trim(struct strbuf *sb)
{
	size_t start = 0, end = sb->len;

	while (start < end && strchr(" \t\r\n", sb->buf[start]))
		start++;
	while (end > start && strchr(" \t\r\n", sb->buf[end - 1]))
		end--;
	if (!sb->alloc)
		return;
	memmove(sb->buf, sb->buf + start, end - start);
	strbuf_setlen(sb, end - start);
}

void str_make_printable(char *s)
{
	unsigned char *p = (unsigned char *)s;

	for (; p && *p; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			*p = ' ';
		} else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			p[0] = ' ';
			p[1] = ' ';
			p++;
		}
	}
}
