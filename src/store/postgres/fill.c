/*
 * The record fill on PostgreSQL (store.h's "record fill"): what the song
 * record takes of a track (duration, features), and the covers to fetch
 * with their failures (cover_misses, migration 2). As store/sqlite/fill.c.
 */
#include <math.h>

#include "core/xalloc.h"
#include "store/postgres/pg.h"
#include "core/banned.h"

int pgf_track_fill(struct store *st, const char *id,
		   struct store_track_fill *out, struct strbuf *err)
{
	static struct pg_q q = PG_Q("SELECT t.duration_ms, f.provider, f.tempo,"
		" f.key, f.mode, f.loudness FROM (SELECT $1::text AS id) q"
		" LEFT JOIN tracks t ON t.id = q.id"
		" LEFT JOIN audio_features f ON f.track_id = q.id");
	struct pg_params p;
	PGresult *r;

	out->duration_ms = out->tempo = out->key = NAN;
	out->mode = out->loudness = NAN;
	out->features_source = NULL;
	pg_params_init(&p);
	pg_text(&p, id);
	if (!(r = pg_exec(pg_of(st), &q, &p, err)))
		return -1;
	if (PQntuples(r)) {
		out->duration_ms = pg_get_num(r, 0, 0);
		if (!PQgetisnull(r, 0, 1)) {
			out->features_source = pg_get_dup(r, 0, 1);
			out->tempo = pg_get_num(r, 0, 2);
			out->key = pg_get_num(r, 0, 3);
			out->mode = pg_get_num(r, 0, 4);
			out->loudness = pg_get_num(r, 0, 5);
		}
	}
	PQclear(r);
	return 0;
}

struct walk {
	int (*fn)(void *, const char *, const char *);
	void *arg;
};

static int cover_row(void *arg, const PGresult *r, int i)
{
	struct walk *w = arg;

	return w->fn(w->arg, pg_get_str(r, i, 0), pg_get_str(r, i, 1));
}

int pgf_album_covers(struct store *st, int64_t now_ms,
		     int (*fn)(void *, const char *, const char *), void *arg,
		     struct strbuf *err)
{
	static struct pg_q q = PG_Q("SELECT im.album_id, im.url FROM album_images im"
		" LEFT JOIN cover_misses m ON m.album_id = im.album_id"
		" WHERE im.position = 0"
		" AND (m.retry_ms IS NULL OR m.retry_ms <= $1::bigint)"
		" ORDER BY im.album_id COLLATE \"C\"");
	struct walk w = { fn, arg };
	struct pg_params p;

	pg_params_init(&p);
	pg_int(&p, now_ms);
	return pg_each(pg_of(st), &q, &p, cover_row, &w, err);
}

/* A day after the first failure, doubling, at most 32 days (as SQLite's). */
#define COVER_RETRY_MS (24LL * 3600 * 1000)

int pgf_cover_failed(struct store *st, const char *album_id, int64_t now_ms,
		     const char *reason, struct strbuf *err)
{
	static struct pg_q q = PG_Q("INSERT INTO cover_misses (album_id, failures,"
		" failed_ms, retry_ms, reason)"
		" VALUES ($1, 1, $2::bigint, $2::bigint + $3::bigint, $4)"
		" ON CONFLICT (album_id) DO UPDATE SET"
		" failures = cover_misses.failures + 1, failed_ms = $2::bigint,"
		" retry_ms = $2::bigint"
		"  + $3::bigint * (1 << least(cover_misses.failures, 5)),"
		" reason = $4");
	struct pg_params p;

	pg_params_init(&p);
	pg_text(&p, album_id);
	pg_int(&p, now_ms);
	pg_int(&p, COVER_RETRY_MS);
	pg_text(&p, reason);
	return pg_run(pg_of(st), &q, &p, NULL, err);
}

int pgf_cover_fetched(struct store *st, const char *album_id,
		      struct strbuf *err)
{
	static struct pg_q q = PG_Q("DELETE FROM cover_misses WHERE album_id = $1");
	struct pg_params p;

	pg_params_init(&p);
	pg_text(&p, album_id);
	return pg_run(pg_of(st), &q, &p, NULL, err);
}
