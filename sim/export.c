/*
 * Files are pretty-printed with two spaces like the real ones: each record is
 * printed by cJSON (which indents with tabs) and the tabs are turned into
 * spaces; cJSON escapes tabs inside strings, so every raw tab is layout.
 */
#include "export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zip.h>

#include "core/strbuf.h"
#include "core/xalloc.h"
#include "rng.h"
#include "core/banned.h"

#define RECORDS_PER_FILE 10000

static void fmt_time(int64_t ms, const char *fmt, char *out, size_t n)
{
	time_t s = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&s, &tm);
	strftime(out, n, fmt, &tm);
}

/* Appends o as pretty JSON indented by `indent` spaces, tabs turned into spaces. */
static void add_pretty(struct strbuf *sb, const cJSON *o, int indent)
{
	char *s = cJSON_Print(o);
	int at_line_start = 1;
	for (int i = 0; i < indent; i++)
		strbuf_addch(sb, ' ');
	for (const char *p = s; *p; p++) {
		if (*p == '\t') {
			strbuf_addstr(sb, at_line_start ? "  " : " ");
			continue;
		}
		at_line_start = 0;
		strbuf_addch(sb, *p);
		if (*p == '\n') {
			at_line_start = 1;
			for (int i = 0; i < indent; i++)
				strbuf_addch(sb, ' ');
		}
	}
	free(s);
}

static void add_nullable(cJSON *o, const char *key, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

/* Per-play quirks of an export with quirks=1. */
enum { Q_VIDEO = 1, Q_DUP = 2, Q_NULL_SKIPPED = 4, Q_EMPTY_REASON = 8 };

static cJSON *extended_record(const struct world *w, int u, const struct play *p, unsigned q, int endsong)
{
	const struct catalog *c = w->cat;
	cJSON *o = cJSON_CreateObject();
	char ts[32], uri[64];
	const struct cat_track *t = p->kind == PLAY_MUSIC ? &c->tracks[p->item] : NULL;
	const struct cat_episode *e = p->kind == PLAY_PODCAST ? &c->episodes[p->item] : NULL;

	fmt_time(p->end_ms, "%Y-%m-%dT%H:%M:%SZ", ts, sizeof(ts));
	cJSON_AddStringToObject(o, "ts", ts);
	if (endsong) {
		char name[32];
		snprintf(name, sizeof(name), "user%d", u + 1);
		cJSON_AddStringToObject(o, "username", name);
	}
	cJSON_AddStringToObject(o, "platform", listen_platform_name(p->platform));
	cJSON_AddNumberToObject(o, "ms_played", p->ms_played);
	cJSON_AddStringToObject(o, "conn_country", "NL");
	if (endsong) {
		cJSON_AddStringToObject(o, "ip_addr_decrypted", "192.0.2.1");
		cJSON_AddStringToObject(o, "user_agent_decrypted", "unknown");
	} else {
		cJSON_AddStringToObject(o, "ip_addr", "192.0.2.1");
	}
	add_nullable(o, "master_metadata_track_name", t ? t->name : NULL);
	add_nullable(o, "master_metadata_album_artist_name", t ? c->artists[c->albums[t->album].artists[0]].name : NULL);
	add_nullable(o, "master_metadata_album_album_name", t ? c->albums[t->album].name : NULL);
	if (t)
		snprintf(uri, sizeof(uri), "spotify:track:%s", t->id);
	add_nullable(o, "spotify_track_uri", t ? uri : NULL);
	add_nullable(o, "episode_name", e ? e->name : NULL);
	add_nullable(o, "episode_show_name", e ? c->shows[e->show].name : NULL);
	if (e)
		snprintf(uri, sizeof(uri), "spotify:episode:%s", e->id);
	add_nullable(o, "spotify_episode_uri", e ? uri : NULL);
	if (!endsong) {
		cJSON_AddNullToObject(o, "audiobook_title");
		cJSON_AddNullToObject(o, "audiobook_uri");
		cJSON_AddNullToObject(o, "audiobook_chapter_uri");
		cJSON_AddNullToObject(o, "audiobook_chapter_title");
	}
	cJSON_AddStringToObject(o, "reason_start", q & Q_EMPTY_REASON ? "" : listen_reason_name(p->reason_start));
	cJSON_AddStringToObject(o, "reason_end", listen_reason_name(p->reason_end));
	cJSON_AddBoolToObject(o, "shuffle", p->shuffle);
	if (q & Q_NULL_SKIPPED)
		cJSON_AddNullToObject(o, "skipped");
	else
		cJSON_AddBoolToObject(o, "skipped", p->skipped);
	cJSON_AddBoolToObject(o, "offline", p->offline);
	/* the start time: in ms in the old era, in seconds in the new one */
	cJSON_AddNumberToObject(o, "offline_timestamp",
				(double)(endsong ? p->end_ms - p->ms_played : (p->end_ms - p->ms_played) / 1000));
	cJSON_AddBoolToObject(o, "incognito_mode", p->incognito);
	return o;
}

static int add_file(zip_t *za, const char *name, struct strbuf *sb)
{
	size_t len;
	char *data = strbuf_detach(sb, &len);
	zip_source_t *src = zip_source_buffer(za, data, len, 1);
	if (!src) {
		free(data);
		return -1;
	}
	if (zip_file_add(za, name, src, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE) < 0) {
		zip_source_free(src);
		return -1;
	}
	return 0;
}

/* Appends "2026" or "2025-2026": the years of the earliest and latest of the plays idx[0..n). */
static void add_years(struct strbuf *sb, const struct play *plays, const size_t *idx, size_t n)
{
	int64_t lo = plays[idx[0]].end_ms, hi = lo;
	char y1[8], y2[8];
	for (size_t i = 1; i < n; i++) {
		int64_t t = plays[idx[i]].end_ms;
		lo = t < lo ? t : lo;
		hi = t > hi ? t : hi;
	}
	fmt_time(lo, "%Y", y1, sizeof(y1));
	fmt_time(hi, "%Y", y2, sizeof(y2));
	strbuf_addstr(sb, y1);
	if (strcmp(y1, y2))
		strbuf_addf(sb, "-%s", y2);
}

/* Writes the plays idx[0..n), in that order, as one JSON array file; q (NULL: none) holds each play's quirks. */
static int add_extended_file(zip_t *za, const char *name, const struct world *w, int u, const size_t *idx, size_t n,
			     const uint8_t *q, int endsong)
{
	const struct play *plays = w->users[u].plays;
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "[\n");
	for (size_t i = 0; i < n; i++) {
		cJSON *o = extended_record(w, u, &plays[idx[i]], q ? q[idx[i]] : 0, endsong);
		add_pretty(&sb, o, 2);
		strbuf_addstr(&sb, i + 1 < n ? ",\n" : "\n");
		cJSON_Delete(o);
	}
	strbuf_addstr(&sb, "]");
	return add_file(za, name, &sb);
}

