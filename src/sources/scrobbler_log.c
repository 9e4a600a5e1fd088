/*
 * The Audioscrobbler portable player log (.scrobbler.log), as Rockbox and
 * other players write it (audioscrobbler.net "Portable Player Logging",
 * format 1.0 and 1.1): header lines "#AUDIOSCROBBLER/1.1", "#TZ/UTC" or
 * "#TZ/UNKNOWN" and "#CLIENT/...", then one line a song played or skipped,
 * tab-separated:
 *   artist, album (optional), title, track number (optional), duration in
 *   seconds, rating ('L' listened to at least half, 'S' skipped), the unix
 *   time the song started, MusicBrainz track id (optional, 1.1).
 *
 * A play's end time is the start plus the duration, to the second, for 'L'
 * (Rockbox logs a song once it ends); for 'S' it is the start, since a skip
 * ends before half the song and most skips within seconds (so it stays
 * within the merge's minute of the account data's end time). With
 * "#TZ/UNKNOWN" the times are the player's wall clock, read in the
 * timezone setting. No Spotify ids: matched by names. The MusicBrainz id is
 * checked for its shape and not kept (plays have no column for it yet).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/hash.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "sources/format.h"
#include "store/sources.h"
#include "core/banned.h"

enum { F_ARTIST, F_ALBUM, F_TITLE, F_TRACKNUM, F_DURATION, F_RATING,
       F_TIMESTAMP, F_MBID, F_N };

static const char *const field_names[F_N] = {
	"artist", "album", "title", "track number", "duration", "rating",
	"timestamp", "musicbrainz id",
};

struct log_scan {
	const struct format_input *in;
	struct import_file *out;
	struct strbuf *err;
	size_t line;        /* 1-based, for messages */
	int tz_unknown;
	int64_t now;
	struct strbuf text; /* one field with invalid UTF-8 replaced */
	const char *f[F_N];
	size_t flen[F_N];
	int nf;
};

#define MAGIC "#AUDIOSCROBBLER/"

static int detect_name(const char *own, struct format_hint *h)
{
	size_t n = strlen(own);
	(void)h;
	return n >= 13 && !strcmp(own + n - 13, "scrobbler.log");
}

static int detect_bytes(const char *buf, size_t len)
{
	return len >= sizeof(MAGIC) - 1 && !memcmp(buf, MAGIC, sizeof(MAGIC) - 1);
}

/* "NAME:LINE: \"FIELD\" WHAT (\"excerpt\")"; returns -1. */
static int fail(struct log_scan *s, int field, const char *what)
{
	strbuf_reset(s->err);
	strbuf_addf(s->err, "%s:%zu: ", s->in->name, s->line);
	if (field < 0) {
		strbuf_addstr(s->err, what);
		return -1;
	}
	strbuf_addf(s->err, "\"%s\" %s", field_names[field], what);
	if (field < s->nf) {
		size_t n = s->flen[field] > 40 ? 40 : s->flen[field];
		strbuf_addstr(s->err, " (\"");
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)s->f[field][i];
			strbuf_addch(s->err, c < 0x20 || c >= 0x7f ? '?' : c);
		}
		strbuf_addstr(s->err, n < s->flen[field] ? "…\")" : "\")");
	}
	return -1;
}

/* A whole number of at most 10 digits, or -1. */
static int64_t number(const char *p, size_t len)
{
	int64_t n = 0;
	if (!len || len > 10)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		n = n * 10 + (p[i] - '0');
	}
	return n;
}

/* A wall-clock time of an unknown zone, read in the local one. */
static int64_t wall_to_utc(int64_t secs)
{
	time_t t = (time_t)secs, u;
	struct tm tm;

	if (!gmtime_r(&t, &tm))
		return secs;
	tm.tm_isdst = -1;
	u = mktime(&tm);
	return u == (time_t)-1 ? secs : (int64_t)u;
}

