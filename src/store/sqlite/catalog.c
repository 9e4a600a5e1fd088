/*
 * The SQLite engine's catalog: puts of tracks, albums, artists, audio
 * features and analyses (sections and segments), and the reads a song
 * record needs. Each put prepares its statements once for its array,
 * as load did before the store had calls of its own.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/sqlite/db.h"
#include "store/sqlite/catalog.h"
#include "core/banned.h"

static void bind_num(sqlite3_stmt *st, int i, double v, int as_int)
{
	if (isnan(v))
		sqlite3_bind_null(st, i);
	else if (as_int)
		sqlite3_bind_int64(st, i, (sqlite3_int64)v);
	else
		sqlite3_bind_double(st, i, v);
}

static void bind_str(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

/* Steps a statement to completion and resets it; -1 with err on failure. */
static int run(sqlite3 *db, sqlite3_stmt *st, struct strbuf *err)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return 0;
	db_error(db, err);
	return -1;
}

static int exec1(sqlite3 *db, const char *sql, const char *id,
		 struct strbuf *err)
{
	sqlite3_stmt *st = db_prepare(db, sql);
	int r;

	bind_str(st, 1, id);
	r = run(db, st, err);
	sqlite3_finalize(st);
	return r;
}

/* Replaces the ordered artist list of a link table for one owner. */
static int put_links(sqlite3 *db, const char *table, const char *owner_col,
		     const char *owner, const char *const *ids, size_t n,
		     struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *st;
	int r = -1;

	strbuf_addf(&sql, "DELETE FROM %s WHERE %s = ?", table, owner_col);
	if (exec1(db, sql.buf, owner, err))
		goto out;
	strbuf_reset(&sql);
	strbuf_addf(&sql, "INSERT INTO %s (%s, position, artist_id) "
		    "VALUES (?, ?, ?)", table, owner_col);
	st = db_prepare(db, sql.buf);
	for (size_t i = 0; i < n; i++) {
		bind_str(st, 1, owner);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
		bind_str(st, 3, ids[i]);
		if (run(db, st, err)) {
			sqlite3_finalize(st);
			goto out;
		}
	}
	sqlite3_finalize(st);
	r = 0;
out:
	strbuf_release(&sql);
	return r;
}

static int put_genres(sqlite3 *db, sqlite3_stmt *genre,
		      const struct store_artist *a, struct strbuf *err)
{
	if (exec1(db, "DELETE FROM artist_genres WHERE artist_id = ?", a->id,
		  err))
		return -1;
	for (size_t j = 0; j < a->ngenres; j++) {
		bind_str(genre, 1, a->id);
		sqlite3_bind_int64(genre, 2, (sqlite3_int64)j);
		bind_str(genre, 3, a->genres[j]);
		if (run(db, genre, err))
			return -1;
	}
	return 0;
}

int sq_catalog_put_artists(struct store *s, const struct store_artist *v,
			   size_t n, int64_t now_ms, struct strbuf *err)
{
	sqlite3 *db = sqlite_of(s)->db;
	sqlite3_stmt *name = db_prepare(db,
		"INSERT INTO artists (id, name) VALUES (?, ?) "
		"ON CONFLICT(id) DO UPDATE SET name = excluded.name");
	sqlite3_stmt *full = db_prepare(db,
		"INSERT INTO artists (id, name, popularity, followers, "
		"enriched_ms) VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE "
		"SET name = excluded.name, popularity = excluded.popularity, "
		"followers = excluded.followers, "
		"enriched_ms = excluded.enriched_ms");
	sqlite3_stmt *genre = db_prepare(db,
		"INSERT INTO artist_genres (artist_id, position, genre) "
		"VALUES (?, ?, ?)");
	int r = -1;

	for (size_t i = 0; i < n; i++) {
		const struct store_artist *a = &v[i];
		if (!a->full) {
			bind_str(name, 1, a->id);
			bind_str(name, 2, a->name);
			if (run(db, name, err))
				goto out;
			continue;
		}
		bind_str(full, 1, a->id);
		bind_str(full, 2, a->name);
		bind_num(full, 3, a->popularity, 1);
		bind_num(full, 4, a->followers, 1);
		sqlite3_bind_int64(full, 5, now_ms);
		if (run(db, full, err) || put_genres(db, genre, a, err))
			goto out;
	}
	r = 0;
out:
	sqlite3_finalize(name);
	sqlite3_finalize(full);
	sqlite3_finalize(genre);
	return r;
}

