/*
 * The JSON record scanner (json_scan.h) and the parse of JSON files: the
 * array, its records, and which JSON format record 0 belongs to.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ids.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "sources/json_scan.h"
#include "core/banned.h"

#define NO_DEC ((size_t)-1)

/*
 * The key table: every JSON format's keys, one after the other; a format's
 * key k is key_names[base + k]. Why one table for all: record 0 says the
 * format, so its keys must be known before the format is.
 */
static const char *key_names[JSON_KEYS_MAX];
static int key_count;
static int key_base[FMT_COUNT];

#define KTAB 256
static signed char key_tab[KTAB];
static unsigned char key_len[JSON_KEYS_MAX];

static unsigned key_slot(const char *k, size_t len)
{
	return (unsigned)(len * 7 + (unsigned char)k[0] * 3 +
			  (unsigned char)k[len - 1] * 31 +
			  (len > 4 ? (unsigned char)k[len / 2] : 0)) & (KTAB - 1);
}

/* Bytes a string takes as they are: ASCII from 0x20 but '"' and '\\'. */
static unsigned char plain_byte[256];

static void key_tab_build(void)
{
	const struct source_format *f;

	for (int c = 0x20; c < 0x80; c++)
		plain_byte[c] = c != '"' && c != '\\';
	memset(key_tab, -1, sizeof(key_tab));
	for (size_t i = 0; (f = format_json(i)); i++) {
		key_base[f->id] = key_count;
		for (int k = 0; k < f->json->nkeys && key_count < JSON_KEYS_MAX; k++)
			key_names[key_count++] = f->json->keys[k];
	}
	for (int i = 0; i < key_count; i++) {
		unsigned j = key_slot(key_names[i], strlen(key_names[i]));
		key_len[i] = (unsigned char)strlen(key_names[i]);
		while (key_tab[j] >= 0)
			j = (j + 1) & (KTAB - 1);
		key_tab[j] = (signed char)i;
	}
}

static void key_tab_init(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, key_tab_build);
}

static int key_lookup(const char *k, size_t len)
{
	unsigned j;
	if (!len)
		return -1;
	j = key_slot(k, len);
	while (key_tab[j] >= 0) {
		int key = key_tab[j];
		if (key_len[key] == len && !memcmp(key_names[key], k, len))
			return key;
		j = (j + 1) & (KTAB - 1);
	}
	return -1;
}

/*
 * (struct json_scan) Why one buffer per record: a string with escapes (or invalid UTF-8) is
 * decoded, and every decoded value of a record must stay readable until the
 * record has become an event. Each decoded string is appended to dec, and a
 * value refers to it by offset while the record is read (dec may move as it
 * grows); the offsets become pointers once the record is complete. Strings
 * without escapes and with valid UTF-8 (nearly all) point into the file.
 */

