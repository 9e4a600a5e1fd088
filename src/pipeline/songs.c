#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "core/ids.h"
#include "core/xalloc.h"
#include "pipeline/songs.h"
#include "pipeline/transform.h"
#include "core/banned.h"

/* The track's part of a record, cached per track id. */
struct track_part {
	char *id;
	struct store_track_view v; /* owns the strings r points to */
	char *genres;
	struct song_record r;
};

struct cache {
	struct track_part **slots;
	size_t n, cap;
};

static struct track_part **slot(struct track_part **slots, size_t cap,
				const char *id)
{
	size_t i = (size_t)(hash_fnv1a(id) & (cap - 1));

	while (slots[i] && strcmp(slots[i]->id, id))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static void cache_put(struct cache *c, struct track_part *t)
{
	if ((c->n + 1) * 2 > c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 256;
		struct track_part **s = xcalloc(cap, sizeof(*s));
		for (size_t i = 0; i < c->cap; i++)
			if (c->slots[i])
				*slot(s, cap, c->slots[i]->id) = c->slots[i];
		free(c->slots);
		c->slots = s;
		c->cap = cap;
	}
	*slot(c->slots, c->cap, t->id) = t;
	c->n++;
}

static void track_part_free(struct track_part *t)
{
	record_release(&t->r);
	store_track_view_release(&t->v);
	free(t->id);
	free(t->genres);
	free(t);
}

static void cache_release(struct cache *c)
{
	for (size_t i = 0; i < c->cap; i++)
		if (c->slots[i])
			track_part_free(c->slots[i]);
	free(c->slots);
}

/* The artists' genres as a JSON array, each once, in order. */
static char *genres_json(const struct store_track_view *v)
{
	struct tr_idset seen = TR_IDSET_INIT;
	struct strbuf g = STRBUF_INIT;
	int any = 0;

	strbuf_addch(&g, '[');
	for (size_t i = 0; i < v->ngenres; i++) {
		if (!tr_idset_add(&seen, v->genres[i]))
			continue;
		if (any++)
			strbuf_addch(&g, ',');
		strbuf_add_json_str(&g, v->genres[i]);
	}
	strbuf_addch(&g, ']');
	tr_idset_release(&seen);
	return strbuf_detach(&g, NULL);
}

/* The record fields the catalog gives, from the track's view. */
static void fill_record(struct track_part *t, int flags)
{
	const struct store_track_view *v = &t->v;
	struct song_record *r = &t->r;
	struct rec_section *secs = xcalloc(v->nsections + 1, sizeof(*secs));

	if (v->known) {
		r->explicit_ = v->explicit_;
		r->popularity = v->popularity;
		r->album_cover_height = v->cover_height;
		r->album_cover_width = v->cover_width;
	}
	if (v->features_source) {
		r->acousticness = v->acousticness;
		r->danceability = v->danceability;
		r->energy = v->energy;
		r->instrumentalness = v->instrumentalness;
		r->speechiness = v->speechiness;
		r->valence = v->valence;
	}
	if (v->analysis_source) {
		r->duration = v->duration;
		r->loudness = v->loudness;
		r->tempo = v->tempo;
		r->key = v->key;
		r->time_signature = v->time_signature;
		r->mode = v->mode;
		for (size_t i = 0; i < v->nsections; i++)
			secs[i] = (struct rec_section){ v->sections[i].start,
				v->sections[i].duration, v->sections[i].loudness,
				v->sections[i].tempo, v->sections[i].key,
				v->sections[i].mode,
				v->sections[i].time_signature };
		record_set_sections(r, secs, v->nsections);
	}
	free(secs);
	if (!(flags & REC_EXTENDED))
		return;
	if (v->artists_enriched)
		t->genres = genres_json(v);
	if (v->analysis_source) {
		r->segments = v->segments;
		r->segment_duration_avg = record_round2(v->segment_duration_avg);
		r->segment_loudness_max_avg =
			record_round2(v->segment_loudness_max_avg);
	}
}

/*
 * No analysis stored (a development-mode app gets 403): the duration from
 * the track object, tempo, key, mode and loudness from the features'
 * provider; time_signature and the section fields stay null.
 */
static int fill_missing_analysis(struct store *s, struct track_part *t,
				 struct strbuf *err)
{
	struct store_track_fill f;
	struct song_record *r = &t->r;

	if (store_track_fill(s, t->id, &f, err))
		return -1;
	if (!isnan(f.duration_ms)) {
		r->duration = f.duration_ms / 1000.0;
		r->duration_source = "track";
	}
	if (f.features_source) {
		r->tempo = f.tempo;
		r->key = f.key;
		r->mode = f.mode;
		r->loudness = f.loudness;
	}
	store_track_fill_release(&f);
	return 0;
}

static struct track_part *track_part(struct store *s, struct cache *c,
				     const char *id, int flags,
				     struct strbuf *err)
{
	struct track_part *t;

	if (c->cap && (t = *slot(c->slots, c->cap, id)))
		return t;
	t = xcalloc(1, sizeof(*t));
	t->id = xstrdup(id);
	record_init(&t->r);
	if (store_catalog_track_view(s, id, flags & REC_EXTENDED, &t->v, err)) {
		store_track_view_release(&t->v);
		free(t->id);
		free(t);
		return NULL;
	}
	fill_record(t, flags);
	if (!t->v.analysis_source && fill_missing_analysis(s, t, err)) {
		track_part_free(t);
		return NULL;
	}
	t->r.track_id = t->id;
	t->r.track_name = t->v.name;
	t->r.track_artist = t->v.artists;
	t->r.album = t->v.album;
	t->r.album_cover = t->v.cover;
	t->r.genres_json = t->genres;
	t->r.features_source = t->v.features_source;
	t->r.analysis_source = t->v.analysis_source;
	if (t->v.analysis_source)
		t->r.duration_source = "analysis";
	cache_put(c, t);
	return t;
}

static const char *source_name(int64_t sources, char *buf, size_t len)
{
	static const char *const names[] = { "api", "export", "account_data" };
	size_t off = 0;

	buf[0] = '\0';
	for (int i = 0; i < 3; i++)
		if (sources & (1 << i)) {
			size_t n = strlen(names[i]);
			if (off + n + 2 >= len)
				break;
			if (off)
				buf[off++] = ',';
			memcpy(buf + off, names[i], n + 1);
			off += n;
		}
	return off ? buf : NULL;
}

struct walk {
	struct store *s;
	struct cache c;
	int flags;
	int (*fn)(const struct song_record *r, void *arg);
	void *arg;
	struct strbuf dberr;
	int failed; /* the catalog could not be read */
};

static int each_play(void *arg, const struct store_song_play *p)
{
	struct walk *w = arg;
	struct track_part *t;
	struct song_record rec;
	char src[64];

	if (!p->track_id) {
		/* known by its names only (account data): track_id stays null */
		if (!p->track_name)
			return 0;
		record_init(&rec);
		t = NULL;
	} else if (!spotify_id_valid_str(p->track_id)) {
		return 0; /* set aside by the ETL: no track to speak of */
	} else if (!(t = track_part(w->s, &w->c, p->track_id, w->flags, &w->dberr))) {
		w->failed = 1;
		return -1;
	} else {
		rec = t->r;
	}
	rec.played_ms = p->played_ms;
	if (!t || !t->v.known) {
		rec.track_name = p->track_name;
		rec.track_artist = p->artist_name;
		rec.album = p->album_name;
	}
	rec.ms_played = p->ms_played;
	rec.context = p->context_uri;
	rec.reason_start = p->reason_start;
	rec.reason_end = p->reason_end;
	rec.skipped = p->skipped;
	rec.shuffle = p->shuffle;
	rec.platform = p->platform;
	rec.source = source_name(p->sources, src, sizeof(src));
	return w->fn(&rec, w->arg);
}

int songs_each(struct store *s, const struct songs_query *q,
	       int (*fn)(const struct song_record *r, void *arg), void *arg,
	       struct strbuf *err)
{
	struct walk w = { s, { NULL, 0, 0 }, q->flags, fn, arg, STRBUF_INIT, 0 };
	int r = store_song_plays(s, q->account_id, q->from_ms, q->to_ms, each_play, &w,
				 &w.dberr);

	if (r == -1 && (w.failed || w.dberr.len))
		strbuf_addf(err, "%s", w.dberr.buf);
	strbuf_release(&w.dberr);
	cache_release(&w.c);
	return r;
}
