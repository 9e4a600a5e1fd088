#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "core/log.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "pipeline/extract.h"
#include "pipeline/transform.h"
#include "core/banned.h"

/* --- id sets ----------------------------------------------------------- */

static size_t slot_of(char **slots, size_t cap, const char *id)
{
	size_t i = (size_t)(hash_fnv1a(id) & (cap - 1));

	while (slots[i] && strcmp(slots[i], id))
		i = (i + 1) & (cap - 1);
	return i;
}

int tr_idset_has(const struct tr_idset *s, const char *id)
{
	return s->cap && s->slots[slot_of(s->slots, s->cap, id)] != NULL;
}

int tr_idset_add(struct tr_idset *s, const char *id)
{
	size_t i;

	if ((s->n + 1) * 2 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		char **slots = xcalloc(cap, sizeof(char *));
		for (size_t j = 0; j < s->cap; j++)
			if (s->slots[j])
				slots[slot_of(slots, cap, s->slots[j])] =
					s->slots[j];
		free(s->slots);
		s->slots = slots;
		s->cap = cap;
	}
	i = slot_of(s->slots, s->cap, id);
	if (s->slots[i])
		return 0;
	s->slots[i] = xstrdup(id);
	s->n++;
	return 1;
}

void tr_idset_release(struct tr_idset *s)
{
	for (size_t i = 0; i < s->cap; i++)
		free(s->slots[i]);
	free(s->slots);
	s->slots = NULL;
	s->n = s->cap = 0;
}

/* --- helpers ----------------------------------------------------------- */

#define PUSH(arr, n, a)                                                    \
	(((n) == (a) ? ((a) = (a) ? (a) * 2 : 16,                          \
			(arr) = xrealloc((arr), (a) * sizeof(*(arr))))     \
		     : 0),                                                 \
	 memset(&(arr)[(n)], 0, sizeof(*(arr))), &(arr)[(n)++])

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/*
 * A name for the store: a copy with invalid UTF-8 replaced by U+FFFD (the
 * one policy, core/utf8.h), counted in the batch and said in the log with
 * what it belongs to. Pages are cleaned when extracted; this holds for track
 * objects from any other answer too. NULL stays NULL.
 */
static char *dup_text(struct tr_batch *b, const char *s, const char *what,
		      const char *id, const char *field)
{
	struct strbuf sb = STRBUF_INIT;
	long n;

	if (!s || utf8_valid(s, strlen(s)))
		return dup_or_null(s);
	n = utf8_add_replacing(&sb, s, strlen(s));
	b->replaced++;
	log_warn("etl: %s '%s': \"%s\": %ld invalid character%s replaced with "
		 "U+FFFD (not UTF-8)", what, id ? id : "", field, n,
		 n == 1 ? "" : "s");
	return strbuf_detach(&sb, NULL);
}

