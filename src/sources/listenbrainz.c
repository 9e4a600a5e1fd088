/*
 * ListenBrainz's export: the ZIP "Export your listens" gives holds
 * listens/YYYY/M.jsonl files, one listen object a line (with
 * "inserted_at", "recording_msid" and "user_name" besides the listen's
 * own keys); older exports were one JSON array of the same objects. Both
 * are recognised by content: the first record has "listened_at" and
 * "track_metadata". The other files of the ZIP (user.json, feedback.jsonl,
 * pinned_recording.jsonl) are not listens and are ignored.
 *
 * Matched by names (no Spotify ids; an additional_info.spotify_id is kept
 * in the kept metadata only), on start times (sources.c: starts).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/ids.h"
#include "sources/listenbrainz.h"
#include "core/banned.h"

static int fail(struct strbuf *err, const char *field, const char *what)
{
	strbuf_addf(err, "\"%s\" %s", field, what);
	return -1;
}

/* A JSON integer within lo..hi (a string of digits too: ListenBrainz takes int()). */
static int whole(const cJSON *v, int64_t lo, int64_t hi, int64_t *out)
{
	double d;
	char *end;

	if (cJSON_IsString(v)) {
		long long n = strtoll(v->valuestring, &end, 10);
		if (end == v->valuestring || *end)
			return -1;
		d = (double)n;
	} else if (cJSON_IsNumber(v)) {
		d = v->valuedouble;
	} else {
		return -1;
	}
	if (d < (double)lo || d > (double)hi)
		return -1;
	*out = (int64_t)d;
	return 0;
}

static int name(const cJSON *tm, const char *key, int required,
		const char **s, size_t *len, struct strbuf *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(tm, key);

	*s = NULL;
	*len = 0;
	if (!v || cJSON_IsNull(v))
		return required ? fail(err, key, "is missing") : 0;
	if (!cJSON_IsString(v))
		return fail(err, key, "is not a string");
	*s = v->valuestring;
	*len = strlen(v->valuestring);
	while (*len && (**s == ' ' || **s == '\t' || **s == '\n' || **s == '\r'))
		(*s)++, (*len)--;
	while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t' ||
			(*s)[*len - 1] == '\n' || (*s)[*len - 1] == '\r'))
		(*len)--;
	if (!*len && required)
		return fail(err, key, "is empty");
	return 0;
}

/* 24 days, ListenBrainz's MAX_DURATION_LIMIT */
#define MAX_DURATION_S (24LL * 24 * 3600)

static int duration(const cJSON *ai, int64_t *ms, struct strbuf *err)
{
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(ai, "duration_ms");
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(ai, "duration");
	int64_t v;

	*ms = -1;
	if (d && !cJSON_IsNull(d)) {
		if (whole(d, 1, MAX_DURATION_S * 1000, &v))
			return fail(err, "duration_ms", "is not a whole number of "
				    "milliseconds (1 to 24 days)");
		*ms = v;
	} else if (s && !cJSON_IsNull(s)) {
		if (whole(s, 1, MAX_DURATION_S, &v))
			return fail(err, "duration", "is not a whole number of "
				    "seconds (1 to 24 days)");
		*ms = v * 1000;
	}
	return 0;
}

/* The 22-character id of "https://open.spotify.com/track/ID[?...]", or NULL. */
static const char *spotify_track(const cJSON *v)
{
	static const char pre[] = "https://open.spotify.com/track/";
	const char *id;

	if (!cJSON_IsString(v) || strncmp(v->valuestring, pre, sizeof(pre) - 1))
		return NULL;
	id = v->valuestring + sizeof(pre) - 1;
	if (strlen(id) < 22 || (id[22] && id[22] != '?') ||
	    !spotify_id_valid(id, 22))
		return NULL;
	return id;
}

/*
 * What spinlog's own export adds (cmd/export_lb.c): "listened_at_ms", the
 * start to the millisecond (used only when it is within listened_at's
 * second), "ms_played" (0 to 24 days), and the play's Spotify id in
 * ListenBrainz's own "spotify_id" (a track URL). Anything else there is
 * ignored, as ListenBrainz accepts any additional_info.
 */
static void exact_fields(const cJSON *ai, struct scrobble *s)
{
	int64_t v;

	s->track_id = spotify_track(cJSON_GetObjectItemCaseSensitive(ai, "spotify_id"));
	if (!whole(cJSON_GetObjectItemCaseSensitive(ai, "ms_played"), 0,
		   MAX_DURATION_S * 1000, &v) &&
	    cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(ai, "ms_played"))) {
		s->ms_played = v;
		s->has_ms_played = 1;
	}
	if (!whole(cJSON_GetObjectItemCaseSensitive(ai, "listened_at_ms"),
		   s->start_s * 1000, s->start_s * 1000 + 999, &v)) {
		s->start_extra_ms = v - s->start_s * 1000;
		s->exact = 1;
	}
}

int lb_listen_scrobble(const cJSON *listen, int64_t now_s, struct scrobble *s,
		       struct strbuf *err)
{
	const cJSON *tm, *ai;