/* A header line: the version must be 1.0 or 1.1; #TZ says the zone. */
static int header(struct log_scan *s, const char *p, size_t len)
{
	if (s->line == 1 && !(len == 19 && (!memcmp(p, MAGIC "1.1", 19) ||
					    !memcmp(p, MAGIC "1.0", 19))))
		return fail(s, -1, "not an Audioscrobbler log of version 1.0 or "
			    "1.1 (the first line must be \"#AUDIOSCROBBLER/1.1\")");
	if (len == 11 && !memcmp(p, "#TZ/UNKNOWN", 11))
		s->tz_unknown = 1;
	return 0;
}

static void split(struct log_scan *s, const char *p, size_t len)
{
	const char *end = p + len, *q;

	s->nf = 0;
	while (s->nf < F_N) {
		q = memchr(p, '\t', (size_t)(end - p));
		q = q ? q : end;
		s->f[s->nf] = p;
		s->flen[s->nf++] = (size_t)(q - p);
		if (q == end)
			return;
		p = q + 1;
	}
	s->nf = F_N + 1; /* more fields than the format has */
}

/* Interns a text field, replacing invalid UTF-8 with a warning. */
static uint32_t text(struct log_scan *s, int field)
{
	const char *p = s->f[field];
	size_t len = s->flen[field];
	long r;

	if (!len)
		return 0;
	if (utf8_valid(p, len))
		return import_pool_intern(s->in->pool, p, len);
	strbuf_reset(&s->text);
	r = utf8_add_replacing(&s->text, p, len);
	s->out->replaced++;
	if (s->out->warnings.n < IMPORT_FILE_WARNINGS) {
		struct strbuf sb = STRBUF_INIT;
		strbuf_addf(&sb, "%s:%zu: \"%s\": %ld invalid character%s "
			    "replaced with U+FFFD (not UTF-8)", s->in->name,
			    s->line, field_names[field], r, r == 1 ? "" : "s");
		strvec_push_nodup(&s->out->warnings, strbuf_detach(&sb, NULL));
	}
	return import_pool_intern(s->in->pool, s->text.buf, s->text.len);
}

/* The numbers and the rating of a line; its times to e. */
static int line_times(struct log_scan *s, struct import_event *e,
		      int64_t *duration)
{
	static const int64_t y2001 = 978307200LL;
	int64_t start;

	if (s->flen[F_TRACKNUM] && number(s->f[F_TRACKNUM], s->flen[F_TRACKNUM]) < 0)
		return fail(s, F_TRACKNUM, "is not a number");
	*duration = number(s->f[F_DURATION], s->flen[F_DURATION]);
	if (*duration < 0 || *duration > 86400)
		return fail(s, F_DURATION, "is not a number of seconds (0 to "
			    "86400)");
	if (s->flen[F_RATING] != 1 || (s->f[F_RATING][0] != 'L' &&
				       s->f[F_RATING][0] != 'S'))
		return fail(s, F_RATING, "is neither 'L' (listened) nor 'S' "
			    "(skipped)");
	start = number(s->f[F_TIMESTAMP], s->flen[F_TIMESTAMP]);
	if (start < 0)
		return fail(s, F_TIMESTAMP, "is not a unix time in seconds");
	if (s->tz_unknown)
		start = wall_to_utc(start);
	e->skipped = s->f[F_RATING][0] == 'S';
	e->played_ms = (start + (e->skipped ? 0 : *duration)) * 1000;
	if (!format_plausible(start * 1000, y2001 * 1000, s->now))
		return fail(s, F_TIMESTAMP, "is not a plausible time (before "
			    "2001 or in the future; a player without a clock?)");
	e->ms_played = e->skipped ? -1 : (int32_t)(*duration * 1000);
	return 0;
}

