#include <math.h>
#include <string.h>

#include "core/ids.h"
#include "pipeline/load.h"
#include "store/db.h"
#include "store/plays.h"
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

/* Replaces the ordered id list of a link table for one owner. */
static int put_links(sqlite3 *db, const char *table, const char *owner_col,
		     const char *owner, const struct strvec *ids,
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
	for (size_t i = 0, pos = 0; i < ids->n; i++) {
		if (!spotify_id_valid_str(ids->v[i]))
			continue;
		bind_str(st, 1, owner);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)pos++);
		bind_str(st, 3, ids->v[i]);
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

/* Plays go through plays_add_api, the one door API plays enter by: it
 * ignores a play the collector stored already. */
static int load_plays(sqlite3 *db, const struct tr_batch *b,
		      struct load_stats *stats, struct strbuf *err)
{
	for (size_t i = 0; i < b->nplays; i++) {
		const struct tr_play *p = &b->plays[i];
		struct api_play ap = { p->played_ms, p->track_id, p->track_name,
				       p->artist_names, p->album_name,
				       p->context_uri };
		int r = plays_add_api(db, p->account_id, p->page_id, &ap);
		if (r < 0) {
			db_error(db, err);
			return -1;
		}
		stats->plays_new += r;
	}
	return 0;
}

static int load_artists(sqlite3 *db, const struct tr_batch *b,
			int64_t now_ms, struct load_stats *st,
			struct strbuf *err)
{
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

	for (size_t i = 0; i < b->nartists; i++) {
		const struct tr_artist *a = &b->artists[i];
		if (!spotify_id_valid_str(a->id)) {
			st->skipped++;
			continue;
		}
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
		if (run(db, full, err) ||
		    exec1(db, "DELETE FROM artist_genres WHERE artist_id = ?",
			  a->id, err))
			goto out;
		for (size_t j = 0; j < a->genres.n; j++) {
			bind_str(genre, 1, a->id);
			sqlite3_bind_int64(genre, 2, (sqlite3_int64)j);
			bind_str(genre, 3, a->genres.v[j]);
			if (run(db, genre, err))
				goto out;
		}
	}
	r = 0;
out:
	sqlite3_finalize(name);
	sqlite3_finalize(full);
	sqlite3_finalize(genre);
	return r;
}

static int load_albums(sqlite3 *db, const struct tr_batch *b,
		       struct load_stats *st, struct strbuf *err)
{
	sqlite3_stmt *al = db_prepare(db,
		"INSERT OR REPLACE INTO albums (id, name, album_type, "
		"release_date, total_tracks) VALUES (?, ?, ?, ?, ?)");
	sqlite3_stmt *img = db_prepare(db,
		"INSERT INTO album_images (album_id, position, url, width, "
		"height) VALUES (?, ?, ?, ?, ?)");
	int r = -1;