int sq_catalog_put_albums(struct store *s, const struct store_album *v,
			  size_t n, struct strbuf *err)
{
	sqlite3 *db = sqlite_of(s)->db;
	sqlite3_stmt *al = db_prepare(db,
		"INSERT OR REPLACE INTO albums (id, name, album_type, "
		"release_date, total_tracks) VALUES (?, ?, ?, ?, ?)");
	sqlite3_stmt *img = db_prepare(db,
		"INSERT INTO album_images (album_id, position, url, width, "
		"height) VALUES (?, ?, ?, ?, ?)");
	int r = -1;

	for (size_t i = 0; i < n; i++) {
		const struct store_album *a = &v[i];
		bind_str(al, 1, a->id);
		bind_str(al, 2, a->name);
		bind_str(al, 3, a->album_type);
		bind_str(al, 4, a->release_date);
		bind_num(al, 5, a->total_tracks, 1);
		if (run(db, al, err) ||
		    put_links(db, "album_artists", "album_id", a->id,
			      a->artist_ids, a->nartists, err) ||
		    exec1(db, "DELETE FROM album_images WHERE album_id = ?",
			  a->id, err))
			goto out;
		for (size_t j = 0; j < a->nimages; j++) {
			bind_str(img, 1, a->id);
			sqlite3_bind_int64(img, 2, (sqlite3_int64)j);
			bind_str(img, 3, a->images[j].url);
			bind_num(img, 4, a->images[j].width, 1);
			bind_num(img, 5, a->images[j].height, 1);
			if (run(db, img, err))
				goto out;
		}
	}
	r = 0;
out:
	sqlite3_finalize(al);
	sqlite3_finalize(img);
	return r;
}

