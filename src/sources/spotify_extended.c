/*
 * Spotify's extended streaming history: endsong_N.json (until 2023),
 * Streaming_History_Audio_*.json and Streaming_History_Video_*.json. One
 * record a stream, with "ts" (the end, to the second), "ms_played", the
 * track, episode or audiobook chapter URI and what Spotify knows of the
 * stream. Matched by Spotify id.
 */
#include <string.h>

#include "sources/json_scan.h"
#include "store/sources.h"
#include "core/banned.h"

enum {
	K_TS, K_USERNAME, K_PLATFORM, K_MS_PLAYED, K_CONN_COUNTRY, K_IP_ADDR,
	K_IP_ADDR_DEC, K_UA_DEC, K_TRACK_NAME, K_ARTIST_NAME, K_ALBUM_NAME,
	K_TRACK_URI, K_EPISODE_NAME, K_SHOW_NAME, K_EPISODE_URI, K_AB_TITLE,
	K_AB_URI, K_AB_CHAPTER_URI, K_AB_CHAPTER_TITLE, K_REASON_START,
	K_REASON_END, K_SHUFFLE, K_SKIPPED, K_OFFLINE, K_OFFLINE_TS,
	K_INCOGNITO,
	K_N
};

static const char *const keys[K_N] = {
	"ts", "username", "platform", "ms_played", "conn_country", "ip_addr",
	"ip_addr_decrypted", "user_agent_decrypted",
	"master_metadata_track_name", "master_metadata_album_artist_name",
	"master_metadata_album_album_name", "spotify_track_uri", "episode_name",
	"episode_show_name", "spotify_episode_uri", "audiobook_title",
	"audiobook_uri", "audiobook_chapter_uri", "audiobook_chapter_title",
	"reason_start", "reason_end", "shuffle", "skipped", "offline",
	"offline_timestamp", "incognito_mode",
};

/* The string fields of a record, as the file has them (NULL when null). */
struct ext_text {
	const char *v[K_N];
	size_t len[K_N];
};

static int detect_name(const char *b, struct format_hint *h)
{
	if (format_name_numbered(b, "endsong_") ||
	    !strncmp(b, "Streaming_History_Audio_", 24))
		return 1;
	if (!strncmp(b, "Streaming_History_Video_", 24)) {
		h->video = 1;
		return 1;
	}
	return 0;
}

static int detect(const struct json_scan *s, const struct json_rec *r,
		  struct json_fileinfo *fi)
{
	(void)fi;
	return json_val(s, r, K_TS)->type != J_NONE &&
	       json_val(s, r, K_MS_PLAYED)->type != J_NONE;
}

static int get_text(struct json_scan *s, const struct json_rec *r,
		    struct ext_text *t)
{
	static const int want[] = {
		K_TRACK_NAME, K_ARTIST_NAME, K_ALBUM_NAME, K_TRACK_URI,
		K_EPISODE_NAME, K_SHOW_NAME, K_EPISODE_URI, K_AB_TITLE,
		K_AB_URI, K_AB_CHAPTER_URI, K_AB_CHAPTER_TITLE,
		K_REASON_START, K_REASON_END, K_PLATFORM, K_CONN_COUNTRY,
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (json_get_str(s, r, want[i], &t->v[want[i]], &t->len[want[i]]))
			return -1;
	return json_check_str(s, r, K_USERNAME);
}

/* "ts", "ms_played", the flags and "offline_timestamp". */
static int get_times(struct json_scan *s, const struct json_rec *r,
		     const char *ts, size_t tsl, struct import_event *e)
{
	const struct jval *ov = json_val(s, r, K_OFFLINE_TS);

	if (!ts || json_spotify_time(ts, tsl, 1, &e->played_ms))
		return json_fail_field(s, K_TS, "is not a timestamp",
				       json_val(s, r, K_TS));
	if (!json_spotify_plausible(e->played_ms, s->fi.now))
		return json_fail_field(s, K_TS, JSON_SPOTIFY_IMPLAUSIBLE,
				       json_val(s, r, K_TS));
	e->played_ms -= e->played_ms % 1000;
	if (json_get_ms(s, r, K_MS_PLAYED, &e->ms_played) ||
	    json_get_bool(s, r, K_SHUFFLE, &e->shuffle) ||
	    json_get_bool(s, r, K_SKIPPED, &e->skipped) ||
	    json_get_bool(s, r, K_OFFLINE, &e->offline) ||
	    json_get_bool(s, r, K_INCOGNITO, &e->incognito))
		return -1;
	if (ov->type == J_NUM) {
		if (!ov->integral || ov->num < 0)
			return json_fail_field(s, K_OFFLINE_TS, "is not a time", ov);
		/* ms in old files, seconds in new ones */
		e->offline_ms = ov->num >= 100000000000LL ? ov->num
							  : ov->num * 1000;
	} else if (ov->type != J_NONE && ov->type != J_NULL) {
		return json_fail_field(s, K_OFFLINE_TS, "is not a time", ov);
	}
	return 0;
}

#define STR(k) t->v[k], t->len[k]
#define TSTR(k) t.v[k], t.len[k]

/* Kind and identity; local files ("spotify:local:...") have names only. */
static int get_identity(struct json_scan *s, const struct json_rec *r,
			struct ext_text *t, struct import_event *e,
			const char **id, size_t *idl)
{
	struct import_pool *pool = s->pool;
	const char *tu = t->v[K_TRACK_URI];

	if (tu && t->len[K_TRACK_URI] >= 14 && !memcmp(tu, "spotify:local:", 14))
		tu = NULL;
	if (tu) {
		if (json_uri_id(s, r, K_TRACK_URI, "spotify:track:", id, idl))
			return -1;
		e->kind = KIND_MUSIC;
		e->str[IS_TRACK_ID] = format_intern(pool, *id, *idl);
	} else if (t->v[K_EPISODE_URI]) {
		if (json_uri_id(s, r, K_EPISODE_URI, "spotify:episode:", id, idl))
			return -1;
		e->kind = s->fi.video ? KIND_VIDEO : KIND_PODCAST;
		e->str[IS_EPISODE_ID] = format_intern(pool, *id, *idl);
		e->str[IS_TRACK] = format_intern(pool, STR(K_EPISODE_NAME));
		e->str[IS_ARTIST] = format_intern(pool, STR(K_SHOW_NAME));
		return 0;
	} else if (t->v[K_AB_CHAPTER_URI] || t->v[K_AB_URI]) {
		int k = t->v[K_AB_CHAPTER_URI] ? K_AB_CHAPTER_URI : K_AB_URI;
		if (json_check_uri(s, r, k))
			return -1;
		e->kind = KIND_AUDIOBOOK;
		e->str[IS_EPISODE_ID] = format_intern(pool, STR(k));
		e->str[IS_TRACK] = format_intern(pool, STR(K_AB_CHAPTER_TITLE));
		e->str[IS_ALBUM] = format_intern(pool, STR(K_AB_TITLE));
		e->str[IS_ARTIST] = format_intern(pool, STR(K_AB_TITLE));
		return 0;
	} else if (t->v[K_TRACK_NAME] || t->v[K_ARTIST_NAME]) {
		e->kind = KIND_MUSIC; /* a local file: names, no URI */
	} else {
		e->kind = KIND_UNKNOWN; /* every metadata field null */
		return 0;
	}
	e->str[IS_TRACK] = format_intern(pool, STR(K_TRACK_NAME));
	e->str[IS_ARTIST] = format_intern(pool, STR(K_ARTIST_NAME));
	e->str[IS_ALBUM] = format_intern(pool, STR(K_ALBUM_NAME));
	return 0;
}

static int get_network(struct json_scan *s, const struct json_rec *r,
		       struct import_event *e)
{
	const char *ip, *ua;
	size_t ipl, ual;

