#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/ids.h"
#include "core/playmatch.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "pipeline/providers.h"
#include "pipeline/resolve.h"
#include "store/store.h"
#include "core/plural.h"
#include "core/banned.h"

struct name {
	uint64_t key;
	char *artist, *track, *album;
	int64_t plays, max_ms;
};

struct names {
	struct name *v;
	size_t n, alloc;
};

static int collect(void *arg, const struct store_resolve_name *n)
{
	struct names *ns = arg;

	ALLOC_GROW(ns->v, ns->n + 1, ns->alloc);
	ns->v[ns->n++] = (struct name){ n->name_key, xstrdup(n->artist),
		xstrdup(n->track), n->album ? xstrdup(n->album) : NULL,
		n->plays, n->max_ms_played };
	return 0;
}

static void names_release(struct names *ns)
{
	for (size_t i = 0; i < ns->n; i++) {
		free(ns->v[i].artist);
		free(ns->v[i].track);
		free(ns->v[i].album);
	}
	free(ns->v);
}

/* Name key -> the one catalog track id with it (NULL: several). */
struct catmap {
	uint64_t *keys;
	char **ids;
	size_t cap, n;
};

static size_t cm_slot(const struct catmap *m, uint64_t k)
{
	size_t i = (size_t)(k * 0x9e3779b97f4a7c15ULL) & (m->cap - 1);
	while (m->keys[i] && m->keys[i] != k)
		i = (i + 1) & (m->cap - 1);
	return i;
}

static void cm_put(struct catmap *m, uint64_t k, const char *id)
{
	size_t i;

	if ((m->n + 1) * 2 > m->cap) {
		struct catmap g = { xcalloc(m->cap ? m->cap * 2 : 1024, 8),
				    NULL, m->cap ? m->cap * 2 : 1024, m->n };
		g.ids = xcalloc(g.cap, sizeof(char *));
		for (size_t j = 0; j < m->cap; j++)
			if (m->keys[j]) {
				size_t s = cm_slot(&g, m->keys[j]);
				g.keys[s] = m->keys[j];
				g.ids[s] = m->ids[j];
			}
		free(m->keys);
		free(m->ids);
		*m = g;
	}
	i = cm_slot(m, k);
	if (!m->keys[i]) {
		m->keys[i] = k;
		m->ids[i] = xstrdup(id);
		m->n++;
	} else if (m->ids[i] && strcmp(m->ids[i], id)) {
		free(m->ids[i]);
		m->ids[i] = NULL; /* two tracks, one name: no guess */
	}
}

/* 1 with *id when the key is known (*id NULL: ambiguous), else 0. */
static int cm_get(const struct catmap *m, uint64_t k, const char **id)
{
	size_t i;

	if (!m->cap)
		return 0;
	i = cm_slot(m, k);
	if (!m->keys[i])
		return 0;
	*id = m->ids[i];
	return 1;
}

static void cm_release(struct catmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->ids[i]);
	free(m->keys);
	free(m->ids);
}

static int cm_add(void *arg, const struct store_resolve_track *t)
{
	uint64_t k[2];

	playmatch_api_namekeys(t->artists, t->name, k);
	cm_put(arg, k[0], t->id);
	if (k[1] != k[0])
		cm_put(arg, k[1], t->id);
	return 0;
}

/* field:"value" of the query, the value normalised, quotes dropped. */
static void add_filter(struct strbuf *q, const char *field, const char *v,
		       enum playmatch_field f)
{
	struct strbuf n = STRBUF_INIT;

	playmatch_norm(v, strlen(v), f, &n);
	strbuf_addf(q, "%s%s:\"", q->len ? " " : "", field);
	for (size_t i = 0; i < n.len; i++)
		if (n.buf[i] != '"')
			strbuf_addch(q, n.buf[i]);
	strbuf_addch(q, '"');
	strbuf_release(&n);
}

