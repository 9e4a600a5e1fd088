/*
 * The one growable string type, modelled on git's strbuf with curl's dynbuf
 * cap. After strbuf_init (or STRBUF_INIT) buf is never NULL and always
 * NUL-terminated. A non-zero cap bounds len: adds that would exceed it fail
 * with -1 and leave the buffer unchanged (use it for anything filled from the
 * network or from files). strbuf_detach hands the buffer to the caller, who
 * frees it; strbuf_release frees the contents and re-initialises.
 */
#ifndef CORE_STRBUF_H
#define CORE_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	size_t alloc;
	size_t len;
	size_t cap; /* 0 = unbounded */
	char *buf;
};

extern char strbuf_slopbuf[];
#define STRBUF_INIT { 0, 0, 0, strbuf_slopbuf }

void strbuf_init(struct strbuf *sb, size_t hint);
void strbuf_release(struct strbuf *sb);
char *strbuf_detach(struct strbuf *sb, size_t *len);
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_setlen(struct strbuf *sb, size_t len);
#define strbuf_reset(sb) strbuf_setlen((sb), 0)

/* These return 0, or -1 when the cap would be exceeded (nothing is added then). */
int strbuf_add(struct strbuf *sb, const void *data, size_t len);
int strbuf_addstr(struct strbuf *sb, const char *s);
int strbuf_addch(struct strbuf *sb, int c);
int strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);

/* Appends s with JSON string escaping, including the quotes. */
int strbuf_add_json_str(struct strbuf *sb, const char *s);
/* Appends s escaped for HTML text and attribute values. */
int strbuf_add_html(struct strbuf *sb, const char *s);
/* The same for the first n bytes of s (stopping early at a NUL). */
int strbuf_add_html_n(struct strbuf *sb, const char *s, size_t n);
/* Appends the shortest decimal text that reads back as the same double. */
int strbuf_add_double(struct strbuf *sb, double d);
/* Appends s percent-encoded for a URL query (RFC 3986 unreserved kept). */
int strbuf_add_urlencoded(struct strbuf *sb, const char *s);
void strbuf_trim(struct strbuf *sb);

/*
 * Makes a name from Spotify or an export safe to print on a terminal, in
 * place: C0 controls, DEL and the C1 controls (U+0080..U+009F, as UTF-8)
 * become spaces, so a track name cannot move the cursor or set colours.
 */
void str_make_printable(char *s);

#endif
