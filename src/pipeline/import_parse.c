/*
 * The parser of export files. Exports are JSON arrays of flat records (every
 * value a string, a number, true, false or null), ~12 MB each, and an import
 * may read a gigabyte of them, so instead of building a DOM this scans the
 * bytes once: keys are looked up in a small table, values are checked for
 * the type their key wants and turned into an import_event on the spot.
 * Anything else (nesting, truncation, a wrong type, an impossible time) is
 * an error naming the file, the record index (as in jq '.[N]') and the key.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/ids.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "pipeline/import.h"
#include "store/sources.h"
#include "core/playmatch.h"
#include "core/banned.h"

const char *const import_kind_names[] = { "music", "podcast", "audiobook",
					  "video", "unknown" };

struct import_pool *import_pools[IMPORT_POOLS];

#define HASH_SEED 14695981039346656037ULL

/* A word at a time: for the string table and record fingerprints. */
static inline uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v;
	h *= 0x9E3779B97F4A7C15ULL;
	return h ^ (h >> 32);
}

static uint64_t hash_fast(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t v = 0;
	while (len >= 8) {
		memcpy(&v, p, 8);
		h = mix(h, v);
		p += 8;
		len -= 8;
	}
	v = 0;
	memcpy(&v, p, len);
	return mix(h, v ^ ((uint64_t)len << 56));
}

static uint64_t hash_u64(uint64_t h, uint64_t v)
{
	return mix(h, v);
}

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

void import_pool_release(struct import_pool *p)
{
	for (size_t i = 0; i < IMPORT_CHUNKS; i++)
		free(p->chunk[i]);
	free(p->tab);
	memset(p, 0, sizeof(*p));
}

static void pool_rehash(struct import_pool *p)
{
	size_t n = p->tabsize * 2;
	uint32_t *t = xcalloc(n, sizeof(*t));

	for (size_t i = 0; i < p->tabsize; i++) {
		uint32_t off = p->tab[i];
		const char *s;
		size_t j;
		if (!off)
			continue;
		s = pool_at(p, off);
		j = hash_fast(HASH_SEED, s, (size_t)(unsigned char)s[-2] |
				      (size_t)(unsigned char)s[-1] << 8) & (n - 1);
		while (t[j])
			j = (j + 1) & (n - 1);
		t[j] = off;
	}
	free(p->tab);
	p->tab = t;
	p->tabsize = n;
}

