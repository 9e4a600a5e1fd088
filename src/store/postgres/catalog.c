/*
 * The PostgreSQL engine's catalog: puts of tracks, albums, artists, audio
 * features and analyses, and the reads a song record needs.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/postgres/pg.h"
#include "core/banned.h"

static int del1(struct pg_store *s, struct pg_q *q, const char *id,
		struct strbuf *err)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_text(&p, id);
	return pg_run(s, q, &p, NULL, err);
}

/* Replaces an owner's ordered artist list: q_del by owner, q_ins rows. */
static int put_links(struct pg_store *s, struct pg_q *q_del, struct pg_q *q_ins,
		     const char *owner, const char *const *ids, size_t n,
		     struct strbuf *err)
{
	struct pg_params p;

	if (del1(s, q_del, owner, err))
		return -1;
	for (size_t i = 0; i < n; i++) {
		pg_params_init(&p);
		pg_text(&p, owner);
		pg_int(&p, (int64_t)i);
		pg_text(&p, ids[i]);
		if (pg_run(s, q_ins, &p, NULL, err))
			return -1;
	}
	return 0;
}

int pg_catalog_put_artists(struct store *st, const struct store_artist *v,
			   size_t n, int64_t now_ms, struct strbuf *err)
{
	static struct pg_q name = PG_Q("INSERT INTO artists (id, name) VALUES"
		" ($1, $2) ON CONFLICT (id) DO UPDATE SET name = excluded.name");
	static struct pg_q full = PG_Q("INSERT INTO artists (id, name, popularity,"
		" followers, enriched_ms) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id)"
		" DO UPDATE SET name = excluded.name, popularity = excluded.popularity,"
		" followers = excluded.followers, enriched_ms = excluded.enriched_ms");
	static struct pg_q gdel = PG_Q("DELETE FROM artist_genres WHERE artist_id = $1");
	static struct pg_q gins = PG_Q("INSERT INTO artist_genres (artist_id,"
		" position, genre) VALUES ($1, $2, $3)");
	struct pg_store *s = pg_of(st);
	struct pg_params p;

	for (size_t i = 0; i < n; i++) {
		const struct store_artist *a = &v[i];
		pg_params_init(&p);
		pg_text(&p, a->id);
		pg_text(&p, a->name);
		if (!a->full) {
			if (pg_run(s, &name, &p, NULL, err))
				return -1;
			continue;
		}
		pg_num(&p, a->popularity, 1);
		pg_num(&p, a->followers, 1);
		pg_int(&p, now_ms);
		if (pg_run(s, &full, &p, NULL, err) ||
		    put_links(s, &gdel, &gins, a->id, a->genres, a->ngenres, err))
			return -1;
	}
	return 0;
}

int pg_catalog_put_albums(struct store *st, const struct store_album *v,
			  size_t n, struct strbuf *err)
{
	static struct pg_q al = PG_Q("INSERT INTO albums (id, name, album_type,"
		" release_date, total_tracks) VALUES ($1, $2, $3, $4, $5)"
		" ON CONFLICT (id) DO UPDATE SET name = excluded.name,"
		" album_type = excluded.album_type, release_date ="
		" excluded.release_date, total_tracks = excluded.total_tracks");
	static struct pg_q adel = PG_Q("DELETE FROM album_artists WHERE album_id = $1");
	static struct pg_q ains = PG_Q("INSERT INTO album_artists (album_id,"
		" position, artist_id) VALUES ($1, $2, $3)");
	static struct pg_q idel = PG_Q("DELETE FROM album_images WHERE album_id = $1");
	static struct pg_q iins = PG_Q("INSERT INTO album_images (album_id,"
		" position, url, width, height) VALUES ($1, $2, $3, $4, $5)");
	struct pg_store *s = pg_of(st);
	struct pg_params p;

	for (size_t i = 0; i < n; i++) {
		const struct store_album *a = &v[i];
		pg_params_init(&p);
		pg_text(&p, a->id);
		pg_text(&p, a->name);
		pg_text(&p, a->album_type);
		pg_text(&p, a->release_date);
		pg_num(&p, a->total_tracks, 1);
		if (pg_run(s, &al, &p, NULL, err) ||
		    put_links(s, &adel, &ains, a->id, a->artist_ids, a->nartists,
			      err) || del1(s, &idel, a->id, err))
			return -1;
		for (size_t j = 0; j < a->nimages; j++) {
			pg_params_init(&p);
			pg_text(&p, a->id);
			pg_int(&p, (int64_t)j);
			pg_text(&p, a->images[j].url);
			pg_num(&p, a->images[j].width, 1);
			pg_num(&p, a->images[j].height, 1);
			if (pg_run(s, &iins, &p, NULL, err))
				return -1;
		}
	}
	return 0;
}