/*
 * Writes idx[0..n) (sorted by time) in files of RECORDS_PER_FILE records:
 * <dir>/<stem><years>_<k>.json, or <dir>/endsong_<k>.json. With quirks the
 * records of each file are shuffled; `salt` keeps the streams of the Audio
 * and Video files apart.
 */
static int add_extended_files(zip_t *za, const char *dir, const char *stem, const struct world *w, int u, size_t *idx,
			      size_t n, const uint8_t *q, int endsong, uint64_t salt)
{
	const struct play *plays = w->users[u].plays;
	int rc = 0;
	for (size_t from = 0, k = 0; from < n && !rc; from += RECORDS_PER_FILE, k++) {
		size_t cnt = n - from < RECORDS_PER_FILE ? n - from : RECORDS_PER_FILE;
		size_t *chunk = idx + from;
		struct strbuf name = STRBUF_INIT;
		strbuf_addf(&name, "%s/", dir);
		if (endsong) {
			strbuf_addf(&name, "endsong_%d.json", (int)k);
		} else {
			strbuf_addstr(&name, stem);
			add_years(&name, plays, chunk, cnt);
			strbuf_addf(&name, "_%d.json", (int)k);
		}
		if (q) {
			struct rng r;
			rng_init(&r, w->seed, (uint64_t)u + 1, 0x5b0ff1eULL + salt * 65536 + k);
			for (size_t i = cnt - 1; i > 0; i--) {
				size_t j = (size_t)rng_int(&r, 0, (int64_t)i), tmp = chunk[i];
				chunk[i] = chunk[j];
				chunk[j] = tmp;
			}
		}
		rc = add_extended_file(za, name.buf, w, u, chunk, cnt, q, endsong);
		strbuf_release(&name);
	}
	return rc;
}

/* A stand-in for the PDF real exports carry beside the JSON files; readers must ignore it. */
static int add_readme(zip_t *za, const char *dir)
{
	struct strbuf sb = STRBUF_INIT, name = STRBUF_INIT;
	int rc;
	strbuf_addstr(&sb, "%PDF-1.4\n% spotify-sim: Read Me First (placeholder)\n%%EOF\n");
	strbuf_addf(&name, "%s/ReadMeFirst_ExtendedStreamingHistory.pdf", dir);
	rc = add_file(za, name.buf, &sb);
	strbuf_release(&name);
	return rc;
}

