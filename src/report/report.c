#include "core/hash.h"
#include "report/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/timeutil.h"
#include "core/xalloc.h"
#include "core/banned.h"

/*
 * Design for a million plays: the year is read once, in time order, over
 * the plays_time index, reading four narrow columns. Everything else is
 * looked up once per DISTINCT track or artist (a few thousand point lookups
 * by primary key), never once per play. Local days and hours come from a
 * cache keyed by the quarter hour, since no zone changes offset inside one
 * (every offset in use is a multiple of 15 minutes), so localtime_r runs a
 * few thousand times a year instead of once per play.
 */

/* ---- small helpers ---------------------------------------------------- */

/*
 * Room for element n of *v, which has *alloc elements of size bytes:
 * doubles the array when full (first: the size of a new one).
 */
#define GROW(v, n, alloc, first) ((v) = grow((v), (n), &(alloc), sizeof(*(v)), (first)))

static void *grow(void *v, int n, int *alloc, size_t size, int first)
{
	if (n < *alloc)
		return v;
	*alloc = *alloc ? *alloc * 2 : first;
	return xrealloc(v, (size_t)*alloc * size);
}

struct slot_cache {
	int64_t bucket;
	int64_t day;
	int hour;
	int month;   /* 1..12 */
	int wday;    /* 0 = Monday */
	/* The zone's offset from UTC (s) holds for buckets [off_from, off_to). */
	int64_t off_from, off_to, off;
};

/* The zone's offset from UTC at quarter hour b, in seconds. */
static int64_t zone_offset(int64_t b)
{
	time_t t = (time_t)(b * 900);
	struct tm tm;

	localtime_r(&t, &tm);
	int64_t local = time_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) *
		86400 + tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
	return local - (int64_t)t;
}

/*
 * Finds how long the offset at quarter hour b holds: probes a day ahead,
 * and where it differs, bisects to the quarter hour it changes. Assumes no
 * zone changes its offset twice within a day and back (none in tzdata).
 * Why: localtime_r per quarter hour was 24 M of 270 M instructions of a
 * warm year pass at 1M plays; this asks it about 370 times a year.
 */
static void zone_span(struct slot_cache *c, int64_t b)
{
	int64_t off = zone_offset(b), lo = b, hi = b + 96;

	if (zone_offset(hi) != off) {
		while (hi - lo > 1) {
			int64_t mid = lo + (hi - lo) / 2;
			if (zone_offset(mid) == off)
				lo = mid;
			else
				hi = mid;
		}
	}
	c->off = off;
	c->off_from = b;
	c->off_to = hi;
}

/* Local day number and hour of ms, cached per quarter hour. */
static void local_slot(struct slot_cache *c, int64_t ms, int64_t *day, int *hour)
{
	int64_t b = ms >= 0 ? ms / 900000 : -((-ms + 899999) / 900000);
	if (b != c->bucket) {
		if (b < c->off_from || b >= c->off_to)
			zone_span(c, b);
		int64_t local = b * 900 + c->off;
		int64_t ld = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
		int y, m, d;
		time_civil_from_days(ld, &y, &m, &d);
		c->bucket = b;
		c->day = ld;
		c->hour = (int)((local - ld * 86400) / 3600);
		c->month = m;
		c->wday = (int)(((ld + 3) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */
	}
	*day = c->day;
	*hour = c->hour;
}

static int64_t local_midnight(int64_t day)
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

void report_year_bounds(int year, int64_t *from_ms, int64_t *to_ms)
{
	*from_ms = local_midnight(time_days_from_civil(year, 1, 1));
	*to_ms = local_midnight(time_days_from_civil(year + 1, 1, 1));
}

int report_better(int plays, int64_t ms, const char *id,
		  int best_plays, int64_t best_ms, const char *best_id)
{
	if (plays != best_plays)
		return plays > best_plays;
	if (ms != best_ms)
		return ms > best_ms;
	return strcmp(id, best_id) < 0;
}

/* ---- string -> index hash --------------------------------------------- */

/*
 * Open addressing with the hash, value and key of a slot side by side in 32
 * bytes, so a probe touches one cache line and no other memory: the year
 * pass does a lookup per play, and with tens of thousands of tracks the map
 * does not fit in the CPU's nearest caches. Keys shorter than 23 bytes
 * (Spotify ids have 22) are copied into the slot; a longer key is borrowed
 * (it must outlive the map).
 */
#define STRMAP_INLINE 23

struct strmap_ent {
	uint32_t hash;  /* the low half of the key's hash, 0 = empty slot */
	int val;
	unsigned char borrowed; /* key holds a pointer to the key */
	char key[STRMAP_INLINE];
};

struct strmap {
	struct strmap_ent *e;
	size_t cap, n;
	uint32_t pending; /* hash of the key strmap_get last missed */
};

static uint32_t hash_str(const char *s)
{
	uint64_t h = hash_fnv1a(s);
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return (uint32_t)h ? (uint32_t)h : 1; /* 0 marks an empty slot */
}

static const char *ent_key(const struct strmap_ent *e)
{
	const char *p;
	if (!e->borrowed)
		return e->key;
	memcpy(&p, e->key, sizeof(p));
	return p;
}

static void strmap_grow(struct strmap *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 1024;
	struct strmap_ent *e = xcalloc(ncap, sizeof(*e));
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->e[i].hash)
			continue;
		size_t j = m->e[i].hash & (ncap - 1);
		while (e[j].hash)
			j = (j + 1) & (ncap - 1);
		e[j] = m->e[i];
	}
	free(m->e);
	m->e = e;
	m->cap = ncap;
}

/* Returns the value for key, or -1; *slot receives where to insert. */
static int strmap_get(struct strmap *m, const char *key, size_t *slot)
{
	if ((m->n + 1) * 2 > m->cap)
		strmap_grow(m);
	uint32_t h = hash_str(key);
	size_t j = h & (m->cap - 1);
	while (m->e[j].hash) {
		if (m->e[j].hash == h && !strcmp(ent_key(&m->e[j]), key))
			return m->e[j].val;
		j = (j + 1) & (m->cap - 1);
	}
	*slot = j;
	m->pending = h;
	return -1;
}

static void strmap_put(struct strmap *m, size_t slot, const char *key, int val)
{
	struct strmap_ent *e = &m->e[slot];
	size_t len = strlen(key);
	if (len < STRMAP_INLINE) {
		memcpy(e->key, key, len + 1);
	} else {
		e->borrowed = 1;
		memcpy(e->key, &key, sizeof(key));
	}
	e->val = val;
	e->hash = m->pending;
	m->n++;
}

static void strmap_release(struct strmap *m)
{
	free(m->e);
	memset(m, 0, sizeof(*m));
}

/* ---- the year scan ----------------------------------------------------- */

