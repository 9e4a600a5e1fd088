#include <string.h>

#include "core/strvec.h"
#include "store/store.h"
#include "web/covers_catalog.h"
#include "core/banned.h"

#define NOT_BEFORE_KEY "covers.not_before"
/* A 429 without Retry-After: wait a minute. */
#define DEFAULT_WAIT_MS 60000

struct want {
	struct covers *c;
	struct strvec ids, urls;
	long cached;
};

static int want_one(void *arg, const char *id, const char *url)
{
	struct want *w = arg;
	char name[128];

	if (!covers_id_ok(id) || !url || !*url)
		return 0;
	if (covers_find(w->c, id, name, sizeof(name))) {
		w->cached++;
		return 0;
	}
	strvec_push(&w->ids, id);
	strvec_push(&w->urls, url);
	return 0;
}

/* What fetch_one counts in: the albums' or the artists' fields of st. */
struct counts {
	long *fetched, *cached, *failed;
};

/* 1 when the run must stop (rate limit, outage), 0 to go on, -1. */
static int fetch_one(struct covers *c, struct http *h, struct store *s,
		     const char *id, const char *url, int64_t now_ms,
		     struct covers_catalog_stats *st, const struct counts *n,
		     struct strbuf *err)
{
	struct strbuf why = STRBUF_INIT;
	enum http_result r;
	long retry = -1;
	int got = covers_fetch_res(c, h, id, url, &r, &retry, &why), ret = 0;

	if (got >= 0) {
		*n->fetched += got > 0;
		*n->cached += got == 0;
		ret = store_cover_fetched(s, id, err);
	} else if (r == HTTP_RATE_LIMITED) {
		st->not_before_ms = now_ms + (retry >= 0 ? retry * 1000
						       : DEFAULT_WAIT_MS);
		ret = store_state_set_int(s, NOT_BEFORE_KEY, st->not_before_ms)
			? -1 : 1;
	} else if (got == -2 || r == HTTP_NETWORK || r == HTTP_SERVER_ERROR) {
		ret = 1; /* not the album's fault: a full disk, an outage */
	} else {
		(*n->failed)++;
		ret = store_cover_failed(s, id, now_ms, why.buf, err);
	}
	strbuf_release(&why);
	return ret;
}

/*
 * The artists' images (issue 11), after the albums' and in the same cache
 * (artist ids name the files): the same economy, counted apart. 1 when
 * the run stopped, 0, or -1.
 */
static int sync_artists(struct covers *c, struct http *h, struct store *s,
			int64_t now_ms, struct covers_catalog_stats *st,
			struct strbuf *err)
{
	struct want w = { c, STRVEC_INIT, STRVEC_INIT, 0 };
	struct counts n = { &st->artist_fetched, &st->artist_cached, &st->artist_failed };
	int r = store_artist_images(s, now_ms, want_one, &w, err) ? -1 : 0;

	st->artists = w.cached + (long)w.ids.n;
	st->artist_cached = w.cached;
	for (size_t i = 0; !r && i < w.ids.n; i++) {
		r = fetch_one(c, h, s, w.ids.v[i], w.urls.v[i], now_ms, st, &n, err);
		if (r > 0)
			st->artist_pending = (long)(w.ids.n - i);
	}
	strvec_clear(&w.ids);
	strvec_clear(&w.urls);
	return r;
}

int covers_catalog_sync(struct covers *c, struct http *h, struct store *s,
			int64_t now_ms, struct covers_catalog_stats *st,
			struct strbuf *err)
{
	struct want w = { c, STRVEC_INIT, STRVEC_INIT, 0 };
	int64_t nb = 0;
	int r = 0;

	memset(st, 0, sizeof(*st));
	if (store_album_covers(s, now_ms, want_one, &w, err))
		r = -1;
	st->albums = w.cached + (long)w.ids.n;
	st->cached = w.cached;
	if (!r && !store_state_get_int(s, NOT_BEFORE_KEY, &nb) && nb > now_ms) {
		st->not_before_ms = nb;
		st->pending = (long)w.ids.n;
		goto out;
	}
	for (size_t i = 0; !r && i < w.ids.n; i++) {
		r = fetch_one(c, h, s, w.ids.v[i], w.urls.v[i], now_ms, st,
			      &(struct counts){ &st->fetched, &st->cached, &st->failed }, err);
		if (r > 0)
			st->pending = (long)(w.ids.n - i);
	}
	if (!r)
		r = sync_artists(c, h, s, now_ms, st, err);
out:
	strvec_clear(&w.ids);
	strvec_clear(&w.urls);
	return r < 0 ? -1 : 0;
}
