/* Artist images on PostgreSQL (store.h's "artist images"), as SQLite's. */
#include "core/xalloc.h"
#include "store/postgres/pg.h"
#include "store/postgres/artist_image.h"
#include "core/banned.h"

int pga_artist_image_put(struct store *st, const char *artist_id,
			 const char *url, struct strbuf *err)
{
	static struct pg_q q = PG_Q("UPDATE artists SET image_url = $2 WHERE id = $1");
	struct pg_params p;

	pg_params_init(&p);
	pg_text(&p, artist_id);
	pg_text(&p, url);
	return pg_run(pg_of(st), &q, &p, NULL, err);
}

char *pga_artist_image(struct store *st, const char *artist_id)
{
	static struct pg_q q = PG_Q("SELECT image_url FROM artists WHERE id = $1"
		" AND image_url IS NOT NULL");
	struct pg_params p;
	PGresult *r;
	char *v = NULL;

	pg_params_init(&p);
	pg_text(&p, artist_id);
	r = pg_exec(pg_of(st), &q, &p, NULL);
	if (r && PQntuples(r))
		v = pg_get_dup(r, 0, 0);
	PQclear(r);
	return v;
}

struct walk {
	int (*fn)(void *, const char *, const char *);
	void *arg;
};

static int image_row(void *arg, const PGresult *r, int i)
{
	struct walk *w = arg;

	return w->fn(w->arg, pg_get_str(r, i, 0), pg_get_str(r, i, 1));
}

int pga_artist_images(struct store *st, int64_t now_ms,
		      int (*fn)(void *, const char *, const char *), void *arg,
		      struct strbuf *err)
{
	static struct pg_q q = PG_Q("SELECT a.id, a.image_url FROM artists a"
		" LEFT JOIN cover_misses m ON m.album_id = a.id"
		" WHERE a.image_url IS NOT NULL"
		" AND (m.retry_ms IS NULL OR m.retry_ms <= $1::bigint)"
		" ORDER BY a.id COLLATE \"C\"");
	struct walk w = { fn, arg };
	struct pg_params p;

	pg_params_init(&p);
	pg_int(&p, now_ms);
	return pg_each(pg_of(st), &q, &p, image_row, &w, err);
}
