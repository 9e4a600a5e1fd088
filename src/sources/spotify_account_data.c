/*
 * Spotify's account data ("Account data" package): StreamingHistoryN.json
 * (music and podcasts mixed, until 2023), StreamingHistory_music_N.json,
 * StreamingHistory_podcast_N.json and StreamingHistory_audiobook_N.json.
 * One record a stream with "endTime" to the minute, "msPlayed" and names
 * only: matched by names.
 */
#include <string.h>

#include "sources/json_scan.h"
#include "store/sources.h"
#include "core/banned.h"

enum {
	K_END_TIME, K_ARTIST, K_TRACK, K_MS_PLAYED, K_PODCAST, K_EPISODE,
	K_AUDIOBOOK, K_CHAPTER, K_AUTHOR,
	K_N
};

static const char *const keys[K_N] = {
	"endTime", "artistName", "trackName", "msPlayed", "podcastName",
	"episodeName", "audiobookName", "chapterName", "authorName",
};

/* The kind the name says (-1: the old StreamingHistoryN.json mixes them). */
static int detect_name(const char *b, struct format_hint *h)
{
	static const struct { const char *prefix; int kind; } names[] = {
		{ "StreamingHistory", -1 },
		{ "StreamingHistory_music_", KIND_MUSIC },
		{ "StreamingHistory_podcast_", KIND_PODCAST },
		{ "StreamingHistory_audiobook_", KIND_AUDIOBOOK },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (format_name_numbered(b, names[i].prefix)) {
			h->kind = names[i].kind;
			return 1;
		}
	}
	return 0;
}

/* Record 0 says the kind when the name does not: by the keys it has. */
static int detect(const struct json_scan *s, const struct json_rec *r,
		  struct json_fileinfo *fi)
{
#define HAS(k) (json_val(s, r, k)->type != J_NONE)
	if (!HAS(K_END_TIME) || !HAS(K_MS_PLAYED))
		return 0;
	if (HAS(K_PODCAST) || HAS(K_EPISODE)) {
		fi->kind = KIND_PODCAST;
	} else if (HAS(K_AUDIOBOOK) || HAS(K_CHAPTER)) {
		fi->kind = KIND_AUDIOBOOK;
	} else {
		fi->kind = KIND_MUSIC;
		fi->unsure = 1;
	}
	return 1;
#undef HAS
}

static int event(struct json_scan *s, const struct json_rec *r,
		 struct import_event *e)
{
	const char *et, *a, *t, *x;
	size_t etl, al, tl, xl;
	int ka, kt;
	uint64_t h;

	if (json_val(s, r, K_END_TIME)->type == J_NONE)
		return json_fail_field(s, K_END_TIME, "is missing", NULL);
	if (json_get_str(s, r, K_END_TIME, &et, &etl))
		return -1;
	if (!et || json_spotify_time(et, etl, 0, &e->played_ms))
		return json_fail_field(s, K_END_TIME, "is not a timestamp",
				       json_val(s, r, K_END_TIME));
	if (!json_spotify_plausible(e->played_ms, s->fi.now))
		return json_fail_field(s, K_END_TIME, JSON_SPOTIFY_IMPLAUSIBLE,
				       json_val(s, r, K_END_TIME));
	e->played_ms -= e->played_ms % 60000;
	/* account data says nothing of skips, shuffle, offline or incognito:
	 * unknown, not false (a skip rate of 0.0% would be made up) */
	e->skipped = e->shuffle = e->offline = e->incognito = TRI_NULL;
	if (json_get_ms(s, r, K_MS_PLAYED, &e->ms_played))
		return -1;
	e->kind = (uint8_t)s->fi.kind;
	switch (s->fi.kind) {
	case KIND_PODCAST: ka = K_PODCAST; kt = K_EPISODE; break;
	case KIND_AUDIOBOOK: ka = K_AUDIOBOOK; kt = K_CHAPTER; break;
	default: ka = K_ARTIST; kt = K_TRACK; break;
	}
	if (json_get_str(s, r, ka, &a, &al) || json_get_str(s, r, kt, &t, &tl))
		return -1;
	if (s->fi.kind == KIND_AUDIOBOOK) {
		if (json_get_str(s, r, K_AUTHOR, &x, &xl))
			return -1;
		e->str[IS_ALBUM] = format_intern(s->pool, a, al);
	}
	e->str[IS_ARTIST] = format_intern(s->pool, a, al);
	e->str[IS_TRACK] = format_intern(s->pool, t, tl);
	e->namekey = import_namekey(a ? a : "", al, t ? t : "", tl);
	e->flags = s->fi.unsure ? EV_KIND_UNSURE : 0;
	h = hash_words_mix(HASH_WORDS_SEED, SRC_ACCOUNT_DATA);
	h = hash_words_mix(h, (uint64_t)e->played_ms);
	h = hash_words_mix(h, (uint64_t)e->ms_played);
	h = hash_words_mix(h, e->namekey);
	e->fp = h ? h : 1;
	return 0;
}

static const struct json_format json = { keys, K_N, detect, event };

const struct source_format format_spotify_account_data = {
	.id = FMT_ACCOUNT,
	.name = "spotify_account_data",
	.suffix = ".json",
	.detect_name = detect_name,
	.detect_bytes = NULL,
	.parse = json_scan_parse,
	.json = &json,
	.source = SOURCE_ACCOUNT_DATA,
	.precision_ms = 60000,
	.match = MATCH_BY_NAMES,
};