static int add_extended(zip_t *za, const struct world *w, int u, const struct export_opts *opts)
{
	const struct play *plays = w->users[u].plays;
	size_t n = listen_visible(w, u), naudio = 0, nvideo = 0;
	const char *dir = opts->endsong ? "MyData" : "Spotify Extended Streaming History";
	uint8_t *q = NULL;
	size_t *audio = xmalloc((2 * n + 1) * sizeof(*audio)), *video = NULL;
	int rc = -1;

	if (zip_dir_add(za, dir, ZIP_FL_ENC_UTF_8) < 0)
		goto out;
	if (opts->quirks) {
		struct rng r;
		q = xcalloc(n ? n : 1, 1);
		video = xmalloc((2 * n + 1) * sizeof(*video));
		rng_init(&r, w->seed, (uint64_t)u + 1, 0x9a1c5ULL);
		for (size_t i = 0; i < n; i++) {
			/* four draws for every play, so a play's quirks never depend on another's */
			double dv = rng_unit(&r), dd = rng_unit(&r), ds = rng_unit(&r), dr = rng_unit(&r);
			if (dv < 0.05 && plays[i].kind == PLAY_MUSIC && !opts->endsong)
				q[i] |= Q_VIDEO;
			if (dd < 0.01)
				q[i] |= Q_DUP;
			if (ds < 0.02)
				q[i] |= Q_NULL_SKIPPED;
			if (dr < 0.02)
				q[i] |= Q_EMPTY_REASON;
		}
	}
	for (size_t i = 0; i < n; i++) {
		size_t *list = q && (q[i] & Q_VIDEO) ? video : audio;
		size_t *len = list == video ? &nvideo : &naudio;
		list[(*len)++] = i;
		if (q && (q[i] & Q_DUP))
			list[(*len)++] = i;
	}
	if (add_extended_files(za, dir, "Streaming_History_Audio_", w, u, audio, naudio, q, opts->endsong, 0) ||
	    add_extended_files(za, dir, "Streaming_History_Video_", w, u, video, nvideo, q, opts->endsong, 1))
		goto out;
	if (opts->quirks && add_readme(za, dir))
		goto out;
	rc = 0;
out:
	free(audio);
	free(video);
	free(q);
	return rc;
}

/*
 * With noise=1, the names of a track in the account data as real files
 * differ from the catalog's, decided per track (every play of a track
 * carries the same name): by the track's id hash, 1 in 8 is upper case,
 * 1 in 8 gets " (feat. <another artist>)", 1 in 8 " - Remastered 2011",
 * 1 in 8 has its first 'e' written decomposed (e + U+0301, as NFD text
 * does), and 1 in 25 gets " (Demo)": a name the catalog does not have.
 */
static void noisy_name(const struct catalog *c, int t, struct strbuf *out)
{
	const struct cat_track *tr = &c->tracks[t];
	uint64_t h = rng_mix(rng_hash_str(tr->id));
	const char *e;

	strbuf_addstr(out, tr->name);
	if (h % 25 == 3) {
		strbuf_addstr(out, " (Demo)");
		return;
	}
	switch ((h >> 8) % 8) {
	case 0:
		for (size_t i = 0; i < out->len; i++)
			if (out->buf[i] >= 'a' && out->buf[i] <= 'z')
				out->buf[i] = (char)(out->buf[i] - 'a' + 'A');
		break;
	case 1:
		strbuf_addf(out, " (feat. %s)",
			    c->artists[(tr->artists[0] + 1) % c->nartists].name);
		break;
	case 2:
		strbuf_addstr(out, " - Remastered 2011");
		break;
	case 3:
		if ((e = strchr(tr->name, 'e'))) {
			strbuf_reset(out);
			strbuf_add(out, tr->name, (size_t)(e - tr->name) + 1);
			strbuf_addf(out, "\xcc\x81%s", e + 1);
		}
		break;
	}
}

