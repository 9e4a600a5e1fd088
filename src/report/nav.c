#include "core/hash.h"
#include "report/nav.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/strvec.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "core/banned.h"

/*
 * Design: one pass over every play (store_scan_music_refs, time order) and one
 * over the catalog (store_catalog_scan) build per-track totals; artists and
 * albums are sums over their tracks. The pass also keeps every counted play
 * (track, local day, time played) in memory, so a range (a week, a month,
 * any dates) is a binary search and a walk over its plays, and an artist's
 * or album's months chart a walk over its tracks' plays. Before, each range
 * scanned its plays in the store and each artist and album page read every
 * one of its tracks' plays (an indexed query per track): 30% of the CPU time
 * of 'site' at 1M plays (perf), 8 of 27 s.
 */

/* ---- a string -> index map (keys live in the index's arrays) ---------- */

static uint64_t key_hash(const char *s)
{
	uint64_t h = hash_fnv1a(s);
	return h ? h : 1;
}

/* The slot of key in m (empty when absent); name(arg, val) gives a key. */
static size_t map_slot(const struct nav_map *m, const char *key, uint64_t h,
		       const char *(*name)(const void *, int), const void *arg)
{
	size_t j = h & (m->cap - 1);
	while (m->e[j].h && !(m->e[j].h == h && !strcmp(name(arg, m->e[j].val), key)))
		j = (j + 1) & (m->cap - 1);
	return j;
}

static void map_grow(struct nav_map *m)
{
	struct nav_map g = { NULL, m->cap ? m->cap * 2 : 1024, m->n };
	g.e = xcalloc(g.cap, sizeof(*g.e));
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->e[i].h)
			continue;
		size_t j = m->e[i].h & (g.cap - 1);
		while (g.e[j].h)
			j = (j + 1) & (g.cap - 1);
		g.e[j] = m->e[i];
	}
	free(m->e);
	*m = g;
}

static const char *track_name_of(const void *arg, int i)
{
	return ((const struct nav_index *)arg)->t[i].id;
}

static const char *artist_name_of(const void *arg, int i)
{
	return ((const struct nav_index *)arg)->a[i].key;
}

static const char *album_name_of(const void *arg, int i)
{
	return ((const struct nav_index *)arg)->b[i].key;
}

static int map_get(const struct nav_map *m, const char *key,
		   const char *(*name)(const void *, int), const void *arg)
{
	if (!m->cap)
		return -1;
	uint64_t h = key_hash(key);
	size_t j = map_slot(m, key, h, name, arg);
	return m->e[j].h ? m->e[j].val : -1;
}

static void map_put(struct nav_map *m, const char *key, int val,
		    const char *(*name)(const void *, int), const void *arg)
{
	if ((m->n + 1) * 2 > m->cap)
		map_grow(m);
	uint64_t h = key_hash(key);
	size_t j = map_slot(m, key, h, name, arg);
	m->e[j].h = h;
	m->e[j].val = val;
	m->n++;
}

int nav_track_of(const struct nav_index *x, const char *id)
{
	return map_get(&x->tmap, id, track_name_of, x);
}

int nav_artist_of(const struct nav_index *x, const char *key)
{
	return map_get(&x->amap, key, artist_name_of, x);
}

int nav_album_of(const struct nav_index *x, const char *key)
{
	return map_get(&x->bmap, key, album_name_of, x);
}

/* ---- building --------------------------------------------------------- */

#define GROW(v, n, alloc) \
	do { \
		if ((n) >= (alloc)) { \
			(alloc) = (alloc) ? (alloc) * 2 : 256; \
			(v) = xrealloc((v), (size_t)(alloc) * sizeof(*(v))); \
		} \
	} while (0)

static int new_track(struct nav_index *x, const char *id)
{
	GROW(x->t, x->nt, x->at);
	struct nav_track *t = &x->t[x->nt];
	memset(t, 0, sizeof(*t));
	t->id = xstrdup(id);
	t->album = xstrdup("");
	t->duration = -1;
	t->first_ms = t->last_ms = -1;
	map_put(&x->tmap, t->id, x->nt, track_name_of, x);
	return x->nt++;
}

/* The group of key in v (artists or albums), made when new. */
static int group_of(struct nav_index *x, int albums, const char *key)
{
	struct nav_group **v = albums ? &x->b : &x->a;
	int *n = albums ? &x->nb : &x->na, *alloc = albums ? &x->ab : &x->aa;
	struct nav_map *m = albums ? &x->bmap : &x->amap;
	const char *(*name)(const void *, int) = albums ? album_name_of : artist_name_of;
	int i = map_get(m, key, name, x);

	if (i >= 0)
		return i;
	GROW(*v, *n, *alloc);
	struct nav_group *g = &(*v)[*n];
	memset(g, 0, sizeof(*g));
	g->key = xstrdup(key);
	g->first_ms = g->last_ms = -1;
	map_put(m, g->key, *n, name, x);
	return (*n)++;
}

