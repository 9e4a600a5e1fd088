#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "core/ids.h"
#include "core/xalloc.h"
#include "pipeline/songs.h"
#include "pipeline/transform.h"
#include "store/db.h"
#include "core/banned.h"

/* The track's part of a record, cached per track id. */
struct track_part {
	char *id;
	int known; /* in the tracks table */
	char *name, *artists, *album, *cover, *genres;
	char *features_source, *analysis_source;
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

static void cache_release(struct cache *c)
{
	for (size_t i = 0; i < c->cap; i++) {
		struct track_part *t = c->slots[i];
		if (!t)
			continue;
		record_release(&t->r);
		free(t->id);
		free(t->name);
		free(t->artists);
		free(t->album);
		free(t->cover);
		free(t->genres);
		free(t->features_source);
		free(t->analysis_source);
		free(t);
	}
	free(c->slots);
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

static void read_track(sqlite3 *db, struct track_part *t)
{
	sqlite3_stmt *st = prep1(db,
		"SELECT t.name, t.explicit, t.popularity, al.name, im.url, "
		"im.height, im.width FROM tracks t "
		"LEFT JOIN albums al ON al.id = t.album_id "
		"LEFT JOIN album_images im ON im.album_id = t.album_id "
		"AND im.position = 0 WHERE t.id = ?", t->id);
	struct strbuf names = STRBUF_INIT;

	if (sqlite3_step(st) == SQLITE_ROW) {
		t->known = 1;
		t->name = col_str(st, 0);
		t->r.explicit_ = col_num(st, 1);
		t->r.popularity = col_num(st, 2);
		t->album = col_str(st, 3);
		t->cover = col_str(st, 4);
		t->r.album_cover_height = col_num(st, 5);
		t->r.album_cover_width = col_num(st, 6);
	}
	sqlite3_finalize(st);
	if (!t->known)
		return;
	st = prep1(db,
		"SELECT ar.name FROM track_artists ta JOIN artists ar "
		"ON ar.id = ta.artist_id WHERE ta.track_id = ? "
		"ORDER BY ta.position", t->id);
	while (sqlite3_step(st) == SQLITE_ROW)
		strbuf_addf(&names, "%s%s", names.len ? ", " : "",
			    (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	t->artists = strbuf_detach(&names, NULL);
}

static void read_features(sqlite3 *db, struct track_part *t)
{
	sqlite3_stmt *st = prep1(db,
		"SELECT provider, acousticness, danceability, energy, "
		"instrumentalness, speechiness, valence FROM audio_features "
		"WHERE track_id = ?", t->id);

	if (sqlite3_step(st) == SQLITE_ROW) {
		t->features_source = col_str(st, 0);
		t->r.acousticness = col_num(st, 1);
		t->r.danceability = col_num(st, 2);
		t->r.energy = col_num(st, 3);
		t->r.instrumentalness = col_num(st, 4);
		t->r.speechiness = col_num(st, 5);
		t->r.valence = col_num(st, 6);
	}
	sqlite3_finalize(st);
}

static void read_analysis(sqlite3 *db, struct track_part *t)
{
	sqlite3_stmt *st = prep1(db,
		"SELECT provider, duration, loudness, tempo, key, "
		"time_signature, mode FROM audio_analysis WHERE track_id = ?",
		t->id);
	struct rec_section *secs = NULL;
	size_t n = 0, alloc = 0;

	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return;
	}
	t->analysis_source = col_str(st, 0);
	t->r.duration = col_num(st, 1);
	t->r.loudness = col_num(st, 2);
	t->r.tempo = col_num(st, 3);
	t->r.key = col_num(st, 4);
	t->r.time_signature = col_num(st, 5);
	t->r.mode = col_num(st, 6);
	sqlite3_finalize(st);
	st = prep1(db,
		"SELECT start, duration, loudness, tempo, key, mode, "
		"time_signature FROM sections WHERE track_id = ? ORDER BY idx",
		t->id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n == alloc) {
			alloc = alloc ? alloc * 2 : 16;
			secs = xrealloc(secs, alloc * sizeof(*secs));
		}
		secs[n].start = col_num(st, 0);
		secs[n].duration = col_num(st, 1);
		secs[n].loudness = col_num(st, 2);
		secs[n].tempo = col_num(st, 3);
		secs[n].key = col_num(st, 4);
		secs[n].mode = col_num(st, 5);
		secs[n].time_signature = col_num(st, 6);
		n++;
	}
	sqlite3_finalize(st);
	record_set_sections(&t->r, secs, n);
	free(secs);
}

/* --extended: genres of the track's artists (in order, each once) and
 * segment summaries (count, mean duration and loudness_max, 2 decimals). */
static void read_extended(sqlite3 *db, struct track_part *t)
{
	sqlite3_stmt *st = prep1(db,
		"SELECT g.genre FROM track_artists ta JOIN artist_genres g "
		"ON g.artist_id = ta.artist_id WHERE ta.track_id = ? "
		"ORDER BY ta.position, g.position", t->id);
	struct tr_idset seen = TR_IDSET_INIT;
	struct strbuf g = STRBUF_INIT;
	int any = 0;

	strbuf_addch(&g, '[');
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *s = (const char *)sqlite3_column_text(st, 0);
		if (!tr_idset_add(&seen, s))
			continue;
		if (any++)
			strbuf_addch(&g, ',');
		strbuf_add_json_str(&g, s);
	}
	strbuf_addch(&g, ']');
	sqlite3_finalize(st);
	tr_idset_release(&seen);
	if (t->known) {
		sqlite3_stmt *e = prep1(db,
			"SELECT count(*) FROM track_artists ta JOIN artists ar "
			"ON ar.id = ta.artist_id WHERE ta.track_id = ? AND "
			"ar.enriched_ms IS NULL", t->id);
		if (sqlite3_step(e) == SQLITE_ROW &&
		    sqlite3_column_int64(e, 0) == 0)
			t->genres = strbuf_detach(&g, NULL);
		sqlite3_finalize(e);
	}
	strbuf_release(&g);
	if (!t->analysis_source)
		return;
	st = prep1(db,
		"SELECT count(*), avg(duration), avg(loudness_max) FROM "
		"segments WHERE track_id = ?", t->id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		t->r.segments = col_num(st, 0);
		t->r.segment_duration_avg = record_round2(col_num(st, 1));
		t->r.segment_loudness_max_avg = record_round2(col_num(st, 2));
	}
	sqlite3_finalize(st);
}

static struct track_part *track_part(sqlite3 *db, struct cache *c,
				     const char *id, int flags)
{
	struct track_part *t;

	if (c->cap && (t = *slot(c->slots, c->cap, id)))
		return t;
	t = xcalloc(1, sizeof(*t));
	t->id = xstrdup(id);
	record_init(&t->r);
	read_track(db, t);
	read_features(db, t);
	read_analysis(db, t);
	if (flags & REC_EXTENDED)
		read_extended(db, t);
	t->r.track_id = t->id;
	t->r.track_name = t->name;
	t->r.track_artist = t->artists;
	t->r.album = t->album;
	t->r.album_cover = t->cover;
	t->r.genres_json = t->genres;
	t->r.features_source = t->features_source;
	t->r.analysis_source = t->analysis_source;
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

int songs_each(sqlite3 *db, const struct songs_query *q,
	       int (*fn)(const struct song_record *r, void *arg), void *arg,
	       struct strbuf *err)
{
	sqlite3_stmt *st = db_prepare(db,
		"SELECT played_ms, track_id, track_name, artist_name, "
		"album_name, ms_played, context_uri, reason_start, reason_end, "
		"skipped, shuffle, platform, sources FROM plays WHERE "
		"kind = 'music' AND track_id IS NOT NULL AND played_ms >= ? "
		"AND played_ms < ? ORDER BY played_ms, id");
	struct cache c = { NULL, 0, 0 };
	int rc, r = 0;

	sqlite3_bind_int64(st, 1, q->from_ms);
	sqlite3_bind_int64(st, 2, q->to_ms);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 1);
		struct track_part *t;
		struct song_record rec;
		char src[64];

		if (!spotify_id_valid_str(id))
			continue; /* set aside by the ETL: no track to speak of */
		t = track_part(db, &c, id, q->flags);
		rec = t->r;
		rec.played_ms = sqlite3_column_int64(st, 0);
		if (!t->known) {
			rec.track_name = (const char *)sqlite3_column_text(st, 2);
			rec.track_artist = (const char *)sqlite3_column_text(st, 3);
			rec.album = (const char *)sqlite3_column_text(st, 4);
		}
		rec.ms_played = col_num(st, 5);
		rec.context = (const char *)sqlite3_column_text(st, 6);
		rec.reason_start = (const char *)sqlite3_column_text(st, 7);
		rec.reason_end = (const char *)sqlite3_column_text(st, 8);
		rec.skipped = col_num(st, 9);
		rec.shuffle = col_num(st, 10);
		rec.platform = (const char *)sqlite3_column_text(st, 11);
		rec.source = source_name(sqlite3_column_int64(st, 12), src,
					 sizeof(src));
		if ((r = fn(&rec, arg)))
			break;
	}
	if (!r && rc != SQLITE_DONE) {
		strbuf_addf(err, "export: %s", sqlite3_errmsg(db));
		r = -1;
	}
	sqlite3_finalize(st);
	cache_release(&c);
	return r;
}
