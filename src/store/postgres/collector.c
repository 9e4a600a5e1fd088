/*
 * The PostgreSQL engine's plays and collector calls: API plays (stored, or
 * merged into a play an import stored first), pages, gaps and accounts.
 */
#include <stdlib.h>

#include "core/playmatch.h"
#include "core/strvec.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "store/postgres/pg.h"
#include "core/banned.h"

static void api_params(struct pg_params *p, int64_t account_id,
		       const struct api_play *a)
{
	pg_params_init(p);
	pg_int(p, account_id);
	pg_int(p, a->played_ms);
	pg_text(p, a->track_id);
}

static void opt_id(struct pg_params *p, int64_t v)
{
	if (v > 0)
		pg_int(p, v);
	else
		pg_null(p);
}

/* The gap between end-time intervals [a, a+pa) and [b, b+pb). */
static int64_t gap(int64_t a, int64_t pa, int64_t b, int64_t pb)
{
	if (b >= a + pa)
		return b - (a + pa);
	if (a >= b + pb)
		return a - (b + pb);
	return 0;
}

/* The nearest imported play p may merge into (pipeline/merge.h), 0: none. */
static int64_t merge_target(struct pg_store *s, int64_t account_id,
			    const struct api_play *a)
{
	static struct pg_q q = PG_Q("SELECT id, played_ms, precision_ms,"
		" track_id IS NOT NULL FROM plays WHERE account_id = $1"
		" AND (sources & 1) = 0"
		" AND played_ms BETWEEN $2::bigint - 150000 AND $2::bigint + 150000"
		" AND (track_id = $3 OR (track_id IS NULL AND name_key IN ($4, $5)))");
	struct pg_params p;
	uint64_t k[2];
	int64_t best = 0, best_d = INT64_MAX;
	PGresult *r;

	playmatch_api_namekeys(a->artist_name, a->track_name, k);
	api_params(&p, account_id, a);
	pg_int(&p, (int64_t)k[0]);
	pg_int(&p, (int64_t)k[1]);
	if (!(r = pg_exec(s, &q, &p, NULL)))
		return -1;
	for (int i = 0; i < PQntuples(r); i++) {
		int64_t t = pg_get_int(r, i, 1, 0), prec = pg_get_int(r, i, 2, 1);
		int by_id = (int)pg_get_int(r, i, 3, 0);
		int64_t d = gap(t, prec < 1 ? 1 : prec, a->played_ms, 1);
		if (d > (by_id ? PLAYMATCH_TOL_ID_MS : PLAYMATCH_TOL_NAME_MS))
			continue;
		d = d * 1000000 + (t + prec / 2 > a->played_ms
				   ? t + prec / 2 - a->played_ms
				   : a->played_ms - t - prec / 2) % 1000000;
		if (d < best_d) {
			best_d = d;
			best = pg_get_int(r, i, 0, 0);
		}
	}
	PQclear(r);
	return best;
}

int pg_plays_merge_api(struct store *st, int64_t account_id, int64_t page_id,
		       const struct api_play *a)
{
	static struct pg_q known = PG_Q("SELECT 1 FROM plays WHERE account_id = $1"
		" AND played_ms = $2 AND track_id IS NOT DISTINCT FROM $3"
		" AND (sources & 1) != 0");
	static struct pg_q upd = PG_Q("UPDATE play_rows p SET played_ms = $2,"
		" precision_ms = 1, sources = sources | 1,"
		" item = item_put(coalesce(nullif(i.track_id, 0), text_put($3)),"
		"  i.episode_id, coalesce(nullif(i.track_name, 0), text_put($4)),"
		"  coalesce(nullif(i.artist_name, 0), text_put($5)),"
		"  coalesce(nullif(i.album_name, 0), text_put($6))),"
		" context_uri = coalesce(nullif(p.context_uri, 0), text_put($7)),"
		" page_id = coalesce(p.page_id, $8) FROM items i"
		" WHERE i.id = p.item AND p.id = $1");
	struct pg_store *s = pg_of(st);
	struct pg_params p;
	int64_t best, n;

	api_params(&p, account_id, a);
	n = pg_scalar(s, &known, &p, 0);
	if (n)
		return n > 0 ? 0 : -1;
	best = merge_target(s, account_id, a);
	if (best <= 0)
		return (int)best;
	pg_params_init(&p);
	pg_int(&p, best);
	pg_int(&p, a->played_ms);
	pg_text(&p, a->track_id);
	pg_text(&p, a->track_name);
	pg_text(&p, a->artist_name);
	pg_text(&p, a->album_name);
	pg_text(&p, a->context_uri);
	opt_id(&p, page_id);
	return pg_run(s, &upd, &p, NULL, NULL) ? -1 : 1;
}

int pg_plays_add_api(struct store *st, int64_t account_id, int64_t page_id,
		     const struct api_play *a)
{
	static struct pg_q ins = PG_Q("INSERT INTO play_rows (account_id,"
		" played_ms, precision_ms, kind, item, context_uri, sources, page_id)"
		" SELECT $1, $2, 1, text_put('music'),"
		" item_put(text_put($3), 0, text_put($4), text_put($5), text_put($6)),"
		" text_put($7), 1, $8 WHERE NOT EXISTS (SELECT 1 FROM plays"
		"  WHERE account_id = $1 AND played_ms = $2"
		"  AND track_id IS NOT DISTINCT FROM $3 AND (sources & 1) != 0)");
	struct pg_store *s = pg_of(st);
	struct pg_params p;
	int64_t n = 0;
	int rc = pg_plays_merge_api(st, account_id, page_id, a);

	if (rc)
		return rc;
	api_params(&p, account_id, a);
	pg_text(&p, a->track_name);
	pg_text(&p, a->artist_name);
	pg_text(&p, a->album_name);
	pg_text(&p, a->context_uri);
	opt_id(&p, page_id);
	if (pg_run(s, &ins, &p, &n, NULL))
		return -1;
	return n > 0;
}