static void cat_track(void *arg, const char *id, int64_t duration_ms, const char *album_id)
{
	struct nav_index *x = arg;
	if (nav_track_of(x, id) >= 0)
		return;
	int i = new_track(x, id);
	x->t[i].duration = duration_ms;
	free(x->t[i].album);
	x->t[i].album = xstrdup(album_id ? album_id : "");
}

static void add_artist(struct nav_track *t, int ai)
{
	for (int k = 0; k < t->nartists; k++)
		if (t->artists[k] == ai)
			return;
	t->artists = xrealloc(t->artists, (size_t)(t->nartists + 1) * sizeof(int));
	t->artists[t->nartists++] = ai;
}

static void cat_track_artist(void *arg, const char *track_id, const char *artist_id)
{
	struct nav_index *x = arg;
	int i = nav_track_of(x, track_id);
	if (i >= 0)
		add_artist(&x->t[i], group_of(x, 0, artist_id));
}

/* A "n/<ref>" key: ref, else 0 (no Spotify id has a '/'). */
static int64_t name_ref(const char *id)
{
	return id[0] == 'n' && id[1] == '/' ? strtoll(id + 2, NULL, 10) : 0;
}

/* The names of a track: the play's (by id, or by id_ref, the reference of
 * that id, where known: store_ref_play_names answers every track of an
 * import-only store from one read), or the stored ones of a track known
 * by its names (ref, or a "n/" key). */
static int names_of(struct store *st, const char *id, int64_t ref, int64_t id_ref,
		    char **ar, char **al)
{
	char *name = NULL;

	if (!ref)
		ref = name_ref(id);
	if (!ref && id_ref > 0)
		return store_ref_play_names(st, id_ref, ar, al);
	if (!ref)
		return store_play_names(st, id, ar, al);
	int found = store_ref_names(st, ref, &name, ar, al);
	free(name);
	return found;
}

/*
 * A track only plays name (not in the catalog): the play's artist and
 * album. A track known by names only (no Spotify id) is keyed "n/<ref>",
 * as report.c keys it.
 */
static int played_track(struct nav_index *x, struct store *st, const char *id,
			int64_t ref, int64_t id_ref)
{
	int i = nav_track_of(x, id);
	if (i >= 0)
		return i;
	i = new_track(x, id);
	x->t[i].ref = ref;
	char *ar = NULL, *al = NULL;
	if (names_of(st, id, ref, id_ref, &ar, &al) > 0) {
		struct strbuf k = STRBUF_INIT;
		if (ar) {
			strbuf_addf(&k, "name:%s", ar);
			add_artist(&x->t[i], group_of(x, 0, k.buf));
		}
		if (al) {
			strbuf_reset(&k);
			strbuf_addf(&k, "name:%s", al);
			free(x->t[i].album);
			x->t[i].album = strbuf_detach(&k, NULL);
		}
		strbuf_release(&k);
	}
	free(ar);
	free(al);
	return i;
}

/* A play's track key: its Spotify id, or report_name_id of its name key
 * ("n/<ref>" when the engine gave none) written into buf. */
static const char *play_key(const struct nav_index *x, const struct store_music_play *p,
			    char *buf, size_t len)
{
	if (p->track_id)
		return p->track_id;
	if (p->ref > 0 && p->ref < x->nref_key && x->ref_key[p->ref] && len >= REPORT_NAME_ID_LEN)
		report_name_id(x->ref_key[p->ref], buf);
	else
		snprintf(buf, len, "n/%lld", (long long)p->ref);
	return buf;
}

/* local_day's memo */
struct day_cache {
	int64_t bucket, day;
	int ym; /* year * 12 + month - 1 */
};

/*
 * What the pass knows of each track reference (store_track_refs), so a play
 * (store_scan_music_refs: play_rows alone, no join per play) finds its track
 * by an array index once its reference was met: the key it counts under is
 * its Spotify id, else its canon's, else its names' (play_key), as
 * store_scan_music hands them out. Reading the plays with their ids and
 * looking each id up was 1.6 s of the first page of a server at 1M plays.
 */
struct build {
	struct nav_index *x;
	struct store *st;
	struct day_cache dc;
	int aday;
	int64_t nref;
	char **sid;     /* by reference: its Spotify id, NULL none */
	int64_t *canon; /* by reference: the reference it counts as, 0 itself */
	int *ti;        /* by reference: its track index, -1 not met yet, -2 no
			   such reference (store_scan_music skips its plays) */
};