int sq_catalog_put_tracks(struct store *s, const struct store_track *v,
			  size_t n, struct strbuf *err)
{
	sqlite3 *db = sqlite_of(s)->db;
	sqlite3_stmt *st = db_prepare(db,
		"INSERT OR REPLACE INTO tracks (id, name, album_id, duration_ms, "
		"explicit, popularity, isrc, track_number, disc_number) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
	int r = -1;

	for (size_t i = 0; i < n; i++) {
		const struct store_track *t = &v[i];
		bind_str(st, 1, t->id);
		bind_str(st, 2, t->name);
		bind_str(st, 3, t->album_id);
		bind_num(st, 4, t->duration_ms, 1);
		bind_num(st, 5, t->explicit_, 1);
		bind_num(st, 6, t->popularity, 1);
		bind_str(st, 7, t->isrc);
		bind_num(st, 8, t->track_number, 1);
		bind_num(st, 9, t->disc_number, 1);
		if (run(db, st, err) ||
		    put_links(db, "track_artists", "track_id", t->id,
			      t->artist_ids, t->nartists, err))
			goto out;
	}
	r = 0;
out:
	sqlite3_finalize(st);
	return r;
}

int sq_catalog_put_features(struct store *s, const struct store_features *v,
			    size_t n, int64_t now_ms, struct strbuf *err)
{
	sqlite3 *db = sqlite_of(s)->db;
	sqlite3_stmt *st = db_prepare(db,
		"INSERT OR REPLACE INTO audio_features (track_id, provider, "
		"acousticness, danceability, energy, instrumentalness, "
		"liveness, loudness, speechiness, valence, tempo, key, mode, "
		"time_signature, duration_ms, fetched_ms) VALUES "
		"(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	int r = -1;

	for (size_t i = 0; i < n; i++) {
		const struct store_features *f = &v[i];
		bind_str(st, 1, f->track_id);
		bind_str(st, 2, f->provider);
		bind_num(st, 3, f->acousticness, 0);
		bind_num(st, 4, f->danceability, 0);
		bind_num(st, 5, f->energy, 0);
		bind_num(st, 6, f->instrumentalness, 0);
		bind_num(st, 7, f->liveness, 0);
		bind_num(st, 8, f->loudness, 0);
		bind_num(st, 9, f->speechiness, 0);
		bind_num(st, 10, f->valence, 0);
		bind_num(st, 11, f->tempo, 0);
		bind_num(st, 12, f->key, 1);
		bind_num(st, 13, f->mode, 1);
		bind_num(st, 14, f->time_signature, 1);
		bind_num(st, 15, f->duration_ms, 1);
		sqlite3_bind_int64(st, 16, now_ms);
		if (run(db, st, err))
			goto out;
	}
	r = 0;
out:
	sqlite3_finalize(st);
	return r;
}

static int put_sections(sqlite3 *db, const struct store_analysis *a,
			sqlite3_stmt *sec, struct strbuf *err)
{
	for (size_t j = 0; j < a->nsections; j++) {
		const struct store_section *s = &a->sections[j];
		bind_str(sec, 1, a->track_id);
		sqlite3_bind_int64(sec, 2, (sqlite3_int64)j);
		bind_num(sec, 3, s->start, 0);
		bind_num(sec, 4, s->duration, 0);
		bind_num(sec, 5, s->confidence, 0);
		bind_num(sec, 6, s->loudness, 0);
		bind_num(sec, 7, s->tempo, 0);
		bind_num(sec, 8, s->tempo_confidence, 0);
		bind_num(sec, 9, s->key, 1);
		bind_num(sec, 10, s->key_confidence, 0);
		bind_num(sec, 11, s->mode, 1);
		bind_num(sec, 12, s->mode_confidence, 0);
		bind_num(sec, 13, s->time_signature, 1);
		bind_num(sec, 14, s->time_signature_confidence, 0);
		if (run(db, sec, err))
			return -1;
	}
	return 0;
}

static int put_segments(sqlite3 *db, const struct store_analysis *a,
			sqlite3_stmt *seg, struct strbuf *err)
{
	for (size_t j = 0; j < a->nsegments; j++) {
		const struct store_segment *s = &a->segments[j];
		bind_str(seg, 1, a->track_id);
		sqlite3_bind_int64(seg, 2, (sqlite3_int64)j);
		bind_num(seg, 3, s->start, 0);
		bind_num(seg, 4, s->duration, 0);
		bind_num(seg, 5, s->confidence, 0);
		bind_num(seg, 6, s->loudness_start, 0);
		bind_num(seg, 7, s->loudness_max, 0);
		bind_num(seg, 8, s->loudness_max_time, 0);
		bind_num(seg, 9, s->loudness_end, 0);
		bind_str(seg, 10, s->pitches);
		bind_str(seg, 11, s->timbre);
		if (run(db, seg, err))
			return -1;
	}
	return 0;
}

int sq_catalog_put_analyses(struct store *s, const struct store_analysis *v,
			    size_t n, int64_t now_ms, struct strbuf *err)
{
	sqlite3 *db = sqlite_of(s)->db;
	sqlite3_stmt *st = db_prepare(db,
		"INSERT OR REPLACE INTO audio_analysis (track_id, provider, "
		"duration, loudness, tempo, key, mode, time_signature, "
		"num_sections, num_segments, fetched_ms) VALUES "
		"(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	sqlite3_stmt *sec = db_prepare(db,
		"INSERT INTO sections (track_id, idx, start, duration, "
		"confidence, loudness, tempo, tempo_confidence, key, "
		"key_confidence, mode, mode_confidence, time_signature, "
		"time_signature_confidence) VALUES "
		"(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	sqlite3_stmt *seg = db_prepare(db,
		"INSERT INTO segments (track_id, idx, start, duration, "
		"confidence, loudness_start, loudness_max, loudness_max_time, "
		"loudness_end, pitches, timbre) VALUES "
		"(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	int r = -1;

	for (size_t i = 0; i < n; i++) {
		const struct store_analysis *a = &v[i];
		bind_str(st, 1, a->track_id);
		bind_str(st, 2, a->provider);
		bind_num(st, 3, a->duration, 0);
		bind_num(st, 4, a->loudness, 0);
		bind_num(st, 5, a->tempo, 0);
		bind_num(st, 6, a->key, 1);
		bind_num(st, 7, a->mode, 1);
		bind_num(st, 8, a->time_signature, 1);
		sqlite3_bind_int64(st, 9, (sqlite3_int64)a->nsections);
		sqlite3_bind_int64(st, 10, (sqlite3_int64)a->nsegments);
		sqlite3_bind_int64(st, 11, now_ms);
		if (run(db, st, err) ||
		    exec1(db, "DELETE FROM sections WHERE track_id = ?",
			  a->track_id, err) ||
		    exec1(db, "DELETE FROM segments WHERE track_id = ?",
			  a->track_id, err) ||
		    put_sections(db, a, sec, err) ||
		    put_segments(db, a, seg, err))
			goto out;
	}
	r = 0;
out:
	sqlite3_finalize(st);
	sqlite3_finalize(sec);
	sqlite3_finalize(seg);
	return r;
}

int sq_catalog_clear(struct store *s, struct strbuf *err)
{
	return db_exec(sqlite_of(s)->db,
		       "DELETE FROM tracks; DELETE FROM track_artists;"
		       "DELETE FROM albums; DELETE FROM album_artists;"
		       "DELETE FROM album_images; DELETE FROM artists;"
		       "DELETE FROM artist_genres; DELETE FROM audio_features;"
		       "DELETE FROM audio_analysis; DELETE FROM sections;"
		       "DELETE FROM segments;",
		       err);
}

int64_t sq_catalog_count_tracks(struct store *s)
{
	return db_scalar(sqlite_of(s)->db, "SELECT count(*) FROM tracks");
}

static char *col_str(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	return s ? xstrdup(s) : NULL;
}

static double col_num(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL
		? NAN : sqlite3_column_double(st, i);
}

static sqlite3_stmt *prep1(sqlite3 *db, const char *sql, const char *id)
{
	sqlite3_stmt *st = db_prepare(db, sql);

	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	return st;
}

char *sq_catalog_track_isrc(struct store *s, const char *id)
{
	sqlite3_stmt *st = prep1(sqlite_of(s)->db,
				 "SELECT isrc FROM tracks WHERE id = ?", id);
	char *isrc = NULL;

	if (sqlite3_step(st) == SQLITE_ROW)
		isrc = col_str(st, 0);
	sqlite3_finalize(st);
	return isrc;
}

/* 0 when a walk of rows ended well (rc SQLITE_DONE), else -1 with err. */
static int walked(sqlite3 *db, int rc, struct strbuf *err)
{
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return 0;
	db_error(db, err);
	return -1;
}

static int view_track(sqlite3 *db, const char *id, struct store_track_view *v,
		      struct strbuf *err)
{
	sqlite3_stmt *st = prep1(db,
		"SELECT t.name, t.explicit, t.popularity, al.name, im.url, "
		"im.height, im.width FROM tracks t "
		"LEFT JOIN albums al ON al.id = t.album_id "
		"LEFT JOIN album_images im ON im.album_id = t.album_id "
		"AND im.position = 0 WHERE t.id = ?", id);
	struct strbuf names = STRBUF_INIT;
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW) {
		v->known = 1;
		v->name = col_str(st, 0);
		v->explicit_ = col_num(st, 1);
		v->popularity = col_num(st, 2);
		v->album = col_str(st, 3);
		v->cover = col_str(st, 4);
		v->cover_height = col_num(st, 5);
		v->cover_width = col_num(st, 6);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return walked(db, rc, err);
	st = prep1(db,
		"SELECT ar.name FROM track_artists ta JOIN artists ar "
		"ON ar.id = ta.artist_id WHERE ta.track_id = ? "
		"ORDER BY ta.position", id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		strbuf_addf(&names, "%s%s", names.len ? ", " : "",
			    (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	v->artists = strbuf_detach(&names, NULL);
	return walked(db, rc, err);
}

static int view_features(sqlite3 *db, const char *id,
			 struct store_track_view *v, struct strbuf *err)
{
	sqlite3_stmt *st = prep1(db,
		"SELECT provider, acousticness, danceability, energy, "
		"instrumentalness, speechiness, valence FROM audio_features "
		"WHERE track_id = ?", id);
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW) {
		v->features_source = col_str(st, 0);
		v->acousticness = col_num(st, 1);
		v->danceability = col_num(st, 2);
		v->energy = col_num(st, 3);
		v->instrumentalness = col_num(st, 4);
		v->speechiness = col_num(st, 5);
		v->valence = col_num(st, 6);
	}
	sqlite3_finalize(st);
	return walked(db, rc, err);
}

static void section_of(sqlite3_stmt *st, struct store_section *s)
{
	s->start = col_num(st, 0);
	s->duration = col_num(st, 1);
	s->confidence = col_num(st, 2);
	s->loudness = col_num(st, 3);
	s->tempo = col_num(st, 4);
	s->tempo_confidence = col_num(st, 5);
	s->key = col_num(st, 6);
	s->key_confidence = col_num(st, 7);
	s->mode = col_num(st, 8);
	s->mode_confidence = col_num(st, 9);
	s->time_signature = col_num(st, 10);
	s->time_signature_confidence = col_num(st, 11);
}

static int view_analysis(sqlite3 *db, const char *id,
			 struct store_track_view *v, struct strbuf *err)
{
	sqlite3_stmt *st = prep1(db,
		"SELECT provider, duration, loudness, tempo, key, "
		"time_signature, mode FROM audio_analysis WHERE track_id = ?",
		id);
	size_t alloc = 0;
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW) {
		v->analysis_source = col_str(st, 0);
		v->duration = col_num(st, 1);
		v->loudness = col_num(st, 2);
		v->tempo = col_num(st, 3);
		v->key = col_num(st, 4);
		v->time_signature = col_num(st, 5);
		v->mode = col_num(st, 6);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return walked(db, rc, err);
	st = prep1(db,
		"SELECT start, duration, confidence, loudness, tempo, "
		"tempo_confidence, key, key_confidence, mode, mode_confidence, "
		"time_signature, time_signature_confidence FROM sections "
		"WHERE track_id = ? ORDER BY idx", id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (v->nsections == alloc) {
			alloc = alloc ? alloc * 2 : 16;
			v->sections = xrealloc(v->sections,
					       alloc * sizeof(*v->sections));
		}
		section_of(st, &v->sections[v->nsections++]);
	}
	sqlite3_finalize(st);
	return walked(db, rc, err);
}

/* The artists' genres (in order, repeats kept), whether every artist was
 * enriched, and the segment summary when there is an analysis. */
static int view_extended(sqlite3 *db, const char *id,
			 struct store_track_view *v, struct strbuf *err)
{
	sqlite3_stmt *st = prep1(db,
		"SELECT g.genre FROM track_artists ta JOIN artist_genres g "
		"ON g.artist_id = ta.artist_id WHERE ta.track_id = ? "
		"ORDER BY ta.position, g.position", id);
	size_t alloc = 0;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ALLOC_GROW(v->genres, v->ngenres + 1, alloc);
		v->genres[v->ngenres++] = col_str(st, 0);
	}
	sqlite3_finalize(st);
	if (walked(db, rc, err))
		return -1;
	st = prep1(db,
		"SELECT count(*) FROM track_artists ta JOIN artists ar "
		"ON ar.id = ta.artist_id WHERE ta.track_id = ? AND "
		"ar.enriched_ms IS NULL", id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		v->artists_enriched = v->known && !sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (walked(db, rc, err))
		return -1;
	if (!v->analysis_source)
		return 0;
	st = prep1(db,
		"SELECT count(*), avg(duration), avg(loudness_max) FROM "
		"segments WHERE track_id = ?", id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v->segments = col_num(st, 0);
		v->segment_duration_avg = col_num(st, 1);
		v->segment_loudness_max_avg = col_num(st, 2);
	}
	sqlite3_finalize(st);
	return walked(db, rc, err);
}

int sq_catalog_track_view(struct store *s, const char *id, int extended,
			  struct store_track_view *out, struct strbuf *err)
{
	sqlite3 *db = sqlite_of(s)->db;

	memset(out, 0, sizeof(*out));
	out->explicit_ = out->popularity = NAN;
	out->cover_height = out->cover_width = NAN;
	out->acousticness = out->danceability = out->energy = NAN;
	out->instrumentalness = out->speechiness = out->valence = NAN;
	out->duration = out->loudness = out->tempo = NAN;
	out->key = out->time_signature = out->mode = NAN;
	out->segments = out->segment_duration_avg = NAN;
	out->segment_loudness_max_avg = NAN;
	if (view_track(db, id, out, err) || view_features(db, id, out, err) ||
	    view_analysis(db, id, out, err) ||
	    (extended && view_extended(db, id, out, err)))
		return -1;
	return 0;
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

int sq_song_plays(struct store *s, int64_t account_id, int64_t from_ms, int64_t to_ms,
		  int (*fn)(void *arg, const struct store_song_play *p),
		  void *arg, struct strbuf *err)
{
	sqlite3 *db = sqlite_of(s)->db;
	sqlite3_stmt *st = db_prepare(db,
		"SELECT played_ms, track_id, track_name, artist_name, "
		"album_name, ms_played, context_uri, reason_start, reason_end, "
		"skipped, shuffle, platform, sources FROM plays WHERE "
		"kind = 'music' AND (track_id IS NOT NULL OR track_name IS NOT NULL) "
		"AND played_ms >= ?1 AND played_ms < ?2 "
		"AND (?3 = 0 OR account_id = ?3) ORDER BY played_ms, id");
	int rc, r = 0;

	sqlite3_bind_int64(st, 1, from_ms);
	sqlite3_bind_int64(st, 2, to_ms);
	sqlite3_bind_int64(st, 3, account_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_song_play p = {
			.played_ms = sqlite3_column_int64(st, 0),
			.track_id = col_text(st, 1),
			.track_name = col_text(st, 2),
			.artist_name = col_text(st, 3),
			.album_name = col_text(st, 4),
			.ms_played = col_num(st, 5),
			.context_uri = col_text(st, 6),
			.reason_start = col_text(st, 7),
			.reason_end = col_text(st, 8),
			.skipped = col_num(st, 9),
			.shuffle = col_num(st, 10),
			.platform = col_text(st, 11),
			.sources = sqlite3_column_int64(st, 12),
		};
		if ((r = fn(arg, &p)))
			break;
	}
	if (!r && rc != SQLITE_DONE) {
		db_error(db, err);
		r = -1;
	}
	sqlite3_finalize(st);
	return r;
}