struct tagg {
	/* What every play touches first, together. */
	int64_t day;        /* day the per-day counters belong to */
	int64_t ms;
	int64_t day_ms;
	int64_t duration;   /* -1 unknown */
	int plays;
	int day_plays;
	int has_mood;
	int names_done;     /* artists and album known, or the play's names read */
	double valence, energy;
	char *id;           /* Spotify id, or "n/<ref>" for a track known by names */
	char *name;         /* a "n/" track's stored track name, else NULL */
	char *album_key;    /* album id, or "name:..." for uncatalogued tracks */
	int *artists;       /* artist indices */
	int nartists;
	int disp;           /* index in out->tracks, -1 none */
};

struct aagg {
	char *key;          /* artist id, or "name:..." */
	int plays;
	int64_t ms;
	int *genres;        /* indices into the catalog's genre names */
	int ngenres;
	/* What "played before year_from?" answered so far: yes for every
	 * year_from >= played_by, no for every year_from <= unplayed_to. */
	int64_t played_by, unplayed_to;
};

struct kagg {               /* albums and genres */
	char *key;
	int plays;
	int64_t ms;
	char *sub;
};

/*
 * The listener's catalog as the year pass needs it, plus the tracks and
 * artists only plays named. Kept in report_cache between passes while the
 * store is unchanged (store_data_version), so the ten years of a site or a
 * server moving between years read it once; the counters are reset per pass.
 */
struct report_catalog {
	struct tagg *t;
	int nt, at, ncatalog;
	struct aagg *a;
	int na, aa;
	struct strmap tmap, amap;
	char **genres;      /* genre names */
	int ngenres;
	struct strmap gmap; /* genre name -> index, while the catalog is read */
	int *ref_ti;        /* a track reference's index in t; -1: not counted */
	int64_t nref;
	int64_t *canon;     /* pairs (ref, canon) met while reading the references */
	int ncanon, acanon;
	int64_t version;    /* store_data_version when read */
};

struct scan {
	struct report_catalog k;   /* first: a copy of the cached one while scanning */
	struct store *st;
	struct report_year *out;
	const struct report_options *opt;
	struct slot_cache sc;
	struct report_cache *fill;
	int64_t account;    /* whose plays (report_cache.account) */
	int *touched;       /* tracks played on the current day */
	int ntouched, atouched;
	int64_t cur_day;
};

static int artist_index(struct scan *s, const char *key)
{
	size_t slot;
	int i = strmap_get(&s->k.amap, key, &slot);
	if (i >= 0)
		return i;
	GROW(s->k.a, s->k.na, s->k.aa, 256);
	i = s->k.na++;
	memset(&s->k.a[i], 0, sizeof(s->k.a[i]));
	s->k.a[i].key = xstrdup(key);
	s->k.a[i].played_by = INT64_MAX;
	s->k.a[i].unplayed_to = INT64_MIN;
	strmap_put(&s->k.amap, slot, s->k.a[i].key, i);
	return i;
}

static void add_artist(struct tagg *t, int ai)
{
	for (int k = 0; k < t->nartists; k++)
		if (t->artists[k] == ai)
			return;
	t->artists = xrealloc(t->artists, (size_t)(t->nartists + 1) * sizeof(int));
	t->artists[t->nartists++] = ai;
}

static int new_track(struct scan *s, const char *id, size_t slot)
{
	GROW(s->k.t, s->k.nt, s->k.at, 1024);
	int i = s->k.nt++;
	struct tagg *t = &s->k.t[i];
	memset(t, 0, sizeof(*t));
	t->id = xstrdup(id);
	t->duration = -1;
	t->day = INT64_MIN;
	t->disp = -1;
	strmap_put(&s->k.tmap, slot, t->id, i);
	return i;
}

/* The catalog as store_catalog_scan hands it over, sweep by sweep. */
static void cat_about(void *arg, int64_t n)
{
	struct scan *s = arg;

	if (n > 0 && n < (1 << 24)) { /* sized once instead of grown step by step */
		s->k.at = (int)n + 1024;
		s->k.t = xrealloc(s->k.t, (size_t)s->k.at * sizeof(*s->k.t));
		while ((size_t)s->k.at * 2 > s->k.tmap.cap)
			strmap_grow(&s->k.tmap);
	}
}

static void cat_track(void *arg, const char *id, int64_t duration_ms, const char *album_id)
{
	struct scan *s = arg;
	size_t slot;

	if (strmap_get(&s->k.tmap, id, &slot) >= 0)
		return;
	int i = new_track(s, id, slot);
	s->k.t[i].duration = duration_ms;
	s->k.t[i].album_key = xstrdup(album_id);
}

static void cat_mood(void *arg, const char *track_id, double valence, double energy)
{
	struct scan *s = arg;
	size_t slot;
	int i = strmap_get(&s->k.tmap, track_id, &slot);

	if (i < 0)
		return;
	s->k.t[i].has_mood = 1;
	s->k.t[i].valence = valence;
	s->k.t[i].energy = energy;
}

static void cat_track_artist(void *arg, const char *track_id, const char *artist_id)
{
	struct scan *s = arg;
	size_t slot;
	int i = strmap_get(&s->k.tmap, track_id, &slot);

	if (i >= 0)
		add_artist(&s->k.t[i], artist_index(s, artist_id));
}

static void cat_genre(void *arg, const char *artist_id, const char *genre)
{
	struct scan *s = arg;
	size_t slot;
	int ai = strmap_get(&s->k.amap, artist_id, &slot);

	if (ai < 0)
		return;
	struct aagg *a = &s->k.a[ai];
	int gi = strmap_get(&s->k.gmap, genre, &slot);
	if (gi < 0) {
		s->k.genres = xrealloc(s->k.genres, (size_t)(s->k.ngenres + 1) * sizeof(char *));
		gi = s->k.ngenres++;
		s->k.genres[gi] = xstrdup(genre);
		strmap_put(&s->k.gmap, slot, s->k.genres[gi], gi);
	}
	a->genres = xrealloc(a->genres, (size_t)(a->ngenres + 1) * sizeof(int));
	a->genres[a->ngenres++] = gi;
}

/* Room in ref_ti for reference ref (new entries -1). */
static void ref_room(struct scan *s, int64_t ref)
{
	if (ref < s->k.nref)
		return;
	int64_t n = s->k.nref ? s->k.nref : 1024;
	while (n <= ref)
		n *= 2;
	s->k.ref_ti = xrealloc(s->k.ref_ti, (size_t)n * sizeof(int));
	for (int64_t i = s->k.nref; i < n; i++)
		s->k.ref_ti[i] = -1;
	s->k.nref = n;
}

/*
 * A track known by its names only: a track of its own, keyed "n/<ref>" (no
 * Spotify id has a '/'), with the stored names for display; its artist and
 * album are "name:" keys as for an uncatalogued track's.
 */