static void build_grow_refs(struct build *b, int64_t ref)
{
	int64_t n = b->nref ? b->nref : 1024;

	if (ref < b->nref)
		return;
	while (n <= ref)
		n *= 2;
	b->sid = xrealloc(b->sid, (size_t)n * sizeof(*b->sid));
	b->canon = xrealloc(b->canon, (size_t)n * sizeof(*b->canon));
	b->ti = xrealloc(b->ti, (size_t)n * sizeof(*b->ti));
	for (int64_t i = b->nref; i < n; i++) {
		b->sid[i] = NULL;
		b->canon[i] = 0;
		b->ti[i] = -2;
	}
	b->nref = n;
}

static void build_release(struct build *b)
{
	for (int64_t i = 0; i < b->nref; i++)
		free(b->sid[i]);
	free(b->sid);
	free(b->canon);
	free(b->ti);
}

/* store_track_refs: the name key of each name-keyed reference, and what
 * every reference counts as (struct build). */
static int ref_key_of(void *arg, const struct store_track_ref *r)
{
	struct build *b = arg;
	struct nav_index *x = b->x;

	if (r->ref <= 0)
		return 0;
	build_grow_refs(b, r->ref);
	b->sid[r->ref] = r->spotify_id ? xstrdup(r->spotify_id) : NULL;
	b->canon[r->ref] = r->canon;
	b->ti[r->ref] = -1;
	if (r->spotify_id || !r->name_key)
		return 0;
	if (r->ref >= x->nref_key) {
		int64_t n = x->nref_key ? x->nref_key : 1024;
		while (n <= r->ref)
			n *= 2;
		x->ref_key = xrealloc(x->ref_key, (size_t)n * sizeof(*x->ref_key));
		memset(x->ref_key + x->nref_key, 0,
		       (size_t)(n - x->nref_key) * sizeof(*x->ref_key));
		x->nref_key = n;
	}
	x->ref_key[r->ref] = r->name_key;
	return 0;
}

/* Local day of ms, with localtime_r once per quarter hour (report.c's reason). */

static int64_t local_day(struct day_cache *c, int64_t ms)
{
	int64_t b = ms >= 0 ? ms / 900000 : -((-ms + 899999) / 900000);
	if (b != c->bucket) {
		time_t t = (time_t)(b * 900);
		struct tm tm;
		localtime_r(&t, &tm);
		c->bucket = b;
		c->day = time_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
		c->ym = (tm.tm_year + 1900) * 12 + tm.tm_mon;
	}
	return c->day;
}

static int64_t play_ms(const struct nav_track *t, int64_t ms_played)
{
	return ms_played >= 0 ? ms_played : t->duration >= 0 ? t->duration : 0;
}


static void count_day(struct build *b, int64_t day, int64_t ms)
{
	struct nav_index *x = b->x;
	if (!x->ndays) {
		x->first_day = day;
		x->ndays = 1;
	}
	int64_t di = day - x->first_day;
	if (di < 0)
		return; /* not in time order: cannot happen with the scan's ORDER BY */
	while (di >= b->aday) {
		int na = b->aday ? b->aday * 2 : 512;
		x->day_plays = xrealloc(x->day_plays, (size_t)na * sizeof(int));
		x->day_ms = xrealloc(x->day_ms, (size_t)na * sizeof(int64_t));
		memset(x->day_plays + b->aday, 0, (size_t)(na - b->aday) * sizeof(int));
		memset(x->day_ms + b->aday, 0, (size_t)(na - b->aday) * sizeof(int64_t));
		b->aday = na;
	}
	if (di >= x->ndays)
		x->ndays = (int)di + 1;
	x->day_plays[di]++;
	x->day_ms[di] += ms;
}

/* A reference's track index, found by its key the first time it is met. */
static int ref_track(struct build *b, int64_t ref)
{
	struct nav_index *x = b->x;
	char key[32];

	if (b->ti[ref] >= 0)
		return b->ti[ref];
	const char *id = b->sid[ref];
	int64_t c = b->canon[ref], id_ref = id ? ref : 0;
	if (!id && c > 0 && c < b->nref && b->sid[c]) {
		id = b->sid[c];
		id_ref = c;
	}
	struct store_music_play p = { .track_id = id, .ref = ref };
	b->ti[ref] = played_track(x, b->st, play_key(x, &p, key, sizeof(key)), id ? 0 : ref,
				  id_ref);
	return b->ti[ref];
}