	if (json_get_str(s, r, K_IP_ADDR, &ip, &ipl))
		return -1;
	if (!ip && json_get_str(s, r, K_IP_ADDR_DEC, &ip, &ipl))
		return -1;
	if (json_get_str(s, r, K_UA_DEC, &ua, &ual))
		return -1;
	e->str[IS_IP] = format_intern(s->pool, ip, ipl);
	e->str[IS_UA] = format_intern(s->pool, ua, ual);
	return 0;
}

/*
 * The fingerprint covers what every era of the export writes the same
 * way, so the same stream from two exports is one event.
 */
static uint64_t fingerprint(const struct import_event *e, const char *id,
			    size_t idl, const struct ext_text *t)
{
	const char *rs = t->v[K_REASON_START], *re = t->v[K_REASON_END];
	uint64_t h = hash_words_mix(HASH_WORDS_SEED, SRC_EXPORT);

	h = hash_words_mix(h, (uint64_t)e->played_ms);
	h = hash_words_mix(h, (uint64_t)e->ms_played);
	h = hash_words_mix(h, e->kind);
	h = hash_words(h, id ? id : "", idl);
	/* names as written (ids are equal, so names only tell local files apart) */
	h = hash_words_mix(h, e->str[IS_TRACK] ? import_strlen(e->str[IS_TRACK]) + 1 : 0);
	if (e->str[IS_TRACK])
		h = hash_words(h, import_str(e->str[IS_TRACK]),
				import_strlen(e->str[IS_TRACK]));
	if (e->str[IS_ARTIST])
		h = hash_words(h, import_str(e->str[IS_ARTIST]),
				import_strlen(e->str[IS_ARTIST]));
	h = hash_words(h, rs ? rs : "\1", rs ? t->len[K_REASON_START] : 1);
	h = hash_words(h, re ? re : "\1", re ? t->len[K_REASON_END] : 1);
	return h ? h : 1;
}

static int event(struct json_scan *s, const struct json_rec *r,
		 struct import_event *e)
{
	struct ext_text t;
	const char *ts, *id = NULL;
	size_t tsl, idl = 0;
	struct import_pool *pool = s->pool;

	if (json_val(s, r, K_TS)->type == J_NONE)
		return json_fail_field(s, K_TS, "is missing", NULL);
	if (json_get_str(s, r, K_TS, &ts, &tsl) || get_text(s, r, &t) ||
	    get_times(s, r, ts, tsl, e) || get_identity(s, r, &t, e, &id, &idl))
		return -1;
	e->str[IS_REASON_START] = format_intern(pool, TSTR(K_REASON_START));
	e->str[IS_REASON_END] = format_intern(pool, TSTR(K_REASON_END));
	e->str[IS_PLATFORM] = format_intern(pool, TSTR(K_PLATFORM));
	e->str[IS_COUNTRY] = format_intern(pool, TSTR(K_CONN_COUNTRY));
	if (s->fi.keep_network && get_network(s, r, e))
		return -1;
	e->fp = fingerprint(e, id, idl, &t);
	return 0;
}

static const struct json_format json = { keys, K_N, detect, event };

const struct source_format format_spotify_extended = {
	.id = FMT_EXTENDED,
	.name = "spotify_extended",
	.suffix = ".json",
	.detect_name = detect_name,
	.detect_bytes = NULL,
	.parse = json_scan_parse,
	.json = &json,
	.source = SOURCE_EXPORT,
	.precision_ms = 1000,
	.match = MATCH_BY_ID,
};