static int name_track(struct scan *s, const struct store_track_ref *r)
{
	char key[32];
	size_t slot;
	struct strbuf k = STRBUF_INIT;

	if (r->name_key)
		report_name_id(r->name_key, key);
	else
		snprintf(key, sizeof(key), "n/%lld", (long long)r->ref);
	int i = strmap_get(&s->k.tmap, key, &slot);
	if (i >= 0)
		return i;
	i = new_track(s, key, slot);
	struct tagg *t = &s->k.t[i];
	t->name = xstrdup(r->name ? r->name : "");
	if (r->artist) {
		strbuf_addf(&k, "name:%s", r->artist);
		add_artist(t, artist_index(s, k.buf));
	}
	strbuf_reset(&k);
	if (r->album)
		strbuf_addf(&k, "name:%s", r->album);
	t->album_key = strbuf_detach(&k, NULL);
	t->names_done = 1;
	return i;
}

/*
 * A track reference of the store: its track, found by id once here, so the
 * pass maps a play's reference to its track by an array index. A track
 * known by names only counts as its canon (an id track of the same names)
 * where it has one, else as a track of its own.
 */
static int cat_ref(void *arg, const struct store_track_ref *r)
{
	struct scan *s = arg;
	size_t slot;

	if (r->ref < 0 || r->ref >= (1 << 28))
		return 0;
	ref_room(s, r->ref);
	if (!r->spotify_id && r->canon > 0 && r->canon < (1 << 28)) {
		GROW(s->k.canon, s->k.ncanon + 1, s->k.acanon, 64);
		s->k.canon[s->k.ncanon++] = r->ref;
		s->k.canon[s->k.ncanon++] = r->canon;
		return 0;
	}
	if (!r->spotify_id) {
		s->k.ref_ti[r->ref] = name_track(s, r);
		return 0;
	}
	int i = strmap_get(&s->k.tmap, r->spotify_id, &slot);
	if (i < 0) {
		i = new_track(s, r->spotify_id, slot);
		s->k.t[i].album_key = xstrdup("");
	}
	s->k.ref_ti[r->ref] = i;
	return 0;
}

/* The references with a canon count as their canon's track, once all are read. */
static void apply_canon(struct scan *s)
{
	for (int k = 0; k + 1 < s->k.ncanon; k += 2) {
		int64_t ref = s->k.canon[k], to = s->k.canon[k + 1];
		if (to < s->k.nref)
			s->k.ref_ti[ref] = s->k.ref_ti[to];
	}
	free(s->k.canon);
	s->k.canon = NULL;
	s->k.ncanon = s->k.acanon = 0;
}

/*
 * Loads the catalog's tracks (duration, album, artists, mood) in a few
 * sequential sweeps: cheaper than a point lookup per distinct track, and
 * proportional to the listener's catalog, not to the year's plays.
 */
static int preload_catalog(struct scan *s, struct strbuf *err)
{
	const struct store_catalog_fns fns = {
		.arg = s, .tracks_about = cat_about, .track = cat_track, .mood = cat_mood,
		.track_artist = cat_track_artist, .artist_genre = cat_genre,
	};
	int ret = store_catalog_scan(s->st, &fns, err);

	for (int i = 0; i < s->k.nt; i++)
		s->k.t[i].names_done = s->k.t[i].nartists && s->k.t[i].album_key[0];
	s->k.ncatalog = s->k.nt;
	strmap_release(&s->k.gmap);
	if (!ret)
		ret = store_track_refs(s->st, cat_ref, s, err);
	apply_canon(s);
	return ret;
}

/* A track played this year (index ti, reference ref): without its artists
 * or album in the catalog, the names its first play carried, read once. */
static void track_names_once(struct scan *s, int ti, int64_t ref)
{
	struct tagg *t = &s->k.t[ti];
	char *ar, *al;

	t->names_done = 1;
	if (store_ref_play_names(s->st, ref, &ar, &al) > 0) {
		struct strbuf k = STRBUF_INIT;
		if (!t->nartists && ar) {
			strbuf_addf(&k, "name:%s", ar);
			add_artist(t, artist_index(s, k.buf));
		}
		if ((!t->album_key || !t->album_key[0]) && al) {
			strbuf_reset(&k);
			strbuf_addf(&k, "name:%s", al);
			free(t->album_key);
			t->album_key = strbuf_detach(&k, NULL);
		}
		strbuf_release(&k);
		free(ar);
		free(al);
	}
	if (!t->album_key)
		t->album_key = xstrdup("");
}

/* Closes the current day: picks its winner by report_better. */
static void close_day(struct scan *s)
{
	struct report_year *y = s->out;
	if (!s->ntouched)
		return;
	int64_t di = s->cur_day - y->first_day;

	if (di >= 0 && di < y->ndays) {
		struct report_day *d = &y->days[di];
		for (int k = 0; k < s->ntouched; k++) {
			struct tagg *t = &s->k.t[s->touched[k]];
			if (d->win < 0 ||
			    report_better(t->day_plays, t->day_ms, t->id, d->win_plays,
					  d->win_ms, s->k.t[d->win].id)) {
				d->win = s->touched[k];
				d->win_plays = t->day_plays;
				d->win_ms = t->day_ms;
			}
		}
	}
	s->ntouched = 0;
}

static void count_play(struct scan *s, int64_t played, int ti, int64_t ms_played,
		       const struct slot_cache *sc)
{
	int64_t day = sc->day;
	int mm = sc->month;
	struct report_year *y = s->out;
	struct tagg *t = &s->k.t[ti];
	int64_t ms = ms_played;

	if (ms_played >= 0) {
		y->plays_ms_known++;
		y->ms_measured += ms_played;
	} else if (t->duration >= 0) {
		ms = t->duration;
	} else {
		ms = 0;
		y->plays_ms_unknown++;
	}
	if (day != s->cur_day) {
		close_day(s);
		s->cur_day = day;
	}
	int64_t di = day - y->first_day;
	if (di < 0 || di >= y->ndays)
		return; /* cannot happen with sane bounds */
	y->plays++;
	y->ms += ms;
	y->days[di].plays++;
	y->days[di].ms += ms;
	if (y->first_play_ms < 0) {
		y->first_play_ms = played;
		y->first_play_track = ti;
	}
	y->month_ms[mm - 1] += ms;
	y->month_plays[mm - 1]++;
	y->heat[sc->wday][sc->hour]++;
	if (t->has_mood) {
		y->month_valence[mm - 1] += t->valence;
		y->month_energy[mm - 1] += t->energy;
		y->month_mood_plays[mm - 1]++;
	}
	t->plays++;
	t->ms += ms;
	if (t->day != day) {
		t->day = day;
		t->day_plays = 0;
		t->day_ms = 0;
		GROW(s->touched, s->ntouched, s->atouched, 64);
		s->touched[s->ntouched++] = ti;
	}
	t->day_plays++;
	t->day_ms += ms;
}