static int build_play(void *arg, const struct store_music_ref *p)
{
	struct build *b = arg;
	struct nav_index *x = b->x;

	if (p->ms_played >= 0 && p->ms_played < x->min_ms_played)
		return 0;
	if (p->track <= 0 || p->track >= b->nref || b->ti[p->track] == -2)
		return 0;
	int ti = ref_track(b, p->track);
	struct nav_track *t = &x->t[ti];
	int64_t ms = play_ms(t, p->ms_played);
	t->plays++;
	t->ms += ms;
	if (t->first_ms < 0)
		t->first_ms = p->played_ms;
	t->last_ms = p->played_ms;
	x->plays++;
	x->ms += ms;
	int64_t day = local_day(&b->dc, p->played_ms);
	count_day(b, day, ms);
	GROW(x->log, x->nlog, x->alog);
	x->log[x->nlog++] = (struct nav_play){ ti, (int32_t)day, ms };
	return 0;
}

/* Where each track's plays are in the log (a counting sort by track). */
static void build_track_plays(struct nav_index *x)
{
	int *fill = xcalloc((size_t)x->nt + 1, sizeof(int));
	x->toff = xcalloc((size_t)x->nt + 1, sizeof(int));
	x->tplay = xcalloc((size_t)x->nlog + 1, sizeof(int));
	for (int i = 0; i < x->nlog; i++)
		x->toff[x->log[i].track + 1]++;
	for (int i = 0; i < x->nt; i++)
		x->toff[i + 1] += x->toff[i];
	for (int i = 0; i < x->nlog; i++) {
		int t = x->log[i].track;
		x->tplay[x->toff[t] + fill[t]++] = i;
	}
	free(fill);
}

static void group_add(struct nav_group *g, int ti, const struct nav_track *t)
{
	GROW(g->tracks, g->ntracks, g->atracks);
	g->tracks[g->ntracks++] = ti;
	g->plays += t->plays;
	g->ms += t->ms;
	if (t->plays && (g->first_ms < 0 || t->first_ms < g->first_ms))
		g->first_ms = t->first_ms;
	if (t->plays && t->last_ms > g->last_ms)
		g->last_ms = t->last_ms;
}

struct kv {
	const char *key;
	int plays;
	int64_t ms;
	int idx;
};

static int cmp_kv(const void *pa, const void *pb)
{
	const struct kv *a = pa, *b = pb;
	if (a->plays != b->plays)
		return a->plays > b->plays ? -1 : 1;
	if (a->ms != b->ms)
		return a->ms > b->ms ? -1 : 1;
	return strcmp(a->key, b->key);
}

/* Ranks 1..n the groups with plays; returns n. */
static int rank_groups(struct nav_group *v, int n)
{
	struct kv *idx = xcalloc((size_t)n + 1, sizeof(*idx));
	int k = 0;
	for (int i = 0; i < n; i++)
		if (v[i].plays)
			idx[k++] = (struct kv){ v[i].key, v[i].plays, v[i].ms, i };
	qsort(idx, (size_t)k, sizeof(*idx), cmp_kv);
	for (int i = 0; i < k; i++)
		v[idx[i].idx].rank = i + 1;
	free(idx);
	return k;
}

static void build_groups(struct nav_index *x)
{
	for (int i = 0; i < x->nt; i++) {
		struct nav_track *t = &x->t[i];
		for (int k = 0; k < t->nartists; k++)
			group_add(&x->a[t->artists[k]], i, t);
		if (t->album[0]) {
			int bi = group_of(x, 1, t->album);
			group_add(&x->b[bi], i, t);
		}
	}
	x->nranked_artists = rank_groups(x->a, x->na);
	x->nranked_albums = rank_groups(x->b, x->nb);
}

int nav_index_build(struct store *st, const struct report_options *opt,
		    struct nav_index *x, struct strbuf *err)
{
	const struct store_catalog_fns fns = {
		.arg = x, .track = cat_track, .track_artist = cat_track_artist,
	};
	struct build b = { x, st, { INT64_MIN, 0, 0 }, 0, 0, NULL, NULL, NULL };
	struct strbuf e = STRBUF_INIT;
	int ret = -1;

	memset(x, 0, sizeof(*x));
	x->min_ms_played = opt->min_ms_played;
	x->account_id = opt->account_id;
	if (store_read_begin(st, &e))
		goto out;
	ret = store_catalog_scan(st, &fns, &e) ||
	      store_track_refs(st, ref_key_of, &b, &e) ||
	      store_scan_music_refs(st, x->account_id, INT64_MIN, INT64_MAX, build_play, &b,
				    &e) ? -1 : 0;
	store_read_end(st);
	build_release(&b);
	if (!ret) {
		build_groups(x);
		build_track_plays(x);
	}
out:
	if (ret) {
		strbuf_addf(err, "reading the history: %s", e.buf);
		nav_index_release(x);
	}
	strbuf_release(&e);
	return ret;
}

