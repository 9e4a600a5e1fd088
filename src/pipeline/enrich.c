#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ids.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "landing/landing.h"
#include "pipeline/enrich.h"
#include "pipeline/transform.h"
#include "core/banned.h"

/* Answers held in memory before a load: analyses are large (~1 MB). */
#define FLUSH_ITEMS 200
#define FLUSH_ANALYSES 16

typedef int (*add_fn)(struct tr_batch *b, const cJSON *j, const char *id,
		      const char *provider);

static int add_track(struct tr_batch *b, const cJSON *j, const char *id,
		     const char *provider)
{
	(void)id;
	(void)provider;
	return tr_add_track(b, j);
}

static int add_artist(struct tr_batch *b, const cJSON *j, const char *id,
		      const char *provider)
{
	(void)id;
	(void)provider;
	return tr_add_artist(b, j);
}

/* How one endpoint is asked, landed and loaded. */
struct ep_def {
	enum prov_ep ep;
	const char *folder;      /* landing: enrich/<folder>/<id>.json */
	const char *provider;
	int batch_max;           /* 0: no batch form */
	const char *batch_path;  /* path + comma-separated ids */
	const char *array_key;   /* where a batch answer keeps its objects */
	const char *single_path; /* path + id; NULL: no single form */
	add_fn add;
	enum setaside_kind kind; /* what an unusable id is set aside as */
};

static const struct ep_def D_TRACKS = { EP_TRACKS, "tracks", "spotify", 50,
	"/v1/tracks?ids=", "tracks", "/v1/tracks/", add_track, SA_TRACK };
static const struct ep_def D_ARTISTS = { EP_ARTISTS, "artists", "spotify",
	50, "/v1/artists?ids=", "artists", "/v1/artists/", add_artist,
	SA_ARTIST };
static const struct ep_def D_FEATURES = { EP_FEATURES, "audio-features",
	"spotify", 100, "/v1/audio-features?ids=", "audio_features", NULL,
	tr_add_features, SA_FEATURES };
static const struct ep_def D_RECCO = { EP_RECCOBEATS, "reccobeats",
	"reccobeats", 40, "/v1/audio-features?ids=", "content", NULL,
	tr_add_features, SA_FEATURES };
static const struct ep_def D_ANALYSIS = { EP_ANALYSIS, "audio-analysis",
	"spotify", 0, NULL, NULL, "/v1/audio-analysis/", tr_add_analysis,
	SA_ANALYSIS };

struct enr {
	struct store *s;
	struct landing *l;
	struct prov *p;
	int nested;
	int64_t now_ms;
	struct enrich_stats *st;
	struct strbuf *err;
	struct tr_batch b;
	/* artist images of b's artists, loaded with b (store.h) */
	struct strvec img_ids, img_urls;
};

/*
 * The image an artist object names, borrowed from it: as an album's cover
 * (store_album_cover), the smallest at least 160 px wide, else the
 * largest; NULL when images is empty (many small artists have none).
 */
static const char *artist_image(const cJSON *a)
{
	const cJSON *img;
	const char *best = NULL, *largest = NULL;
	double best_w = 0, largest_w = -1;

	cJSON_ArrayForEach(img, cJSON_GetObjectItemCaseSensitive(a, "images")) {
		const cJSON *u = cJSON_GetObjectItemCaseSensitive(img, "url");
		const cJSON *w = cJSON_GetObjectItemCaseSensitive(img, "width");
		double wd = cJSON_IsNumber(w) ? w->valuedouble : 0;
		if (!cJSON_IsString(u) || !u->valuestring[0])
			continue;
		if (wd >= 160 && (!best || wd < best_w)) {
			best = u->valuestring;
			best_w = wd;
		}
		if (wd > largest_w) {
			largest = u->valuestring;
			largest_w = wd;
		}
	}
	return best ? best : largest;
}

/* The images of the batch's artists, after their rows are written. */
static int put_images(struct enr *e)
{
	for (size_t i = 0; i < e->img_ids.n; i++)
		if (store_artist_image_put(e->s, e->img_ids.v[i],
					   e->img_urls.v[i][0] ? e->img_urls.v[i] : NULL,
					   e->err))
			return -1;
	return 0;
}