static const char *str_of(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

double tr_num(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	if (cJSON_IsNumber(v))
		return v->valuedouble;
	if (cJSON_IsBool(v))
		return cJSON_IsTrue(v) ? 1 : 0;
	return NAN;
}

/* Marks "<kind>:<id>" seen; 1 when it is new to the batch. */
static int first_time(struct tr_batch *b, char kind, const char *id)
{
	struct strbuf key = STRBUF_INIT;
	int r;

	strbuf_addf(&key, "%c:%s", kind, id);
	r = tr_idset_add(&b->seen, key.buf);
	strbuf_release(&key);
	return r;
}

static void add_artist_ids(struct strvec *out, const cJSON *artists,
			   struct tr_batch *b)
{
	const cJSON *a;

	cJSON_ArrayForEach(a, artists)
	{
		const char *id = str_of(a, "id"), *name = str_of(a, "name");
		if (!id)
			continue;
		strvec_push(out, id);
		if (name && first_time(b, 'r', id)) {
			struct tr_artist *ar =
				PUSH(b->artists, b->nartists, b->aartists);
			ar->id = xstrdup(id);
			ar->name = dup_text(b, name, "artist", id, "name");
			ar->popularity = ar->followers = NAN;
		}
	}
}

static void add_album(struct tr_batch *b, const cJSON *al)
{
	const char *id = str_of(al, "id");
	const cJSON *img, *imgs = cJSON_GetObjectItemCaseSensitive(al, "images");
	struct tr_album *a;
	size_t n = 0;

	if (!id || !first_time(b, 'a', id))
		return;
	a = PUSH(b->albums, b->nalbums, b->aalbums);
	a->id = xstrdup(id);
	a->name = dup_text(b, str_of(al, "name") ? str_of(al, "name") : "",
			   "album", id, "name");
	a->album_type = dup_or_null(str_of(al, "album_type"));
	a->release_date = dup_or_null(str_of(al, "release_date"));
	a->total_tracks = tr_num(al, "total_tracks");
	add_artist_ids(&a->artist_ids,
		       cJSON_GetObjectItemCaseSensitive(al, "artists"), b);
	a->images = xcalloc((size_t)cJSON_GetArraySize(imgs) + 1,
			    sizeof(*a->images));
	cJSON_ArrayForEach(img, imgs)
	{
		const char *url = str_of(img, "url");
		if (!url)
			continue;
		a->images[n].url = xstrdup(url);
		a->images[n].width = tr_num(img, "width");
		a->images[n].height = tr_num(img, "height");
		n++;
	}
	a->nimages = n;
}

int tr_add_track(struct tr_batch *b, const cJSON *t)
{
	const char *id = str_of(t, "id");
	const cJSON *al = cJSON_GetObjectItemCaseSensitive(t, "album");
	const cJSON *ext = cJSON_GetObjectItemCaseSensitive(t, "external_ids");
	struct tr_track *tr;

	if (!id)
		return -1;
	if (!first_time(b, 't', id))
		return 0;
	tr = PUSH(b->tracks, b->ntracks, b->atracks);
	tr->id = xstrdup(id);
	tr->name = dup_text(b, str_of(t, "name") ? str_of(t, "name") : "",
			    "track", id, "name");
	tr->album_id = cJSON_IsObject(al) ? dup_or_null(str_of(al, "id")) : NULL;
	tr->isrc = dup_or_null(str_of(ext, "isrc"));
	tr->duration_ms = tr_num(t, "duration_ms");
	tr->explicit_ = tr_num(t, "explicit");
	tr->popularity = tr_num(t, "popularity");
	tr->track_number = tr_num(t, "track_number");
	tr->disc_number = tr_num(t, "disc_number");
	add_artist_ids(&tr->artist_ids,
		       cJSON_GetObjectItemCaseSensitive(t, "artists"), b);
	if (cJSON_IsObject(al))
		add_album(b, al);
	return 0;
}

/* Says which plays of a page had text replaced when it was extracted. */
static void note_page(const struct page_rows *p, int64_t page_id)
{
	static const char fffd[] = "\xef\xbf\xbd";

	log_warn("etl: page %lld: %zu invalid characters (not UTF-8, lone "
		 "surrogates or U+0000) replaced with U+FFFD", (long long)page_id,
		 p->replaced);
	for (size_t i = 0; i < p->n; i++) {
		const struct play_row *r = &p->rows[i];
		const char *f = r->track_name && strstr(r->track_name, fffd)
			? "track.name"
			: r->artist_names && strstr(r->artist_names, fffd)
			? "track.artists"
			: r->album_name && strstr(r->album_name, fffd)
			? "track.album.name" : NULL;
		if (f)
			log_warn("etl: page %lld: item %zu (track '%s'): \"%s\" has "
				 "U+FFFD", (long long)page_id, i,
				 r->track_id ? r->track_id : "", f);
	}
}

void tr_add_page(struct tr_batch *b, const struct page_rows *p,
		 int64_t account_id, int64_t page_id)
{
	struct strbuf key = STRBUF_INIT;

	if (p->replaced) {
		note_page(p, page_id);
		b->replaced += p->replaced;
	}

	for (size_t i = 0; i < p->n; i++) {
		const struct play_row *row = &p->rows[i];
		struct tr_play *pl;

		strbuf_reset(&key);
		strbuf_addf(&key, "p:%lld:%lld:%s", (long long)account_id,
			    (long long)row->played_ms,
			    row->track_id ? row->track_id : "");
		if (!tr_idset_add(&b->seen, key.buf))
			continue;
		pl = PUSH(b->plays, b->nplays, b->aplays);
		pl->account_id = account_id;
		pl->page_id = page_id;
		pl->played_ms = row->played_ms;
		pl->track_id = dup_or_null(row->track_id);
		pl->track_name = dup_text(b, row->track_name, "play of track",
					  row->track_id, "track.name");
		pl->artist_names = dup_text(b, row->artist_names, "play of track",
					    row->track_id, "track.artists");
		pl->album_name = dup_text(b, row->album_name, "play of track",
					  row->track_id, "track.album.name");
		pl->context_uri = dup_or_null(row->context_uri);
		if (row->track_id && row->track)
			tr_add_track(b, row->track);
	}
	strbuf_release(&key);
}

int tr_add_artist(struct tr_batch *b, const cJSON *a)
{
	const char *id = str_of(a, "id"), *name = str_of(a, "name");
	const cJSON *g, *followers;
	struct tr_artist *ar = NULL;

	if (!id)
		return -1;
	/* a full object replaces a name-only one added from a track */
	for (size_t i = 0; i < b->nartists; i++)
		if (!strcmp(b->artists[i].id, id)) {
			ar = &b->artists[i];
			if (ar->full)
				return 0;
			free(ar->name);
			break;
		}
	if (!ar) {
		first_time(b, 'r', id);
		ar = PUSH(b->artists, b->nartists, b->aartists);
		ar->id = xstrdup(id);
	}
	ar->name = dup_text(b, name ? name : "", "artist", id, "name");
	ar->full = 1;
	ar->popularity = tr_num(a, "popularity");
	followers = cJSON_GetObjectItemCaseSensitive(a, "followers");
	ar->followers = tr_num(followers, "total");
	cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(a, "genres"))
		if (cJSON_IsString(g))
			strvec_push(&ar->genres, g->valuestring);
	return 0;
}