static void group_free(struct nav_group *v, int n)
{
	for (int i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].tracks);
	}
	free(v);
}

void nav_index_release(struct nav_index *x)
{
	for (int i = 0; i < x->nt; i++) {
		free(x->t[i].id);
		free(x->t[i].album);
		free(x->t[i].artists);
	}
	free(x->t);
	free(x->ref_key);
	group_free(x->a, x->na);
	group_free(x->b, x->nb);
	free(x->tmap.e);
	free(x->amap.e);
	free(x->bmap.e);
	free(x->day_plays);
	free(x->day_ms);
	free(x->log);
	free(x->toff);
	free(x->tplay);
	memset(x, 0, sizeof(*x));
}

/* ---- lookups ---------------------------------------------------------- */

static int page_key(const char *key)
{
	size_t n = 0;
	for (; key[n]; n++) {
		char c = key[n];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
			return 0;
	}
	return n > 0 && n <= 64;
}

int nav_artist_page(const struct nav_index *x, const char *key)
{
	int i = page_key(key) ? nav_artist_of(x, key) : -1;
	return i >= 0 && x->a[i].plays > 0;
}

int nav_album_page(const struct nav_index *x, const char *key)
{
	int i = page_key(key) ? nav_album_of(x, key) : -1;
	return i >= 0 && x->b[i].plays > 0;
}

int nav_day_plays(const struct nav_index *x, int64_t day)
{
	int64_t di = day - x->first_day;
	return x->ndays && di >= 0 && di < x->ndays ? x->day_plays[di] : 0;
}

int nav_day_step(const struct nav_index *x, int64_t day, int dir, int64_t *out)
{
	if (!x->ndays)
		return -1;
	int64_t di = day - x->first_day + dir;
	if (di < 0 && dir > 0)
		di = 0;
	if (di >= x->ndays && dir < 0)
		di = x->ndays - 1;
	for (; di >= 0 && di < x->ndays; di += dir)
		if (x->day_plays[di]) {
			*out = x->first_day + di;
			return 0;
		}
	return -1;
}

int64_t nav_midnight(int64_t day)
{
	int y, m, d;
	char buf[32];
	int64_t ms = 0;

	time_civil_from_days(day, &y, &m, &d);
	snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, m, d);
	if (time_parse_local_date(buf, &ms))
		return day * 86400000LL;
	return ms;
}

int nav_parse_date(const char *s, int64_t *day)
{
	int v[3] = { 0, 0, 0 }, yy, mm, dd;
	static const int len[3] = { 4, 2, 2 };
	const char *p = s;

	for (int k = 0; k < 3; k++) {
		for (int i = 0; i < len[k]; i++, p++) {
			if (*p < '0' || *p > '9')
				return -1;
			v[k] = v[k] * 10 + *p - '0';
		}
		if (k < 2 && *p++ != '-')
			return -1;
	}
	if (*p || v[0] < 1970 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31)
		return -1;
	*day = time_days_from_civil(v[0], v[1], v[2]);
	time_civil_from_days(*day, &yy, &mm, &dd);
	return yy == v[0] && mm == v[1] && dd == v[2] ? 0 : -1;
}

/* ---- streaks and on this day ------------------------------------------ */

void nav_streaks(const struct nav_index *x, int64_t today, struct nav_streaks *out)
{
	int run = 0;

	memset(out, 0, sizeof(*out));
	for (int i = 0; i < x->ndays; i++) {
		run = x->day_plays[i] ? run + 1 : 0;
		if (run > out->longest) {
			out->longest = run;
			out->longest_from = x->first_day + i - run + 1;
		}
	}
	int64_t end = nav_day_plays(x, today) ? today : today - 1;
	for (int64_t d = end; nav_day_plays(x, d); d--) {
		out->current++;
		out->current_from = d;
	}
}

int nav_on_this_day(const struct nav_index *x, int64_t day, struct nav_on_day *v, int max)
{
	int y, m, d, n = 0, fy, fm, fd;
	if (!x->ndays)
		return 0;
	time_civil_from_days(day, &y, &m, &d);
	time_civil_from_days(x->first_day, &fy, &fm, &fd);
	for (int yy = y - 1; yy >= fy && n < max; yy--) {
		int64_t k = time_days_from_civil(yy, m, d);
		int cy, cm, cd;
		time_civil_from_days(k, &cy, &cm, &cd);
		if (cm != m) /* 29 February in a common year */
			continue;
		int64_t di = k - x->first_day;
		if (di < 0 || di >= x->ndays || !x->day_plays[di])
			continue;
		v[n++] = (struct nav_on_day){ k, x->day_plays[di], x->day_ms[di] };
	}
	return n;
}

/* ---- labels ----------------------------------------------------------- */