/* One line of a play to one event. */
static int line_event(struct log_scan *s, struct import_event *e)
{
	int64_t duration = 0;
	uint64_t h;

	memset(e, 0, sizeof(*e));
	if (s->nf < F_TIMESTAMP + 1 || s->nf > F_N)
		return fail(s, -1, "a play has 7 or 8 fields separated by tabs "
			    "(artist, album, title, track number, duration, "
			    "rating, timestamp, musicbrainz id)");
	if (!s->flen[F_ARTIST])
		return fail(s, F_ARTIST, "is empty");
	if (!s->flen[F_TITLE])
		return fail(s, F_TITLE, "is empty");
	if (line_times(s, e, &duration))
		return -1;
	if (s->nf == F_N && s->flen[F_MBID] && s->flen[F_MBID] != 36)
		return fail(s, F_MBID, "is not a MusicBrainz id (36 characters)");
	e->kind = KIND_MUSIC;
	e->shuffle = e->offline = e->incognito = TRI_NULL;
	e->str[IS_ARTIST] = text(s, F_ARTIST);
	e->str[IS_ALBUM] = text(s, F_ALBUM);
	e->str[IS_TRACK] = text(s, F_TITLE);
	e->namekey = import_event_namekey(e);
	h = hash_words_mix(HASH_WORDS_SEED, SRC_SCROBBLER_LOG);
	h = hash_words_mix(h, (uint64_t)e->played_ms);
	h = hash_words_mix(h, (uint64_t)duration);
	h = hash_words_mix(h, e->skipped);
	h = hash_words_mix(h, e->namekey);
	e->fp = h ? h : 1;
	return 0;
}

/* Adds one play line's event to out (0 or -1). */
static int add_line(struct log_scan *s, const char *p, size_t len)
{
	struct import_file *out = s->out;
	struct import_event *e;

	split(s, p, len);
	ALLOC_GROW(out->ev, out->n + 1, out->alloc);
	e = &out->ev[out->n];
	if (line_event(s, e))
		return -1;
	if (s->in->pool->full) {
		struct strbuf where = STRBUF_INIT;
		strbuf_addf(&where, "%s:%zu", s->in->name, s->line);
		format_pool_full(s->err, where.buf, s->in->pool);
		strbuf_release(&where);
		return -1;
	}
	import_file_keep(out, (uint32_t)out->n, SRC_SCROBBLER_LOG, 1000);
	return 0;
}

static int parse(const struct format_input *in, struct import_file *out,
		 struct strbuf *err)
{
	struct log_scan s = { .in = in, .out = out, .err = err };
	const char *p = in->buf, *end = in->buf + in->len;
	int ret = 0;

	if (!detect_bytes(in->buf, in->len)) {
		if (!in->strict && !in->named)
			return 1;
		s.line = 1;
		return fail(&s, -1, "not an Audioscrobbler log (the first line "
			    "must be \"#AUDIOSCROBBLER/1.1\")");
	}
	s.now = time(NULL) * 1000LL;
	strbuf_init(&s.text, 0);
	out->format = FMT_SCROBBLER_LOG;
	out->kind = KIND_MUSIC;
	while (p < end && !ret) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl ? nl : end) - p);
		s.line++;
		if (len && p[len - 1] == '\r')
			len--;
		if (len && p[0] == '#')
			ret = header(&s, p, len);
		else if (len && (ret = add_line(&s, p, len)))
			ret = format_reject(in, out, s.line, err);
		p = nl ? nl + 1 : end;
	}
	out->records = out->n;
	strbuf_release(&s.text);
	return ret;
}

const struct source_format format_scrobbler_log = {
	.id = FMT_SCROBBLER_LOG,
	.name = "scrobbler_log",
	.suffix = "scrobbler.log",
	.detect_name = detect_name,
	.detect_bytes = detect_bytes,
	.parse = parse,
	.json = NULL,
	.source = SOURCE_SCROBBLER_LOG,
	.precision_ms = 1000,
	.match = MATCH_BY_NAMES,
};