static void search_path(const struct name *n, struct strbuf *path)
{
	struct strbuf q = STRBUF_INIT;

	add_filter(&q, "track", n->track, PLAYMATCH_TITLE);
	add_filter(&q, "artist", n->artist, PLAYMATCH_ARTIST);
	strbuf_addstr(path, "/v1/search?q=");
	strbuf_add_urlencoded(path, q.buf);
	strbuf_addstr(path, "&type=track&limit=10");
	strbuf_release(&q);
}

static const char *jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* 1 when the search result is the name's track by the rule of resolve.h. */
static int candidate(const cJSON *it, const struct name *n)
{
	const cJSON *ar, *d = cJSON_GetObjectItemCaseSensitive(it, "duration_ms");
	const char *id = jstr(it, "id"), *name = jstr(it, "name");
	struct strbuf artists = STRBUF_INIT;
	uint64_t k[2];

	if (!id || !name || !spotify_id_valid(id, strlen(id)))
		return 0;
	cJSON_ArrayForEach(ar, cJSON_GetObjectItemCaseSensitive(it, "artists")) {
		const char *an = jstr(ar, "name");
		if (an)
			strbuf_addf(&artists, "%s%s", artists.len ? ", " : "", an);
	}
	playmatch_api_namekeys(artists.buf, name, k);
	strbuf_release(&artists);
	if (k[0] != n->key && k[1] != n->key)
		return 0;
	return !(cJSON_IsNumber(d) && n->max_ms > 0 &&
		 n->max_ms > d->valuedouble + RESOLVE_DURATION_TOL_MS);
}

static int same_album(const cJSON *it, const char *album)
{
	const char *a = jstr(cJSON_GetObjectItemCaseSensitive(it, "album"), "name");
	struct strbuf x = STRBUF_INIT, y = STRBUF_INIT;
	int same;

	if (!a)
		return 0;
	playmatch_norm(a, strlen(a), PLAYMATCH_ALBUM, &x);
	playmatch_norm(album, strlen(album), PLAYMATCH_ALBUM, &y);
	same = x.len == y.len && !memcmp(x.buf, y.buf, x.len);
	strbuf_release(&x);
	strbuf_release(&y);
	return same;
}

/*
 * The one id the answer gives the name, or NULL with why. Distinct ids
 * are counted; the album breaks a tie only when it leaves exactly one.
 */
static const char *pick(const cJSON *items, const struct name *n,
			struct strbuf *why)
{
	const cJSON *it, *one = NULL, *by_album = NULL;
	int ids = 0, albums = 0;

	cJSON_ArrayForEach(it, items) {
		if (!candidate(it, n))
			continue;
		if (!one) {
			one = it;
			ids = 1;
		} else if (strcmp(jstr(one, "id"), jstr(it, "id"))) {
			ids = 2;
		}
		if (n->album && same_album(it, n->album) &&
		    (!by_album || strcmp(jstr(by_album, "id"), jstr(it, "id")))) {
			albums++;
			by_album = it;
		}
	}
	if (!one) {
		strbuf_addf(why, "no match in %d %s", cJSON_GetArraySize(items),
			    plural(cJSON_GetArraySize(items), "result", "results"));
		return NULL;
	}
	if (ids == 1)
		return jstr(one, "id");
	if (albums == 1)
		return jstr(by_album, "id");
	strbuf_addstr(why, "ambiguous: several tracks have these names");
	return NULL;
}

struct run {
	struct store *s;
	struct prov *p;
	struct catmap cat;
	int64_t now_ms;
	struct resolve_stats *st;
	struct strbuf *err;
};

static int outcome(struct run *r, const struct name *n, const char *id,
		   const char *why)
{
	int64_t retry = r->now_ms + RESOLVE_MISS_RETRY_DAYS * 86400000LL;

	return store_resolve_set(r->s, n->key, n->artist, n->track, id, why,
				 r->now_ms, retry, r->err);
}