static int scan_one(void *arg, const struct store_music_ref *p)
{
	struct scan *s = arg;
	struct report_year *y = s->out;
	int ti = p->track > 0 && p->track < s->k.nref ? s->k.ref_ti[p->track] : -1;

	if (ti < 0)
		return 0;
	if (p->skipped >= 0) {
		y->skips_known++;
		y->skips += p->skipped;
	}
	if (p->ms_played >= 0 && p->ms_played < s->opt->min_ms_played)
		return 0;
	if (!s->k.t[ti].names_done)
		track_names_once(s, ti, p->track);
	int64_t day;
	int hour;
	local_slot(&s->sc, p->played_ms, &day, &hour);
	count_play(s, p->played_ms, ti, p->ms_played, &s->sc);
	return 0;
}

static int scan_plays(struct scan *s, int64_t from, int64_t to, struct strbuf *err)
{
	int rc;

	s->sc.bucket = INT64_MIN;
	rc = store_scan_music_refs(s->st, s->account, from, to, scan_one, s, err);
	close_day(s);
	return rc;
}

/* ---- display data ------------------------------------------------------ */

void report_cache_init(struct report_cache *c, struct store *st)
{
	memset(c, 0, sizeof(*c));
	c->store = st;
}

void report_cache_init_for(struct report_cache *c, struct store *st, int64_t account_id,
			   int strict)
{
	report_cache_init(c, st);
	c->account = account_id;
	c->strict = strict;
}

struct report_memo {
	struct strmap map;
	struct report_track *v;
	unsigned char *in_catalog; /* per entry of v */
	int n, alloc;
};

static void release_track(struct report_track *t);

static void catalog_free(struct report_catalog *k);

void report_cache_forget(struct report_cache *c)
{
	struct report_memo *m = c->memo;
	if (c->catalog)
		catalog_free(c->catalog);
	c->catalog = NULL;
	if (!m)
		return;
	for (int i = 0; i < m->n; i++)
		release_track(&m->v[i]);
	free(m->v);
	free(m->in_catalog);
	strmap_release(&m->map);
	free(m);
	c->memo = NULL;
}

void report_cache_release(struct report_cache *c)
{
	report_cache_forget(c);
}

static int track_of_names(struct store_track_names *n, struct report_track *rt);

static struct report_memo *memo_of(struct report_cache *c)
{
	if (!c->memo)
		c->memo = xcalloc(1, sizeof(struct report_memo));
	return c->memo;
}

/*
 * Remembers the display names of the ids not remembered yet, asked of the
 * store at once: one round trip on PostgreSQL, not one per track.
 */
static void memo_fill(struct report_cache *c, const char *const *ids, int n)
{
	struct report_memo *m = memo_of(c);
	int first = m->n;

	for (int i = 0; i < n; i++) {
		size_t slot;
		if (strmap_get(&m->map, ids[i], &slot) >= 0)
			continue;
		if (m->n == m->alloc)
			m->in_catalog = xrealloc(m->in_catalog,
						 (size_t)(m->alloc ? m->alloc * 2 : 256));
		GROW(m->v, m->n, m->alloc, 256);
		memset(&m->v[m->n], 0, sizeof(m->v[m->n]));
		m->v[m->n].id = xstrdup(ids[i]);
		strmap_put(&m->map, slot, m->v[m->n].id, m->n);
		m->n++;
	}
	int k = m->n - first;
	if (!k)
		return;
	const char **ask = xcalloc((size_t)k, sizeof(*ask));
	struct store_track_names *names = xcalloc((size_t)k, sizeof(*names));
	for (int i = 0; i < k; i++)
		ask[i] = m->v[first + i].id;
	store_track_names_many(c->store, ask, k, names);
	for (int i = 0; i < k; i++)
		m->in_catalog[first + i] = (unsigned char)track_of_names(&names[i],
									 &m->v[first + i]);
	free(ask);
	free(names);
}

/* The display names of a track, looked up once per report_cache. */
static const struct report_track *memo_track(struct report_cache *c, const char *id,
					     int *in_catalog)
{
	struct report_memo *m = memo_of(c);
	size_t slot;
	int i = strmap_get(&m->map, id, &slot);

	if (i < 0) {
		memo_fill(c, &id, 1);
		i = m->n - 1;
	}
	if (in_catalog)
		*in_catalog = m->in_catalog[i];
	return &m->v[i];
}

/*
 * Fills a report_track whose id is set from its names (the catalog's, else
 * those stored on plays; taken over); returns whether the catalog has it.
 */
static int track_of_names(struct store_track_names *n, struct report_track *rt)
{
	rt->name = n->name ? n->name : xstrdup(rt->id);
	rt->artists = n->artists;
	rt->album_id = n->album_id;
	rt->album = n->album;
	rt->duration_ms = n->duration_ms;
	rt->cover_url = n->cover_url;
	return n->in_catalog;
}

/* A report_track of a track id the memo does not keep. */
static int fill_track(struct store *st, const char *id, struct report_track *rt)
{
	struct store_track_names n;

	store_track_names(st, id, &n);
	rt->id = xstrdup(id);
	return track_of_names(&n, rt);
}

static void release_track(struct report_track *t)
{
	free(t->id);
	free(t->name);
	free(t->artists);
	free(t->album_id);
	free(t->album);
	free(t->cover_url);
}

static void copy_track(struct report_track *to, const struct report_track *from)
{
	to->id = xstrdup(from->id);
	to->name = xstrdup(from->name);
	to->artists = xstrdup(from->artists);
	to->album_id = xstrdup(from->album_id);
	to->album = xstrdup(from->album);
	to->cover_url = xstrdup(from->cover_url);
	to->duration_ms = from->duration_ms;
}

/* A "n/" track for display: its stored names, no album id, no cover. */
static void name_track_display(const struct scan *s, const struct tagg *t,
			       struct report_track *rt)
{
	const char *ar = t->nartists ? s->k.a[t->artists[0]].key + 5 : "";
	const char *al = !strncmp(t->album_key, "name:", 5) ? t->album_key + 5 : "";

	rt->id = xstrdup(t->id);
	rt->name = xstrdup(t->name[0] ? t->name : t->id);
	rt->artists = xstrdup(ar);
	rt->album_id = xstrdup("");
	rt->album = xstrdup(al);
	rt->cover_url = xstrdup("");
	rt->duration_ms = -1;
}

/* The track's place in the report's tracks; fill_displayed fills them. */
static int display_index(struct scan *s, int ti)
{
	struct tagg *t = &s->k.t[ti];
	if (t->disp < 0)
		t->disp = s->out->ntracks++;
	return t->disp;
}

/*
 * The tracks display_index numbered, the names of those with a Spotify id
 * asked of the store at once, and then the labels of the top lists.
 */
