#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/xalloc.h"
#include "landing/landing.h"
#include "pipeline/enrich.h"
#include "pipeline/transform.h"
#include "store/db.h"
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
};

static const struct ep_def D_TRACKS = { EP_TRACKS, "tracks", "spotify", 50,
	"/v1/tracks?ids=", "tracks", "/v1/tracks/", add_track };
static const struct ep_def D_ARTISTS = { EP_ARTISTS, "artists", "spotify",
	50, "/v1/artists?ids=", "artists", "/v1/artists/", add_artist };
static const struct ep_def D_FEATURES = { EP_FEATURES, "audio-features",
	"spotify", 100, "/v1/audio-features?ids=", "audio_features", NULL,
	tr_add_features };
static const struct ep_def D_RECCO = { EP_RECCOBEATS, "reccobeats",
	"reccobeats", 40, "/v1/audio-features?ids=", "content", NULL,
	tr_add_features };
static const struct ep_def D_ANALYSIS = { EP_ANALYSIS, "audio-analysis",
	"spotify", 0, NULL, NULL, "/v1/audio-analysis/", tr_add_analysis };

struct enr {
	sqlite3 *db;
	struct landing *l;
	struct prov *p;
	int nested;
	int64_t now_ms;
	struct enrich_stats *st;
	struct strbuf *err;
	struct tr_batch b;
};

static int flush(struct enr *e)
{
	int r = 0;

	if (!e->b.ntracks && !e->b.nartists && !e->b.nfeatures &&
	    !e->b.nanalyses)
		goto out;
	if (load_begin(e->db, e->nested, e->err))
		r = -1;
	else if (load_batch(e->db, &e->b, e->now_ms, &e->st->load, e->err)) {
		load_rollback(e->db, e->nested);
		r = -1;
	} else if (load_commit(e->db, e->nested, e->err)) {
		load_rollback(e->db, e->nested);
		r = -1;
	}
out:
	tr_batch_release(&e->b);
	return r;
}