static int flush(struct enr *e)
{
	int r = 0;

	if (!e->b.ntracks && !e->b.nartists && !e->b.nfeatures &&
	    !e->b.nanalyses)
		goto out;
	if (load_begin(e->s, e->nested, e->err))
		r = -1;
	else if (load_batch(e->s, &e->b, e->now_ms, &e->st->load, e->err) ||
		 put_images(e)) {
		load_rollback(e->s, e->nested);
		r = -1;
	} else if (load_commit(e->s, e->nested, e->err)) {
		load_rollback(e->s, e->nested);
		r = -1;
	}
out:
	tr_batch_release(&e->b);
	strvec_clear(&e->img_ids);
	strvec_clear(&e->img_urls);
	return r;
}

static int maybe_flush(struct enr *e)
{
	if (e->b.nanalyses >= FLUSH_ANALYSES ||
	    e->b.ntracks + e->b.nartists + e->b.nfeatures >= FLUSH_ITEMS)
		return flush(e);
	return 0;
}

/* Adds what d answered for id to the batch, and an artist's image. */
static int add(struct enr *e, const struct ep_def *d, const cJSON *j,
	       const char *id)
{
	const char *img, *aid;

	if (d->add(&e->b, j, id, d->provider))
		return -1;
	aid = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "id"));
	if (d->ep == EP_ARTISTS && aid) {
		img = artist_image(j);
		strvec_push(&e->img_ids, aid);
		strvec_push(&e->img_urls, img ? img : ""); /* "": none (any more) */
	}
	return 0;
}

static void landing_key(struct strbuf *key, const struct ep_def *d,
			const char *id)
{
	strbuf_reset(key);
	strbuf_addf(key, "enrich/%s/%s.json", d->folder, id);
}

static int land(struct enr *e, const struct ep_def *d, const char *id,
		const char *data, size_t len)
{
	struct strbuf key = STRBUF_INIT;
	int r = 0;

	landing_key(&key, d, id);
	if (landing_put(e->l, key.buf, data, len)) {
		strbuf_addf(e->err, "etl: cannot land '%s'; check the data "
			    "directory's disk space and permissions", key.buf);
		r = -1;
	}
	strbuf_release(&key);
	return r;
}

/* Ids of a run shown by name in the summary, per kind. */
#define ASIDE_SHOWN 5

/* Sets id aside as k (store.h's set-aside ids) and counts it for the summary. */
static int aside(struct enr *e, enum setaside_kind k, const char *id,
		 const char *reason)
{
	int r = store_setaside_add(e->s, k, id, reason, e->now_ms, e->err);

	if (r < 0)
		return -1;
	if (r > 0) {
		struct strbuf d = STRBUF_INIT;
		e->st->aside[k]++;
		if (e->st->aside_shown[k].n < ASIDE_SHOWN) {
			store_setaside_describe(&d, id, reason);
			strvec_push_nodup(&e->st->aside_shown[k],
					  strbuf_detach(&d, NULL));
		}
	}
	return 0;
}

/*
 * The ids a query (one id per row) names that may be asked for k. An id
 * that is not a Spotify id is set aside here, before it can reach a URL or
 * a landing key (as an artist, or as a track for every track endpoint);
 * one set aside earlier is skipped.
 */
static int needed(struct enr *e, enum setaside_kind k, enum store_pending what,
		  struct strvec *out)
{
	struct strvec all = STRVEC_INIT;
	struct strbuf perr = STRBUF_INIT;
	int r = 0;

	if (store_pending(e->s, what, &all, &perr)) {
		strbuf_addf(e->err, "etl: cannot list what needs enriching: %s",
			    perr.buf);
		r = -1;
	}
	strbuf_release(&perr);
	for (size_t i = 0; i < all.n && !r; i++) {
		if (!spotify_id_valid_str(all.v[i]))
			r = aside(e, k == SA_ARTIST ? SA_ARTIST : SA_TRACK,
				  all.v[i], "not a Spotify id");
		else if (!store_setaside_has(e->s, k, all.v[i]))
			strvec_push(out, all.v[i]);
	}
	strvec_clear(&all);
	return r;
}