int pg_catalog_put_tracks(struct store *st, const struct store_track *v,
			  size_t n, struct strbuf *err)
{
	static struct pg_q q = PG_Q("INSERT INTO tracks (id, name, album_id,"
		" duration_ms, explicit, popularity, isrc, track_number, disc_number)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO"
		" UPDATE SET name = excluded.name, album_id = excluded.album_id,"
		" duration_ms = excluded.duration_ms, explicit = excluded.explicit,"
		" popularity = excluded.popularity, isrc = excluded.isrc,"
		" track_number = excluded.track_number,"
		" disc_number = excluded.disc_number");
	static struct pg_q tdel = PG_Q("DELETE FROM track_artists WHERE track_id = $1");
	static struct pg_q tins = PG_Q("INSERT INTO track_artists (track_id,"
		" position, artist_id) VALUES ($1, $2, $3)");
	struct pg_store *s = pg_of(st);
	struct pg_params p;

	for (size_t i = 0; i < n; i++) {
		const struct store_track *t = &v[i];
		pg_params_init(&p);
		pg_text(&p, t->id);
		pg_text(&p, t->name);
		pg_text(&p, t->album_id);
		pg_num(&p, t->duration_ms, 1);
		pg_num(&p, t->explicit_, 1);
		pg_num(&p, t->popularity, 1);
		pg_text(&p, t->isrc);
		pg_num(&p, t->track_number, 1);
		pg_num(&p, t->disc_number, 1);
		if (pg_run(s, &q, &p, NULL, err) ||
		    put_links(s, &tdel, &tins, t->id, t->artist_ids, t->nartists,
			      err))
			return -1;
	}
	return 0;
}

int pg_catalog_put_features(struct store *st, const struct store_features *v,
			    size_t n, int64_t now_ms, struct strbuf *err)
{
	static struct pg_q q = PG_Q("INSERT INTO audio_features (track_id,"
		" provider, acousticness, danceability, energy, instrumentalness,"
		" liveness, loudness, speechiness, valence, tempo, key, mode,"
		" time_signature, duration_ms, fetched_ms) VALUES ($1, $2, $3, $4,"
		" $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
		" ON CONFLICT (track_id) DO UPDATE SET provider = excluded.provider,"
		" acousticness = excluded.acousticness, danceability ="
		" excluded.danceability, energy = excluded.energy, instrumentalness"
		" = excluded.instrumentalness, liveness = excluded.liveness,"
		" loudness = excluded.loudness, speechiness = excluded.speechiness,"
		" valence = excluded.valence, tempo = excluded.tempo,"
		" key = excluded.key, mode = excluded.mode, time_signature ="
		" excluded.time_signature, duration_ms = excluded.duration_ms,"
		" fetched_ms = excluded.fetched_ms");
	struct pg_store *s = pg_of(st);
	struct pg_params p;

	for (size_t i = 0; i < n; i++) {
		const struct store_features *f = &v[i];
		pg_params_init(&p);
		pg_text(&p, f->track_id);
		pg_text(&p, f->provider);
		pg_num(&p, f->acousticness, 0);
		pg_num(&p, f->danceability, 0);
		pg_num(&p, f->energy, 0);
		pg_num(&p, f->instrumentalness, 0);
		pg_num(&p, f->liveness, 0);
		pg_num(&p, f->loudness, 0);
		pg_num(&p, f->speechiness, 0);
		pg_num(&p, f->valence, 0);
		pg_num(&p, f->tempo, 0);
		pg_num(&p, f->key, 1);
		pg_num(&p, f->mode, 1);
		pg_num(&p, f->time_signature, 1);
		pg_num(&p, f->duration_ms, 1);
		pg_int(&p, now_ms);
		if (pg_run(s, &q, &p, NULL, err))
			return -1;
	}
	return 0;
}