static void skip_ws(struct json_scan *s)
{
	while (s->p < s->end &&
	       (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t'))
		s->p++;
}

static int syntax(struct json_scan *s, const char *what)
{
	strbuf_reset(s->err);
	strbuf_addf(s->err, "%s: record %zu: ", s->name, s->rec);
	if (s->key >= 0 && s->p < s->end)
		strbuf_addf(s->err, "\"%s\": ", key_names[s->key]);
	if (s->p >= s->end)
		strbuf_addstr(s->err, "the file ends in the middle of a record "
			      "(truncated JSON?)");
	else
		strbuf_addf(s->err, "%s at byte %zu (not valid JSON)", what,
			    (size_t)(s->p - s->start));
	return -1;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Reads the XXXX of "\uXXXX" at p (without moving), -1 when not hex. */
static long hex4_at(const struct json_scan *s, const char *p)
{
	unsigned v = 0;
	if (s->end - p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		int h = hexval((unsigned char)p[i]);
		if (h < 0)
			return -1;
		v = v * 16 + (unsigned)h;
	}
	return (long)v;
}

/*
 * After "\u": decodes one escape (a surrogate pair is one), appending UTF-8
 * to dec. U+0000 and lone surrogates become U+FFFD (core/utf8.h) and count
 * in *repl; a high surrogate not followed by a low one leaves the next
 * escape to be read on its own.
 */
static int unicode_escape(struct json_scan *s, unsigned *repl)
{
	long cp = hex4_at(s, s->p), lo;

	if (cp < 0)
		return syntax(s, "a bad \\u escape");
	s->p += 4;
	if (cp >= 0xd800 && cp < 0xdc00 && s->end - s->p >= 6 &&
	    s->p[0] == '\\' && s->p[1] == 'u' &&
	    (lo = hex4_at(s, s->p + 2)) >= 0xdc00 && lo <= 0xdfff) {
		s->p += 6;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff))
		(*repl)++;
	utf8_add_cp(&s->dec, (uint32_t)cp);
	return 0;
}

/*
 * The slow path of scan_string, at the first byte it could not take as it
 * is (an escape, or a byte >= 0x80 that starts no valid UTF-8): decodes into
 * dec, replacing invalid UTF-8 with U+FFFD.
 */
static int decode_string(struct json_scan *s, const char *from, struct jval *v)
{
	size_t mark = s->dec.len;
	const char *q;

	v->repl = 0;
	strbuf_add(&s->dec, from, (size_t)(s->p - from));
	while (s->p < s->end) {
		unsigned char c = (unsigned char)*s->p;
		long r;
		if (c == '"') {
			s->p++;
			v->dec = mark;
			v->s = s->dec.buf + mark;
			v->len = s->dec.len - mark;
			return 0;
		}
		if (c < 0x20)
			return syntax(s, "a control character inside a string");
		if (c != '\\') {
			q = s->p;
			while (q < s->end && *q != '"' && *q != '\\' &&
			       (unsigned char)*q >= 0x20)
				q++;
			r = utf8_add_replacing(&s->dec, s->p, (size_t)(q - s->p));
			v->repl += r > 0 ? (unsigned)r : 0;
			s->p = q;
			continue;
		}
		if (++s->p >= s->end)
			break;
		c = (unsigned char)*s->p++;
		switch (c) {
		case '"': case '\\': case '/': strbuf_addch(&s->dec, c); break;
		case 'b': strbuf_addch(&s->dec, '\b'); break;
		case 'f': strbuf_addch(&s->dec, '\f'); break;
		case 'n': strbuf_addch(&s->dec, '\n'); break;
		case 'r': strbuf_addch(&s->dec, '\r'); break;
		case 't': strbuf_addch(&s->dec, '\t'); break;
		case 'u':
			if (unicode_escape(s, &v->repl))
				return -1;
			break;
		default:
			s->p--;
			return syntax(s, "a bad escape in a string");
		}
	}
	return syntax(s, "an unterminated string");
}

/*
 * At the opening quote; fills v with the string's bytes. The fast path
 * takes a string as it is in the file: plain ASCII one table look-up a byte,
 * a byte >= 0x80 checked as the start of a UTF-8 sequence. Measured with
 * callgrind on 75,000 generated records (57 MB): the parser before UTF-8
 * checks 1.072 G instructions, with three compares a byte 1.234 G, with
 * the table 1.049 G.
 */
static int scan_string(struct json_scan *s, struct jval *v)
{
	const char *q = ++s->p;

	for (;;) {
		size_t n;
		while (q < s->end && plain_byte[(unsigned char)*q])
			q++;
		if (q >= s->end || (unsigned char)*q < 0x80)
			break;
		/* two-byte sequences (Latin, Greek, Cyrillic) without a call */
		if ((unsigned char)*q >= 0xc2 && (unsigned char)*q < 0xe0 &&
		    q + 1 < s->end && ((unsigned char)q[1] & 0xc0) == 0x80) {
			q += 2;
			continue;
		}
		n = utf8_seq_len((const unsigned char *)q, (size_t)(s->end - q));
		if (!n)
			break;
		q += n;
	}
	if (q < s->end && *q == '"') {
		v->s = s->p;
		v->len = (size_t)(q - s->p);
		v->dec = NO_DEC;
		v->repl = 0;
		s->p = q + 1;
		return 0;
	}
	{
		const char *from = s->p;
		s->p = q;
		return decode_string(s, from, v);
	}
}

static int scan_number(struct json_scan *s, struct jval *v)
{
	const char *p = s->p;
	int neg = 0, over = 0;
	uint64_t n = 0;

	if (p < s->end && *p == '-') {
		neg = 1;
		p++;
	}
	if (p >= s->end || *p < '0' || *p > '9')
		return syntax(s, "an unexpected character");
	if (*p == '0' && p + 1 < s->end && p[1] >= '0' && p[1] <= '9') {
		s->p = p;
		return syntax(s, "a number with a leading zero");
	}
	/* Only what fits in an int64_t is an integer: 2^64 + 1000 must not wrap to 1000. */
	while (p < s->end && *p >= '0' && *p <= '9') {
		uint64_t d = (uint64_t)(*p - '0');
		if (over || n > ((uint64_t)INT64_MAX - d) / 10)
			over = 1;
		else
			n = n * 10 + d;
		p++;
	}
	v->integral = !over;
	if (p < s->end && *p == '.') {
		v->integral = 0;
		p++;
		if (p >= s->end || *p < '0' || *p > '9')
			return syntax(s, "a bad number");
		while (p < s->end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < s->end && (*p == 'e' || *p == 'E')) {
		v->integral = 0;
		p++;
		if (p < s->end && (*p == '+' || *p == '-'))
			p++;
		if (p >= s->end || *p < '0' || *p > '9')
			return syntax(s, "a bad number");
		while (p < s->end && *p >= '0' && *p <= '9')
			p++;
	}
	v->type = J_NUM;
	v->num = over ? 0 : neg ? -(int64_t)n : (int64_t)n;
	s->p = p;
	return 0;
}

static int scan_word(struct json_scan *s, const char *w, int type, struct jval *v)
{
	size_t n = strlen(w);
	if ((size_t)(s->end - s->p) < n || memcmp(s->p, w, n))
		return syntax(s, "an unexpected character");
	s->p += n;
	v->type = type;
	return 0;
}

/* Skips a nested object or array (a value an export record never has). */
static int skip_nested(struct json_scan *s)
{
	int depth = 0;
	while (s->p < s->end) {
		char c = *s->p;
		if (c == '"') {
			struct jval tmp;
			size_t mark = s->dec.len;
			if (scan_string(s, &tmp))
				return -1;
			strbuf_setlen(&s->dec, mark);
			continue;
		}
		s->p++;
		if (c == '{' || c == '[')
			depth++;
		else if ((c == '}' || c == ']') && --depth == 0)
			return 0;
	}
	return syntax(s, "an unterminated value");
}

static int scan_value(struct json_scan *s, struct jval *v)
{
	skip_ws(s);
	v->raw = s->p;
	if (s->p >= s->end)
		return syntax(s, "a missing value");
	switch (*s->p) {
	case '"':
		v->type = J_STR;
		return scan_string(s, v);
	case 't':
		return scan_word(s, "true", J_TRUE, v);
	case 'f':
		return scan_word(s, "false", J_FALSE, v);
	case 'n':
		return scan_word(s, "null", J_NULL, v);
	case '{':
	case '[':
		v->type = J_NESTED;
		return skip_nested(s);
	default:
		return scan_number(s, v);
	}
}

/* ---- records ---- */


/*
 * Appends up to 40 bytes of a value for a message: whole UTF-8 characters,
 * control characters (and any byte of a raw value outside printable ASCII)
 * shown as '?', so a message stays one line of text.
 */
static void add_excerpt(struct strbuf *sb, const char *p, size_t len, int raw)
{
	size_t n = len > 40 ? 40 : len;
	if (!raw)
		while (n < len && n && ((unsigned char)p[n] & 0xc0) == 0x80)
			n--;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		strbuf_addch(sb, c < 0x20 || c == 0x7f || (raw && c >= 0x80)
					 ? '?' : c);
	}
	if (n < len)
		strbuf_addstr(sb, "…");
}

int json_fail_field(struct json_scan *s, int k, const char *what,
		    const struct jval *v)
{
	strbuf_reset(s->err);
	strbuf_addf(s->err, "%s: record %zu: \"%s\" %s", s->name, s->rec,
		    key_names[s->base + k], what);
	if (v && v->type == J_STR) {
		strbuf_addstr(s->err, " (\"");
		add_excerpt(s->err, v->s, v->len, 0);
		strbuf_addstr(s->err, "\")");
	} else if (v && v->raw) {
		size_t n = 0;
		while (v->raw + n < s->end && n < 40 && v->raw[n] != ',' &&
		       v->raw[n] != '\n' && v->raw[n] != '}')
			n++;
		strbuf_addstr(s->err, " (");
		add_excerpt(s->err, v->raw, n, 1);
		strbuf_addstr(s->err, ")");
	}
	return -1;
}

/* Reads one key at '"' and looks it up; its decoded bytes are dropped. */
static int scan_key(struct json_scan *s, int *key)
{
	struct jval k;
	size_t mark = s->dec.len;

	if (scan_string(s, &k))
		return -1;
	*key = key_lookup(k.s, k.len);
	if (s->dec.len != mark) /* only keys with escapes were decoded */
		strbuf_setlen(&s->dec, mark);
	return 0;
}

/* Reads one object into r; at '{'. */
static int scan_record(struct json_scan *s, struct json_rec *r)
{
	for (int i = 0; i < key_count; i++)
		r->v[i].type = J_NONE;
	r->nested = 0;
	strbuf_reset(&s->dec);
	s->p++;
	skip_ws(s);
	if (s->p < s->end && *s->p == '}') {
		s->p++;
		return 0;
	}
	for (;;) {
		int key;
		struct jval tmp, *v;
		size_t mark = s->dec.len;

		skip_ws(s);
		s->key = -1;
		if (s->p >= s->end || *s->p != '"')
			return syntax(s, "a key was expected");
		if (scan_key(s, &key))
			return -1;
		s->key = key;
		skip_ws(s);
		if (s->p >= s->end || *s->p != ':')
			return syntax(s, "':' was expected");
		s->p++;
		v = key >= 0 ? &r->v[key] : &tmp;
		if (scan_value(s, v))
			return -1;
		if (key < 0 && s->dec.len != mark)
			strbuf_setlen(&s->dec, mark);
		if (v->type == J_NESTED)
			r->nested++;
		s->key = -1;
		skip_ws(s);
		if (s->p >= s->end)
			return syntax(s, "the record is not closed");
		if (*s->p == ',') {
			s->p++;
			continue;
		}
		if (*s->p == '}') {
			s->p++;
			break;
		}
		return syntax(s, "',' or '}' was expected");
	}
	/* dec has stopped growing: the offsets become pointers */
	if (s->dec.len)
		for (int i = 0; i < key_count; i++)
			if (r->v[i].type == J_STR && r->v[i].dec != NO_DEC)
				r->v[i].s = s->dec.buf + r->v[i].dec;
	return 0;
}

/*
 * Spotify launched on 2008-10-07; its invitation-only beta ran the year
 * before, so 2007-10-07 00:00 UTC is the earliest time a Spotify export can
 * hold (doc/import.md; the bound was 2006-01-01 before issue 10).
 */
int json_spotify_plausible(int64_t ms, int64_t now)
{
	static const int64_t since = 1191715200000LL; /* 2007-10-07 */
	return format_plausible(ms, since, now);
}

/*
 * The two timestamp formats Spotify writes, and nothing else: "ts" of the
 * extended history is "YYYY-MM-DDTHH:MM:SSZ", "endTime" of account data is
 * "YYYY-MM-DD HH:MM" (both UTC). Seconds go to 59: Spotify writes no leap
 * seconds, and a 60 would silently become the next minute.
 */
int json_spotify_time(const char *s, size_t len, int seconds, int64_t *ms)
{
	static const int pos[14] = { 0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15,
				     17, 18 };
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30,
				       31, 31, 30, 31, 30, 31 };
	int d[14], y, mo, da, h, mi, se = 0, ndig = seconds ? 14 : 12;

	if (seconds ? len != 20 || s[10] != 'T' || s[16] != ':' || s[19] != 'Z'
		    : len != 16 || s[10] != ' ')
		return -1;
	if (s[4] != '-' || s[7] != '-' || s[13] != ':')
		return -1;
	for (int k = 0; k < ndig; k++) {
		char c = s[pos[k]];
		if (c < '0' || c > '9')
			return -1;
		d[k] = c - '0';
	}
	y = d[0] * 1000 + d[1] * 100 + d[2] * 10 + d[3];
	mo = d[4] * 10 + d[5];
	da = d[6] * 10 + d[7];
	h = d[8] * 10 + d[9];
	mi = d[10] * 10 + d[11];
	if (seconds)
		se = d[12] * 10 + d[13];
	if (mo < 1 || mo > 12 || da < 1 || da > mdays[mo - 1] || h > 23 ||
	    mi > 59 || se > 59)
		return -1;
	if (mo == 2 && da == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return -1;
	*ms = (time_days_from_civil(y, mo, da) * 86400 + h * 3600 + mi * 60 +
	       se) * 1000;
	return 0;
}

/* Counts a field whose invalid text was replaced; keeps the first messages. */
static void note_replaced(struct json_scan *s, int key, unsigned n)
{
	struct import_file *f = s->out;
	struct strbuf sb = STRBUF_INIT;

	f->replaced++;
	if (f->warnings.n >= IMPORT_FILE_WARNINGS)
		return;
	strbuf_addf(&sb, "%s: record %zu: \"%s\": %u invalid character%s "
		    "replaced with U+FFFD (not UTF-8, a lone surrogate or "
		    "U+0000)", s->name, s->rec, key_names[key], n,
		    n == 1 ? "" : "s");
	strvec_push_nodup(&f->warnings, strbuf_detach(&sb, NULL));
}

int json_get_str(struct json_scan *s, const struct json_rec *r, int k,
		 const char **out, size_t *len)
{
	const struct jval *v = &r->v[s->base + k];
	*out = NULL;
	*len = 0;
	if (v->type == J_NONE || v->type == J_NULL)
		return 0;
	if (v->type != J_STR)
		return json_fail_field(s, k, "is not a string", v);
	if (v->repl)
		note_replaced(s, s->base + k, v->repl);
	*out = v->s;
	*len = v->len;
	return 0;
}

int json_check_str(struct json_scan *s, const struct json_rec *r, int k)
{
	const struct jval *v = &r->v[s->base + k];
	if (v->type != J_NONE && v->type != J_NULL && v->type != J_STR)
		return json_fail_field(s, k, "is not a string", v);
	return 0;
}

int json_get_bool(struct json_scan *s, const struct json_rec *r, int k,
		  uint8_t *out)
{
	const struct jval *v = &r->v[s->base + k];
	switch (v->type) {
	case J_NONE: case J_NULL: *out = TRI_NULL; return 0;
	case J_TRUE: *out = 1; return 0;
	case J_FALSE: *out = 0; return 0;
	default: return json_fail_field(s, k, "is not true, false or null", v);
	}
}

int json_get_ms(struct json_scan *s, const struct json_rec *r, int k,
		int32_t *out)
{
	const struct jval *v = &r->v[s->base + k];
	if (v->type == J_NONE)
		return json_fail_field(s, k, "is missing", NULL);
	if (v->type != J_NUM || !v->integral)
		return json_fail_field(s, k, "is not a whole number of "
				       "milliseconds", v);
	if (v->num < 0 || v->num > INT32_MAX)
		return json_fail_field(s, k, "is out of range", v);
	*out = (int32_t)v->num;
	return 0;
}

/*
 * The id must be a Spotify id (core/ids.h): a record with anything else
 * there is rejected, as every value that is not free text is (doc/import.md).
 */
int json_uri_id(struct json_scan *s, const struct json_rec *r, int k,
		const char *prefix, const char **id, size_t *idlen)
{
	const struct jval *v = &r->v[s->base + k];
	size_t n = strlen(prefix);

	if (v->len < n || memcmp(v->s, prefix, n)) {
		strbuf_reset(s->err);
		strbuf_addf(s->err, "%s: record %zu: \"%s\" is not a \"%s…\" URI (\"",
			    s->name, s->rec, key_names[s->base + k], prefix);
		add_excerpt(s->err, v->s, v->len, 0);
		strbuf_addstr(s->err, "\")");
		return -1;
	}
	if (!spotify_id_valid(v->s + n, v->len - n))
		return json_fail_field(s, k, "does not end in a Spotify id (22 "
				       "letters and digits)", v);
	*id = v->s + n;
	*idlen = v->len - n;
	return 0;
}

int json_check_uri(struct json_scan *s, const struct json_rec *r, int k)
{
	const struct jval *v = &r->v[s->base + k];
	size_t i = 8;

	if (v->type != J_STR)
		return 0;
	if (v->len > 8 && !memcmp(v->s, "spotify:", 8)) {
		while (i < v->len && v->s[i] >= 'a' && v->s[i] <= 'z')
			i++;
		if (i > 8 && i < v->len && v->s[i] == ':' &&
		    spotify_id_valid(v->s + i + 1, v->len - i - 1))
			return 0;
	}
	return json_fail_field(s, k, "is not a Spotify URI (\"spotify:\", a "
			       "type, ':' and a 22-character id)", v);
}

/* ---- files ---- */

/* A file the caller may pass over: not named as history, not strict. */
static int optional(const struct format_input *in)
{
	return !in->strict && !in->named;
}

/* Record 0 says the format: the first JSON row whose detect takes it. */
static const struct source_format *record0_format(struct json_scan *s,
						  const struct json_rec *r)
{
	const struct source_format *f;

	if (r->nested)
		return NULL;
	for (size_t i = 0; (f = format_json(i)); i++) {
		s->base = key_base[f->id];
		s->fi.kind = -1;
		s->fi.unsure = 0;
		if (f->json->detect(s, r, &s->fi))
			return f;
	}
	return NULL;
}

/* Record 0: picks the format, or says why the file is none (1 or -1). */
static int first_record(struct json_scan *s, const struct json_rec *r,
			const struct format_input *in,
			const struct source_format **fmt)
{
	*fmt = record0_format(s, r);
	if (!*fmt) {
		if (optional(in))
			return 1;
		strbuf_reset(s->err);
		strbuf_addf(s->err, "%s: not a Spotify streaming history (record 0 "
			    "has neither \"ts\" and \"ms_played\" nor \"endTime\" "
			    "and \"msPlayed\")", in->name);
		return -1;
	}
	if ((*fmt)->id == FMT_ACCOUNT && in->named && in->hint.kind >= 0) {
		s->fi.kind = in->hint.kind;
		s->fi.unsure = 0;
	}
	s->out->format = (*fmt)->id;
	s->out->kind = (*fmt)->id == FMT_ACCOUNT ? s->fi.kind : -1;
	return 0;
}

/* Sets err to the pool's limit; the import stops here. */
static void scan_pool_full(struct json_scan *s)
{
	struct strbuf where = STRBUF_INIT;

	strbuf_addf(&where, "%s: record %zu", s->name, s->rec);
	format_pool_full(s->err, where.buf, s->pool);
	strbuf_release(&where);
}

/* A record refused after it was read whole: skipped, or the error (-1). */
static int skip_record(struct json_scan *s, const struct format_input *in)
{
	if (format_reject(in, s->out, s->rec, s->err))
		return -1;
	s->rec++;
	return 0;
}

/* One record at '{' to one event of out. */
static int one_record(struct json_scan *s, struct json_rec *r,
		      const struct format_input *in,
		      const struct source_format **fmt)
{
	struct import_file *out = s->out;
	struct import_event *e;
	int ret;

	if (scan_record(s, r))
		return s->rec == 0 && optional(in) ? 1 : -1;
	if (s->rec == 0 && (ret = first_record(s, r, in, fmt)))
		return ret;
	if (r->nested) {
		strbuf_reset(s->err);
		strbuf_addf(s->err, "%s: record %zu: has a nested value; "
			    "export records are flat", in->name, s->rec);
		return skip_record(s, in);
	}
	ALLOC_GROW(out->ev, out->n + 1, out->alloc);
	e = &out->ev[out->n];
	memset(e, 0, sizeof(*e));
	if ((*fmt)->json->event(s, r, e))
		return skip_record(s, in);
	if (s->pool->full) {
		scan_pool_full(s);
		return -1;
	}
	e->rec = (uint32_t)s->rec;
	e->source = (uint8_t)SOURCE_BIT((*fmt)->source);
	if (e->played_ms < out->min_ms)
		out->min_ms = e->played_ms;
	if (e->played_ms + (*fmt)->precision_ms > out->max_ms)
		out->max_ms = e->played_ms + (*fmt)->precision_ms;
	out->n++;
	s->rec++;
	return 0;
}

/* The records of the array, after its '['; 0, 1 (not history) or -1. */
static int scan_records(struct json_scan *s, const struct format_input *in)
{
	const struct source_format *fmt = NULL;
	struct json_rec r;
	int ret;

	for (;;) {
		skip_ws(s);
		if (s->p >= s->end || *s->p != '{') {
			if (s->rec == 0 && optional(in))
				return 1;
			if (s->rec == 0 && s->p < s->end) {
				strbuf_reset(s->err);
				strbuf_addf(s->err, "%s: not a Spotify streaming "
					    "history (its array does not hold "
					    "records)", in->name);
				return -1;
			}
			return syntax(s, "'{' was expected");
		}
		if ((ret = one_record(s, &r, in, &fmt)))
			return ret;
		skip_ws(s);
		if (s->p < s->end && *s->p == ',') {
			s->p++;
			continue;
		}
		if (s->p < s->end && *s->p == ']') {
			s->p++;
			return 0;
		}
		return syntax(s, "',' or ']' was expected after a record");
	}
}

/* Up to the array's first record: 0 to go on, 2 an empty array, 1, -1. */
static int scan_open(struct json_scan *s, const struct format_input *in)
{
	if (s->end - s->p >= 3 && !memcmp(s->p, "\xef\xbb\xbf", 3))
		s->p += 3;
	skip_ws(s);
	if (s->p >= s->end || *s->p != '[') {
		if (optional(in))
			return 1;
		strbuf_reset(s->err);
		if (s->p >= s->end)
			strbuf_addf(s->err, "%s: the file is empty (truncated "
				    "download?)", in->name);
		else
			strbuf_addf(s->err, "%s: not a Spotify streaming history "
				    "(it is not a JSON array of plays)", in->name);
		return -1;
	}
	s->p++;
	skip_ws(s);
	if (s->p < s->end && *s->p == ']') {
		s->p++;
		return 2;
	}
	return 0;
}

int json_scan_parse(const struct format_input *in, struct import_file *out,
		    struct strbuf *err)
{
	struct json_scan s;
	int ret;

	key_tab_init(); /* and plain_byte */
	memset(&s, 0, sizeof(s));
	s.start = s.p = in->buf;
	s.end = in->buf + in->len;
	s.name = in->name;
	s.err = err;
	s.key = -1;
	s.out = out;
	s.pool = in->pool;
	s.fi.keep_network = in->keep_network;
	s.fi.now = time_now_ms();
	s.fi.video = in->hint.video;
	strbuf_init(&s.dec, 0);
	ret = scan_open(&s, in);
	if (ret == 2) /* "[]": out keeps what the name said */
		ret = 0;
	else if (!ret)
		ret = scan_records(&s, in);
	if (ret)
		goto out;
	skip_ws(&s);
	if (s.p != s.end) {
		strbuf_reset(err);
		strbuf_addf(err, "%s: unexpected bytes after the array at byte "
			    "%zu (not valid JSON)", in->name,
			    (size_t)(s.p - s.start));
		ret = -1;
		goto out;
	}
	out->records = s.rec;
out:
	strbuf_release(&s.dec);
	return ret;
}