/* Loads what the landing store has for ids; the others go to rest. */
static int from_landing(struct enr *e, const struct ep_def *d,
			const struct strvec *ids, struct strvec *rest)
{
	struct strbuf key = STRBUF_INIT, body = STRBUF_INIT;
	int r = 0;

	for (size_t i = 0; i < ids->n && !r; i++) {
		cJSON *j = NULL;
		landing_key(&key, d, ids->v[i]);
		strbuf_reset(&body);
		if (landing_valid_key(key.buf) &&
		    !landing_get(e->l, key.buf, &body) &&
		    (j = cJSON_ParseWithLength(body.buf, body.len)) &&
		    !add(e, d, j, ids->v[i])) {
			e->st->from_landing++;
			if (e->st->progress && e->st->from_landing % 100 == 0)
				e->st->progress(e->st->progress_arg, e->st);
			r = maybe_flush(e);
		} else {
			if (body.len)
				log_warn("etl: landed '%s' is not a usable "
					 "answer; asking again", key.buf);
			strvec_push(rest, ids->v[i]);
		}
		cJSON_Delete(j);
	}
	strbuf_release(&key);
	strbuf_release(&body);
	return r ? r : flush(e);
}

/* The ReccoBeats item's Spotify id: through href, else through the ISRC. */
static const char *recco_id(struct enr *e, const cJSON *item,
			    char **ids, size_t n, char *buf, size_t len)
{
	const cJSON *isrc = cJSON_GetObjectItemCaseSensitive(item, "isrc");
	const char *found = NULL;

	if (tr_recco_track_id(item, buf, len))
		return buf;
	if (!cJSON_IsString(isrc))
		return NULL;
	for (size_t i = 0; i < n && !found; i++) {
		char *s = store_catalog_track_isrc(e->s, ids[i]);
		if (s && !strcmp(s, isrc->valuestring)) {
			snprintf(buf, len, "%s", ids[i]);
			found = buf;
		}
		free(s);
	}
	return found;
}

/* What the requests of one endpoint said about the ids they were given. */
struct outcome {
	struct strvec unknown;  /* the provider has no such id (404, null) */
	struct strvec unusable; /* its answer for the id cannot be used */
	struct strvec again;    /* the answer as a whole was refused or not
				   JSON: asked again next run */
	struct strvec unasked;  /* not asked: blocked, stopped, offline */
};
#define OUTCOME_INIT { STRVEC_INIT, STRVEC_INIT, STRVEC_INIT, STRVEC_INIT }

static void outcome_clear(struct outcome *o)
{
	strvec_clear(&o->unknown);
	strvec_clear(&o->unusable);
	strvec_clear(&o->again);
	strvec_clear(&o->unasked);
}

static void push_all(struct strvec *to, char **ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		strvec_push(to, ids[i]);
}

/* PR_BAD_ID is a bug here: needed() keeps every id that is not one out. */
static int refused_id(struct enr *e, const struct ep_def *d)
{
	strbuf_addf(e->err, "etl: %s: a request was refused because an id in "
		    "it is not a Spotify id; nothing was asked",
		    prov_ep_name(d->ep));
	return -1;
}

/* One item of a batch answer, for an id that was asked: loaded and landed,
 * or set down as unusable. */
static int batch_item(struct enr *e, const struct ep_def *d,
		      const cJSON *item, const char *id, struct outcome *o)
{
	char *text;
	int r;

	if (add(e, d, item, id)) {
		log_warn("etl: %s '%s': the answer cannot be used",
			 prov_ep_name(d->ep), id);
		strvec_push(&o->unusable, id);
		return 0;
	}
	text = cJSON_PrintUnformatted(item);
	r = land(e, d, id, text, strlen(text));
	cJSON_free(text);
	return r;
}

/*
 * One batch request. A 200 answer settles each id: an object for it, or
 * null or nothing (unknown). A refusal of the whole request (404, 400) or
 * an answer that is not JSON settles none of them (again).
 */
