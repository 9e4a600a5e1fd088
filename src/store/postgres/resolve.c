/*
 * Name resolution on PostgreSQL (store.h's "resolve"): what 'spinlog
 * resolve' learnt of a name key without a track id (resolve_names,
 * migration 2), and giving the plays of a matched name their id. As
 * store/sqlite/resolve.c; text comparisons and orders are bytewise
 * (COLLATE "C"), as SQLite's, so both engines pick the same spelling.
 */
#include <stdint.h>

#include "store/postgres/pg.h"
#include "core/banned.h"

struct walk {
	void *fn, *arg;
};

static int name_row(void *arg, const PGresult *r, int i)
{
	struct walk *w = arg;
	const char *artist = pg_get_str(r, i, 1), *track = pg_get_str(r, i, 2);
	struct store_resolve_name n = {
		.name_key = (uint64_t)pg_get_int(r, i, 0, 0),
		.artist = artist ? artist : "",
		.track = track ? track : "",
		.album = pg_get_str(r, i, 3),
		.plays = pg_get_int(r, i, 4, 0),
		.max_ms_played = pg_get_int(r, i, 5, -1),
	};
	return ((int (*)(void *, const struct store_resolve_name *))w->fn)(w->arg, &n);
}

int pgv_resolve_pending(struct store *st, int64_t now_ms,
			int (*fn)(void *, const struct store_resolve_name *),
			void *arg, struct strbuf *err)
{
	static struct pg_q q = PG_Q("SELECT p.name_key,"
		" min(p.artist_name COLLATE \"C\"), min(p.track_name COLLATE \"C\"),"
		" min(p.album_name COLLATE \"C\"), count(*),"
		" max(coalesce(p.ms_played, -1)) FROM plays p"
		" LEFT JOIN resolve_names r ON r.name_key = p.name_key"
		" WHERE p.track_id IS NULL AND p.name_key IS NOT NULL"
		" AND p.kind = 'music' AND (r.name_key IS NULL OR"
		" (r.track_id IS NULL AND r.retry_ms <= $1::bigint))"
		" GROUP BY p.name_key ORDER BY count(*) DESC, p.name_key");
	struct walk w = { (void *)fn, arg };
	struct pg_params p;

	pg_params_init(&p);
	pg_int(&p, now_ms);
	return pg_each(pg_of(st), &q, &p, name_row, &w, err);
}

int pgv_resolve_set(struct store *st, uint64_t name_key, const char *artist,
		    const char *track, const char *track_id, const char *why,
		    int64_t now_ms, int64_t retry_ms, struct strbuf *err)
{
	static struct pg_q q = PG_Q("INSERT INTO resolve_names (name_key, artist,"
		" track, track_id, why, asked_ms, retry_ms)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7)"
		" ON CONFLICT (name_key) DO UPDATE SET artist = excluded.artist,"
		" track = excluded.track, track_id = excluded.track_id,"
		" why = excluded.why, asked_ms = excluded.asked_ms,"
		" retry_ms = excluded.retry_ms");
	struct pg_params p;

	pg_params_init(&p);
	pg_int(&p, (int64_t)name_key);
	pg_text(&p, artist);
	pg_text(&p, track);
	pg_text(&p, track_id);
	pg_text(&p, why);
	pg_int(&p, now_ms);
	if (track_id)
		pg_null(&p);
	else
		pg_int(&p, retry_ms);
	return pg_run(pg_of(st), &q, &p, NULL, err);
}

/*
 * A play's track id is in its item: each play of a matched name moves to
 * the item with the same names and the id (made when new).
 */
int pgv_resolve_apply(struct store *st, int64_t *plays, struct strbuf *err)
{
	static struct pg_q q = PG_Q("UPDATE play_rows p SET item = item_put("
		" text_put(r.track_id), i.episode_id, i.track_name, i.artist_name,"
		" i.album_name) FROM items i, resolve_names r"
		" WHERE i.id = p.item AND i.track_id = 0 AND p.name_key IS NOT NULL"
		" AND p.name_key = r.name_key AND r.track_id IS NOT NULL"
		" AND p.kind = (SELECT text_id('music'))");

	*plays = 0;
	return pg_run(pg_of(st), &q, NULL, plays, err);
}

int pgv_resolve_unresolved(struct store *st, int64_t *plays, int64_t *names,
			   struct strbuf *err)
{
	static struct pg_q q = PG_Q("SELECT count(*), count(DISTINCT p.name_key)"
		" FROM play_rows p JOIN items i ON i.id = p.item"
		" WHERE i.track_id = 0 AND p.kind = (SELECT text_id('music'))");
	PGresult *r = pg_exec(pg_of(st), &q, NULL, err);

	if (!r)
		return -1;
	*plays = pg_get_int(r, 0, 0, 0);
	*names = pg_get_int(r, 0, 1, 0);
	PQclear(r);
	return 0;
}

static int track_row(void *arg, const PGresult *r, int i)
{
	struct walk *w = arg;
	const char *artists = pg_get_str(r, i, 2);
	struct store_resolve_track t = {
		.id = pg_get_str(r, i, 0),
		.name = pg_get_str(r, i, 1),
		.artists = artists ? artists : "",
		.album = pg_get_str(r, i, 3),
		.duration_ms = pg_get_int(r, i, 4, -1),
	};
	return ((int (*)(void *, const struct store_resolve_track *))w->fn)(w->arg, &t);
}

int pgv_resolve_catalog(struct store *st,
			int (*fn)(void *, const struct store_resolve_track *),
			void *arg, struct strbuf *err)
{
	static struct pg_q q = PG_Q("SELECT t.id, t.name, (SELECT string_agg("
		" ar.name, ', ' ORDER BY ta.position) FROM track_artists ta"
		" JOIN artists ar ON ar.id = ta.artist_id WHERE ta.track_id = t.id),"
		" al.name, coalesce(t.duration_ms, -1) FROM tracks t"
		" LEFT JOIN albums al ON al.id = t.album_id"
		" ORDER BY t.id COLLATE \"C\"");
	struct walk w = { (void *)fn, arg };

	return pg_each(pg_of(st), &q, NULL, track_row, &w, err);
}