/* A track's names for a top list; each string new, "" when unknown. */
struct label {
	char *name, *artists, *album;
};

static void label_of_ref(struct store *st, int64_t ref, const char *id, struct label *l)
{
	char *name = NULL, *ar = NULL, *al = NULL;
	store_ref_names(st, ref, &name, &ar, &al);
	l->name = name ? name : xstrdup(id);
	l->artists = ar ? ar : xstrdup("");
	l->album = al ? al : xstrdup("");
}

/*
 * The labels of n tracks (x NULL: ids are catalog ids or name references),
 * the catalog's asked at once: a month page's 50 tracks one by one were 50
 * round trips on PostgreSQL.
 */
static void track_labels(const struct nav_index *x, struct store *st, int n,
			 const char *const *ids, struct label *out)
{
	const char **ask = xcalloc((size_t)n + 1, sizeof(*ask));
	int *at = xcalloc((size_t)n + 1, sizeof(*at)), k = 0;

	for (int i = 0; i < n; i++) {
		int64_t ref = name_ref(ids[i]);
		int ti = ref || !x ? -1 : nav_track_of(x, ids[i]);
		if (ti >= 0)
			ref = x->t[ti].ref;
		if (ref) {
			label_of_ref(st, ref, ids[i], &out[i]);
		} else {
			at[k] = i;
			ask[k++] = ids[i];
		}
	}
	struct store_track_names *nm = xcalloc((size_t)k + 1, sizeof(*nm));
	store_track_names_many(st, ask, k, nm);
	for (int j = 0; j < k; j++) {
		struct label *l = &out[at[j]];
		l->name = nm[j].name ? nm[j].name : xstrdup(ask[j]);
		l->artists = nm[j].artists ? nm[j].artists : xstrdup("");
		l->album = nm[j].album ? nm[j].album : xstrdup("");
		free(nm[j].album_id);
		free(nm[j].cover_url);
	}
	free(nm);
	free(at);
	free(ask);
}

/* ---- ranges ----------------------------------------------------------- */

/* Sorts v and copies its first NAV_TOP into out; returns how many. */
static int top_of(struct kv *v, int n, struct report_rank *out)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_kv);
	int k = 0;
	for (; k < n && k < NAV_TOP; k++) {
		memset(&out[k], 0, sizeof(out[k]));
		out[k].key = xstrdup(v[k].key);
		out[k].plays = v[k].plays;
		out[k].ms = v[k].ms;
		out[k].track = v[k].idx;
	}
	return k;
}

/* A range's counts per track (its scratch, so the index stays read-only). */
struct range_count {
	int plays;
	int64_t ms;
};

