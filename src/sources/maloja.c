/*
 * maloja's export (krateng/maloja: `maloja export`, or the web UI's
 * "Export"): one JSON object, {"scrobbles": [...]}, written by Python's
 * json.dump with indent=3, each scrobble as maloja's database gives it:
 *
 *   {"time": unix seconds, "track": {"artists": ["A", "B"], "title": "T",
 *    "album": {"artists": [...], "albumtitle": "X"} | null,
 *    "length": seconds | null}, "duration": seconds listened | null,
 *    "origin": "client:..."}
 *
 * (older versions wrote the album as {"name": ...} or not at all). Read
 * by content: an object whose first key is "scrobbles", an array. A
 * scrobble's time is when the listen started (sources.c: starts);
 * "duration" (else the track's "length") gives its end and ms_played.
 * The artist kept is the first of "artists" (the one Spotify's own files
 * name, which the merge compares); the others are not kept.
 *
 * A bad scrobble fails the file as "NAME: record N: ..." with N its index
 * in "scrobbles" (jq '.scrobbles[N]'), like the other parsers' records.
 */
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "sources/scrobble.h"
#include "core/banned.h"

/* 24 days, the longest duration a listen may have (as ListenBrainz's) */
#define MAX_SECONDS (24LL * 24 * 3600)

static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
		p++;
	return p;
}

static int detect_name(const char *own, struct format_hint *h)
{
	(void)own;
	(void)h;
	return 0; /* maloja_export_2024_01_31_12_00_00.json: by content */
}

/* {"scrobbles": [ ... first, as maloja writes it. */
static int detect_bytes(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;

	p = skip_ws(p, end);
	if (p >= end || *p++ != '{')
		return 0;
	p = skip_ws(p, end);
	if ((size_t)(end - p) < 11 || memcmp(p, "\"scrobbles\"", 11))
		return 0;
	p = skip_ws(p + 11, end);
	if (p >= end || *p++ != ':')
		return 0;
	p = skip_ws(p, end);
	return p < end && *p == '[';
}

static int bad(struct strbuf *err, const char *where, const char *field,
	       const char *what)
{
	strbuf_reset(err);
	strbuf_addf(err, "%s: \"%s\" %s", where, field, what);
	return -1;
}

/* A whole number of seconds within lo..hi; absent or null: *out = -1. */
static int seconds(const cJSON *v, int64_t lo, int64_t hi, int64_t *out)
{
	*out = -1;
	if (!v || cJSON_IsNull(v))
		return 0;
	/* the range first: a cast of a double out of int64_t's range is undefined */
	if (!cJSON_IsNumber(v) || !(v->valuedouble >= (double)lo) ||
	    !(v->valuedouble <= (double)hi) ||
	    v->valuedouble != (double)(int64_t)v->valuedouble)
		return -1;
	*out = (int64_t)v->valuedouble;
	return 0;
}

static int string(const cJSON *v, const char **s, size_t *len)
{
	*s = NULL;
	*len = 0;
	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v))
		return -1;
	*s = v->valuestring;
	*len = strlen(v->valuestring);
	return 0;
}

/* The album's title: {"albumtitle"} (3.x), {"name"} (older), or null. */
static int album(const cJSON *tr, struct scrobble *s)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(tr, "album");
	const cJSON *t;

	if (!a || cJSON_IsNull(a))
		return 0;
	if (!cJSON_IsObject(a))
		return -1;
	t = cJSON_GetObjectItemCaseSensitive(a, "albumtitle");
	if (!t || cJSON_IsNull(t))
		t = cJSON_GetObjectItemCaseSensitive(a, "name");
	return string(t, &s->album, &s->blen);
}

static int track(const cJSON *tr, const char *where, struct scrobble *s,
		 struct strbuf *err)
{
	const cJSON *ar = cJSON_GetObjectItemCaseSensitive(tr, "artists");
	const cJSON *first = cJSON_IsArray(ar) ? ar->child : NULL;
	int64_t len;

	if (!cJSON_IsObject(tr))
		return bad(err, where, "track", "is not an object");
	if (!first || !cJSON_IsString(first) || !*first->valuestring)
		return bad(err, where, "artists", "is not a list of artist names");
	s->artist = first->valuestring;
	s->alen = strlen(first->valuestring);
	if (string(cJSON_GetObjectItemCaseSensitive(tr, "title"), &s->track,
		   &s->tlen) || !s->tlen)
		return bad(err, where, "title", "is not a track title");
	if (album(tr, s))
		return bad(err, where, "album", "is not an album object or null");
	if (seconds(cJSON_GetObjectItemCaseSensitive(tr, "length"), 0,
		    MAX_SECONDS, &len))
		return bad(err, where, "length", "is not a whole number of "
			   "seconds (0 to 24 days) or null");
	s->duration_ms = len > 0 ? len * 1000 : -1;
	return 0;
}

static int scrobble(const struct format_input *in, struct import_file *out,
		    const cJSON *o, const char *where, int64_t now_s,
		    struct strbuf *err)
{
	struct scrobble s;
	int64_t d;

	memset(&s, 0, sizeof(s));
	if (!cJSON_IsObject(o))
		return bad(err, where, "scrobble", "is not an object");
	if (seconds(cJSON_GetObjectItemCaseSensitive(o, "time"), SCROBBLE_MIN_TS,
		    now_s + 86400, &s.start_s) || s.start_s < 0) /* or missing */
		return bad(err, where, "time", "is not a unix time in seconds "
			   "from 2002-10-01 to now");
	if (track(cJSON_GetObjectItemCaseSensitive(o, "track"), where, &s, err))
		return -1;
	if (seconds(cJSON_GetObjectItemCaseSensitive(o, "duration"), 0,
		    MAX_SECONDS, &d))
		return bad(err, where, "duration", "is not a whole number of "
			   "seconds (0 to 24 days) or null");
	if (d > 0)
		s.duration_ms = d * 1000;
	return scrobble_add(&s, SOURCE_MALOJA, in, out, where, err);
}

static int parse(const struct format_input *in, struct import_file *out,
		 struct strbuf *err)
{
	cJSON *doc, *a, *o;
	struct strbuf where = STRBUF_INIT;
	int64_t now_s = time(NULL);
	int ret = 0;

	if (!detect_bytes(in->buf, in->len)) {
		if (!in->strict && !in->named)
			return 1;
		strbuf_addf(err, "%s: not a maloja export (no {\"scrobbles\": "
			    "[...]} first)", in->name);
		return -1;
	}
	out->format = FMT_MALOJA;
	out->kind = KIND_MUSIC;
	doc = cJSON_ParseWithLength(in->buf, in->len);
	a = cJSON_GetObjectItemCaseSensitive(doc, "scrobbles");
	if (!cJSON_IsArray(a)) {
		strbuf_addf(err, "%s: not a maloja export (invalid or truncated "
			    "JSON)", in->name);
		cJSON_Delete(doc);
		return -1;
	}
	cJSON_ArrayForEach(o, a) {
		strbuf_reset(&where);
		strbuf_addf(&where, "%s: record %zu", in->name, out->records++);
		if ((ret = scrobble(in, out, o, where.buf, now_s, err)))
			break;
	}
	strbuf_release(&where);
	cJSON_Delete(doc);
	return ret;
}

const struct source_format format_maloja = {
	.id = FMT_MALOJA,
	.name = "maloja",
	.suffix = ".json",
	.detect_name = detect_name,
	.detect_bytes = detect_bytes,
	.parse = parse,
	.json = NULL,
	.source = SOURCE_MALOJA,
	.precision_ms = 1000,
	.match = MATCH_BY_NAMES,
};