static int put_sections(struct pg_store *s, const struct store_analysis *a,
			struct strbuf *err)
{
	static struct pg_q q = PG_Q("INSERT INTO sections (track_id, idx, start,"
		" duration, confidence, loudness, tempo, tempo_confidence, key,"
		" key_confidence, mode, mode_confidence, time_signature,"
		" time_signature_confidence) VALUES ($1, $2, $3, $4, $5, $6, $7, $8,"
		" $9, $10, $11, $12, $13, $14)");
	struct pg_params p;

	for (size_t j = 0; j < a->nsections; j++) {
		const struct store_section *x = &a->sections[j];
		pg_params_init(&p);
		pg_text(&p, a->track_id);
		pg_int(&p, (int64_t)j);
		pg_num(&p, x->start, 0);
		pg_num(&p, x->duration, 0);
		pg_num(&p, x->confidence, 0);
		pg_num(&p, x->loudness, 0);
		pg_num(&p, x->tempo, 0);
		pg_num(&p, x->tempo_confidence, 0);
		pg_num(&p, x->key, 1);
		pg_num(&p, x->key_confidence, 0);
		pg_num(&p, x->mode, 1);
		pg_num(&p, x->mode_confidence, 0);
		pg_num(&p, x->time_signature, 1);
		pg_num(&p, x->time_signature_confidence, 0);
		if (pg_run(s, &q, &p, NULL, err))
			return -1;
	}
	return 0;
}

static int put_segments(struct pg_store *s, const struct store_analysis *a,
			struct strbuf *err)
{
	static struct pg_q q = PG_Q("INSERT INTO segments (track_id, idx, start,"
		" duration, confidence, loudness_start, loudness_max,"
		" loudness_max_time, loudness_end, pitches, timbre) VALUES ($1, $2,"
		" $3, $4, $5, $6, $7, $8, $9, $10, $11)");
	struct pg_params p;

	for (size_t j = 0; j < a->nsegments; j++) {
		const struct store_segment *x = &a->segments[j];
		pg_params_init(&p);
		pg_text(&p, a->track_id);
		pg_int(&p, (int64_t)j);
		pg_num(&p, x->start, 0);
		pg_num(&p, x->duration, 0);
		pg_num(&p, x->confidence, 0);
		pg_num(&p, x->loudness_start, 0);
		pg_num(&p, x->loudness_max, 0);
		pg_num(&p, x->loudness_max_time, 0);
		pg_num(&p, x->loudness_end, 0);
		pg_text(&p, x->pitches);
		pg_text(&p, x->timbre);
		if (pg_run(s, &q, &p, NULL, err))
			return -1;
	}
	return 0;
}