static int maybe_flush(struct enr *e)
{
	if (e->b.nanalyses >= FLUSH_ANALYSES ||
	    e->b.ntracks + e->b.nartists + e->b.nfeatures >= FLUSH_ITEMS)
		return flush(e);
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

/* Query returning one id per row. */
static void needed(sqlite3 *db, const char *sql, struct strvec *out)
{
	sqlite3_stmt *st = db_prepare(db, sql);

	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		if (id)
			strvec_push(out, id);
	}
	sqlite3_finalize(st);
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
		    !d->add(&e->b, j, ids->v[i], d->provider)) {
			e->st->from_landing++;
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
	sqlite3_stmt *st;
	const char *found = NULL;

	if (tr_recco_track_id(item, buf, len))
		return buf;
	if (!cJSON_IsString(isrc))
		return NULL;
	st = db_prepare(e->db, "SELECT isrc FROM tracks WHERE id = ?");
	for (size_t i = 0; i < n && !found; i++) {
		const char *s;
		sqlite3_bind_text(st, 1, ids[i], -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW &&
		    (s = (const char *)sqlite3_column_text(st, 0)) &&
		    !strcmp(s, isrc->valuestring)) {
			snprintf(buf, len, "%s", ids[i]);
			found = buf;
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return found;
}

/* One batch request; ids it did not answer go to unknown. */
static int ask_batch(struct enr *e, const struct ep_def *d, char **ids,
		     size_t n, struct strvec *unknown)
{
	struct strbuf path = STRBUF_INIT, body = STRBUF_INIT, msg = STRBUF_INIT;
	struct tr_idset asked = TR_IDSET_INIT, got = TR_IDSET_INIT;
	cJSON *j = NULL;
	const cJSON *item;
	int r;

	strbuf_addstr(&path, d->batch_path);
	for (size_t i = 0; i < n; i++) {
		strbuf_addf(&path, "%s%s", i ? "," : "", ids[i]);
		tr_idset_add(&asked, ids[i]);
	}
	r = (int)prov_get(e->p, d->ep, 1, path.buf, &body, &msg);
	if (r != PR_OK && r != PR_NOT_FOUND) {
		if (r == PR_STOPPED && msg.len)
			log_warn("etl: %s: %s", prov_ep_name(d->ep), msg.buf);
		goto out;
	}
	if (r == PR_OK && !(j = cJSON_ParseWithLength(body.buf, body.len)))
		log_warn("etl: %s: the answer is not JSON; asking again later",
			 prov_ep_name(d->ep));
	cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(j, d->array_key))
	{
		char buf[64], *text;
		const cJSON *idj = cJSON_GetObjectItemCaseSensitive(item, "id");
		const char *id = d->ep == EP_RECCOBEATS
			? recco_id(e, item, ids, n, buf, sizeof(buf))
			: cJSON_IsString(idj) ? idj->valuestring : NULL;
		if (!id || !tr_idset_has(&asked, id) || !tr_idset_add(&got, id))
			continue;
		text = cJSON_PrintUnformatted(item);
		if (land(e, d, id, text, strlen(text))) {
			cJSON_free(text);
			r = -1;
			goto out;
		}
		cJSON_free(text);
		d->add(&e->b, item, id, d->provider);
	}
	for (size_t i = 0; i < n; i++)
		if (!tr_idset_has(&got, ids[i]))
			strvec_push(unknown, ids[i]);
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

/* One single-id request; its answer is landed untouched. */
static int ask_single(struct enr *e, const struct ep_def *d, const char *id,
		      struct strvec *unknown)
{
	struct strbuf path = STRBUF_INIT, body = STRBUF_INIT, msg = STRBUF_INIT;
	cJSON *j = NULL;
	int r;

	strbuf_addf(&path, "%s%s", d->single_path, id);
	r = (int)prov_get(e->p, d->ep, 0, path.buf, &body, &msg);
	if (r == PR_NOT_FOUND) {
		strvec_push(unknown, id);
		r = PR_OK;
		goto out;
	}
	if (r != PR_OK) {
		if (r == PR_STOPPED && msg.len)
			log_warn("etl: %s: %s", prov_ep_name(d->ep), msg.buf);
		goto out;
	}
	if (land(e, d, id, body.buf, body.len)) {
		r = -1;
		goto out;
	}
	j = cJSON_ParseWithLength(body.buf, body.len);
	if (!j || d->add(&e->b, j, id, d->provider)) {
		log_warn("etl: %s '%s': the answer is not usable; asking again "
			 "later", prov_ep_name(d->ep), id);
		strvec_push(unknown, id);
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
 * back to single requests when the batch form is forbidden. Ids no
 * provider knew go to unknown, ids that could not be asked to unasked.
 */
static int from_network(struct enr *e, const struct ep_def *d,
			const struct strvec *ids, struct strvec *unknown,
			struct strvec *unasked)
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
			r = ask_batch(e, d, ids->v + i, n, unknown);
		} else {
			r = ask_single(e, d, ids->v[i], unknown);
		}
		if (r < 0)
			return -1;
		if (r == PR_FORBIDDEN && ++forbidden < 8)
			continue;
		if (r != PR_OK)
			break;
		i += n;
	}
	for (; i < ids->n; i++)
		strvec_push(unasked, ids->v[i]);
	return flush(e);
}

/* Landing, then the network, for one single-provider endpoint. */
static int enrich_one(struct enr *e, const struct ep_def *d, const char *sql,
		      int may_ask)
{
	struct strvec ids = STRVEC_INIT, rest = STRVEC_INIT;
	struct strvec unknown = STRVEC_INIT, unasked = STRVEC_INIT;
	int r;

	needed(e->db, sql, &ids);
	r = from_landing(e, d, &ids, &rest);
	if (!r && e->p && may_ask)
		r = from_network(e, d, &rest, &unknown, &unasked);
	else
		for (size_t i = 0; i < rest.n; i++)
			strvec_push(&unasked, rest.v[i]);
	e->st->unknown += (long)unknown.n;
	if (!e->p || !may_ask || prov_stopped(e->p, d->ep))
		e->st->pending += (long)unasked.n;
	strvec_clear(&ids);
	strvec_clear(&rest);
	strvec_clear(&unknown);
	strvec_clear(&unasked);
	return r;
}

/* Audio features: the landing store for every provider, then each provider
 * in the configured order gets what the ones before could not give. */
static int enrich_features(struct enr *e, const struct ep_def **order,
			   size_t n)
{
	struct strvec want = STRVEC_INIT, next = STRVEC_INIT;
	struct strvec unknown = STRVEC_INIT, unasked = STRVEC_INIT;
	int r = 0, stopped = 0;

	needed(e->db,
	       "SELECT DISTINCT track_id FROM plays WHERE kind = 'music' AND "
	       "track_id IS NOT NULL AND track_id NOT IN "
	       "(SELECT track_id FROM audio_features) ORDER BY track_id",
	       &want);
	for (size_t k = 0; k < n && !r; k++) {
		strvec_clear(&next);
		r = from_landing(e, order[k], &want, &next);
		strvec_clear(&want);
		want = next;
		next = (struct strvec)STRVEC_INIT;
	}
	for (size_t k = 0; k < n && !r && e->p && want.n; k++) {
		strvec_clear(&unknown);
		strvec_clear(&unasked);
		r = from_network(e, order[k], &want, &unknown, &unasked);
		stopped = prov_stopped(e->p, order[k]->ep) && unasked.n;
		strvec_clear(&want);
		for (size_t i = 0; i < unknown.n; i++)
			strvec_push(&want, unknown.v[i]);
		for (size_t i = 0; i < unasked.n; i++)
			strvec_push(&want, unasked.v[i]);
	}
	if (!e->p || stopped)
		e->st->pending += (long)want.n;
	else if (n)
		e->st->unknown += (long)want.n;
	strvec_clear(&want);
	strvec_clear(&next);
	strvec_clear(&unknown);
	strvec_clear(&unasked);
	return r;
}

int enrich_run(sqlite3 *db, struct landing *l, struct prov *prov,
	       const struct config *cfg, int nested, int64_t now_ms,
	       struct enrich_stats *st, struct strbuf *err)
{
	struct enr e = { db, l, prov, nested, now_ms, st, err, TR_BATCH_INIT };
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
	if (enrich_one(&e, &D_TRACKS,
		       "SELECT DISTINCT track_id FROM plays WHERE kind = 'music' "
		       "AND track_id IS NOT NULL AND track_id NOT IN "
		       "(SELECT id FROM tracks) ORDER BY track_id", 1) ||
	    enrich_one(&e, &D_ARTISTS,
		       "SELECT id FROM artists WHERE enriched_ms IS NULL "
		       "ORDER BY id", 1) ||
	    enrich_features(&e, order, n) ||
	    enrich_one(&e, &D_ANALYSIS,
		       "SELECT DISTINCT track_id FROM plays WHERE kind = 'music' "
		       "AND track_id IS NOT NULL AND track_id NOT IN "
		       "(SELECT track_id FROM audio_analysis) ORDER BY track_id",
		       spotify)) {
		tr_batch_release(&e.b);
		return -1;
	}
	return 0;
}