/* 0 answered, 1 not asked (pending: stop asking), -1 store failure. */
static int ask(struct run *r, const struct name *n)
{
	struct strbuf path = STRBUF_INIT, body = STRBUF_INIT, why = STRBUF_INIT;
	struct strbuf perr = STRBUF_INIT;
	enum prov_result pr;
	cJSON *j = NULL;
	const char *id = NULL;
	int ret = 1;

	search_path(n, &path);
	pr = prov_get(r->p, EP_SEARCH, 0, path.buf, &body, &perr);
	if (pr == PR_OK || pr == PR_NOT_FOUND || pr == PR_BAD_ID) {
		const cJSON *items = NULL;
		if (pr == PR_OK && (j = cJSON_ParseWithLength(body.buf, body.len)))
			items = cJSON_GetObjectItemCaseSensitive(
				cJSON_GetObjectItemCaseSensitive(j, "tracks"), "items");
		if (cJSON_IsArray(items))
			id = pick(items, n, &why);
		else
			strbuf_addstr(&why, pr == PR_OK ? "unusable answer"
						       : "search refused the query");
		r->st->from_search += id != NULL;
		r->st->missed += id == NULL;
		r->st->ambiguous += !id && strstr(why.buf, "ambiguous") != NULL;
		ret = outcome(r, n, id, id ? "search" : why.buf);
	}
	cJSON_Delete(j);
	strbuf_release(&path);
	strbuf_release(&body);
	strbuf_release(&why);
	strbuf_release(&perr);
	return ret;
}

static int each_name(struct run *r, struct names *ns,
		     resolve_progress_fn progress, void *parg)
{
	long done = 0;

	for (size_t i = 0; i < ns->n; i++) {
		const struct name *n = &ns->v[i];
		const char *id;
		int rc;

		if (cm_get(&r->cat, n->key, &id) && id) {
			r->st->from_catalog++;
			rc = outcome(r, n, id, "catalog");
		} else if (!r->p || prov_blocked(r->p, EP_SEARCH, 0) ||
			   prov_stopped(r->p, EP_SEARCH)) {
			rc = 1;
		} else {
			rc = ask(r, n);
		}
		if (rc < 0)
			return -1;
		if (rc > 0)
			r->st->pending++;
		else
			done++;
		if (progress)
			progress(parg, r->st, done);
	}
	return 0;
}

int resolve_run(struct store *s, const struct config *cfg,
		const char *data_dir, const char *account, int offline,
		resolve_progress_fn progress, void *parg,
		struct resolve_stats *st, struct strbuf *err)
{
	struct names ns = { NULL, 0, 0 };
	struct run r = { s, NULL, { NULL, NULL, 0, 0 }, time_now_ms(), st, err };
	int ret = -1;

	memset(st, 0, sizeof(*st));
	/* a run killed before its last step left matches to apply */
	if (store_resolve_apply(s, &st->plays_set, err) ||
	    store_resolve_pending(s, r.now_ms, collect, &ns, err) ||
	    (ns.n && store_resolve_catalog(s, cm_add, &r.cat, err)))
		goto out;
	st->names = (long)ns.n;
	if (!offline && ns.n)
		r.p = prov_open(s, cfg, data_dir, account, r.now_ms);
	if (each_name(&r, &ns, progress, parg))
		goto out;
	{
		int64_t more = 0;
		if (store_resolve_apply(s, &more, err))
			goto out;
		st->plays_set += more;
	}
	if (store_resolve_unresolved(s, &st->left_plays, &st->left_names, err))
		goto out;
	ret = 0;
out:
	if (r.p) {
		st->requests = prov_requests(r.p, EP_SEARCH);
		st->rate_limited_until = prov_rate_limited_until(r.p);
	}
	prov_free(r.p);
	cm_release(&r.cat);
	names_release(&ns);
	return ret;
}