static int64_t by_account(struct store *st, struct pg_q *q, int64_t account_id)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_int(&p, account_id);
	return pg_scalar(pg_of(st), q, &p, 0);
}

int64_t pg_plays_newest_api_ms(struct store *st, int64_t account_id)
{
	static struct pg_q q = PG_Q("SELECT played_ms FROM play_rows WHERE"
		" account_id = $1 AND (sources & 1) != 0"
		" ORDER BY played_ms DESC LIMIT 1");
	return by_account(st, &q, account_id);
}

int64_t pg_plays_count(struct store *st, int64_t account_id)
{
	static struct pg_q q = PG_Q("SELECT count(*) FROM play_rows"
		" WHERE account_id = $1");
	return by_account(st, &q, account_id);
}

int64_t pg_pages_add(struct store *st, int64_t account_id,
		     const struct page_info *pi)
{
	static struct pg_q q = PG_Q("INSERT INTO pages (account_id, key,"
		" fetched_ms, after_ms, items, newest_ms, oldest_ms)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id");
	struct pg_params p;

	pg_params_init(&p);
	pg_int(&p, account_id);
	pg_text(&p, pi->key);
	pg_int(&p, pi->fetched_ms);
	opt_id(&p, pi->after_ms);
	pg_int(&p, pi->items);
	opt_id(&p, pi->newest_ms);
	opt_id(&p, pi->oldest_ms);
	return pg_scalar(pg_of(st), &q, &p, -1);
}

int pg_gaps_add(struct store *st, int64_t account_id, int64_t from_ms,
		int64_t to_ms, int64_t detected_ms)
{
	static struct pg_q q = PG_Q("INSERT INTO gaps (account_id, from_ms,"
		" to_ms, detected_ms) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING");
	struct pg_params p;
	int64_t n = 0;

	pg_params_init(&p);
	pg_int(&p, account_id);
	pg_int(&p, from_ms);
	pg_int(&p, to_ms);
	pg_int(&p, detected_ms);
	if (pg_run(pg_of(st), &q, &p, &n, NULL))
		return -1;
	return n > 0;
}

int64_t pg_gaps_open_count(struct store *st, int64_t account_id)
{
	static struct pg_q q = PG_Q("SELECT count(*) FROM gaps WHERE"
		" account_id = $1 AND healed_ms IS NULL");
	return by_account(st, &q, account_id);
}

int64_t pg_accounts_find(struct store *st, const char *name)
{
	static struct pg_q q = PG_Q("SELECT id FROM accounts WHERE name = $1");
	struct pg_params p;

	pg_params_init(&p);
	pg_text(&p, name);
	return pg_scalar(pg_of(st), &q, &p, 0);
}

int64_t pg_accounts_ensure(struct store *st, const char *name)
{
	static struct pg_q q = PG_Q("INSERT INTO accounts (name, created_ms)"
		" VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET name ="
		" excluded.name RETURNING id");
	struct pg_params p;
	int64_t id = pg_accounts_find(st, name);

	if (id)
		return id;
	pg_params_init(&p);
	pg_text(&p, name);
	pg_int(&p, time_now_ms());
	return pg_scalar(pg_of(st), &q, &p, -1);
}

int pg_accounts_record_poll(struct store *st, int64_t id, int64_t when_ms,
			    const char *status, int ok)
{
	static struct pg_q q = PG_Q("UPDATE accounts SET last_poll_ms = $1,"
		" last_poll_status = $2, polls = polls + 1, last_success_ms ="
		" CASE WHEN $3::int != 0 THEN $1 ELSE last_success_ms END WHERE id = $4");
	struct pg_params p;

	pg_params_init(&p);
	pg_int(&p, when_ms);
	pg_text(&p, status);
	pg_int(&p, ok);
	pg_int(&p, id);
	return pg_run(pg_of(st), &q, &p, NULL, NULL);
}

int pg_accounts_names(struct store *st, struct strvec *names)
{
	static struct pg_q q = PG_Q("SELECT name FROM accounts"
		" ORDER BY name COLLATE \"C\"");
	PGresult *r = pg_exec(pg_of(st), &q, NULL, NULL);

	if (!r)
		return -1;
	for (int i = 0; i < PQntuples(r); i++)
		strvec_push(names, pg_get_str(r, i, 0));
	PQclear(r);
	return 0;
}

int pg_accounts_poll_info(struct store *st, int64_t id,
			  struct store_poll_info *out)
{
	static struct pg_q q = PG_Q("SELECT last_poll_ms, last_poll_status,"
		" last_success_ms, polls FROM accounts WHERE id = $1");
	struct pg_params p;
	PGresult *r;
	int found;

	pg_params_init(&p);
	pg_int(&p, id);
	if (!(r = pg_exec(pg_of(st), &q, &p, NULL)))
		return -1;
	found = PQntuples(r) > 0;
	if (found) {
		out->last_poll_ms = pg_get_int(r, 0, 0, 0);
		out->last_status = pg_get_dup(r, 0, 1);
		out->last_success_ms = pg_get_int(r, 0, 2, 0);
		out->polls = pg_get_int(r, 0, 3, 0);
	}
	PQclear(r);
	return found;
}