int pg_catalog_put_analyses(struct store *st, const struct store_analysis *v,
			    size_t n, int64_t now_ms, struct strbuf *err)
{
	static struct pg_q q = PG_Q("INSERT INTO audio_analysis (track_id,"
		" provider, duration, loudness, tempo, key, mode, time_signature,"
		" num_sections, num_segments, fetched_ms) VALUES ($1, $2, $3, $4, $5,"
		" $6, $7, $8, $9, $10, $11) ON CONFLICT (track_id) DO UPDATE SET"
		" provider = excluded.provider, duration = excluded.duration,"
		" loudness = excluded.loudness, tempo = excluded.tempo,"
		" key = excluded.key, mode = excluded.mode, time_signature ="
		" excluded.time_signature, num_sections = excluded.num_sections,"
		" num_segments = excluded.num_segments, fetched_ms = excluded.fetched_ms");
	static struct pg_q sdel = PG_Q("DELETE FROM sections WHERE track_id = $1");
	static struct pg_q gdel = PG_Q("DELETE FROM segments WHERE track_id = $1");
	struct pg_store *s = pg_of(st);
	struct pg_params p;

	for (size_t i = 0; i < n; i++) {
		const struct store_analysis *a = &v[i];
		pg_params_init(&p);
		pg_text(&p, a->track_id);
		pg_text(&p, a->provider);
		pg_num(&p, a->duration, 0);
		pg_num(&p, a->loudness, 0);
		pg_num(&p, a->tempo, 0);
		pg_num(&p, a->key, 1);
		pg_num(&p, a->mode, 1);
		pg_num(&p, a->time_signature, 1);
		pg_int(&p, (int64_t)a->nsections);
		pg_int(&p, (int64_t)a->nsegments);
		pg_int(&p, now_ms);
		if (pg_run(s, &q, &p, NULL, err) || del1(s, &sdel, a->track_id, err) ||
		    del1(s, &gdel, a->track_id, err) || put_sections(s, a, err) ||
		    put_segments(s, a, err))
			return -1;
	}
	return 0;
}

int pg_catalog_clear(struct store *st, struct strbuf *err)
{
	return pg_sql(pg_of(st), "DELETE FROM tracks; DELETE FROM track_artists;"
		      " DELETE FROM albums; DELETE FROM album_artists;"
		      " DELETE FROM album_images; DELETE FROM artists;"
		      " DELETE FROM artist_genres; DELETE FROM audio_features;"
		      " DELETE FROM audio_analysis; DELETE FROM sections;"
		      " DELETE FROM segments", err);
}

int64_t pg_catalog_count_tracks(struct store *st)
{
	static struct pg_q q = PG_Q("SELECT count(*) FROM tracks");
	return pg_scalar(pg_of(st), &q, NULL, 0);
}

/* Query q of one text parameter id: the result, NULL with err. */
static PGresult *by_id(struct pg_store *s, struct pg_q *q, const char *id,
		       struct strbuf *err)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_text(&p, id);
	return pg_exec(s, q, &p, err);
}

char *pg_catalog_track_isrc(struct store *st, const char *id)
{
	static struct pg_q q = PG_Q("SELECT isrc FROM tracks WHERE id = $1");
	PGresult *r = by_id(pg_of(st), &q, id, NULL);
	char *v = r && PQntuples(r) ? pg_get_dup(r, 0, 0) : NULL;

	PQclear(r);
	return v;
}

static int view_track(struct pg_store *s, const char *id,
		      struct store_track_view *v, struct strbuf *err)
{
	static struct pg_q q = PG_Q("SELECT t.name, t.explicit, t.popularity,"
		" al.name, im.url, im.height, im.width FROM tracks t"
		" LEFT JOIN albums al ON al.id = t.album_id"
		" LEFT JOIN album_images im ON im.album_id = t.album_id"
		" AND im.position = 0 WHERE t.id = $1");
	static struct pg_q qa = PG_Q("SELECT ar.name FROM track_artists ta"
		" JOIN artists ar ON ar.id = ta.artist_id WHERE ta.track_id = $1"
		" ORDER BY ta.position");
	struct strbuf names = STRBUF_INIT;
	PGresult *r = by_id(s, &q, id, err);

