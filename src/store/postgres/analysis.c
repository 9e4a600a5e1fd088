/*
 * Local analysis on PostgreSQL (store.h's "analysis"), as
 * sqlite/analysis.c: results kept by content hash in local_analyses
 * (migration 3), and the reads that match files to tracks. Names that
 * pick one of several spellings say COLLATE "C", as SQLite's max() does.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/strvec.h"
#include "core/xalloc.h"
#include "store/postgres/pg.h"
#include "core/banned.h"

struct walk {
	void *fn, *arg;
};

static int id_row(void *arg, const PGresult *r, int i)
{
	strvec_push(arg, pg_get_str(r, i, 0));
	return 0;
}

int pga_by_isrc(struct store *st, const char *isrc, struct strvec *ids,
		struct strbuf *err)
{
	static struct pg_q q = PG_Q("SELECT id FROM tracks WHERE upper(isrc) ="
		" upper($1) ORDER BY id COLLATE \"C\"");
	struct pg_params p;

	pg_params_init(&p);
	pg_text(&p, isrc);
	return pg_each(pg_of(st), &q, &p, id_row, ids, err) < 0 ? -1 : 0;
}

static int track_row(void *arg, const PGresult *r, int i)
{
	struct walk *w = arg;
	struct store_named_track t = {
		.id = pg_get_str(r, i, 0),
		.name = pg_get_str(r, i, 1),
		.artists = pg_get_str(r, i, 2),
		.duration_ms = pg_get_num(r, i, 3),
	};
	if (!t.id || !t.name)
		return 0;
	return ((int (*)(void *, const struct store_named_track *))w->fn)(w->arg, &t);
}

int pga_tracks(struct store *st, int (*fn)(void *, const struct store_named_track *),
	       void *arg, struct strbuf *err)
{
	static struct pg_q cat = PG_Q("SELECT t.id, t.name, (SELECT"
		" string_agg(ar.name, ', ' ORDER BY ta.position) FROM track_artists ta"
		" JOIN artists ar ON ar.id = ta.artist_id WHERE ta.track_id = t.id),"
		" t.duration_ms FROM tracks t ORDER BY t.id COLLATE \"C\"");
	static struct pg_q played = PG_Q("SELECT track_id, max(track_name"
		" COLLATE \"C\"), max(artist_name COLLATE \"C\"), NULL::float8"
		" FROM plays WHERE kind = 'music' AND track_id IS NOT NULL"
		" AND track_name IS NOT NULL AND track_id NOT IN (SELECT id FROM tracks)"
		" GROUP BY track_id ORDER BY track_id COLLATE \"C\"");
	struct walk w = { (void *)fn, arg };
	int r = pg_each(pg_of(st), &cat, NULL, track_row, &w, err);

	if (r)
		return r;
	return pg_each(pg_of(st), &played, NULL, track_row, &w, err);
}

char *pga_cached(struct store *st, const char *hash, char **track_id)
{
	static struct pg_q q = PG_Q("SELECT result, track_id FROM local_analyses"
		" WHERE content_hash = $1");
	struct pg_params p;
	PGresult *r;
	char *v = NULL;

	*track_id = NULL;
	pg_params_init(&p);
	pg_text(&p, hash);
	r = pg_exec(pg_of(st), &q, &p, NULL);
	if (r && PQntuples(r)) {
		v = pg_get_dup(r, 0, 0);
		*track_id = pg_get_dup(r, 0, 1);
	}
	PQclear(r);
	return v;
}

int pga_cache_put(struct store *st, const char *hash, const char *path,
		  const char *track_id, const char *json, int64_t now_ms,
		  struct strbuf *err)
{
	static struct pg_q q = PG_Q("INSERT INTO local_analyses (content_hash,"
		" path, track_id, result, analysed_ms) VALUES ($1, $2, $3, $4, $5)"
		" ON CONFLICT (content_hash) DO UPDATE SET path = excluded.path,"
		" track_id = excluded.track_id, result = excluded.result,"
		" analysed_ms = excluded.analysed_ms");
	struct pg_params p;

	pg_params_init(&p);
	pg_text(&p, hash);
	pg_text(&p, path);
	pg_text(&p, track_id);
	pg_text(&p, json);
	pg_int(&p, now_ms);
	return pg_run(pg_of(st), &q, &p, NULL, err);
}

/* 1 stored, 0 when another provider's analysis is kept, -1 on failure. */
int pga_put_local(struct store *st, const struct store_analysis *a,
		  int64_t now_ms, struct strbuf *err)
{
	static struct pg_q q = PG_Q("SELECT provider FROM audio_analysis"
		" WHERE track_id = $1");
	struct pg_params p;
	PGresult *r;
	int other = 0;

	pg_params_init(&p);
	pg_text(&p, a->track_id);
	if (!(r = pg_exec(pg_of(st), &q, &p, err)))
		return -1;
	if (PQntuples(r))
		other = strcmp(pg_get_str(r, 0, 0), "local") != 0;
	PQclear(r);
	if (other)
		return 0;
	return pg_catalog_put_analyses(st, a, 1, now_ms, err) ? -1 : 1;
}
