/*
 * Load: the batch's objects with a Spotify id, turned into the store's
 * plain structs (borrowing the batch's strings) and put an array at a
 * time, so each kind is one store call per batch.
 */
#include <stdlib.h>
#include <string.h>

#include "core/ids.h"
#include "core/xalloc.h"
#include "pipeline/load.h"
#include "core/banned.h"

/* Where the valid ids of several lists go, sized for all of them at once. */
struct idpool {
	const char **v;
	size_t n;
};

static void idpool_init(struct idpool *p, size_t total)
{
	p->v = xcalloc(total + 1, sizeof(*p->v));
	p->n = 0;
}

/* The valid ids of list, in order: *start gets where they begin. */
static size_t idpool_take(struct idpool *p, const struct strvec *list,
			  const char *const **start)
{
	size_t from = p->n;

	for (size_t i = 0; i < list->n; i++)
		if (spotify_id_valid_str(list->v[i]))
			p->v[p->n++] = list->v[i];
	*start = p->v + from;
	return p->n - from;
}

/* Plays go through store_plays_add_api, the one door API plays enter by:
 * it ignores a play the collector stored already. */
static int load_plays(struct store *s, const struct tr_batch *b,
		      struct load_stats *stats, struct strbuf *err)
{
	for (size_t i = 0; i < b->nplays; i++) {
		const struct tr_play *p = &b->plays[i];
		struct api_play ap = { p->played_ms, p->track_id, p->track_name,
				       p->artist_names, p->album_name,
				       p->context_uri };
		int r = store_plays_add_api(s, p->account_id, p->page_id, &ap);
		if (r < 0) {
			strbuf_addf(err, "database: cannot store a play of "
				    "page %lld", (long long)p->page_id);
			return -1;
		}
		stats->plays_new += r;
	}
	return 0;
}

static int load_artists(struct store *s, const struct tr_batch *b,
			int64_t now_ms, struct load_stats *st,
			struct strbuf *err)
{
	struct store_artist *v = xcalloc(b->nartists + 1, sizeof(*v));
	size_t n = 0;
	int r;

	for (size_t i = 0; i < b->nartists; i++) {
		const struct tr_artist *a = &b->artists[i];
		if (!spotify_id_valid_str(a->id)) {
			st->skipped++;
			continue;
		}
		v[n++] = (struct store_artist){
			a->id, a->name, a->full, a->popularity, a->followers,
			(const char *const *)a->genres.v, a->genres.n };
	}
	r = store_catalog_put_artists(s, v, n, now_ms, err);
	free(v);
	return r;
}

static int load_albums(struct store *s, const struct tr_batch *b,
		       struct load_stats *st, struct strbuf *err)
{
	struct store_album *v = xcalloc(b->nalbums + 1, sizeof(*v));
	struct store_image *img;
	struct idpool ids;
	size_t n = 0, nids = 0, nimg = 0;
	int r;

	for (size_t i = 0; i < b->nalbums; i++) {
		nids += b->albums[i].artist_ids.n;
		nimg += b->albums[i].nimages;
	}
	idpool_init(&ids, nids);
	img = xcalloc(nimg + 1, sizeof(*img));
	nimg = 0;
	for (size_t i = 0; i < b->nalbums; i++) {
		const struct tr_album *a = &b->albums[i];
		struct store_album *o = &v[n];
		if (!spotify_id_valid_str(a->id)) {
			st->skipped++;
			continue;
		}
		*o = (struct store_album){ a->id, a->name, a->album_type,
			a->release_date, a->total_tracks, NULL, 0,
			img + nimg, a->nimages };
		o->nartists = idpool_take(&ids, &a->artist_ids, &o->artist_ids);
		for (size_t j = 0; j < a->nimages; j++)
			img[nimg++] = (struct store_image){ a->images[j].url,
				a->images[j].width, a->images[j].height };
		n++;
	}
	r = store_catalog_put_albums(s, v, n, err);
	free(v);
	free(img);
	free(ids.v);
	return r;
}

static int load_tracks(struct store *s, const struct tr_batch *b,
		       struct load_stats *stats, struct strbuf *err)
{
	struct store_track *v = xcalloc(b->ntracks + 1, sizeof(*v));
	struct idpool ids;
	size_t n = 0, nids = 0;
	int r;

	for (size_t i = 0; i < b->ntracks; i++)
		nids += b->tracks[i].artist_ids.n;
	idpool_init(&ids, nids);
	for (size_t i = 0; i < b->ntracks; i++) {
		const struct tr_track *t = &b->tracks[i];
		struct store_track *o = &v[n];
		if (!spotify_id_valid_str(t->id)) {
			stats->skipped++;
			continue;
		}
		*o = (struct store_track){ t->id, t->name,
			spotify_id_valid_str(t->album_id) ? t->album_id : NULL,
			t->isrc, t->duration_ms, t->explicit_, t->popularity,
			t->track_number, t->disc_number, NULL, 0 };
		o->nartists = idpool_take(&ids, &t->artist_ids, &o->artist_ids);
		n++;
	}
	r = store_catalog_put_tracks(s, v, n, err);
	free(v);
	free(ids.v);
	return r;
}