static int ask_batch(struct enr *e, const struct ep_def *d, char **ids,
		     size_t n, struct outcome *o)
{
	struct strbuf path = STRBUF_INIT, body = STRBUF_INIT, msg = STRBUF_INIT;
	struct tr_idset asked = TR_IDSET_INIT, got = TR_IDSET_INIT;
	cJSON *j = NULL;
	const cJSON *item, *arr = NULL;
	int r;

	strbuf_addstr(&path, d->batch_path);
	for (size_t i = 0; i < n; i++) {
		strbuf_addf(&path, "%s%s", i ? "," : "", ids[i]);
		tr_idset_add(&asked, ids[i]);
	}
	r = (int)prov_get(e->p, d->ep, 1, path.buf, &body, &msg);
	if (r == PR_BAD_ID) {
		r = refused_id(e, d);
		goto out;
	}
	if (r != PR_OK && r != PR_NOT_FOUND) {
		if (r == PR_STOPPED && msg.len)
			log_warn("etl: %s: %s", prov_ep_name(d->ep), msg.buf);
		goto out;
	}
	if (r == PR_OK && (j = cJSON_ParseWithLength(body.buf, body.len)))
		arr = cJSON_GetObjectItemCaseSensitive(j, d->array_key);
	if (!cJSON_IsArray(arr)) {
		log_warn("etl: %s: %s; asking again next run",
			 prov_ep_name(d->ep), r == PR_OK
			 ? "the batch answer is not usable JSON"
			 : "the batch request was refused");
		push_all(&o->again, ids, n);
		r = PR_OK;
		goto out;
	}
	cJSON_ArrayForEach(item, arr)
	{
		char buf[64];
		const cJSON *idj = cJSON_GetObjectItemCaseSensitive(item, "id");
		const char *id = d->ep == EP_RECCOBEATS
			? recco_id(e, item, ids, n, buf, sizeof(buf))
			: cJSON_IsString(idj) ? idj->valuestring : NULL;
		if (!id || !tr_idset_has(&asked, id) || !tr_idset_add(&got, id))
			continue;
		if (batch_item(e, d, item, id, o)) {
			r = -1;
			goto out;
		}
	}
	for (size_t i = 0; i < n; i++)
		if (!tr_idset_has(&got, ids[i]))
			strvec_push(&o->unknown, ids[i]);
	r = maybe_flush(e) ? -1 : PR_OK;
out:
	cJSON_Delete(j);
	tr_idset_release(&asked);
	tr_idset_release(&got);
	strbuf_release(&path);
	strbuf_release(&body);
	strbuf_release(&msg);
	return r;
}

/* One single-id request; a usable answer is landed untouched. */
static int ask_single(struct enr *e, const struct ep_def *d, const char *id,
		      struct outcome *o)
{
	struct strbuf path = STRBUF_INIT, body = STRBUF_INIT, msg = STRBUF_INIT;
	cJSON *j = NULL;
	int r;

	strbuf_addf(&path, "%s%s", d->single_path, id);
	r = (int)prov_get(e->p, d->ep, 0, path.buf, &body, &msg);
	if (r == PR_BAD_ID) {
		r = refused_id(e, d);
		goto out;
	}
	if (r == PR_NOT_FOUND) {
		strvec_push(&o->unknown, id);
		r = PR_OK;
		goto out;
	}
	if (r != PR_OK) {
		if (r == PR_STOPPED && msg.len)
			log_warn("etl: %s: %s", prov_ep_name(d->ep), msg.buf);
		goto out;
	}
	j = cJSON_ParseWithLength(body.buf, body.len);
	if (!j || add(e, d, j, id)) {
		log_warn("etl: %s '%s': the answer cannot be used",
			 prov_ep_name(d->ep), id);
		strvec_push(&o->unusable, id);
		r = PR_OK;
		goto out;
	}
	if (land(e, d, id, body.buf, body.len)) {
		r = -1;
		goto out;
	}
	r = maybe_flush(e) ? -1 : PR_OK;
out:
	cJSON_Delete(j);
	strbuf_release(&path);
	strbuf_release(&body);
	strbuf_release(&msg);
	return r;
}

