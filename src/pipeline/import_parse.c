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

#include "core/timeutil.h"
#include "core/xalloc.h"
#include "pipeline/import.h"
#include "store/db.h"
#include "store/playmerge.h"
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
	if (c >= IMPORT_CHUNKS)
		abort(); /* a gigabyte of distinct strings: beyond the caps */
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
	memset(f, 0, sizeof(*f));
}

uint64_t import_namekey(const char *artist, size_t alen, const char *title,
			size_t tlen)
{
	return playmerge_namekey(artist, alen, title, tlen);
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

struct jval {
	int type;
	const char *s; /* J_STR: decoded bytes (not terminated) */
	size_t len;
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

static void key_tab_build(void)
{
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

struct scan {
	const char *start, *p, *end;
	const char *name;
	size_t rec;
	struct strbuf *err;
	struct strbuf scratch[2]; /* decoded strings with escapes */
	int which;
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
	if (s->p >= s->end)
		strbuf_addf(s->err, "%s: record %zu: the file ends in the middle "
			    "of a record (truncated JSON?)", s->name, s->rec);
	else
		strbuf_addf(s->err, "%s: record %zu: %s at byte %zu (not valid "
			    "JSON)", s->name, s->rec, what,
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

static int read_hex4(struct scan *s, unsigned *out)
{
	unsigned v = 0;
	if (s->end - s->p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		int h = hexval((unsigned char)s->p[i]);
		if (h < 0)
			return -1;
		v = v * 16 + (unsigned)h;
	}
	s->p += 4;
	*out = v;
	return 0;
}

static void put_utf8(struct strbuf *sb, unsigned cp)
{
	char b[4];
	size_t n;
	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (char)(0xf0 | (cp >> 18));
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	strbuf_add(sb, b, n);
}

/* At the opening quote. Leaves a pointer/length to the decoded bytes. */
static int scan_string(struct scan *s, const char **out, size_t *outlen)
{
	const char *q = ++s->p;
	struct strbuf *sb;

	while (q < s->end && *q != '"' && *q != '\\' && (unsigned char)*q >= 0x20)
		q++;
	if (q < s->end && *q == '"') {
		*out = s->p;
		*outlen = (size_t)(q - s->p);
		s->p = q + 1;
		return 0;
	}
	sb = &s->scratch[s->which];
	s->which ^= 1;
	strbuf_reset(sb);
	strbuf_add(sb, s->p, (size_t)(q - s->p));
	s->p = q;
	while (s->p < s->end) {
		unsigned char c = (unsigned char)*s->p;
		if (c == '"') {
			s->p++;
			*out = sb->buf;
			*outlen = sb->len;
			return 0;
		}
		if (c < 0x20)
			return syntax(s, "a control character inside a string");
		if (c != '\\') {
			strbuf_addch(sb, c);
			s->p++;
			continue;
		}
		if (++s->p >= s->end)
			break;
		c = (unsigned char)*s->p++;
		switch (c) {
		case '"': case '\\': case '/':
			strbuf_addch(sb, c);
			break;
		case 'b': strbuf_addch(sb, '\b'); break;
		case 'f': strbuf_addch(sb, '\f'); break;
		case 'n': strbuf_addch(sb, '\n'); break;
		case 'r': strbuf_addch(sb, '\r'); break;
		case 't': strbuf_addch(sb, '\t'); break;
		case 'u': {
			unsigned cp, lo;
			if (read_hex4(s, &cp))
				return syntax(s, "a bad \\u escape");
			if (cp >= 0xd800 && cp < 0xdc00 && s->end - s->p >= 6 &&
			    s->p[0] == '\\' && s->p[1] == 'u') {
				s->p += 2;
				if (read_hex4(s, &lo) || lo < 0xdc00 || lo > 0xdfff)
					return syntax(s, "a bad surrogate pair");
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			}
			put_utf8(sb, cp);
			break;
		}
		default:
			s->p--;
			return syntax(s, "a bad escape in a string");
		}
	}
	return syntax(s, "an unterminated string");
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
	while (p < s->end && *p >= '0' && *p <= '9') {
		if (n > (UINT64_C(1) << 62))
			over = 1;
		n = n * 10 + (uint64_t)(*p - '0');
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
	v->num = neg ? -(int64_t)n : (int64_t)n;
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
			const char *o;
			size_t l;
			if (scan_string(s, &o, &l))
				return -1;
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
		return scan_string(s, &v->s, &v->len);
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
	int unknown_keys;
	int nested;
	char first_unknown[48];
};

static int fail_field(struct scan *s, int key, const char *what,
		      const struct jval *v)
{
	strbuf_reset(s->err);
	strbuf_addf(s->err, "%s: record %zu: \"%s\" %s", s->name, s->rec,
		    key_names[key], what);
	if (v && v->type == J_STR) {
		size_t n = v->len > 40 ? 40 : v->len;
		strbuf_addf(s->err, " (\"%.*s%s\")", (int)n, v->s,
			    v->len > 40 ? "…" : "");
	} else if (v && v->raw) {
		size_t n = 0;
		while (v->raw + n < s->end && n < 40 && v->raw[n] != ',' &&
		       v->raw[n] != '\n' && v->raw[n] != '}')
			n++;
		strbuf_addf(s->err, " (%.*s)", (int)n, v->raw);
	}
	return -1;
}

/* Reads one object into r; at '{'. */
static int scan_record(struct scan *s, struct rec *r)
{
	for (int i = 0; i < K_N; i++)
		r->v[i].type = J_NONE;
	r->unknown_keys = 0;
	r->nested = 0;
	s->p++;
	skip_ws(s);
	if (s->p < s->end && *s->p == '}') {
		s->p++;
		return 0;
	}
	for (;;) {
		const char *k;
		size_t klen;
		int key;
		struct jval tmp, *v;

		skip_ws(s);
		if (s->p >= s->end || *s->p != '"')
			return syntax(s, "a key was expected");
		if (scan_string(s, &k, &klen))
			return -1;
		key = key_lookup(k, klen);
		if (key < 0 && !r->unknown_keys++) {
			size_t n = klen < sizeof(r->first_unknown) - 1
					   ? klen : sizeof(r->first_unknown) - 1;
			memcpy(r->first_unknown, k, n);
			r->first_unknown[n] = '\0';
		}
		skip_ws(s);
		if (s->p >= s->end || *s->p != ':')
			return syntax(s, "':' was expected");
		s->p++;
		v = key >= 0 ? &r->v[key] : &tmp;
		if (scan_value(s, v))
			return -1;
		if (v->type == J_NESTED)
			r->nested++;
		skip_ws(s);
		if (s->p >= s->end)
			return syntax(s, "the record is not closed");
		if (*s->p == ',') {
			s->p++;
			continue;
		}
		if (*s->p == '}') {
			s->p++;
			return 0;
		}
		return syntax(s, "',' or '}' was expected");
	}
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
	b = b ? b + 1 : name;
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

/* "YYYY-MM-DDTHH:MM:SSZ" fast, anything else through time_parse_iso. */
static int parse_time(const char *s, size_t len, int64_t *ms)
{
	char tmp[40];
	if (len == 20 && s[4] == '-' && s[7] == '-' && s[10] == 'T' &&
	    s[13] == ':' && s[16] == ':' && s[19] == 'Z') {
		int d[14], k = 0;
		static const int pos[14] = { 0, 1, 2, 3, 5, 6, 8, 9, 11, 12,
					     14, 15, 17, 18 };
		static const int mdays[12] = { 31, 29, 31, 30, 31, 30,
					       31, 31, 30, 31, 30, 31 };
		int y, mo, da, h, mi, se;
		for (k = 0; k < 14; k++) {
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
		se = d[12] * 10 + d[13];
		if (mo < 1 || mo > 12 || da < 1 || da > mdays[mo - 1] ||
		    h > 23 || mi > 59 || se > 60)
			return -1;
		if (mo == 2 && da == 29 &&
		    !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
			return -1;
		*ms = ((time_days_from_civil(y, mo, da) * 86400 + h * 3600 +
			mi * 60 + se) * 1000);
		return 0;
	}
	if (len >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	return time_parse_iso(tmp, ms);
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
	*out = v->s;
	*len = v->len;
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

/* "spotify:track:ID" -> ID, validated as 22 base62 characters. */
static int uri_id(struct scan *s, int key, struct jval *v, const char *prefix,
		  const char **id, size_t *idlen)
{
	size_t n = strlen(prefix);
	if (!v->s)
		return 0;
	if (v->len < n || memcmp(v->s, prefix, n))
		return fail_field(s, key, "is not a Spotify URI", v);
	*id = v->s + n;
	*idlen = v->len - n;
	if (*idlen == 0 || *idlen > 64)
		return fail_field(s, key, "is not a Spotify URI", v);
	return 0;
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
	    get_str(s, r, K_USERNAME, &ua, &ual))
		return -1;
	if (!ts || parse_time(ts, tsl, &e->played_ms))
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
		if (uri_id(s, K_TRACK_URI, &r->v[K_TRACK_URI], "spotify:track:",
			   &id, &idl))
			return -1;
		e->kind = KIND_MUSIC;
		e->str[IS_TRACK_ID] = intern(pool, id, idl);
		e->str[IS_TRACK] = intern(pool, tn, tnl);
		e->str[IS_ARTIST] = intern(pool, an, anl);
		e->str[IS_ALBUM] = intern(pool, al, all);
	} else if (eu) {
		if (uri_id(s, K_EPISODE_URI, &r->v[K_EPISODE_URI],
			   "spotify:episode:", &id, &idl))
			return -1;
		e->kind = fi->video ? KIND_VIDEO : KIND_PODCAST;
		e->str[IS_EPISODE_ID] = intern(pool, id, idl);
		e->str[IS_TRACK] = intern(pool, en, enl);
		e->str[IS_ARTIST] = intern(pool, sn, snl);
	} else if (abcu || abu) {
		const char *u = abcu ? abcu : abu;
		(void)u;
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
	if (!et || parse_time(et, etl, &e->played_ms))
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

int import_parse_buffer(const char *name, const char *buf, size_t len,
			int strict, struct import_pool *pool,
			struct import_file *out, struct strbuf *err)
{
	struct scan s;
	struct rec r;
	struct fileinfo fi;
	int name_fmt, name_kind, video, ret = -1;
	int keep_network = out->keep_network;

	key_tab_init();
	memset(&s, 0, sizeof(s));
	memset(&fi, 0, sizeof(fi));
	s.start = s.p = buf;
	s.end = buf + len;
	s.name = name;
	s.err = err;
	strbuf_init(&s.scratch[0], 0);
	strbuf_init(&s.scratch[1], 0);
	out->format = FMT_NONE;
	out->kind = -1;
	out->min_ms = INT64_MAX;
	out->max_ms = INT64_MIN;
	name_fmt = classify_name(name, &name_kind, &video);
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
	strbuf_release(&s.scratch[0]);
	strbuf_release(&s.scratch[1]);
	return ret;
}