static int load_features(struct store *s, const struct tr_batch *b,
			 int64_t now_ms, struct strbuf *err)
{
	struct store_features *v = xcalloc(b->nfeatures + 1, sizeof(*v));
	size_t n = 0;
	int r;

	for (size_t i = 0; i < b->nfeatures; i++) {
		const struct tr_features *f = &b->features[i];
		if (!spotify_id_valid_str(f->track_id))
			continue;
		v[n++] = (struct store_features){ f->track_id, f->provider,
			f->acousticness, f->danceability, f->energy,
			f->instrumentalness, f->liveness, f->loudness,
			f->speechiness, f->valence, f->tempo, f->key, f->mode,
			f->time_signature, f->duration_ms };
	}
	r = store_catalog_put_features(s, v, n, now_ms, err);
	free(v);
	return r;
}

static void copy_sections(struct store_section *o, const struct tr_analysis *a)
{
	for (size_t j = 0; j < a->nsections; j++) {
		const struct tr_section *x = &a->sections[j];
		o[j] = (struct store_section){ x->start, x->duration,
			x->confidence, x->loudness, x->tempo,
			x->tempo_confidence, x->key, x->key_confidence, x->mode,
			x->mode_confidence, x->time_signature,
			x->time_signature_confidence };
	}
}

static void copy_segments(struct store_segment *o, const struct tr_analysis *a)
{
	for (size_t j = 0; j < a->nsegments; j++) {
		const struct tr_segment *x = &a->segments[j];
		o[j] = (struct store_segment){ x->start, x->duration,
			x->confidence, x->loudness_start, x->loudness_max,
			x->loudness_max_time, x->loudness_end, x->pitches,
			x->timbre };
	}
}

static int load_analyses(struct store *s, const struct tr_batch *b,
			 int64_t now_ms, struct strbuf *err)
{
	struct store_analysis *v = xcalloc(b->nanalyses + 1, sizeof(*v));
	struct store_section *sec;
	struct store_segment *seg;
	size_t n = 0, nsec = 0, nseg = 0;
	int r;

	for (size_t i = 0; i < b->nanalyses; i++) {
		nsec += b->analyses[i].nsections;
		nseg += b->analyses[i].nsegments;
	}
	sec = xcalloc(nsec + 1, sizeof(*sec));
	seg = xcalloc(nseg + 1, sizeof(*seg));
	nsec = nseg = 0;
	for (size_t i = 0; i < b->nanalyses; i++) {
		const struct tr_analysis *a = &b->analyses[i];
		if (!spotify_id_valid_str(a->track_id))
			continue;
		copy_sections(sec + nsec, a);
		copy_segments(seg + nseg, a);
		v[n++] = (struct store_analysis){ a->track_id, a->provider,
			a->duration, a->loudness, a->tempo, a->key, a->mode,
			a->time_signature, sec + nsec, a->nsections,
			seg + nseg, a->nsegments };
		nsec += a->nsections;
		nseg += a->nsegments;
	}
	r = store_catalog_put_analyses(s, v, n, now_ms, err);
	free(v);
	free(sec);
	free(seg);
	return r;
}

int load_batch(struct store *s, const struct tr_batch *b, int64_t now_ms,
	       struct load_stats *st, struct strbuf *err)
{
	if (load_plays(s, b, st, err) ||
	    load_artists(s, b, now_ms, st, err) ||
	    load_albums(s, b, st, err) || load_tracks(s, b, st, err) ||
	    load_features(s, b, now_ms, err) ||
	    load_analyses(s, b, now_ms, err))
		return -1;
	st->tracks += (long)b->ntracks;
	st->albums += (long)b->nalbums;
	st->artists += (long)b->nartists;
	st->features += (long)b->nfeatures;
	st->analyses += (long)b->nanalyses;
	return 0;
}

int load_clear_catalog(struct store *s, struct strbuf *err)
{
	return store_catalog_clear(s, err);
}

int load_begin(struct store *s, int nested, struct strbuf *err)
{
	return nested ? store_savepoint(s, err) : store_begin(s, err);
}

int load_commit(struct store *s, int nested, struct strbuf *err)
{
	return nested ? store_savepoint_release(s, err) : store_commit(s, err);
}

void load_rollback(struct store *s, int nested)
{
	if (nested)
		store_savepoint_rollback(s);
	else
		store_rollback(s);
}