/*
 * Asks the network for ids, batched where the endpoint allows it, falling
 * back to single requests when the batch form is forbidden; o says what
 * became of each id.
 */
static int from_network(struct enr *e, const struct ep_def *d,
			const struct strvec *ids, struct outcome *o)
{
	size_t i = 0;
	int batch = d->batch_max > 0, forbidden = 0, r = 0;

	while (i < ids->n) {
		size_t n = 1;
		if (batch && prov_blocked(e->p, d->ep, 1)) {
			if (d->single_path && !prov_stopped(e->p, d->ep)) {
				batch = 0;
				continue;
			}
			break;
		}
		if (!batch && prov_blocked(e->p, d->ep, 0))
			break;
		if (batch) {
			n = ids->n - i < (size_t)d->batch_max
				? ids->n - i : (size_t)d->batch_max;
			r = ask_batch(e, d, ids->v + i, n, o);
		} else {
			r = ask_single(e, d, ids->v[i], o);
		}
		if (r < 0)
			return -1;
		if (r == PR_FORBIDDEN && ++forbidden < 8)
			continue;
		if (r != PR_OK)
			break;
		i += n;
	}
	push_all(&o->unasked, ids->v + i, ids->n - i);
	return flush(e);
}

/* Sets aside what a provider settled as unknown or unusable for k;
 * providers names who was asked ("spotify"). */
static int settle(struct enr *e, enum setaside_kind k, const char *what,
		  const char *providers, const struct outcome *o)
{
	struct strbuf why = STRBUF_INIT;
	int r = 0;

	strbuf_addf(&why, "not found at %s (%s)", providers, what);
	for (size_t i = 0; i < o->unknown.n && !r; i++)
		r = aside(e, k, o->unknown.v[i], why.buf);
	strbuf_reset(&why);
	strbuf_addf(&why, "the %s answer of %s cannot be used", what,
		    providers);
	for (size_t i = 0; i < o->unusable.n && !r; i++)
		r = aside(e, k, o->unusable.v[i], why.buf);
	e->st->unknown += (long)o->again.n;
	strbuf_release(&why);
	return r;
}

/* Landing, then the network, for one single-provider endpoint. */
static int enrich_one(struct enr *e, const struct ep_def *d,
		      enum store_pending what, int may_ask)
{
	struct strvec ids = STRVEC_INIT, rest = STRVEC_INIT;
	struct outcome o = OUTCOME_INIT;
	int r;

	r = needed(e, d->kind, what, &ids);
	if (!r)
		r = from_landing(e, d, &ids, &rest);
	if (!r && e->p && may_ask)
		r = from_network(e, d, &rest, &o);
	else
		push_all(&o.unasked, rest.v, rest.n);
	if (!r)
		r = settle(e, d->kind, prov_ep_name(d->ep), d->provider, &o);
	if (!e->p || !may_ask || prov_stopped(e->p, d->ep))
		e->st->pending += (long)o.unasked.n;
	strvec_clear(&ids);
	strvec_clear(&rest);
	outcome_clear(&o);
	return r;
}

/*
 * After the last provider of the features: what it settled is set aside
 * only when every provider before it settled the id the same way (none of
 * them left it unasked or asked again); the rest is pending or asked again.
 */
static int features_settle(struct enr *e, const struct outcome *last,
			   const struct tr_idset *undecided,
			   const char *providers)
{
	struct outcome o = OUTCOME_INIT;
	int r;

	for (size_t i = 0; i < last->unknown.n; i++)
		strvec_push(tr_idset_has(undecided, last->unknown.v[i])
			    ? &o.again : &o.unknown, last->unknown.v[i]);
	for (size_t i = 0; i < last->unusable.n; i++)
		strvec_push(tr_idset_has(undecided, last->unusable.v[i])
			    ? &o.again : &o.unusable, last->unusable.v[i]);
	r = settle(e, SA_FEATURES, "audio-features", providers, &o);
	outcome_clear(&o);
	return r;
}