/* The first play of the log on or after local day (nlog when none). */
static int log_from(const struct nav_index *x, int64_t day)
{
	int lo = 0, hi = x->nlog;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (x->log[mid].day < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void range_count(const struct nav_index *x, struct nav_range *r,
			struct range_count *c)
{
	int i = r->from_day == INT64_MIN ? 0 : log_from(x, r->from_day);
	int end = r->to_day == INT64_MAX ? x->nlog : log_from(x, r->to_day);
	for (; i < end; i++) {
		const struct nav_play *pl = &x->log[i];
		c[pl->track].plays++;
		c[pl->track].ms += pl->ms;
		r->plays++;
		r->ms += pl->ms;
		int64_t di = pl->day - r->day0;
		if (di >= 0 && di < r->ndays) {
			r->day_plays[di]++;
			r->day_ms[di] += pl->ms;
		}
	}
}

/* The totals of the groups (artists or albums) from the tracks' counts. */
static int range_groups(const struct nav_index *x, int albums, const struct range_count *c,
			struct kv *v)
{
	const struct nav_group *g = albums ? x->b : x->a;
	int n = albums ? x->nb : x->na, k = 0;
	for (int i = 0; i < n; i++) {
		int plays = 0;
		int64_t ms = 0;
		for (int j = 0; j < g[i].ntracks; j++) {
			plays += c[g[i].tracks[j]].plays;
			ms += c[g[i].tracks[j]].ms;
		}
		if (plays)
			v[k++] = (struct kv){ g[i].key, plays, ms, i };
	}
	return k;
}

static void range_labels(const struct nav_index *x, struct store *st, struct nav_range *r,
			 const struct range_count *c)
{
	int nt = r->ntop_tracks, n = nt + r->ntop_albums;
	const char **ids = xcalloc((size_t)n + 1, sizeof(*ids));
	struct label *l = xcalloc((size_t)n + 1, sizeof(*l));

	for (int k = 0; k < nt; k++)
		ids[k] = r->top_tracks[k].key;
	for (int k = 0; k < r->ntop_albums; k++) {
		const struct nav_group *g = &x->b[r->top_albums[k].track];
		/* the album's first track in rank order (cmp_kv) names it: the
		 * catalog's order of its tracks differs between engines */
		struct kv best = { NULL, -1, 0, -1 };
		for (int j = 0; j < g->ntracks; j++) {
			int t = g->tracks[j];
			struct kv v = { x->t[t].id, c[t].plays, c[t].ms, t };
			if (best.idx < 0 || cmp_kv(&v, &best) < 0)
				best = v;
		}
		ids[nt + k] = best.key;
	}
	track_labels(x, st, n, ids, l);
	for (int k = 0; k < nt; k++) {
		r->top_tracks[k].label = l[k].name;
		r->top_tracks[k].sub = l[k].artists;
		free(l[k].album);
	}
	report_label_artist_ranks(st, r->top_artists, r->ntop_artists);
	for (int k = 0; k < r->ntop_artists; k++)
		r->top_artists[k].sub = xstrdup("");
	for (int k = 0; k < r->ntop_albums; k++) {
		struct report_rank *a = &r->top_albums[k];
		struct label *b = &l[nt + k];
		free(b->name);
		a->sub = b->artists;
		a->label = b->album[0] ? b->album : xstrdup(!strncmp(a->key, "name:", 5) ?
							    a->key + 5 : a->key);
		if (!b->album[0])
			free(b->album);
	}
	free(l);
	free(ids);
}

static void range_days(const struct nav_index *x, struct nav_range *r)
{
	int64_t lo = r->from_day, hi = r->to_day;
	if (!x->ndays)
		return;
	if (lo < x->first_day)
		lo = x->first_day;
	if (hi > x->first_day + x->ndays)
		hi = x->first_day + x->ndays;
	if (hi <= lo)
		return;
	r->day0 = lo;
	r->ndays = (int)(hi - lo);
	r->day_plays = xcalloc((size_t)r->ndays, sizeof(int));
	r->day_ms = xcalloc((size_t)r->ndays, sizeof(int64_t));
}

int nav_range(const struct nav_index *x, struct store *st, int64_t from_day, int64_t to_day,
	      struct nav_range *r, struct strbuf *err)
{
	int n = x->nt > x->na ? x->nt : x->na;
	if (x->nb > n)
		n = x->nb;
	struct kv *v = xcalloc((size_t)n + 1, sizeof(*v));
	struct range_count *c = xcalloc((size_t)x->nt + 1, sizeof(*c));

	(void)err; /* the plays are in the index; only names are read */
	memset(r, 0, sizeof(*r));
	r->from_day = from_day;
	r->to_day = to_day;
	range_days(x, r);
	range_count(x, r, c);
	int k = 0;
	for (int i = 0; i < x->nt; i++)
		if (c[i].plays)
			v[k++] = (struct kv){ x->t[i].id, c[i].plays, c[i].ms, i };
	r->distinct_tracks = k;
	r->ntop_tracks = top_of(v, k, r->top_tracks);
	r->distinct_artists = k = range_groups(x, 0, c, v);
	r->ntop_artists = top_of(v, k, r->top_artists);
	r->distinct_albums = k = range_groups(x, 1, c, v);
	r->ntop_albums = top_of(v, k, r->top_albums);
	range_labels(x, st, r, c);
	free(c);
	free(v);
	return 0;
}

static void release_ranks(struct report_rank *v, int n)
{
	for (int i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].label);
		free(v[i].sub);
	}
}

void nav_range_release(struct nav_range *r)
{
	release_ranks(r->top_tracks, r->ntop_tracks);
	release_ranks(r->top_artists, r->ntop_artists);
	release_ranks(r->top_albums, r->ntop_albums);
	free(r->day_plays);
	free(r->day_ms);
	memset(r, 0, sizeof(*r));
}

/* ---- artist and album pages ------------------------------------------- */

/* The months from the first listen to the last, and each track's plays in them. */
static void group_months(const struct nav_index *x, const struct nav_group *g,
			 struct nav_group_page *p)
{
	struct day_cache dc = { INT64_MIN, 0, 0 };
	local_day(&dc, g->first_ms);
	p->month0 = dc.ym;
	local_day(&dc, g->last_ms);
	p->nmonths = dc.ym - p->month0 + 1;
	p->month_plays = xcalloc((size_t)p->nmonths, sizeof(int));
	p->month_ms = xcalloc((size_t)p->nmonths, sizeof(int64_t));
	for (int j = 0; j < g->ntracks; j++) {
		int t = g->tracks[j];
		for (int i = x->toff[t]; i < x->toff[t + 1]; i++) {
			const struct nav_play *pl = &x->log[x->tplay[i]];
			int y, m, d;
			time_civil_from_days(pl->day, &y, &m, &d);
			int k = y * 12 + m - 1 - p->month0;
			if (k >= 0 && k < p->nmonths) {
				p->month_plays[k]++;
				p->month_ms[k] += pl->ms;
			}
		}
	}
}