int tr_add_features(struct tr_batch *b, const cJSON *f, const char *track_id,
		    const char *provider)
{
	struct tr_features *x;

	if (!cJSON_IsObject(f))
		return -1;
	x = PUSH(b->features, b->nfeatures, b->afeatures);
	x->track_id = xstrdup(track_id);
	x->provider = provider;
	x->acousticness = tr_num(f, "acousticness");
	x->danceability = tr_num(f, "danceability");
	x->energy = tr_num(f, "energy");
	x->instrumentalness = tr_num(f, "instrumentalness");
	x->liveness = tr_num(f, "liveness");
	x->loudness = tr_num(f, "loudness");
	x->speechiness = tr_num(f, "speechiness");
	x->valence = tr_num(f, "valence");
	x->tempo = tr_num(f, "tempo");
	x->key = tr_num(f, "key");
	x->mode = tr_num(f, "mode");
	x->time_signature = tr_num(f, "time_signature");
	x->duration_ms = tr_num(f, "duration_ms");
	return 0;
}

static char *json_text(const cJSON *v)
{
	return v ? cJSON_PrintUnformatted(v) : NULL;
}

int tr_add_analysis(struct tr_batch *b, const cJSON *a, const char *track_id,
		    const char *provider)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(a, "track");
	const cJSON *secs = cJSON_GetObjectItemCaseSensitive(a, "sections");
	const cJSON *segs = cJSON_GetObjectItemCaseSensitive(a, "segments");
	const cJSON *s;
	struct tr_analysis *x;
	size_t i = 0;

	if (!cJSON_IsObject(t))
		return -1;
	x = PUSH(b->analyses, b->nanalyses, b->aanalyses);
	x->track_id = xstrdup(track_id);
	x->provider = provider;
	x->duration = tr_num(t, "duration");
	x->loudness = tr_num(t, "loudness");
	x->tempo = tr_num(t, "tempo");
	x->key = tr_num(t, "key");
	x->mode = tr_num(t, "mode");
	x->time_signature = tr_num(t, "time_signature");
	x->sections = xcalloc((size_t)cJSON_GetArraySize(secs) + 1,
			      sizeof(*x->sections));
	cJSON_ArrayForEach(s, secs)
	{
		struct tr_section *d = &x->sections[i++];
		d->start = tr_num(s, "start");
		d->duration = tr_num(s, "duration");
		d->confidence = tr_num(s, "confidence");
		d->loudness = tr_num(s, "loudness");
		d->tempo = tr_num(s, "tempo");
		d->tempo_confidence = tr_num(s, "tempo_confidence");
		d->key = tr_num(s, "key");
		d->key_confidence = tr_num(s, "key_confidence");
		d->mode = tr_num(s, "mode");
		d->mode_confidence = tr_num(s, "mode_confidence");
		d->time_signature = tr_num(s, "time_signature");
		d->time_signature_confidence =
			tr_num(s, "time_signature_confidence");
	}
	x->nsections = i;
	i = 0;
	x->segments = xcalloc((size_t)cJSON_GetArraySize(segs) + 1,
			      sizeof(*x->segments));
	cJSON_ArrayForEach(s, segs)
	{
		struct tr_segment *d = &x->segments[i++];
		d->start = tr_num(s, "start");
		d->duration = tr_num(s, "duration");
		d->confidence = tr_num(s, "confidence");
		d->loudness_start = tr_num(s, "loudness_start");
		d->loudness_max = tr_num(s, "loudness_max");
		d->loudness_max_time = tr_num(s, "loudness_max_time");
		d->loudness_end = tr_num(s, "loudness_end");
		d->pitches = json_text(
			cJSON_GetObjectItemCaseSensitive(s, "pitches"));
		d->timbre = json_text(
			cJSON_GetObjectItemCaseSensitive(s, "timbre"));
	}
	x->nsegments = i;
	return 0;
}

