/*
 * Last.fm scrobble histories as CSV. Last.fm itself offers no export; the
 * tools people use write one of these (the shapes of t1402's fixtures):
 *  - lastfm-to-csv (benjaminbenben.github.io/lastfm-to-csv): no header, one
 *    scrobble a line: artist,album,track,date, the date as Last.fm shows it
 *    in UTC: "31 Jan 2021 14:05";
 *  - the same four columns under a header "artist,album,track,date";
 *  - lastfm.ghan.nl's "Last.fm to CSV": a header
 *    "uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid",
 *    uts the unix time, utc_time "31 Jan 2021, 14:05".
 * A header's columns are found by name (artist, album, track or title,
 * uts or timestamp, date or utc_time); dates may also be unix seconds or
 * "YYYY-MM-DD HH:MM[:SS]" (a T and a Z allowed). Fields follow RFC 4180
 * (quotes, doubled quotes, line breaks inside quotes). A scrobble's time
 * is the start of the listen (sources.c: starts); MBIDs are checked for
 * their shape and not kept.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/timeutil.h"
#include "sources/scrobble.h"
#include "core/banned.h"

enum { C_ARTIST, C_ALBUM, C_TRACK, C_UTS, C_DATE, C_MBID1, C_MBID2, C_MBID3, C_N };
static const char *const col_names[C_N] = { "artist", "album", "track", "uts",
					    "date", "artist_mbid", "album_mbid",
					    "track_mbid" };
#define MAX_FIELDS 16

struct csv {
	const struct format_input *in;
	struct import_file *out;
	struct strbuf *err;
	const char *p, *end;
	size_t line, rec_line;          /* the record's first line */
	struct strbuf f[MAX_FIELDS];    /* unquoted fields */
	struct strbuf where;            /* "file:line" of the record */
	int nf, over;                   /* over: more than MAX_FIELDS */
	int col[C_N];                   /* field index of each column, -1 */
	int64_t now_s;
};

/*
 * Moves c->p past the bytes that go into a field as they are, appending
 * them to f at once: to the next quote or line break, and in an unquoted
 * field to the next comma or CR too. Byte by byte, the reading was a
 * third of a 100,000-row file's parse (perf, issue 14).
 */
static void add_run(struct csv *c, struct strbuf *f, int quoted)
{
	const char *s = c->p;

	while (c->p < c->end && *c->p != '"' && *c->p != '\n' &&
	       (quoted || (*c->p != ',' && *c->p != '\r')))
		c->p++;
	strbuf_add(f, s, (size_t)(c->p - s));
}

/* The next record's fields; 0 at the end of the file, 1 with a record. */
static int next_record(struct csv *c)
{
	int q = 0;

	if (c->p >= c->end)
		return 0;
	c->nf = 1;
	c->over = 0;
	c->rec_line = ++c->line;
	strbuf_reset(&c->f[0]);
	while (c->p < c->end) {
		struct strbuf *f = &c->f[c->nf - 1];
		char ch;

		add_run(c, f, q);
		if (c->p >= c->end)
			break;
		ch = *c->p++;
		if (q) {
			if (ch == '"' && c->p < c->end && *c->p == '"')
				strbuf_addch(f, *c->p++);
			else if (ch == '"')
				q = 0;
			else
				c->line += ch == '\n', strbuf_addch(f, ch);
		} else if (ch == '"' && !f->len) {
			q = 1;
		} else if (ch == ',') {
			if (c->nf == MAX_FIELDS)
				c->over = 1;
			else
				strbuf_reset(&c->f[c->nf++]);
		} else if (ch == '\n') {
			break;
		} else if (ch != '\r' || (c->p < c->end && *c->p != '\n')) {
			strbuf_addch(f, ch);
		}
	}
	return 1;
}

static const char *const months[] = { "jan", "feb", "mar", "apr", "may", "jun",
				      "jul", "aug", "sep", "oct", "nov", "dec" };

static int num(const char **p, int digits, int *v)
{
	*v = 0;
	for (int i = 0; i < digits; i++, (*p)++) {
		if (!isdigit((unsigned char)**p))
			return i ? (i < digits && digits == 2 ? 0 : -1) : -1;
		*v = *v * 10 + **p - '0';
	}
	return 0;
}