/* StreamingHistory_music_N.json or StreamingHistory_podcast_N.json. */
static int add_account_kind(zip_t *za, const struct world *w, int u, int kind,
			    int noise)
{
	const struct catalog *c = w->cat;
	const struct play *plays = w->users[u].plays;
	size_t n = listen_visible(w, u), count = 0;
	int file = 0, rc = 0;
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i <= n && !rc; i++) {
		if (i == n || count == RECORDS_PER_FILE) {
			if (count || (i == n && file == 0)) {
				struct strbuf name = STRBUF_INIT;
				strbuf_addf(&name, "Spotify Account Data/StreamingHistory_%s_%d.json",
					    kind == PLAY_MUSIC ? "music" : "podcast", file++);
				strbuf_addstr(&sb, count ? "\n]" : "[]");
				rc = add_file(za, name.buf, &sb);
				strbuf_release(&name);
				count = 0;
			}
			if (i == n)
				break;
		}
		const struct play *p = &plays[i];
		if (p->kind != kind)
			continue;
		cJSON *o = cJSON_CreateObject();
		char end[32];
		fmt_time(p->end_ms, "%Y-%m-%d %H:%M", end, sizeof(end));
		cJSON_AddStringToObject(o, "endTime", end);
		if (kind == PLAY_MUSIC) {
			const struct cat_track *t = &c->tracks[p->item];
			cJSON_AddStringToObject(o, "artistName", c->artists[t->artists[0]].name);
			struct strbuf nm = STRBUF_INIT;
			if (noise)
				noisy_name(c, p->item, &nm);
			cJSON_AddStringToObject(o, "trackName", noise ? nm.buf : t->name);
			strbuf_release(&nm);
		} else {
			const struct cat_episode *e = &c->episodes[p->item];
			cJSON_AddStringToObject(o, "podcastName", c->shows[e->show].name);
			cJSON_AddStringToObject(o, "episodeName", e->name);
		}
		cJSON_AddNumberToObject(o, "msPlayed", p->ms_played);
		strbuf_addstr(&sb, count ? ",\n" : "[\n");
		add_pretty(&sb, o, 2);
		cJSON_Delete(o);
		count++;
	}
	strbuf_release(&sb);
	return rc;
}

static int add_account(zip_t *za, const struct world *w, int u, int noise)
{
	struct strbuf sb = STRBUF_INIT, mail = STRBUF_INIT;
	cJSON *o = cJSON_CreateObject();
	if (zip_dir_add(za, "Spotify Account Data", ZIP_FL_ENC_UTF_8) < 0)
		return -1;
	if (add_account_kind(za, w, u, PLAY_MUSIC, noise) ||
	    add_account_kind(za, w, u, PLAY_PODCAST, 0))
		return -1;
	strbuf_addf(&mail, "user%d@example.invalid", u + 1);
	cJSON_AddStringToObject(o, "username", mail.buf + 0);
	cJSON_AddStringToObject(o, "email", mail.buf);
	cJSON_AddStringToObject(o, "country", "NL");
	cJSON_AddBoolToObject(o, "createdFromFacebook", 0);
	cJSON_AddNullToObject(o, "facebookUid");
	cJSON_AddStringToObject(o, "birthdate", "1990-01-01");
	cJSON_AddStringToObject(o, "gender", "neutral");
	cJSON_AddNullToObject(o, "postalCode");
	cJSON_AddNullToObject(o, "mobileNumber");
	cJSON_AddNullToObject(o, "mobileOperator");
	cJSON_AddNullToObject(o, "mobileBrand");
	cJSON_AddStringToObject(o, "creationTime", "2015-06-01");
	add_pretty(&sb, o, 0);
	cJSON_Delete(o);
	strbuf_release(&mail);
	return add_file(za, "Spotify Account Data/Userdata.json", &sb);
}

unsigned char *export_zip(const struct world *w, int u, int packages, const struct export_opts *opts, size_t *len)
{
	static const struct export_opts none;
	zip_error_t ze;
	zip_source_t *src;
	zip_t *za;
	unsigned char *out = NULL;
	zip_int64_t size;

	zip_error_init(&ze);
	src = zip_source_buffer_create(NULL, 0, 0, &ze);
	if (!src)
		goto out;
	za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
	if (!za) {
		zip_source_free(src);
		goto out;
	}
	zip_source_keep(src);
	if (((packages & EXPORT_EXTENDED) && add_extended(za, w, u, opts ? opts : &none)) ||
	    ((packages & EXPORT_ACCOUNT) && add_account(za, w, u, opts ? opts->noise : 0))) {
		zip_discard(za);
		zip_source_free(src);
		goto out;
	}
	if (zip_close(za) < 0) {
		zip_discard(za);
		zip_source_free(src);
		goto out;
	}
	if (zip_source_open(src) < 0) {
		zip_source_free(src);
		goto out;
	}
	zip_source_seek(src, 0, SEEK_END);
	size = zip_source_tell(src);
	zip_source_seek(src, 0, SEEK_SET);
	out = xmalloc(size > 0 ? (size_t)size : 1);
	if (zip_source_read(src, out, (zip_uint64_t)size) != size) {
		free(out);
		out = NULL;
	}
	*len = (size_t)size;
	zip_source_close(src);
	zip_source_free(src);
out:
	zip_error_fini(&ze);
	return out;
}