	memset(s, 0, sizeof(*s));
	if (!cJSON_IsObject(listen))
		return fail(err, "listen", "is not an object");
	if (whole(cJSON_GetObjectItemCaseSensitive(listen, "listened_at"),
		  SCROBBLE_MIN_TS, now_s + 86400, &s->start_s))
		return fail(err, "listened_at", "is not a unix time in seconds "
			    "from 2002-10-01 to now");
	tm = cJSON_GetObjectItemCaseSensitive(listen, "track_metadata");
	if (!cJSON_IsObject(tm))
		return fail(err, "track_metadata", "is not an object");
	if (name(tm, "artist_name", 1, &s->artist, &s->alen, err) ||
	    name(tm, "track_name", 1, &s->track, &s->tlen, err) ||
	    name(tm, "release_name", 0, &s->album, &s->blen, err))
		return -1;
	ai = cJSON_GetObjectItemCaseSensitive(tm, "additional_info");
	s->duration_ms = -1;
	if (!cJSON_IsObject(ai))
		return 0;
	exact_fields(ai, s);
	return duration(ai, &s->duration_ms, err);
}

/* ---- the export ---- */

static int has_keys(const char *p, size_t n)
{
	return memmem(p, n, "\"listened_at\"", 13) &&
	       memmem(p, n, "\"track_metadata\"", 16);
}

static int detect_name(const char *own, struct format_hint *h)
{
	(void)own;
	(void)h;
	return 0; /* listens/2024/1.jsonl: by content */
}

static int detect_bytes(const char *buf, size_t len)
{
	size_t i = 0, n;
	const char *nl;

	while (i < len && (buf[i] == ' ' || buf[i] == '\n' || buf[i] == '\r' ||
			   buf[i] == '\t' || buf[i] == '['))
		i++;
	if (i >= len || buf[i] != '{')
		return 0;
	nl = memchr(buf + i, '\n', len - i);
	n = nl ? (size_t)(nl - buf) - i : len - i;
	return has_keys(buf + i, n > 16384 ? 16384 : n);
}

/* One listen object, record rec (a line or an array index), to out. */
static int add_listen(const struct format_input *in, struct import_file *out,
		      const cJSON *o, const char *where, int64_t now_s,
		      struct strbuf *err)
{
	struct scrobble s;
	struct strbuf why = STRBUF_INIT;
	int ret = 0;

	if (lb_listen_scrobble(o, now_s, &s, &why)) {
		strbuf_reset(err);
		strbuf_addf(err, "%s: %s", where, why.buf);
		ret = -1;
	} else {
		ret = scrobble_add(&s, SOURCE_LISTENBRAINZ, in, out, where, err);
	}
	strbuf_release(&why);
	return ret;
}

static int parse_array(const struct format_input *in, struct import_file *out,
		       int64_t now_s, struct strbuf *err)
{
	cJSON *a = cJSON_ParseWithLength(in->buf, in->len), *o;
	struct strbuf where = STRBUF_INIT;
	size_t i = 0;
	int ret = 0;

	if (!cJSON_IsArray(a)) {
		strbuf_addf(err, "%s: not a JSON array of listens (invalid or "
			    "truncated JSON)", in->name);
		cJSON_Delete(a);
		return -1;
	}
	cJSON_ArrayForEach(o, a) {
		strbuf_reset(&where);
		strbuf_addf(&where, "%s: record %zu", in->name, i);
		if ((ret = add_listen(in, out, o, where.buf, now_s, err)) &&
		    (ret = format_reject(in, out, i, err)))
			break;
		i++;
	}
	out->records = i;
	strbuf_release(&where);
	cJSON_Delete(a);
	return ret;
}

static int parse_lines(const struct format_input *in, struct import_file *out,
		       int64_t now_s, struct strbuf *err)
{
	const char *p = in->buf, *end = in->buf + in->len;
	struct strbuf where = STRBUF_INIT;
	size_t line = 0;
	int ret = 0;

	while (p < end && !ret) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl ? nl : end) - p);
		cJSON *o;

		line++;
		strbuf_reset(&where);
		strbuf_addf(&where, "%s:%zu", in->name, line);
		while (len && (p[len - 1] == '\r' || p[len - 1] == ' '))
			len--;
		if (len) {
			o = cJSON_ParseWithLength(p, len);
			if (!o) {
				strbuf_addf(err, "%s: not a JSON object (invalid "
					    "or truncated JSON)", where.buf);
				ret = -1;
			} else {
				ret = add_listen(in, out, o, where.buf, now_s, err);
				out->records++;
			}
			if (ret)
				ret = format_reject(in, out, line, err);
			cJSON_Delete(o);
		}
		p = nl ? nl + 1 : end;
	}
	strbuf_release(&where);
	return ret;
}

static int parse(const struct format_input *in, struct import_file *out,
		 struct strbuf *err)
{
	size_t i = 0;

	if (!detect_bytes(in->buf, in->len)) {
		if (!in->strict && !in->named)
			return 1;
		strbuf_addf(err, "%s: not a ListenBrainz export (no listen with "
			    "\"listened_at\" and \"track_metadata\" first)", in->name);
		return -1;
	}
	out->format = FMT_LISTENBRAINZ;
	out->kind = KIND_MUSIC;
	while (i < in->len && (in->buf[i] == ' ' || in->buf[i] == '\n' ||
			       in->buf[i] == '\r' || in->buf[i] == '\t'))
		i++;
	return in->buf[i] == '[' ? parse_array(in, out, time(NULL), err)
				 : parse_lines(in, out, time(NULL), err);
}

const struct source_format format_listenbrainz = {
	.id = FMT_LISTENBRAINZ,
	.name = "listenbrainz",
	.suffix = ".jsonl",
	.detect_name = detect_name,
	.detect_bytes = detect_bytes,
	.parse = parse,
	.json = NULL,
	.source = SOURCE_LISTENBRAINZ,
	.precision_ms = 1000,
	.match = MATCH_BY_NAMES,
};