static void fill_displayed(struct scan *s)
{
	struct report_year *y = s->out;
	const char **ids = xcalloc((size_t)y->ntracks + 1, sizeof(*ids));
	int n = 0;

	y->tracks = xcalloc((size_t)y->ntracks + 1, sizeof(*y->tracks));
	for (int i = 0; i < s->k.nt; i++)
		if (s->k.t[i].disp >= 0 && !s->k.t[i].name)
			ids[n++] = s->k.t[i].id;
	memo_fill(s->fill, ids, n);
	free(ids);
	for (int i = 0; i < s->k.nt; i++) {
		struct tagg *t = &s->k.t[i];
		if (t->disp < 0)
			continue;
		if (t->name)
			name_track_display(s, t, &y->tracks[t->disp]);
		else
			copy_track(&y->tracks[t->disp], memo_track(s->fill, t->id, NULL));
	}
	for (int k = 0; k < y->ntop_tracks; k++) {
		const struct report_track *t = &y->tracks[y->top_tracks[k].track];
		y->top_tracks[k].label = xstrdup(t->name);
		y->top_tracks[k].sub = xstrdup(t->artists);
	}
	for (int k = 0; k < y->ntop_albums; k++) {
		const struct report_track *t = &y->tracks[y->top_albums[k].track];
		y->top_albums[k].label = xstrdup(t->album[0] ? t->album : y->top_albums[k].key);
		y->top_albums[k].sub = xstrdup(t->artists);
	}
}

static void release_ranks(struct report_rank *r, int n)
{
	for (int i = 0; i < n; i++) {
		free(r[i].key);
		free(r[i].label);
		free(r[i].sub);
	}
}

static int cmp_rank(const void *pa, const void *pb)
{
	const struct kagg *a = pa, *b = pb;
	if (a->plays != b->plays)
		return a->plays > b->plays ? -1 : 1;
	if (a->ms != b->ms)
		return a->ms > b->ms ? -1 : 1;
	return strcmp(a->key, b->key);
}

/*
 * Moves the best REPORT_TOP entries of v to its front, in order (a partial
 * selection: the rest of v stays unsorted), and copies them into out
 * (labels later).
 */
static int top_of(struct kagg *v, int n, struct report_rank *out)
{
	int k = 0;
	for (; k < n && k < REPORT_TOP; k++) {
		int best = k;
		for (int i = k + 1; i < n; i++)
			if (cmp_rank(&v[i], &v[best]) < 0)
				best = i;
		struct kagg tmp = v[k];
		v[k] = v[best];
		v[best] = tmp;
		memset(&out[k], 0, sizeof(out[k]));
		out[k].key = xstrdup(v[k].key);
		out[k].plays = v[k].plays;
		out[k].ms = v[k].ms;
		out[k].track = -1;
	}
	return k;
}

void report_artist_labels(struct store *st, const char *const *keys, int n, char **out)
{
	const char **ask = xcalloc((size_t)n + 1, sizeof(*ask));
	int *at = xcalloc((size_t)n + 1, sizeof(*at)), k = 0;

	for (int i = 0; i < n; i++) {
		out[i] = NULL;
		if (!strncmp(keys[i], "name:", 5)) {
			out[i] = xstrdup(keys[i] + 5);
		} else {
			at[k] = i;
			ask[k++] = keys[i];
		}
	}
	char **names = xcalloc((size_t)k + 1, sizeof(*names));
	store_artist_names_many(st, ask, k, names);
	for (int j = 0; j < k; j++)
		out[at[j]] = names[j] ? names[j] : xstrdup(ask[j]);
	free(names);
	free(at);
	free(ask);
}

void report_label_artist_ranks(struct store *st, struct report_rank *v, int n)
{
	const char **keys = xcalloc((size_t)n + 1, sizeof(*keys));
	char **labels = xcalloc((size_t)n + 1, sizeof(*labels));

	for (int k = 0; k < n; k++)
		keys[k] = v[k].key;
	report_artist_labels(st, keys, n, labels);
	for (int k = 0; k < n; k++)
		v[k].label = labels[k];
	free(labels);
	free(keys);
}

static void rank_tracks(struct scan *s)
{
	struct report_year *y = s->out;
	struct kagg *v = xcalloc((size_t)s->k.nt + 1, sizeof(*v));
	int n = 0;
	for (int i = 0; i < s->k.nt; i++) {
		if (!s->k.t[i].plays)
			continue;
		v[n].key = s->k.t[i].id;
		v[n].plays = s->k.t[i].plays;
		v[n++].ms = s->k.t[i].ms;
	}
	y->ntop_tracks = top_of(v, n, y->top_tracks);
	for (int k = 0; k < y->ntop_tracks; k++) {
		size_t slot;
		int ti = strmap_get(&s->k.tmap, y->top_tracks[k].key, &slot);
		y->top_tracks[k].track = display_index(s, ti);
	}
	free(v);
}

/* Was any track of the artist played before year_from? (ask_played_before
 * asked the store and remembered the answer.) */
static int played_before(const struct aagg *a, int64_t year_from)
{
	return year_from >= a->played_by;
}

/*
 * Asks the store, at once, about the year's artists (catalog ids) whose
 * answer for year_from is not remembered yet, and remembers it.
 */
static void ask_played_before(struct scan *s, int64_t year_from)
{
	struct aagg **ask = xcalloc((size_t)s->k.na + 1, sizeof(*ask));
	const char **ids = xcalloc((size_t)s->k.na + 1, sizeof(*ids));
	int n = 0;

	for (int i = 0; i < s->k.na; i++) {
		struct aagg *a = &s->k.a[i];
		if (a->plays && strncmp(a->key, "name:", 5) && year_from < a->played_by &&
		    year_from > a->unplayed_to) {
			ask[n] = a;
			ids[n++] = a->key;
		}
	}
	int *yes = xcalloc((size_t)n + 1, sizeof(*yes));
	store_artists_played_before(s->st, s->account, ids, n, year_from, yes);
	for (int i = 0; i < n; i++) {
		if (yes[i])
			ask[i]->played_by = year_from;
		else
			ask[i]->unplayed_to = year_from;
	}
	free(yes);
	free(ids);
	free(ask);
}