const char *tr_recco_track_id(const cJSON *item, char *buf, size_t len)
{
	const char *href = str_of(item, "href"), *p;
	size_t n;

	if (!href || !(p = strstr(href, "/track/")))
		return NULL;
	p += strlen("/track/");
	n = strcspn(p, "?#/");
	if (!n || n >= len)
		return NULL;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

void tr_batch_release(struct tr_batch *b)
{
	for (size_t i = 0; i < b->nplays; i++) {
		struct tr_play *p = &b->plays[i];
		free(p->track_id);
		free(p->track_name);
		free(p->artist_names);
		free(p->album_name);
		free(p->context_uri);
	}
	for (size_t i = 0; i < b->ntracks; i++) {
		struct tr_track *t = &b->tracks[i];
		free(t->id);
		free(t->name);
		free(t->album_id);
		free(t->isrc);
		strvec_clear(&t->artist_ids);
	}
	for (size_t i = 0; i < b->nalbums; i++) {
		struct tr_album *a = &b->albums[i];
		free(a->id);
		free(a->name);
		free(a->album_type);
		free(a->release_date);
		strvec_clear(&a->artist_ids);
		for (size_t j = 0; j < a->nimages; j++)
			free(a->images[j].url);
		free(a->images);
	}
	for (size_t i = 0; i < b->nartists; i++) {
		free(b->artists[i].id);
		free(b->artists[i].name);
		strvec_clear(&b->artists[i].genres);
	}
	for (size_t i = 0; i < b->nfeatures; i++)
		free(b->features[i].track_id);
	for (size_t i = 0; i < b->nanalyses; i++) {
		struct tr_analysis *a = &b->analyses[i];
		free(a->track_id);
		free(a->sections);
		for (size_t j = 0; j < a->nsegments; j++) {
			cJSON_free(a->segments[j].pitches);
			cJSON_free(a->segments[j].timbre);
		}
		free(a->segments);
	}
	free(b->plays);
	free(b->tracks);
	free(b->albums);
	free(b->artists);
	free(b->features);
	free(b->analyses);
	tr_idset_release(&b->seen);
	memset(b, 0, sizeof(*b));
}