/* Unix seconds of "31 Jan 2021[,] 14:05", "2021-01-31 14:05[:09]" or digits. */
static int64_t parse_date(const char *s)
{
	const char *p = s;
	int y, m = 0, d, hh, mm, ss = 0;

	if (!*s)
		return -1;
	if (strspn(s, "0123456789") == strlen(s) && strlen(s) <= 11) {
		int64_t v = 0;
		for (; *p; p++)
			v = v * 10 + *p - '0';
		return v;
	}
	if (isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1]) &&
	    isdigit((unsigned char)p[2]) && p[4] == '-') { /* ISO */
		if (num(&p, 4, &y) || *p++ != '-' || num(&p, 2, &m) || *p++ != '-' ||
		    num(&p, 2, &d) || (*p != ' ' && *p != 'T'))
			return -1;
	} else { /* 31 Jan 2021 */
		if (num(&p, 2, &d) || *p++ != ' ')
			return -1;
		for (int i = 0; i < 12; i++)
			if (!strncasecmp(p, months[i], 3))
				m = i + 1;
		if (!m || p[3] != ' ')
			return -1;
		p += 4;
		if (num(&p, 4, &y))
			return -1;
		if (*p == ',')
			p++;
	}
	if (*p != ' ' && *p != 'T')
		return -1;
	p++;
	if (num(&p, 2, &hh) || *p++ != ':' || num(&p, 2, &mm))
		return -1;
	if (*p == ':' && (p++, num(&p, 2, &ss)))
		return -1;
	if (*p == 'Z')
		p++;
	if (*p || m < 1 || m > 12 || d < 1 || hh > 23 || mm > 59 || ss > 59)
		return -1;
	int64_t days = time_days_from_civil(y, m, d);
	int yy, mo, dd;
	time_civil_from_days(days, &yy, &mo, &dd);
	if (yy != y || mo != m || dd != d)
		return -1;
	return days * 86400 + hh * 3600 + mm * 60 + ss;
}

/* A header's column names to c->col; 1 when the record is a header. */
static int header(struct csv *c)
{
	static const struct { const char *name; int col; } names[] = {
		{ "artist", C_ARTIST }, { "artist_name", C_ARTIST },
		{ "album", C_ALBUM }, { "album_name", C_ALBUM },
		{ "track", C_TRACK }, { "title", C_TRACK }, { "track_name", C_TRACK },
		{ "uts", C_UTS }, { "timestamp", C_UTS },
		{ "date", C_DATE }, { "utc_time", C_DATE }, { "date_utc", C_DATE },
		{ "artist_mbid", C_MBID1 }, { "album_mbid", C_MBID2 },
		{ "track_mbid", C_MBID3 },
	};
	for (int k = 0; k < C_N; k++)
		c->col[k] = -1;
	for (int i = 0; i < c->nf; i++)
		for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
			if (!strcasecmp(c->f[i].buf, names[k].name))
				c->col[names[k].col] = i;
	if (c->col[C_ARTIST] >= 0 && c->col[C_TRACK] >= 0 &&
	    (c->col[C_UTS] >= 0 || c->col[C_DATE] >= 0))
		return 1;
	/* no header: lastfm-to-csv's artist,album,track,date */
	for (int k = 0; k < C_N; k++)
		c->col[k] = k < 3 ? k : k == C_DATE ? 3 : -1;
	return 0;
}

static int fail(struct csv *c, int col, const char *what)
{
	strbuf_reset(c->err);
	strbuf_addf(c->err, "%s:%zu: ", c->in->name, c->rec_line);
	if (col < 0)
		return strbuf_addstr(c->err, what), -1;
	strbuf_addf(c->err, "\"%s\" %s", col_names[col], what);
	if (c->col[col] >= 0 && c->col[col] < c->nf) {
		const struct strbuf *f = &c->f[c->col[col]];
		strbuf_addstr(c->err, " (\"");
		for (size_t i = 0; i < f->len && i < 40; i++)
			strbuf_addch(c->err, (unsigned char)f->buf[i] < 0x20 ? '?' : f->buf[i]);
		strbuf_addstr(c->err, f->len > 40 ? "…\")" : "\")");
	}
	return -1;
}

static const struct strbuf *field(const struct csv *c, int col)
{
	return c->col[col] >= 0 && c->col[col] < c->nf ? &c->f[c->col[col]] : NULL;
}

static int mbid_ok(const struct strbuf *f)
{
	if (!f || !f->len)
		return 1;
	if (f->len != 36)
		return 0;
	for (size_t i = 0; i < 36; i++)
		if (i == 8 || i == 13 || i == 18 || i == 23 ? f->buf[i] != '-'
							    : !isxdigit((unsigned char)f->buf[i]))
			return 0;
	return 1;
}