static void rank_artists_genres(struct scan *s, int64_t year_from)
{
	struct report_year *y = s->out;
	int ng = s->k.ngenres;
	struct kagg *g = xcalloc((size_t)ng + 1, sizeof(*g));

	for (int i = 0; i < s->k.nt; i++)
		for (int k = 0; k < s->k.t[i].nartists; k++) {
			struct aagg *a = &s->k.a[s->k.t[i].artists[k]];
			a->plays += s->k.t[i].plays;
			a->ms += s->k.t[i].ms;
		}
	struct kagg *v = xcalloc((size_t)s->k.na + 1, sizeof(*v));
	struct kagg *nv = xcalloc((size_t)s->k.na + 1, sizeof(*nv));
	int nnew = 0;
	int nv_all = 0;
	/* Nothing played before the year: every artist is new, no probing. */
	int any_before = store_any_play_before(s->st, s->account, year_from) > 0;
	if (any_before)
		ask_played_before(s, year_from);
	for (int i = 0; i < s->k.na; i++) {
		struct aagg *a = &s->k.a[i];
		if (!a->plays)
			continue;
		v[nv_all].key = a->key;
		v[nv_all].plays = a->plays;
		v[nv_all++].ms = a->ms;
		y->distinct_artists++;
		if (!strncmp(a->key, "name:", 5))
			continue;
		if (!any_before || !played_before(a, year_from))
			nv[nnew++] = v[nv_all - 1];
	}
	y->new_artists = nnew;
	y->first_year = !any_before;
	y->ntop_artists = top_of(v, nv_all, y->top_artists);
	y->nnew_artist_list = top_of(nv, nnew, y->new_artist_list);
	report_label_artist_ranks(s->st, y->top_artists, y->ntop_artists);
	report_label_artist_ranks(s->st, y->new_artist_list, y->nnew_artist_list);

	/* A play counts once for each distinct genre of the track's artists. */
	int *seen = xcalloc((size_t)ng + 1, sizeof(int));
	for (int i = 0; i < s->k.nt; i++) {
		struct tagg *t = &s->k.t[i];
		if (!t->plays)
			continue;
		for (int k = 0; k < t->nartists; k++) {
			struct aagg *a = &s->k.a[t->artists[k]];
			for (int j = 0; j < a->ngenres; j++) {
				int gi = a->genres[j];
				if (seen[gi] == i + 1)
					continue;
				seen[gi] = i + 1;
				g[gi].plays += t->plays;
				g[gi].ms += t->ms;
			}
		}
	}
	int ngp = 0;
	for (int i = 0; i < ng; i++) {
		g[i].key = s->k.genres[i];
		if (g[i].plays)
			g[ngp++] = g[i];
	}
	y->ntop_genres = top_of(g, ngp, y->top_genres);
	for (int k = 0; k < y->ntop_genres; k++)
		y->top_genres[k].label = xstrdup(y->top_genres[k].key);
	free(g);
	free(seen);
	free(v);
	free(nv);
}

static void rank_albums(struct scan *s)
{
	struct report_year *y = s->out;
	struct strmap m = { 0 };
	struct kagg *v = xcalloc((size_t)s->k.nt + 1, sizeof(*v));
	int *rep = xcalloc((size_t)s->k.nt + 1, sizeof(int)); /* a track of it */
	int n = 0;

	for (int i = 0; i < s->k.nt; i++) {
		struct tagg *t = &s->k.t[i];
		size_t slot;
		if (!t->album_key[0] || !t->plays)
			continue;
		int ai = strmap_get(&m, t->album_key, &slot);
		if (ai < 0) {
			ai = n++;
			v[ai].key = t->album_key;
			rep[ai] = i;
			strmap_put(&m, slot, t->album_key, ai);
		}
		v[ai].plays += t->plays;
		v[ai].ms += t->ms;
		if (report_better(t->plays, t->ms, t->id, s->k.t[rep[ai]].plays,
				  s->k.t[rep[ai]].ms, s->k.t[rep[ai]].id))
			rep[ai] = i;
	}
	y->distinct_albums = n;
	/* top_of sorts v; remember each album's representative track first. */
	for (int i = 0; i < n; i++)
		v[i].sub = (char *)(intptr_t)rep[i];
	y->ntop_albums = top_of(v, n, y->top_albums);
	for (int k = 0; k < y->ntop_albums; k++) {
		y->top_albums[k].track = display_index(s, (int)(intptr_t)v[k].sub);
	}
	strmap_release(&m);
	free(v);
	free(rep);
}

static void catalog_free(struct report_catalog *k)
{
	for (int i = 0; i < k->nt; i++) {
		free(k->t[i].id);
		free(k->t[i].name);
		free(k->t[i].album_key);
		free(k->t[i].artists);
	}
	for (int i = 0; i < k->na; i++) {
		free(k->a[i].key);
		free(k->a[i].genres);
	}
	for (int i = 0; i < k->ngenres; i++)
		free(k->genres[i]);
	free(k->genres);
	free(k->ref_ti);
	free(k->canon);
	free(k->t);
	free(k->a);
	strmap_release(&k->tmap);
	strmap_release(&k->amap);
	strmap_release(&k->gmap);
	free(k);
}

/*
 * Takes the cached catalog into s when the database has not changed since
 * it was read (inside the pass's read transaction), else drops it and the
 * remembered display names; returns whether s has a catalog now.
 */
static int catalog_take(struct scan *s, struct report_cache *c)
{
	struct report_catalog *k = c->catalog;
	int64_t v = store_data_version(s->st);

	if (k && k->version == v) {
		s->k = *k;
		free(k);
		c->catalog = NULL;
		for (int i = 0; i < s->k.nt; i++) {
			struct tagg *t = &s->k.t[i];
			t->plays = 0;
			t->ms = 0;
			t->day = INT64_MIN;
			t->disp = -1;
		}
		for (int i = 0; i < s->k.na; i++) {
			s->k.a[i].plays = 0;
			s->k.a[i].ms = 0;
		}
		return 1;
	}
	report_cache_forget(c);
	s->k.version = v;
	return 0;
}

int report_year(struct store *st, int year, const struct report_options *opt,
		struct report_year *out, struct strbuf *err)
{
	struct report_cache c;
	report_cache_init_for(&c, st, opt->account_id, 0);
	int ret = report_year_with(&c, year, opt, out, err);
	report_cache_release(&c);
	return ret;
}

int report_year_with(struct report_cache *c, int year, const struct report_options *opt,
		     struct report_year *out, struct strbuf *err)
{
	struct store *st = c->store;
	struct strbuf e = STRBUF_INIT;
	struct scan s;
	int64_t from, to;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	memset(&s, 0, sizeof(s));
	if (opt->account_id != c->account) { /* a cache holds one account's */
		strbuf_addf(err, "reading the plays of %d: options of account %lld with"
			    " the cache of account %lld", year, (long long)opt->account_id,
			    (long long)c->account);
		return -1;
	}
	out->year = year;
	out->first_day = time_days_from_civil(year, 1, 1);
	out->ndays = (int)(time_days_from_civil(year + 1, 1, 1) - out->first_day);
	out->days = xcalloc((size_t)out->ndays, sizeof(*out->days));
	for (int i = 0; i < out->ndays; i++) {
		out->days[i].day = out->first_day + i;
		out->days[i].win = -1;
	}
	out->biggest_day = -1;
	out->first_play_ms = -1;
	out->first_play_track = -1;
	report_year_bounds(year, &from, &to);

	s.st = st;
	s.out = out;
	s.opt = opt;
	s.cur_day = INT64_MIN;
	s.fill = c;
	s.account = c->account;

