/*
 * Navigation on PostgreSQL (store.h's section of that name), as
 * sqlite/nav.c: a track's music plays by time, an album's name and
 * artists, and every (id, name) of the catalog. Ids sort as bytes
 * (COLLATE "C"), as SQLite's do. A track's plays go through its items
 * (the items' unique key starts with track_id) and play_rows_item.
 */
#include <stdlib.h>

#include "core/strvec.h"
#include "core/xalloc.h"
#include "store/postgres/pg.h"
#include "core/banned.h"

struct walk {
	void *fn, *arg;
};

static int play_row(void *arg, const PGresult *r, int i)
{
	struct walk *w = arg;
	struct store_nav_play p = {
		.played_ms = pg_get_int(r, i, 0, 0),
		.ms_played = pg_get_int(r, i, 1, -1),
	};
	return ((int (*)(void *, const struct store_nav_play *))w->fn)(w->arg, &p);
}

int pgn_track_plays(struct store *st, int64_t account_id, const char *track_id,
		    int (*fn)(void *, const struct store_nav_play *), void *arg,
		    struct strbuf *err)
{
	static struct pg_q q = PG_Q("SELECT p.played_ms, p.ms_played"
		" FROM items i JOIN play_rows p ON p.item = i.id"
		" WHERE i.track_id = (SELECT text_id($1)) AND i.track_id != 0"
		" AND ($2 = 0 OR p.account_id = $2)"
		" AND p.kind = (SELECT text_id('music')) ORDER BY p.played_ms, p.id");
	struct walk w = { (void *)fn, arg };
	struct pg_params p;

	pg_params_init(&p);
	pg_text(&p, track_id);
	pg_int(&p, account_id);
	return pg_each(pg_of(st), &q, &p, play_row, &w, err);
}

static int artist_row(void *arg, const PGresult *r, int i)
{
	const char *t = pg_get_str(r, i, 0);

	if (t)
		strvec_push(arg, t);
	return 0;
}

int pgn_album(struct store *st, const char *album_id, char **name,
	      struct strvec *artist_ids, struct strbuf *err)
{
	static struct pg_q q = PG_Q("SELECT name FROM albums WHERE id = $1");
	static struct pg_q qa = PG_Q("SELECT artist_id FROM album_artists"
		" WHERE album_id = $1 ORDER BY position");
	struct pg_params p;
	PGresult *r;
	int found;

	*name = NULL;
	pg_params_init(&p);
	pg_text(&p, album_id);
	if (!(r = pg_exec(pg_of(st), &q, &p, err)))
		return -1;
	found = PQntuples(r) > 0;
	if (found) {
		const char *t = pg_get_str(r, 0, 0);
		*name = xstrdup(t ? t : "");
	}
	PQclear(r);
	if (!found)
		return 0;
	if (pg_each(pg_of(st), &qa, &p, artist_row, artist_ids, err) < 0) {
		free(*name);
		*name = NULL;
		return -1;
	}
	return 1;
}

static int name_row(void *arg, const PGresult *r, int i)
{
	struct walk *w = arg;
	const char *id = pg_get_str(r, i, 0), *name = pg_get_str(r, i, 1);

	if (!id)
		return 0;
	return ((int (*)(void *, const char *, const char *))w->fn)(w->arg, id,
								   name ? name : "");
}

int pgn_names(struct store *st, enum store_nav_kind kind,
	      int (*fn)(void *, const char *, const char *), void *arg,
	      struct strbuf *err)
{
	static struct pg_q q[3] = {
		PG_Q("SELECT id, name FROM tracks ORDER BY id COLLATE \"C\""),
		PG_Q("SELECT id, name FROM artists ORDER BY id COLLATE \"C\""),
		PG_Q("SELECT id, name FROM albums ORDER BY id COLLATE \"C\""),
	};
	struct walk w = { (void *)fn, arg };

	return pg_each(pg_of(st), &q[kind == NAV_TRACKS ? 0 : kind == NAV_ARTISTS ? 1 : 2],
		       NULL, name_row, &w, err);
}