	for (size_t i = 0; i < b->nalbums; i++) {
		const struct tr_album *a = &b->albums[i];
		if (!spotify_id_valid_str(a->id)) {
			st->skipped++;
			continue;
		}
		bind_str(al, 1, a->id);
		bind_str(al, 2, a->name);
		bind_str(al, 3, a->album_type);
		bind_str(al, 4, a->release_date);
		bind_num(al, 5, a->total_tracks, 1);
		if (run(db, al, err) ||
		    put_links(db, "album_artists", "album_id", a->id,
			      &a->artist_ids, err) ||
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

static int load_tracks(sqlite3 *db, const struct tr_batch *b,
		       struct load_stats *stats, struct strbuf *err)
{
	sqlite3_stmt *st = db_prepare(db,
		"INSERT OR REPLACE INTO tracks (id, name, album_id, duration_ms, "
		"explicit, popularity, isrc, track_number, disc_number) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
	int r = -1;

	for (size_t i = 0; i < b->ntracks; i++) {
		const struct tr_track *t = &b->tracks[i];
		if (!spotify_id_valid_str(t->id)) {
			stats->skipped++;
			continue;
		}
		bind_str(st, 1, t->id);
		bind_str(st, 2, t->name);
		bind_str(st, 3, spotify_id_valid_str(t->album_id) ? t->album_id
								  : NULL);
		bind_num(st, 4, t->duration_ms, 1);
		bind_num(st, 5, t->explicit_, 1);
		bind_num(st, 6, t->popularity, 1);
		bind_str(st, 7, t->isrc);
		bind_num(st, 8, t->track_number, 1);
		bind_num(st, 9, t->disc_number, 1);
		if (run(db, st, err) ||
		    put_links(db, "track_artists", "track_id", t->id,
			      &t->artist_ids, err))
			goto out;
	}
	r = 0;
out:
	sqlite3_finalize(st);
	return r;
}

static int load_features(sqlite3 *db, const struct tr_batch *b,
			 int64_t now_ms, struct strbuf *err)
{
	sqlite3_stmt *st = db_prepare(db,
		"INSERT OR REPLACE INTO audio_features (track_id, provider, "
		"acousticness, danceability, energy, instrumentalness, "
		"liveness, loudness, speechiness, valence, tempo, key, mode, "
		"time_signature, duration_ms, fetched_ms) VALUES "
		"(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	int r = -1;

	for (size_t i = 0; i < b->nfeatures; i++) {
		const struct tr_features *f = &b->features[i];
		if (!spotify_id_valid_str(f->track_id))
			continue;
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

static int load_sections(sqlite3 *db, const struct tr_analysis *a,
			 sqlite3_stmt *sec, sqlite3_stmt *seg,
			 struct strbuf *err)
{
	for (size_t j = 0; j < a->nsections; j++) {
		const struct tr_section *s = &a->sections[j];
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
	for (size_t j = 0; j < a->nsegments; j++) {
		const struct tr_segment *s = &a->segments[j];
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

static int load_analyses(sqlite3 *db, const struct tr_batch *b,
			 int64_t now_ms, struct strbuf *err)
{
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

	for (size_t i = 0; i < b->nanalyses; i++) {
		const struct tr_analysis *a = &b->analyses[i];
		if (!spotify_id_valid_str(a->track_id))
			continue;
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
		    load_sections(db, a, sec, seg, err))
			goto out;
	}
	r = 0;
out:
	sqlite3_finalize(st);
	sqlite3_finalize(sec);
	sqlite3_finalize(seg);
	return r;
}

int load_batch(sqlite3 *db, const struct tr_batch *b, int64_t now_ms,
	       struct load_stats *st, struct strbuf *err)
{
	if (load_plays(db, b, st, err) ||
	    load_artists(db, b, now_ms, st, err) ||
	    load_albums(db, b, st, err) || load_tracks(db, b, st, err) ||
	    load_features(db, b, now_ms, err) ||
	    load_analyses(db, b, now_ms, err))
		return -1;
	st->tracks += (long)b->ntracks;
	st->albums += (long)b->nalbums;
	st->artists += (long)b->nartists;
	st->features += (long)b->nfeatures;
	st->analyses += (long)b->nanalyses;
	return 0;
}

int load_clear_catalog(sqlite3 *db, struct strbuf *err)
{
	return db_exec(db,
		       "DELETE FROM tracks; DELETE FROM track_artists;"
		       "DELETE FROM albums; DELETE FROM album_artists;"
		       "DELETE FROM album_images; DELETE FROM artists;"
		       "DELETE FROM artist_genres; DELETE FROM audio_features;"
		       "DELETE FROM audio_analysis; DELETE FROM sections;"
		       "DELETE FROM segments;",
		       err);
}

int load_begin(sqlite3 *db, int nested, struct strbuf *err)
{
	return nested ? db_exec(db, "SAVEPOINT etl_batch", err)
		      : db_begin(db, err);
}

int load_commit(sqlite3 *db, int nested, struct strbuf *err)
{
	return nested ? db_exec(db, "RELEASE etl_batch", err)
		      : db_commit(db, err);
}

void load_rollback(sqlite3 *db, int nested)
{
	if (nested) {
		sqlite3_exec(db, "ROLLBACK TO etl_batch", NULL, NULL, NULL);
		sqlite3_exec(db, "RELEASE etl_batch", NULL, NULL, NULL);
	} else {
		db_rollback(db);
	}
}