	if (!r)
		return -1;
	if (!PQntuples(r)) {
		PQclear(r);
		return 0;
	}
	v->known = 1;
	v->name = pg_get_dup(r, 0, 0);
	v->explicit_ = pg_get_num(r, 0, 1);
	v->popularity = pg_get_num(r, 0, 2);
	v->album = pg_get_dup(r, 0, 3);
	v->cover = pg_get_dup(r, 0, 4);
	v->cover_height = pg_get_num(r, 0, 5);
	v->cover_width = pg_get_num(r, 0, 6);
	PQclear(r);
	if (!(r = by_id(s, &qa, id, err)))
		return -1;
	for (int i = 0; i < PQntuples(r); i++)
		strbuf_addf(&names, "%s%s", names.len ? ", " : "", pg_get_str(r, i, 0));
	PQclear(r);
	v->artists = strbuf_detach(&names, NULL);
	return 0;
}

static int view_features(struct pg_store *s, const char *id,
			 struct store_track_view *v, struct strbuf *err)
{
	static struct pg_q q = PG_Q("SELECT provider, acousticness, danceability,"
		" energy, instrumentalness, speechiness, valence FROM audio_features"
		" WHERE track_id = $1");
	PGresult *r = by_id(s, &q, id, err);

	if (!r)
		return -1;
	if (PQntuples(r)) {
		v->features_source = pg_get_dup(r, 0, 0);
		v->acousticness = pg_get_num(r, 0, 1);
		v->danceability = pg_get_num(r, 0, 2);
		v->energy = pg_get_num(r, 0, 3);
		v->instrumentalness = pg_get_num(r, 0, 4);
		v->speechiness = pg_get_num(r, 0, 5);
		v->valence = pg_get_num(r, 0, 6);
	}
	PQclear(r);
	return 0;
}

static void section_of(const PGresult *r, int i, struct store_section *x)
{
	double *f[] = { &x->start, &x->duration, &x->confidence, &x->loudness,
			&x->tempo, &x->tempo_confidence, &x->key,
			&x->key_confidence, &x->mode, &x->mode_confidence,
			&x->time_signature, &x->time_signature_confidence };

	for (int c = 0; c < 12; c++)
		*f[c] = pg_get_num(r, i, c);
}

static int view_analysis(struct pg_store *s, const char *id,
			 struct store_track_view *v, struct strbuf *err)
{
	static struct pg_q q = PG_Q("SELECT provider, duration, loudness, tempo,"
		" key, time_signature, mode FROM audio_analysis WHERE track_id = $1");
	static struct pg_q qs = PG_Q("SELECT start, duration, confidence,"
		" loudness, tempo, tempo_confidence, key, key_confidence, mode,"
		" mode_confidence, time_signature, time_signature_confidence"
		" FROM sections WHERE track_id = $1 ORDER BY idx");
	PGresult *r = by_id(s, &q, id, err);

	if (!r)
		return -1;
	if (!PQntuples(r)) {
		PQclear(r);
		return 0;
	}
	v->analysis_source = pg_get_dup(r, 0, 0);
	v->duration = pg_get_num(r, 0, 1);
	v->loudness = pg_get_num(r, 0, 2);
	v->tempo = pg_get_num(r, 0, 3);
	v->key = pg_get_num(r, 0, 4);
	v->time_signature = pg_get_num(r, 0, 5);
	v->mode = pg_get_num(r, 0, 6);
	PQclear(r);
	if (!(r = by_id(s, &qs, id, err)))
		return -1;
	if (PQntuples(r))
		v->sections = xcalloc((size_t)PQntuples(r), sizeof(*v->sections));
	for (int i = 0; i < PQntuples(r); i++)
		section_of(r, i, &v->sections[v->nsections++]);
	PQclear(r);
	return 0;
}

static int view_extended(struct pg_store *s, const char *id,
			 struct store_track_view *v, struct strbuf *err)
{
	static struct pg_q qg = PG_Q("SELECT g.genre FROM track_artists ta"
		" JOIN artist_genres g ON g.artist_id = ta.artist_id"
		" WHERE ta.track_id = $1 ORDER BY ta.position, g.position");
	static struct pg_q qe = PG_Q("SELECT count(*) FROM track_artists ta"
		" JOIN artists ar ON ar.id = ta.artist_id WHERE ta.track_id = $1"
		" AND ar.enriched_ms IS NULL");
	static struct pg_q qm = PG_Q("SELECT count(*), avg(duration),"
		" avg(loudness_max) FROM segments WHERE track_id = $1");
	PGresult *r = by_id(s, &qg, id, err);