	if (store_read_begin(st, &e))
		goto out;
	if ((!catalog_take(&s, c) && preload_catalog(&s, &e)) ||
	    scan_plays(&s, from, to, &e)) {
		store_read_end(st);
		goto out;
	}
	for (int i = 0; i < s.k.nt; i++)
		out->distinct_tracks += s.k.t[i].plays > 0;
	for (int i = 0; i < out->ndays; i++) {
		struct report_day *d = &out->days[i];
		if (d->win >= 0) {
			d->win = display_index(&s, d->win);
			if (out->biggest_day < 0 ||
			    d->ms > out->days[out->biggest_day].ms ||
			    (d->ms == out->days[out->biggest_day].ms &&
			     d->plays > out->days[out->biggest_day].plays))
				out->biggest_day = i;
		}
	}
	if (out->first_play_track >= 0)
		out->first_play_track = display_index(&s, out->first_play_track);
	rank_tracks(&s);
	rank_artists_genres(&s, from);
	rank_albums(&s);
	fill_displayed(&s);
	for (int m = 0; m < 12; m++)
		if (out->month_mood_plays[m]) {
			out->month_valence[m] /= out->month_mood_plays[m];
			out->month_energy[m] /= out->month_mood_plays[m];
		}
	store_read_end(st);
	ret = 0;
out:
	{
		struct report_catalog *k = xmalloc(sizeof(*k));
		*k = s.k;
		if (!ret) /* kept for the next pass */
			c->catalog = k;
		else
			catalog_free(k);
	}
	free(s.touched);
	if (ret)
		strbuf_addf(err, "reading the plays of %d: %s", year, e.buf);
	strbuf_release(&e);
	if (ret) /* callers only release what succeeded */
		report_year_release(out);
	return ret;
}

void report_year_release(struct report_year *y)
{
	for (int i = 0; i < y->ntracks; i++)
		release_track(&y->tracks[i]);
	free(y->tracks);
	free(y->days);
	release_ranks(y->top_tracks, y->ntop_tracks);
	release_ranks(y->top_artists, y->ntop_artists);
	release_ranks(y->top_albums, y->ntop_albums);
	release_ranks(y->top_genres, y->ntop_genres);
	release_ranks(y->new_artist_list, y->nnew_artist_list);
	memset(y, 0, sizeof(*y));
}

int report_years(struct store *st, int64_t account_id, int **years, int *n,
		 struct strbuf *err)
{
	struct strbuf e = STRBUF_INIT;
	int64_t first, last;
	int rc = store_play_span(st, account_id, &first, &last, &e);

	*years = NULL;
	*n = 0;
	if (rc < 0) {
		strbuf_addf(err, "reading plays: %s", e.buf);
		strbuf_release(&e);
		return -1;
	}
	if (rc > 0) {
		int y0, y1, m, d;
		time_civil_from_days(time_local_day(first), &y0, &m, &d);
		time_civil_from_days(time_local_day(last), &y1, &m, &d);
		*years = xcalloc((size_t)(y1 - y0 + 1), sizeof(int));
		for (int y = y0; y <= y1; y++)
			(*years)[(*n)++] = y;
	}
	strbuf_release(&e);
	return 0;
}

/* ---- day, track, coverage ----------------------------------------------- */

struct day_fill {
	struct report_cache *c;
	const struct report_options *opt;
	struct report_plays *out;
	int alloc;
};

static int day_play(void *arg, const struct store_play_row *r)
{
	struct day_fill *f = arg;
	struct report_plays *out = f->out;

	GROW(out->v, out->n, f->alloc, 64);
	struct report_play *p = &out->v[out->n++];
	p->played_ms = r->played_ms;
	p->kind = xstrdup(r->kind);
	p->track_id = xstrdup(r->track_id);
	if (!p->track_id[0]) { /* a play with an id is named after the scan */
		p->name = xstrdup(r->name);
		p->artists = xstrdup(r->artist);
		p->album = xstrdup(r->album);
	}
	p->ms_played = r->ms_played;
	p->skipped = r->skipped;
	p->sources = r->sources;
	/* a music play without an id counts by its names, as in the year pass */
	p->counted = !strcmp(p->kind, "music") &&
		     (p->track_id[0] || (r->name && r->name[0])) &&
		     (p->ms_played < 0 || p->ms_played >= f->opt->min_ms_played);
	p->name_id[0] = '\0';
	if (!p->track_id[0] && r->name_key && !strcmp(p->kind, "music"))
		report_name_id(r->name_key, p->name_id);
	return 0;
}

/*
 * Names the plays with a track id: the catalog's names first, the plays'
 * own as fallback (store_track_names), asked for the day's tracks at once.
 * On PostgreSQL at 1M plays (about 270 plays a day), a day page asking one
 * round trip per new track took 31-46 ms; asked at once, 11.5-16.6 ms.
 */
static void day_names(struct report_cache *c, struct report_plays *out)
{
	const char **ids = xcalloc((size_t)out->n + 1, sizeof(*ids));
	int n = 0;

	for (int i = 0; i < out->n; i++)
		if (out->v[i].track_id[0])
			ids[n++] = out->v[i].track_id;
	memo_fill(c, ids, n);
	free(ids);
	for (int i = 0; i < out->n; i++) {
		struct report_play *p = &out->v[i];
		if (!p->track_id[0])
			continue;
		const struct report_track *t = memo_track(c, p->track_id, NULL);
		p->name = xstrdup(t->name);
		p->artists = xstrdup(t->artists);
		p->album = xstrdup(t->album);
	}
}

int report_day_plays(struct report_cache *c, int64_t day, const struct report_options *opt,
		     struct report_plays *out, struct strbuf *err)
{
	struct day_fill f = { c, opt, out, 0 };
	struct strbuf e = STRBUF_INIT;

	memset(out, 0, sizeof(*out));
	if (store_scan_plays(c->store, c->account, local_midnight(day), local_midnight(day + 1),
			     day_play, &f, &e)) {
		strbuf_addf(err, "reading plays: %s", e.buf);
		strbuf_release(&e);
		report_plays_release(out);
		return -1;
	}
	strbuf_release(&e);
	day_names(c, out);
	return 0;
}

void report_plays_release(struct report_plays *p)
{
	for (int i = 0; i < p->n; i++) {
		free(p->v[i].kind);
		free(p->v[i].track_id);
		free(p->v[i].name);
		free(p->v[i].artists);
		free(p->v[i].album);
	}
	free(p->v);
	memset(p, 0, sizeof(*p));
}

void report_name_id(uint64_t name_key, char out[REPORT_NAME_ID_LEN])
{
	snprintf(out, REPORT_NAME_ID_LEN, "n%016llx", (unsigned long long)name_key);
}

