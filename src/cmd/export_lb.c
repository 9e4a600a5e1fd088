/*
 * Plays as ListenBrainz listens (export_lb.h). The mapping, chosen so that
 * spinlog's importer gives back the same play (doc/listenbrainz.md):
 *   listened_at     the start in whole seconds: the end less ms_played
 *                   (ms_played unknown: the end), rounded down;
 *   track_metadata  artist_name, track_name, release_name (when known) as
 *                   the play carried them;
 *   additional_info listened_at_ms (the start to the millisecond),
 *                   ms_played (when known), spotify_id (ListenBrainz's own
 *                   key: https://open.spotify.com/track/ID) with
 *                   music_service "spotify.com" when the play has an id,
 *                   submission_client "spinlog".
 * Nothing else is written at the top level: ListenBrainz's submit-listens
 * refuses any key but listened_at and track_metadata there.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cmd/export_lb.h"
#include "core/ids.h"
#include "sources/scrobble.h"
#include "store/store.h"
#include "core/banned.h"

struct walk {
	FILE *f;
	int64_t from_ms, to_ms;
	struct export_lb_stats *st;
	struct strbuf buf;
	int failed;
	/*
	 * Plays ending in the same millisecond come newest id first; they are
	 * written in id order, which an import keeps, so the store a file
	 * was imported into exports the same bytes.
	 */
	struct strvec tie;
	int64_t tie_ms;
};

static void add_info(cJSON *ai, const struct store_log_play *p, int64_t start_ms)
{
	char url[64];

	cJSON_AddNumberToObject(ai, "listened_at_ms", (double)start_ms);
	if (p->ms_played >= 0)
		cJSON_AddNumberToObject(ai, "ms_played", (double)p->ms_played);
	if (p->track_id && spotify_id_valid_str(p->track_id)) {
		snprintf(url, sizeof(url), "https://open.spotify.com/track/%s",
			 p->track_id);
		cJSON_AddStringToObject(ai, "spotify_id", url);
		/* with the id only, so a re-import exports the same bytes */
		cJSON_AddStringToObject(ai, "music_service", "spotify.com");
	}
	cJSON_AddStringToObject(ai, "submission_client", "spinlog");
}

static int flush(struct walk *w)
{
	if (w->buf.len && fwrite(w->buf.buf, 1, w->buf.len, w->f) != w->buf.len) {
		w->failed = 1;
		return -1;
	}
	strbuf_reset(&w->buf);
	return 0;
}

static int flush_tie(struct walk *w)
{
	for (size_t i = w->tie.n; i-- > 0;) {
		strbuf_addstr(&w->buf, w->tie.v[i]);
		strbuf_addch(&w->buf, '\n');
	}
	strvec_clear(&w->tie);
	return w->buf.len >= 1 << 16 ? flush(w) : 0;
}

static int one(void *arg, const struct store_log_play *p)
{
	struct walk *w = arg;
	int64_t start_ms = p->played_ms - (p->ms_played > 0 ? p->ms_played : 0);
	cJSON *o, *tm, *ai;
	char *s;

	if (p->played_ms < w->from_ms || p->played_ms >= w->to_ms)
		return 0;
	if (p->kind && strcmp(p->kind, "music")) {
		w->st->not_music++;
		return 0;
	}
	if (!p->artist_name || !*p->artist_name || !p->track_name || !*p->track_name) {
		w->st->unnamed++;
		return 0;
	}
	if (start_ms < SCROBBLE_MIN_TS * 1000) {
		w->st->too_old++;
		return 0;
	}
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "listened_at", (double)(start_ms / 1000));
	tm = cJSON_AddObjectToObject(o, "track_metadata");
	cJSON_AddStringToObject(tm, "artist_name", p->artist_name);
	cJSON_AddStringToObject(tm, "track_name", p->track_name);
	if (p->album_name && *p->album_name)
		cJSON_AddStringToObject(tm, "release_name", p->album_name);
	ai = cJSON_AddObjectToObject(tm, "additional_info");
	add_info(ai, p, start_ms);
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (!s) {
		w->failed = 1;
		return -1;
	}
	if (w->tie.n && p->played_ms != w->tie_ms && flush_tie(w)) {
		free(s);
		return -1;
	}
	w->tie_ms = p->played_ms;
	strvec_push_nodup(&w->tie, s);
	w->st->written++;
	return 0;
}

int export_lb_write(struct store *s, const char *account, int64_t from_ms,
		    int64_t to_ms, FILE *f, struct export_lb_stats *st,
		    struct strbuf *err)
{
	struct walk w = { f, from_ms, to_ms, st, STRBUF_INIT, 0, STRVEC_INIT, 0 };
	int r;

	memset(st, 0, sizeof(*st));
	strbuf_init(&w.buf, 1 << 17);
	r = store_recent_plays(s, account, INT64_MAX, one, &w, err);
	if (!r && (flush_tie(&w) || flush(&w)))
		r = -1;
	strvec_clear(&w.tie);
	if (r && w.failed && !err->len)
		strbuf_addstr(err, "cannot write the listens");
	strbuf_release(&w.buf);
	return r ? -1 : 0;
}