	if (!r)
		return -1;
	if (PQntuples(r))
		v->genres = xcalloc((size_t)PQntuples(r), sizeof(*v->genres));
	for (int i = 0; i < PQntuples(r); i++)
		v->genres[v->ngenres++] = pg_get_dup(r, i, 0);
	PQclear(r);
	if (!(r = by_id(s, &qe, id, err)))
		return -1;
	v->artists_enriched = v->known && !pg_get_int(r, 0, 0, 0);
	PQclear(r);
	if (!v->analysis_source)
		return 0;
	if (!(r = by_id(s, &qm, id, err)))
		return -1;
	v->segments = pg_get_num(r, 0, 0);
	v->segment_duration_avg = pg_get_num(r, 0, 1);
	v->segment_loudness_max_avg = pg_get_num(r, 0, 2);
	PQclear(r);
	return 0;
}

int pg_catalog_track_view(struct store *st, const char *id, int extended,
			  struct store_track_view *out, struct strbuf *err)
{
	struct pg_store *s = pg_of(st);

	memset(out, 0, sizeof(*out));
	out->explicit_ = out->popularity = NAN;
	out->cover_height = out->cover_width = NAN;
	out->acousticness = out->danceability = out->energy = NAN;
	out->instrumentalness = out->speechiness = out->valence = NAN;
	out->duration = out->loudness = out->tempo = NAN;
	out->key = out->time_signature = out->mode = NAN;
	out->segments = out->segment_duration_avg = NAN;
	out->segment_loudness_max_avg = NAN;
	if (view_track(s, id, out, err) || view_features(s, id, out, err) ||
	    view_analysis(s, id, out, err) ||
	    (extended && view_extended(s, id, out, err)))
		return -1;
	return 0;
}

struct song_walk {
	int (*fn)(void *arg, const struct store_song_play *p);
	void *arg;
};

static int song_row(void *arg, const PGresult *r, int i)
{
	struct song_walk *w = arg;
	struct store_song_play p = {
		.played_ms = pg_get_int(r, i, 0, 0),
		.track_id = pg_get_str(r, i, 1),
		.track_name = pg_get_str(r, i, 2),
		.artist_name = pg_get_str(r, i, 3),
		.album_name = pg_get_str(r, i, 4),
		.ms_played = pg_get_num(r, i, 5),
		.context_uri = pg_get_str(r, i, 6),
		.reason_start = pg_get_str(r, i, 7),
		.reason_end = pg_get_str(r, i, 8),
		.skipped = pg_get_num(r, i, 9),
		.shuffle = pg_get_num(r, i, 10),
		.platform = pg_get_str(r, i, 11),
		.sources = pg_get_int(r, i, 12, 0),
	};
	return w->fn(w->arg, &p);
}

int pg_song_plays(struct store *st, int64_t account_id, int64_t from_ms, int64_t to_ms,
		  int (*fn)(void *arg, const struct store_song_play *p),
		  void *arg, struct strbuf *err)
{
	static struct pg_q q = PG_Q("SELECT played_ms, track_id, track_name,"
		" artist_name, album_name, ms_played, context_uri, reason_start,"
		" reason_end, skipped, shuffle, platform, sources FROM plays WHERE"
		" kind = 'music' AND (track_id IS NOT NULL OR track_name IS NOT NULL)"
		" AND played_ms >= $1 AND played_ms < $2"
		" AND ($3::bigint = 0 OR account_id = $3::bigint) ORDER BY played_ms, id");
	struct song_walk w = { fn, arg };
	struct pg_params p;

	pg_params_init(&p);
	pg_int(&p, from_ms);
	pg_int(&p, to_ms);
	pg_int(&p, account_id);
	return pg_each(pg_of(st), &q, &p, song_row, &w, err);
}