static int group_page(const struct nav_index *x, struct store *st, int albums,
		      const char *key, struct nav_group_page *p)
{
	int i = albums ? nav_album_of(x, key) : nav_artist_of(x, key);

	memset(p, 0, sizeof(*p));
	if (i < 0 || !(albums ? x->b : x->a)[i].plays)
		return 0;
	const struct nav_group *g = &(albums ? x->b : x->a)[i];
	struct kv *v = xcalloc((size_t)g->ntracks + 1, sizeof(*v));
	int k = 0;
	p->key = xstrdup(key);
	p->rank = g->rank;
	p->nranked = albums ? x->nranked_albums : x->nranked_artists;
	p->plays = g->plays;
	p->ms = g->ms;
	p->first_ms = g->first_ms;
	p->last_ms = g->last_ms;
	for (int j = 0; j < g->ntracks; j++) {
		const struct nav_track *t = &x->t[g->tracks[j]];
		if (t->plays)
			v[k++] = (struct kv){ t->id, t->plays, t->ms, g->tracks[j] };
	}
	p->ntracks_played = k;
	p->ntop_tracks = top_of(v, k, p->top_tracks);
	const char **ids = xcalloc((size_t)p->ntop_tracks + 1, sizeof(*ids));
	struct label *l = xcalloc((size_t)p->ntop_tracks + 1, sizeof(*l));
	for (int j = 0; j < p->ntop_tracks; j++)
		ids[j] = p->top_tracks[j].key;
	track_labels(x, st, p->ntop_tracks, ids, l);
	for (int j = 0; j < p->ntop_tracks; j++) {
		p->top_tracks[j].label = l[j].name;
		p->top_tracks[j].sub = l[j].artists;
		free(l[j].album);
	}
	free(l);
	free(ids);
	free(v);
	group_months(x, g, p);
	return 1;
}

int nav_artist(const struct nav_index *x, struct store *st, const char *key,
	       struct nav_group_page *out, struct strbuf *err)
{
	int rc = group_page(x, st, 0, key, out);
	(void)err;
	if (rc > 0) {
		report_artist_labels(st, &key, 1, &out->name);
		out->sub = xstrdup("");
	}
	return rc;
}

/* The album's name and artists: the catalog's, else its best track's. */
static int album_names(struct store *st, struct nav_group_page *p,
		       struct strbuf *err)
{
	struct strvec ids = STRVEC_INIT;
	struct strbuf sub = STRBUF_INIT;
	char *name = NULL;
	int rc = store_nav_album(st, p->key, &name, &ids, err);

	if (rc < 0)
		return -1;
	if (!rc || !ids.n) { /* the most played track's names */
		struct label l;
		track_labels(NULL, st, 1, (const char *const *)&p->top_tracks[0].key, &l);
		free(l.name);
		p->sub = l.artists;
		char *al = l.album;
		if (!name && al[0]) {
			name = al;
			al = NULL;
		} else if (!name) {
			name = xstrdup(!strncmp(p->key, "name:", 5) ? p->key + 5 : p->key);
		}
		free(al);
	} else {
		char **names = xcalloc(ids.n, sizeof(*names));
		report_artist_labels(st, (const char *const *)ids.v, (int)ids.n, names);
		for (size_t i = 0; i < ids.n; i++) {
			strbuf_addf(&sub, "%s%s", i ? ", " : "", names[i]);
			free(names[i]);
		}
		free(names);
		p->sub = strbuf_detach(&sub, NULL);
		p->artist_ids = ids.v;
		p->nartist_ids = (int)ids.n;
		ids.v = NULL;
		ids.n = ids.alloc = 0;
	}
	p->name = name;
	strvec_clear(&ids);
	strbuf_release(&sub);
	return 0;
}

int nav_album(const struct nav_index *x, struct store *st, const char *key,
	      struct nav_group_page *out, struct strbuf *err)
{
	int rc = group_page(x, st, 1, key, out);
	if (rc > 0 && album_names(st, out, err)) {
		nav_group_page_release(out);
		return -1;
	}
	return rc;
}

void nav_group_page_release(struct nav_group_page *p)
{
	free(p->key);
	free(p->name);
	free(p->sub);
	for (int i = 0; i < p->nartist_ids; i++)
		free(p->artist_ids[i]);
	free(p->artist_ids);
	release_ranks(p->top_tracks, p->ntop_tracks);
	free(p->month_plays);
	free(p->month_ms);
	memset(p, 0, sizeof(*p));
}