uint32_t import_pool_intern(struct import_pool *p, const char *s, size_t len)
{
	size_t j, c, room;
	uint32_t off;
	char *dst;

	if (len > 65535) { /* no name is that long: keep 64 KB, whole UTF-8 */
		len = 65535;
		while (len && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--;
	}
	j = hash_fast(HASH_SEED, s, len) & (p->tabsize - 1);

	while ((off = p->tab[j])) {
		const unsigned char *x = (const unsigned char *)pool_at(p, off);
		if (((size_t)x[-2] | (size_t)x[-1] << 8) == len &&
		    !memcmp(x, s, len))
			return ((uint32_t)p->index << IMPORT_POOL_SHIFT) | off;
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
	p->tab[j] = off;
	if (++p->count * 2 > p->tabsize)
		pool_rehash(p);
	return ((uint32_t)p->index << IMPORT_POOL_SHIFT) | off;
}

void import_file_release(struct import_file *f)
{
	free(f->name);
	free(f->ev);
	strvec_clear(&f->warnings);
	memset(f, 0, sizeof(*f));
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

/* ---- the scanner ---- */

enum jtype { J_NONE, J_STR, J_NUM, J_TRUE, J_FALSE, J_NULL, J_NESTED };

#define NO_DEC ((size_t)-1)

struct jval {
	int type;
	const char *s; /* J_STR: the value's bytes, valid UTF-8 (not terminated) */
	size_t len;
	size_t dec;    /* J_STR: offset of the bytes in scan.dec, or NO_DEC when
			  s points into the file (no escapes, valid UTF-8) */
	unsigned repl; /* J_STR: characters replaced with U+FFFD */
	int64_t num;
	int integral;  /* J_NUM without fraction or exponent, no overflow */
	const char *raw; /* start of the value in the file, for messages */
};

/* Keys we know, in both formats. */
enum key {
	K_TS, K_USERNAME, K_PLATFORM, K_MS_PLAYED, K_CONN_COUNTRY, K_IP_ADDR,
	K_IP_ADDR_DEC, K_UA_DEC, K_TRACK_NAME, K_ARTIST_NAME, K_ALBUM_NAME,
	K_TRACK_URI, K_EPISODE_NAME, K_SHOW_NAME, K_EPISODE_URI, K_AB_TITLE,
	K_AB_URI, K_AB_CHAPTER_URI, K_AB_CHAPTER_TITLE, K_REASON_START,
	K_REASON_END, K_SHUFFLE, K_SKIPPED, K_OFFLINE, K_OFFLINE_TS,
	K_INCOGNITO,
	/* account data */
	K_END_TIME, K_A_ARTIST, K_A_TRACK, K_MS_PLAYED_A, K_A_PODCAST,
	K_A_EPISODE, K_A_AUDIOBOOK, K_A_CHAPTER, K_A_AUTHOR,
	K_N
};

static const char *const key_names[K_N] = {
	"ts", "username", "platform", "ms_played", "conn_country", "ip_addr",
	"ip_addr_decrypted", "user_agent_decrypted",
	"master_metadata_track_name", "master_metadata_album_artist_name",
	"master_metadata_album_album_name", "spotify_track_uri", "episode_name",
	"episode_show_name", "spotify_episode_uri", "audiobook_title",
	"audiobook_uri", "audiobook_chapter_uri", "audiobook_chapter_title",
	"reason_start", "reason_end", "shuffle", "skipped", "offline",
	"offline_timestamp", "incognito_mode",
	"endTime", "artistName", "trackName", "msPlayed", "podcastName",
	"episodeName", "audiobookName", "chapterName", "authorName",
};

#define KTAB 256
static signed char key_tab[KTAB];
static unsigned char key_len[K_N];

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
	for (int c = 0x20; c < 0x80; c++)
		plain_byte[c] = c != '"' && c != '\\';
	memset(key_tab, -1, sizeof(key_tab));
	for (int i = 0; i < K_N; i++) {
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
 * Why one buffer per record: a string with escapes (or invalid UTF-8) is
 * decoded, and every decoded value of a record must stay readable until the
 * record has become an event. Each decoded string is appended to dec, and a
 * value refers to it by offset while the record is read (dec may move as it
 * grows); the offsets become pointers once the record is complete. Strings
 * without escapes and with valid UTF-8 (nearly all) point into the file.
 */
struct scan {
	const char *start, *p, *end;
	const char *name;
	size_t rec;
	int key;        /* the known key whose value is being read, or -1 */
	struct strbuf *err;
	struct strbuf dec; /* this record's decoded strings */
	struct import_file *out;
};

static void skip_ws(struct scan *s)
{
	while (s->p < s->end &&
	       (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t'))
		s->p++;
}

static int syntax(struct scan *s, const char *what)
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
static long hex4_at(const struct scan *s, const char *p)
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
static int unicode_escape(struct scan *s, unsigned *repl)
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
static int decode_string(struct scan *s, const char *from, struct jval *v)
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
static int scan_string(struct scan *s, struct jval *v)
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

static int scan_number(struct scan *s, struct jval *v)
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

static int scan_word(struct scan *s, const char *w, int type, struct jval *v)
{
	size_t n = strlen(w);
	if ((size_t)(s->end - s->p) < n || memcmp(s->p, w, n))
		return syntax(s, "an unexpected character");
	s->p += n;
	v->type = type;
	return 0;
}

/* Skips a nested object or array (a value an export record never has). */
static int skip_nested(struct scan *s)
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

static int scan_value(struct scan *s, struct jval *v)
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

struct rec {
	struct jval v[K_N];
	int nested;
};

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

static int fail_field(struct scan *s, int key, const char *what,
		      const struct jval *v)
{
	strbuf_reset(s->err);
	strbuf_addf(s->err, "%s: record %zu: \"%s\" %s", s->name, s->rec,
		    key_names[key], what);
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
static int scan_key(struct scan *s, int *key)
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
static int scan_record(struct scan *s, struct rec *r)
{
	for (int i = 0; i < K_N; i++)
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
		for (int i = 0; i < K_N; i++)
			if (r->v[i].type == J_STR && r->v[i].dec != NO_DEC)
				r->v[i].s = s->dec.buf + r->v[i].dec;
	return 0;
}

/* What a first record looks like: extended, account data, or neither. */
static int classify(const struct rec *r, int *kind, int *unsure)
{
	*unsure = 0;
	if (r->nested)
		return FMT_NONE;
	if (r->v[K_TS].type != J_NONE && r->v[K_MS_PLAYED].type != J_NONE)
		return FMT_EXTENDED;
	if (r->v[K_END_TIME].type != J_NONE &&
	    r->v[K_MS_PLAYED_A].type != J_NONE) {
		if (r->v[K_A_PODCAST].type != J_NONE ||
		    r->v[K_A_EPISODE].type != J_NONE)
			*kind = KIND_PODCAST;
		else if (r->v[K_A_AUDIOBOOK].type != J_NONE ||
			 r->v[K_A_CHAPTER].type != J_NONE)
			*kind = KIND_AUDIOBOOK;
		else {
			*kind = KIND_MUSIC;
			*unsure = 1;
		}
		return FMT_ACCOUNT;
	}
	return FMT_NONE;
}

static int name_has_prefix_num(const char *b, const char *prefix)
{
	size_t n = strlen(prefix);
	const char *p;
	if (strncmp(b, prefix, n))
		return 0;
	p = b + n;
	if (*p < '0' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	return !strcmp(p, ".json");
}

/*
 * What a file's name says: its format and, for account data, its kind
 * (-1 when the old StreamingHistoryN.json mixes music and podcasts).
 */
static int classify_name(const char *name, int *kind, int *video)
{
	const char *b = strrchr(name, '/');
	b = b ? b + 1 : name; /* a ZIP entry's own name comes in own_name */
	*kind = -1;
	*video = 0;
	if (name_has_prefix_num(b, "endsong_"))
		return FMT_EXTENDED;
	if (!strncmp(b, "Streaming_History_Audio_", 24))
		return FMT_EXTENDED;
	if (!strncmp(b, "Streaming_History_Video_", 24)) {
		*video = 1;
		return FMT_EXTENDED;
	}
	if (name_has_prefix_num(b, "StreamingHistory"))
		return FMT_ACCOUNT;
	if (name_has_prefix_num(b, "StreamingHistory_music_")) {
		*kind = KIND_MUSIC;
		return FMT_ACCOUNT;
	}
	if (name_has_prefix_num(b, "StreamingHistory_podcast_")) {
		*kind = KIND_PODCAST;
		return FMT_ACCOUNT;
	}
	if (name_has_prefix_num(b, "StreamingHistory_audiobook_")) {
		*kind = KIND_AUDIOBOOK;
		return FMT_ACCOUNT;
	}
	return FMT_NONE;
}

/* Spotify started in 2006; a day of clock skew is allowed in the future. */
static int plausible(int64_t ms, int64_t now)
{
	static const int64_t y2006 = 1136073600000LL;
	return ms >= y2006 && ms <= now + 86400000LL;
}

/*
 * The two timestamp formats Spotify writes, and nothing else: "ts" of the
 * extended history is "YYYY-MM-DDTHH:MM:SSZ", "endTime" of account data is
 * "YYYY-MM-DD HH:MM" (both UTC). Seconds go to 59: Spotify writes no leap
 * seconds, and a 60 would silently become the next minute.
 */
static int parse_time(const char *s, size_t len, int seconds, int64_t *ms)
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
static void note_replaced(struct scan *s, int key, unsigned n)
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

/* A string or null; anything else is an error. */
static int get_str(struct scan *s, struct rec *r, int key, const char **out,
		   size_t *len)
{
	struct jval *v = &r->v[key];
	*out = NULL;
	*len = 0;
	if (v->type == J_NONE || v->type == J_NULL)
		return 0;
	if (v->type != J_STR)
		return fail_field(s, key, "is not a string", v);
	if (v->repl)
		note_replaced(s, key, v->repl);
	*out = v->s;
	*len = v->len;
	return 0;
}

/* The type check of get_str for a field that is not kept. */
static int check_str(struct scan *s, struct rec *r, int key)
{
	struct jval *v = &r->v[key];
	if (v->type != J_NONE && v->type != J_NULL && v->type != J_STR)
		return fail_field(s, key, "is not a string", v);
	return 0;
}

static int get_bool(struct scan *s, struct rec *r, int key, uint8_t *out)
{
	struct jval *v = &r->v[key];
	switch (v->type) {
	case J_NONE: case J_NULL: *out = TRI_NULL; return 0;
	case J_TRUE: *out = 1; return 0;
	case J_FALSE: *out = 0; return 0;
	default: return fail_field(s, key, "is not true, false or null", v);
	}
}

static int get_ms(struct scan *s, struct rec *r, int key, int32_t *out)
{
	struct jval *v = &r->v[key];
	if (v->type == J_NONE)
		return fail_field(s, key, "is missing", NULL);
	if (v->type != J_NUM || !v->integral)
		return fail_field(s, key, "is not a whole number of milliseconds", v);
	if (v->num < 0 || v->num > INT32_MAX)
		return fail_field(s, key, "is out of range", v);
	*out = (int32_t)v->num;
	return 0;
}

static uint32_t intern(struct import_pool *pool, const char *s, size_t len)
{
	return s ? import_pool_intern(pool, s, len) : 0;
}

/*
 * "spotify:track:ID" -> ID. The id must be a Spotify id (core/ids.h): a
 * record with anything else there is rejected, as every value that is not
 * free text is (doc/import.md).
 */
static int uri_id(struct scan *s, struct rec *r, int key, const char *prefix,
		  const char **id, size_t *idlen)
{
	const struct jval *v = &r->v[key];
	size_t n = strlen(prefix);

	if (v->len < n || memcmp(v->s, prefix, n)) {
		strbuf_reset(s->err);
		strbuf_addf(s->err, "%s: record %zu: \"%s\" is not a \"%s…\" URI (\"",
			    s->name, s->rec, key_names[key], prefix);
		add_excerpt(s->err, v->s, v->len, 0);
		strbuf_addstr(s->err, "\")");
		return -1;
	}
	if (!spotify_id_valid(v->s + n, v->len - n))
		return fail_field(s, key, "does not end in a Spotify id (22 "
				  "letters and digits)", v);
	*id = v->s + n;
	*idlen = v->len - n;
	return 0;
}

/* An audiobook URI, kept whole: "spotify:" TYPE ":" ID, TYPE in a-z. */
static int check_uri(struct scan *s, struct rec *r, int key)
{
	const struct jval *v = &r->v[key];
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
	return fail_field(s, key, "is not a Spotify URI (\"spotify:\", a type, "
			  "':' and a 22-character id)", v);
}

struct fileinfo {
	int64_t now;
	int format, kind, video, unsure;
	int keep_network;
};

static int extended_event(struct scan *s, struct rec *r,
			  const struct fileinfo *fi, struct import_pool *pool,
			  struct import_event *e)
{
	const char *ts, *tn, *an, *al, *tu, *en, *sn, *eu, *abt, *abu, *abcu,
		*abct, *rs, *re, *pl, *cc, *ip, *ua;
	size_t tsl, tnl, anl, all, tul, enl, snl, eul, abtl, abul, abcul, abctl,
		rsl, rel, pll, ccl, ipl, ual;
	const char *id = NULL;
	size_t idl = 0;
	struct jval *ov;
	uint64_t h;

	memset(e, 0, sizeof(*e));
	if (r->v[K_TS].type == J_NONE)
		return fail_field(s, K_TS, "is missing", NULL);
	if (get_str(s, r, K_TS, &ts, &tsl) ||
	    get_str(s, r, K_TRACK_NAME, &tn, &tnl) ||
	    get_str(s, r, K_ARTIST_NAME, &an, &anl) ||
	    get_str(s, r, K_ALBUM_NAME, &al, &all) ||
	    get_str(s, r, K_TRACK_URI, &tu, &tul) ||
	    get_str(s, r, K_EPISODE_NAME, &en, &enl) ||
	    get_str(s, r, K_SHOW_NAME, &sn, &snl) ||
	    get_str(s, r, K_EPISODE_URI, &eu, &eul) ||
	    get_str(s, r, K_AB_TITLE, &abt, &abtl) ||
	    get_str(s, r, K_AB_URI, &abu, &abul) ||
	    get_str(s, r, K_AB_CHAPTER_URI, &abcu, &abcul) ||
	    get_str(s, r, K_AB_CHAPTER_TITLE, &abct, &abctl) ||
	    get_str(s, r, K_REASON_START, &rs, &rsl) ||
	    get_str(s, r, K_REASON_END, &re, &rel) ||
	    get_str(s, r, K_PLATFORM, &pl, &pll) ||
	    get_str(s, r, K_CONN_COUNTRY, &cc, &ccl) ||
	    check_str(s, r, K_USERNAME))
		return -1;
	if (!ts || parse_time(ts, tsl, 1, &e->played_ms))
		return fail_field(s, K_TS, "is not a timestamp", &r->v[K_TS]);
	if (!plausible(e->played_ms, fi->now))
		return fail_field(s, K_TS, "is not a plausible time (before "
				  "2006 or in the future)", &r->v[K_TS]);
	e->played_ms -= e->played_ms % 1000;
	if (get_ms(s, r, K_MS_PLAYED, &e->ms_played) ||
	    get_bool(s, r, K_SHUFFLE, &e->shuffle) ||
	    get_bool(s, r, K_SKIPPED, &e->skipped) ||
	    get_bool(s, r, K_OFFLINE, &e->offline) ||
	    get_bool(s, r, K_INCOGNITO, &e->incognito))
		return -1;
	ov = &r->v[K_OFFLINE_TS];
	if (ov->type == J_NUM) {
		if (!ov->integral || ov->num < 0)
			return fail_field(s, K_OFFLINE_TS, "is not a time", ov);
		/* ms in old files, seconds in new ones */
		e->offline_ms = ov->num >= 100000000000LL ? ov->num
							  : ov->num * 1000;
	} else if (ov->type != J_NONE && ov->type != J_NULL) {
		return fail_field(s, K_OFFLINE_TS, "is not a time", ov);
	}
	/* kind and identity; local files ("spotify:local:...") have names only */
	if (tu && tul >= 14 && !memcmp(tu, "spotify:local:", 14))
		tu = NULL;
	if (tu) {
		if (uri_id(s, r, K_TRACK_URI, "spotify:track:", &id, &idl))
			return -1;
		e->kind = KIND_MUSIC;
		e->str[IS_TRACK_ID] = intern(pool, id, idl);
		e->str[IS_TRACK] = intern(pool, tn, tnl);
		e->str[IS_ARTIST] = intern(pool, an, anl);
		e->str[IS_ALBUM] = intern(pool, al, all);
	} else if (eu) {
		if (uri_id(s, r, K_EPISODE_URI, "spotify:episode:", &id, &idl))
			return -1;
		e->kind = fi->video ? KIND_VIDEO : KIND_PODCAST;
		e->str[IS_EPISODE_ID] = intern(pool, id, idl);
		e->str[IS_TRACK] = intern(pool, en, enl);
		e->str[IS_ARTIST] = intern(pool, sn, snl);
	} else if (abcu || abu) {
		if (check_uri(s, r, abcu ? K_AB_CHAPTER_URI : K_AB_URI))
			return -1;
		e->kind = KIND_AUDIOBOOK;
		e->str[IS_EPISODE_ID] = abcu ? intern(pool, abcu, abcul)
					     : intern(pool, abu, abul);
		e->str[IS_TRACK] = intern(pool, abct, abctl);
		e->str[IS_ALBUM] = intern(pool, abt, abtl);
		e->str[IS_ARTIST] = intern(pool, abt, abtl);
	} else if (tn || an) {
		e->kind = KIND_MUSIC; /* a local file: names, no URI */
		e->str[IS_TRACK] = intern(pool, tn, tnl);
		e->str[IS_ARTIST] = intern(pool, an, anl);
		e->str[IS_ALBUM] = intern(pool, al, all);
	} else {
		e->kind = KIND_UNKNOWN; /* every metadata field null */
	}
	e->str[IS_REASON_START] = intern(pool, rs, rsl);
	e->str[IS_REASON_END] = intern(pool, re, rel);
	e->str[IS_PLATFORM] = intern(pool, pl, pll);
	e->str[IS_COUNTRY] = intern(pool, cc, ccl);
	if (fi->keep_network) {
		if (get_str(s, r, K_IP_ADDR, &ip, &ipl))
			return -1;
		if (!ip && get_str(s, r, K_IP_ADDR_DEC, &ip, &ipl))
			return -1;
		if (get_str(s, r, K_UA_DEC, &ua, &ual))
			return -1;
		e->str[IS_IP] = intern(pool, ip, ipl);
		e->str[IS_UA] = intern(pool, ua, ual);
	}
	e->source = SRC_EXPORT;
	/*
	 * The fingerprint covers what every era of the export writes the same
	 * way, so the same stream from two exports is one event.
	 */
	h = hash_u64(HASH_SEED, SRC_EXPORT);
	h = hash_u64(h, (uint64_t)e->played_ms);
	h = hash_u64(h, (uint64_t)e->ms_played);
	h = hash_u64(h, e->kind);
	h = hash_fast(h, id ? id : "", idl);
	/* names as written (ids are equal, so names only tell local files apart) */
	h = hash_u64(h, e->str[IS_TRACK] ? import_strlen(e->str[IS_TRACK]) + 1 : 0);
	if (e->str[IS_TRACK])
		h = hash_fast(h, import_str(e->str[IS_TRACK]),
			      import_strlen(e->str[IS_TRACK]));
	if (e->str[IS_ARTIST])
		h = hash_fast(h, import_str(e->str[IS_ARTIST]),
			      import_strlen(e->str[IS_ARTIST]));
	h = hash_fast(h, rs ? rs : "\1", rs ? rsl : 1);
	h = hash_fast(h, re ? re : "\1", re ? rel : 1);
	e->fp = h ? h : 1;
	return 0;
}

static int account_event(struct scan *s, struct rec *r,
			 const struct fileinfo *fi, struct import_pool *pool,
			 struct import_event *e)
{
	const char *et, *a, *t, *x;
	size_t etl, al, tl, xl;
	int ka, kt;
	uint64_t h;

	memset(e, 0, sizeof(*e));
	if (r->v[K_END_TIME].type == J_NONE)
		return fail_field(s, K_END_TIME, "is missing", NULL);
	if (get_str(s, r, K_END_TIME, &et, &etl))
		return -1;
	if (!et || parse_time(et, etl, 0, &e->played_ms))
		return fail_field(s, K_END_TIME, "is not a timestamp",
				  &r->v[K_END_TIME]);
	if (!plausible(e->played_ms, fi->now))
		return fail_field(s, K_END_TIME, "is not a plausible time "
				  "(before 2006 or in the future)",
				  &r->v[K_END_TIME]);
	e->played_ms -= e->played_ms % 60000;
	if (get_ms(s, r, K_MS_PLAYED_A, &e->ms_played))
		return -1;
	e->kind = (uint8_t)fi->kind;
	switch (fi->kind) {
	case KIND_PODCAST: ka = K_A_PODCAST; kt = K_A_EPISODE; break;
	case KIND_AUDIOBOOK: ka = K_A_AUDIOBOOK; kt = K_A_CHAPTER; break;
	default: ka = K_A_ARTIST; kt = K_A_TRACK; break;
	}
	if (get_str(s, r, ka, &a, &al) || get_str(s, r, kt, &t, &tl))
		return -1;
	if (fi->kind == KIND_AUDIOBOOK) {
		if (get_str(s, r, K_A_AUTHOR, &x, &xl))
			return -1;
		e->str[IS_ALBUM] = intern(pool, a, al);
	}
	e->str[IS_ARTIST] = intern(pool, a, al);
	e->str[IS_TRACK] = intern(pool, t, tl);
	e->namekey = import_namekey(a ? a : "", al, t ? t : "", tl);
	e->source = SRC_ACCOUNT_DATA;
	e->flags = fi->unsure ? EV_KIND_UNSURE : 0;
	h = hash_u64(HASH_SEED, SRC_ACCOUNT_DATA);
	h = hash_u64(h, (uint64_t)e->played_ms);
	h = hash_u64(h, (uint64_t)e->ms_played);
	h = hash_u64(h, e->namekey);
	e->fp = h ? h : 1;
	return 0;
}

/* The pool cannot take another string: the import stops here, saying why. */
static void pool_full(struct scan *s, const struct import_pool *pool)
{
	strbuf_reset(s->err);
	strbuf_addf(s->err, "%s: record %zu: the distinct names and values of "
		    "this import need more than %u MB of memory (the limit of one "
		    "parser thread's string pool); import the files in smaller "
		    "groups", s->name, s->rec,
		    (unsigned)((size_t)pool->max_chunks << IMPORT_CHUNK_SHIFT >> 20));
}

int import_parse_buffer(const char *name, const char *buf, size_t len,
			int strict, struct import_pool *pool,
			struct import_file *out, struct strbuf *err)
{
	struct scan s;
	struct rec r;
	struct fileinfo fi;
	int name_fmt, name_kind, video, ret = -1;
	int keep_network = out->keep_network;

	key_tab_init(); /* and plain_byte */
	memset(&s, 0, sizeof(s));
	memset(&fi, 0, sizeof(fi));
	s.start = s.p = buf;
	s.end = buf + len;
	s.name = name;
	s.err = err;
	s.key = -1;
	s.out = out;
	strbuf_init(&s.dec, 0);
	out->format = FMT_NONE;
	out->kind = -1;
	out->min_ms = INT64_MAX;
	out->max_ms = INT64_MIN;
	name_fmt = classify_name(out->own_name ? out->own_name : name,
				 &name_kind, &video);
	fi.keep_network = keep_network;
	fi.now = time_now_ms();
	fi.video = video;

	if (s.end - s.p >= 3 && !memcmp(s.p, "\xef\xbb\xbf", 3))
		s.p += 3;
	skip_ws(&s);
	if (s.p >= s.end || *s.p != '[') {
		if (!strict && name_fmt == FMT_NONE) {
			ret = 1;
			goto out;
		}
		strbuf_reset(err);
		if (s.p >= s.end)
			strbuf_addf(err, "%s: the file is empty (truncated "
				    "download?)", name);
		else
			strbuf_addf(err, "%s: not a Spotify streaming history "
				    "(it is not a JSON array of plays)", name);
		goto out;
	}
	s.p++;
	skip_ws(&s);
	if (s.p < s.end && *s.p == ']') {
		s.p++;
		out->format = name_fmt;
		out->kind = name_kind;
		goto tail;
	}
	for (;;) {
		struct import_event *e;
		skip_ws(&s);
		if (s.p >= s.end || *s.p != '{') {
			if (s.rec == 0 && !strict && name_fmt == FMT_NONE) {
				ret = 1;
				goto out;
			}
			if (s.rec == 0 && s.p < s.end) {
				strbuf_reset(err);
				strbuf_addf(err, "%s: not a Spotify streaming "
					    "history (its array does not hold "
					    "records)", name);
				goto out;
			}
			syntax(&s, "'{' was expected");
			goto out;
		}
		if (scan_record(&s, &r)) {
			if (s.rec == 0 && !strict && name_fmt == FMT_NONE)
				ret = 1;
			goto out;
		}
		if (s.rec == 0) {
			int kind = -1, unsure = 0;
			fi.format = classify(&r, &kind, &unsure);
			if (fi.format == FMT_NONE) {
				if (!strict && name_fmt == FMT_NONE) {
					ret = 1;
					goto out;
				}
				strbuf_reset(err);
				strbuf_addf(err, "%s: not a Spotify streaming "
					    "history (record 0 has neither \"ts\" "
					    "and \"ms_played\" nor \"endTime\" and "
					    "\"msPlayed\")", name);
				goto out;
			}
			if (fi.format == FMT_ACCOUNT) {
				if (name_fmt == FMT_ACCOUNT && name_kind >= 0) {
					kind = name_kind;
					unsure = 0;
				}
				fi.kind = kind;
				fi.unsure = unsure;
			}
			out->format = fi.format;
			out->kind = fi.format == FMT_ACCOUNT ? fi.kind : -1;
		}
		if (r.nested) {
			strbuf_reset(err);
			strbuf_addf(err, "%s: record %zu: has a nested value; "
				    "export records are flat", name, s.rec);
			goto out;
		}
		ALLOC_GROW(out->ev, out->n + 1, out->alloc);
		e = &out->ev[out->n];
		if (fi.format == FMT_EXTENDED ? extended_event(&s, &r, &fi, pool, e)
					      : account_event(&s, &r, &fi, pool, e))
			goto out;
		if (pool->full) {
			pool_full(&s, pool);
			goto out;
		}
		e->rec = (uint32_t)s.rec;
		if (e->played_ms < out->min_ms)
			out->min_ms = e->played_ms;
		if (e->played_ms + (fi.format == FMT_EXTENDED ? 1000 : 60000) >
		    out->max_ms)
			out->max_ms = e->played_ms +
				      (fi.format == FMT_EXTENDED ? 1000 : 60000);
		out->n++;
		s.rec++;
		skip_ws(&s);
		if (s.p < s.end && *s.p == ',') {
			s.p++;
			continue;
		}
		if (s.p < s.end && *s.p == ']') {
			s.p++;
			break;
		}
		syntax(&s, "',' or ']' was expected after a record");
		goto out;
	}
tail:
	skip_ws(&s);
	if (s.p != s.end) {
		strbuf_reset(err);
		strbuf_addf(err, "%s: unexpected bytes after the array at byte "
			    "%zu (not valid JSON)", name, (size_t)(s.p - s.start));
		goto out;
	}
	out->records = s.rec;
	ret = 0;
out:
	strbuf_release(&s.dec);
	return ret;
}