static int add_record(struct csv *c)
{
	const struct strbuf *a = field(c, C_ARTIST), *t = field(c, C_TRACK);
	const struct strbuf *b = field(c, C_ALBUM), *u = field(c, C_UTS);
	const struct strbuf *d = field(c, C_DATE);
	struct scrobble s = { 0 };
	char num[24], *n = num + sizeof(num);
	size_t line = c->rec_line;

	if (c->over || c->nf <= c->col[C_TRACK] || (!u && !d))
		return fail(c, -1, "a scrobble has the columns artist, album, "
			    "track and date (or the header's)");
	if (!a->len)
		return fail(c, C_ARTIST, "is empty");
	if (!t->len)
		return fail(c, C_TRACK, "is empty");
	s.start_s = u && u->len ? parse_date(u->buf) : d ? parse_date(d->buf) : -1;
	if (s.start_s < 0)
		return fail(c, u && u->len ? C_UTS : C_DATE, "is not a date like "
			    "\"31 Jan 2021 14:05\", \"2021-01-31 14:05\" or unix seconds");
	if (s.start_s < SCROBBLE_MIN_TS || s.start_s > c->now_s + 86400)
		return fail(c, u && u->len ? C_UTS : C_DATE, "is not a plausible "
			    "time (before 2002-10-01, when Last.fm began, or in the future)");
	for (int k = C_MBID1; k <= C_MBID3; k++)
		if (!mbid_ok(field(c, k)))
			return fail(c, k, "is not a MusicBrainz id (36 characters)");
	s.duration_ms = -1;
	s.artist = a->buf, s.alen = a->len;
	s.track = t->buf, s.tlen = t->len;
	if (b && b->len)
		s.album = b->buf, s.blen = b->len;
	/* "%s:%zu" without printf or malloc: 2.7 % of the whole import (perf) */
	do
		*--n = (char)('0' + line % 10);
	while (line /= 10);
	strbuf_reset(&c->where);
	strbuf_addstr(&c->where, c->in->name);
	strbuf_addch(&c->where, ':');
	strbuf_add(&c->where, n, (size_t)(num + sizeof(num) - n));
	return scrobble_add(&s, SOURCE_LASTFM, c->in, c->out, c->where.buf, c->err);
}

/* The first record: a known header, or four fields ending in a date. */
static int detect_bytes(const char *buf, size_t len)
{
	struct format_input in = { "", buf, len, 0, 0, { -1, 0 }, 0, NULL };
	struct csv c = { .in = &in, .p = buf, .end = buf + (len > 4096 ? 4096 : len) };
	int yes = 0;

	for (int i = 0; i < MAX_FIELDS; i++)
		strbuf_init(&c.f[i], 0);
	if (len && buf[0] != '{' && buf[0] != '[' && next_record(&c) && c.nf >= 4)
		/* a date the parse may still refuse, with its line */
		yes = header(&c) || (c.nf == 4 && strchr(c.f[3].buf, ':') &&
				     strpbrk(c.f[3].buf, "0123456789"));
	for (int i = 0; i < MAX_FIELDS; i++)
		strbuf_release(&c.f[i]);
	return yes;
}

static int detect_name(const char *own, struct format_hint *h)
{
	(void)own;
	(void)h;
	return 0; /* by content: the tools name their files freely */
}

static int parse(const struct format_input *in, struct import_file *out,
		 struct strbuf *err)
{
	struct csv c = { .in = in, .out = out, .err = err, .p = in->buf,
			 .end = in->buf + in->len, .now_s = time(NULL) };
	int ret = 0;

	if (!detect_bytes(in->buf, in->len)) {
		if (!in->strict && !in->named)
			return 1;
		strbuf_addf(err, "%s:1: not a Last.fm CSV (artist,album,track,date "
			    "or a header naming them)", in->name);
		return -1;
	}
	for (int i = 0; i < MAX_FIELDS; i++)
		strbuf_init(&c.f[i], 0);
	strbuf_init(&c.where, 0);
	out->format = FMT_LASTFM_CSV;
	out->kind = KIND_MUSIC;
	next_record(&c);
	if (!header(&c) && (ret = add_record(&c)))
		ret = format_reject(in, out, c.rec_line, err);
	while (!ret && next_record(&c))
		if ((c.nf > 1 || c.f[0].len) && (ret = add_record(&c)))
			ret = format_reject(in, out, c.rec_line, err);
	out->records = out->n;
	for (int i = 0; i < MAX_FIELDS; i++)
		strbuf_release(&c.f[i]);
	strbuf_release(&c.where);
	return ret;
}

const struct source_format format_lastfm_csv = {
	.id = FMT_LASTFM_CSV,
	.name = "lastfm_csv",
	.suffix = ".csv",
	.detect_name = detect_name,
	.detect_bytes = detect_bytes,
	.parse = parse,
	.json = NULL,
	.source = SOURCE_LASTFM,
	.precision_ms = 1000,
	.match = MATCH_BY_NAMES,
};