/* The ids a provider left to the next one; again and unasked ones are
 * marked undecided. */
static void features_next(const struct outcome *o, struct strvec *want,
			  struct tr_idset *undecided)
{
	const struct strvec *keep[] = { &o->unknown, &o->unusable, &o->again,
					&o->unasked };

	strvec_clear(want);
	for (size_t k = 0; k < 4; k++)
		for (size_t i = 0; i < keep[k]->n; i++) {
			strvec_push(want, keep[k]->v[i]);
			if (k >= 2)
				tr_idset_add(undecided, keep[k]->v[i]);
		}
}

/* Audio features: the landing store for every provider, then each provider
 * in the configured order gets what the ones before could not give. */
static int enrich_features(struct enr *e, const struct ep_def **order,
			   size_t n)
{
	struct strvec want = STRVEC_INIT, next = STRVEC_INIT;
	struct outcome o = OUTCOME_INIT;
	struct tr_idset undecided = TR_IDSET_INIT;
	struct strbuf names = STRBUF_INIT;
	int r, stopped = 0, asked = 0;

	r = needed(e, SA_FEATURES, PENDING_FEATURES, &want);
	for (size_t k = 0; k < n && !r; k++) {
		strvec_clear(&next);
		r = from_landing(e, order[k], &want, &next);
		strvec_clear(&want);
		want = next;
		next = (struct strvec)STRVEC_INIT;
	}
	for (size_t k = 0; k < n && !r && e->p && want.n; k++) {
		outcome_clear(&o);
		r = from_network(e, order[k], &want, &o);
		stopped = prov_stopped(e->p, order[k]->ep) && o.unasked.n;
		strbuf_addf(&names, "%s%s", k ? " or " : "", order[k]->provider);
		features_next(&o, &want, &undecided);
		asked = 1;
	}
	if (!r && asked) {
		r = features_settle(e, &o, &undecided, names.buf);
		if (stopped)
			e->st->pending += (long)(o.unasked.n + o.again.n);
		else
			e->st->unknown += (long)(o.unasked.n + o.again.n);
	} else if (!r) {
		e->st->pending += (long)want.n;
	}
	strvec_clear(&want);
	strvec_clear(&next);
	outcome_clear(&o);
	tr_idset_release(&undecided);
	strbuf_release(&names);
	return r;
}

void enrich_stats_release(struct enrich_stats *st)
{
	for (int k = 0; k < SA_KINDS; k++)
		strvec_clear(&st->aside_shown[k]);
}

int enrich_run(struct store *s, struct landing *l, struct prov *prov,
	       const struct config *cfg, int nested, int64_t now_ms,
	       struct enrich_stats *st, struct strbuf *err)
{
	struct enr e = { s, l, prov, nested, now_ms, st, err, TR_BATCH_INIT,
			 STRVEC_INIT, STRVEC_INIT };
	const struct ep_def *order[2];
	size_t n = 0;
	int spotify = 0;
	char *list = xstrdup(config_get(cfg, "etl.providers")), *save = NULL;

	for (char *t = strtok_r(list, ", ", &save); t;
	     t = strtok_r(NULL, ", ", &save)) {
		if (!strcmp(t, "spotify") && !spotify) {
			spotify = 1;
			order[n++] = &D_FEATURES;
		} else if (!strcmp(t, "reccobeats") && n < 2 &&
			   (n == 0 || order[0] != &D_RECCO)) {
			order[n++] = &D_RECCO;
		} else {
			log_warn("etl: provider '%s' in 'etl.providers' is not "
				 "known; using spotify and reccobeats", t);
		}
	}
	free(list);
	if (enrich_one(&e, &D_TRACKS, PENDING_TRACKS, 1) ||
	    enrich_one(&e, &D_ARTISTS, PENDING_ARTISTS, 1) ||
	    enrich_features(&e, order, n) ||
	    enrich_one(&e, &D_ANALYSIS, PENDING_ANALYSIS, spotify)) {
		tr_batch_release(&e.b);
		strvec_clear(&e.img_ids);
		strvec_clear(&e.img_urls);
		return -1;
	}
	return 0;
}