int report_name_id_parse(const char *id, uint64_t *name_key)
{
	uint64_t k = 0;

	if (id[0] != 'n' || strlen(id) != REPORT_NAME_ID_LEN - 1)
		return 0;
	for (const char *p = id + 1; *p; p++) {
		int d = *p >= '0' && *p <= '9' ? *p - '0' :
			*p >= 'a' && *p <= 'f' ? *p - 'a' + 10 : -1;
		if (d < 0)
			return 0;
		k = k << 4 | (uint64_t)d;
	}
	*name_key = k;
	return 1;
}

static int report_track_by_id(struct report_cache *c, const char *track_id,
			      struct report_track_page *out, struct strbuf *err);

/* The page of a track known by its names (report_name_id). */
static int name_track_page(struct report_cache *c, const char *id, uint64_t key,
			   struct report_track_page *out, struct strbuf *err)
{
	struct strbuf e = STRBUF_INIT;
	char *name = NULL, *artist = NULL, *album = NULL;
	int64_t ref;

	if (store_name_key_plays(c->store, key, &ref, &out->plays_ms, &out->nplays, &e)) {
		strbuf_addf(err, "reading the track '%s': %s", id, e.buf);
		strbuf_release(&e);
		return -1;
	}
	strbuf_release(&e);
	if (ref)
		store_ref_names(c->store, ref, &name, &artist, &album);
	out->found = ref > 0;
	out->t.id = xstrdup(id);
	out->t.name = name ? name : xstrdup(id);
	out->t.artists = artist ? artist : xstrdup("");
	out->t.album = album ? album : xstrdup("");
	out->t.album_id = xstrdup("");
	out->t.cover_url = xstrdup("");
	out->t.duration_ms = -1;
	return 0;
}

int report_track(struct report_cache *c, const char *track_id,
		 struct report_track_page *out, struct strbuf *err)
{
	uint64_t key;

	if (report_name_id_parse(track_id, &key)) {
		memset(out, 0, sizeof(*out));
		if (name_track_page(c, track_id, key, out, err)) {
			report_track_page_release(out);
			return -1;
		}
		return 0;
	}
	return report_track_by_id(c, track_id, out, err);
}

static int report_track_by_id(struct report_cache *c, const char *track_id,
			      struct report_track_page *out, struct strbuf *err)
{
	struct store *st = c->store;
	struct store_page_section *v;
	struct store_page_features f;
	struct strbuf e = STRBUF_INIT;
	int in_catalog = 0, n;

	memset(out, 0, sizeof(*out));
	if (store_track_play_times(st, c->account, track_id, &out->plays_ms, &out->nplays,
				   &e) ||
	    store_track_sections(st, track_id, &v, &n, &e)) {
		strbuf_addf(err, "reading the track '%s': %s", track_id, e.buf);
		strbuf_release(&e);
		report_track_page_release(out);
		return -1;
	}
	/*
	 * Only tracks with plays go into the memo, so it holds at most one entry
	 * per track of the store: ids from a URL are not kept. Remembering every
	 * id asked for grew the server from 8.5 MB to 159 MB over 400k requests
	 * for made-up /track-<random>.html pages.
	 */
	if (out->nplays > 0)
		copy_track(&out->t, memo_track(c, track_id, &in_catalog));
	else
		in_catalog = fill_track(st, track_id, &out->t);
	/* one listener among several: only a track of their own plays */
	out->found = out->nplays > 0 || (in_catalog && !c->strict);
	out->sections = n ? xcalloc((size_t)n, sizeof(*out->sections)) : NULL;
	for (int i = 0; i < n; i++) {
		struct report_section *x = &out->sections[i];
		x->start = v[i].start;
		x->duration = v[i].duration;
		x->loudness = v[i].loudness;
		x->tempo = v[i].tempo;
		x->key = v[i].key;
		x->mode = v[i].mode;
	}
	out->nsections = n;
	free(v);
	if (store_track_features(st, track_id, &f) > 0) {
		out->has_features = 1;
		out->valence = f.valence;
		out->energy = f.energy;
		out->danceability = f.danceability;
		out->tempo = f.tempo;
		out->loudness = f.loudness;
	}
	strbuf_release(&e);
	return 0;
}

void report_track_page_release(struct report_track_page *p)
{
	release_track(&p->t);
	free(p->plays_ms);
	free(p->sections);
	memset(p, 0, sizeof(*p));
}

struct coverage_fill {
	struct report_coverage *out;
	struct slot_cache sc;
	int alloc;
};

static int coverage_play(void *arg, int64_t played_ms, int src)
{
	struct coverage_fill *f = arg;
	struct report_coverage *out = f->out;
	int64_t day;
	int hour;

	local_slot(&f->sc, played_ms, &day, &hour);
	int64_t di = day - out->first_day;
	if (di < 0 || di >= out->ndays)
		return 0;
	out->days[di].plays++;
	out->days[di].api += (src & SRC_API) != 0;
	out->days[di].exported += (src & (SRC_EXPORT | SRC_ACCOUNT_DATA)) != 0;
	return 0;
}

static int coverage_gap(void *arg, const struct store_gap *sg)
{
	struct coverage_fill *f = arg;
	struct report_coverage *out = f->out;

	GROW(out->gaps, out->ngaps, f->alloc, 16);
	struct report_gap *g = &out->gaps[out->ngaps++];
	g->account = xstrdup(sg->account);
	g->from_ms = sg->from_ms;
	g->to_ms = sg->to_ms;
	g->detected_ms = sg->detected_ms;
	g->healed_ms = sg->healed_ms;
	g->healed_by = xstrdup(sg->healed_by ? sg->healed_by : "");
	return 0;
}

int report_coverage(struct store *st, int64_t account_id, int year,
		    struct report_coverage *out, struct strbuf *err)
{
	struct coverage_fill f = { .out = out, .sc = { .bucket = INT64_MIN } };
	struct strbuf e = STRBUF_INIT;
	int64_t from, to;

	memset(out, 0, sizeof(*out));
	out->year = year;
	out->first_day = time_days_from_civil(year, 1, 1);
	out->ndays = (int)(time_days_from_civil(year + 1, 1, 1) - out->first_day);
	out->days = xcalloc((size_t)out->ndays, sizeof(*out->days));
	report_year_bounds(year, &from, &to);

	if (store_scan_sources(st, account_id, from, to, coverage_play, &f, &e) ||
	    store_gaps_overlapping(st, account_id, from, to, coverage_gap, &f, &e)) {
		strbuf_addf(err, "reading plays: %s", e.buf);
		strbuf_release(&e);
		report_coverage_release(out);
		return -1;
	}
	strbuf_release(&e);
	return 0;
}

void report_coverage_release(struct report_coverage *c)
{
	for (int i = 0; i < c->ngaps; i++) {
		free(c->gaps[i].account);
		free(c->gaps[i].healed_by);
	}
	free(c->gaps);
	free(c->days);
	memset(c, 0, sizeof(*c));
}

_Static_assert(sizeof(((struct report_play *)0)->name_id) == REPORT_NAME_ID_LEN,
	       "a day's play holds a name-keyed track's id");
