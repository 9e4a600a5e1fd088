/*
 * The PostgreSQL engine's enrichment side: pending work, provider blocks,
 * set-aside ids, the ETL's walk over accounts and pages, and savepoints.
 */
#include <stdlib.h>
#include <string.h>

#include "core/strvec.h"
#include "core/xalloc.h"
#include "store/postgres/pg.h"
#include "core/banned.h"

/* The music plays' track ids: items of a music play, with a track id. */
#define MUSIC_IDS \
	"SELECT DISTINCT t.s AS id FROM (SELECT DISTINCT item FROM play_rows" \
	" WHERE kind = (SELECT text_id('music'))) p JOIN items i ON i.id = p.item" \
	" JOIN texts t ON t.id = i.track_id"

static struct pg_q pending_q[] = {
	[PENDING_TRACKS] = PG_Q("SELECT id FROM (" MUSIC_IDS ") m WHERE NOT EXISTS"
		" (SELECT 1 FROM tracks x WHERE x.id = m.id) ORDER BY id COLLATE \"C\""),
	[PENDING_ARTISTS] = PG_Q("SELECT id FROM artists WHERE enriched_ms IS NULL"
		" ORDER BY id COLLATE \"C\""),
	[PENDING_FEATURES] = PG_Q("SELECT id FROM (" MUSIC_IDS ") m WHERE NOT"
		" EXISTS (SELECT 1 FROM audio_features x WHERE x.track_id = m.id)"
		" ORDER BY id COLLATE \"C\""),
	[PENDING_ANALYSIS] = PG_Q("SELECT id FROM (" MUSIC_IDS ") m WHERE NOT"
		" EXISTS (SELECT 1 FROM audio_analysis x WHERE x.track_id = m.id)"
		" ORDER BY id COLLATE \"C\""),
};

int pg_pending(struct store *st, enum store_pending what, struct strvec *ids,
	       struct strbuf *err)
{
	PGresult *r = pg_exec(pg_of(st), &pending_q[what], NULL, err);

	if (!r)
		return -1;
	for (int i = 0; i < PQntuples(r); i++)
		if (pg_get_str(r, i, 0))
			strvec_push(ids, pg_get_str(r, i, 0));
	PQclear(r);
	return 0;
}

int64_t pg_blocks_until(struct store *st, const char *provider,
			int64_t account_id, int64_t now_ms)
{
	static struct pg_q q = PG_Q("SELECT until_ms FROM provider_blocks WHERE"
		" provider = $1 AND account_id = $2 AND until_ms > $3");
	struct pg_params p;

	pg_params_init(&p);
	pg_text(&p, provider);
	pg_int(&p, account_id);
	pg_int(&p, now_ms);
	return pg_scalar(pg_of(st), &q, &p, 0);
}

int pg_blocks_put(struct store *st, const char *provider, int64_t account_id,
		  int64_t until_ms, const char *reason, struct strbuf *err)
{
	static struct pg_q q = PG_Q("INSERT INTO provider_blocks (provider,"
		" account_id, until_ms, reason) VALUES ($1, $2, $3, $4)"
		" ON CONFLICT (provider, account_id) DO UPDATE SET"
		" until_ms = excluded.until_ms, reason = excluded.reason");
	struct pg_params p;

	pg_params_init(&p);
	pg_text(&p, provider);
	pg_int(&p, account_id);
	pg_int(&p, until_ms);
	pg_text(&p, reason);
	return pg_run(pg_of(st), &q, &p, NULL, err);
}

int pg_setaside_add(struct store *st, enum setaside_kind k, const char *id,
		    const char *reason, int64_t now_ms, struct strbuf *err)
{
	static struct pg_q q = PG_Q("INSERT INTO set_aside (kind, id, reason,"
		" set_ms) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING");
	struct pg_params p;
	int64_t n = 0;

	pg_params_init(&p);
	pg_text(&p, store_setaside_kind_name(k));
	pg_text(&p, id);
	pg_text(&p, reason);
	pg_int(&p, now_ms);
	if (pg_run(pg_of(st), &q, &p, &n, err))
		return -1;
	return n > 0;
}

int pg_setaside_has(struct store *st, enum setaside_kind k, const char *id)
{
	static struct pg_q q = PG_Q("SELECT 1 FROM set_aside WHERE id = $1 AND"
		" (kind = $2 OR (kind = 'track' AND $2 IN ('audio-features',"
		" 'audio-analysis')))");
	struct pg_params p;

	pg_params_init(&p);
	pg_text(&p, id);
	pg_text(&p, store_setaside_kind_name(k));
	return pg_scalar(pg_of(st), &q, &p, 0) == 1;
}

int64_t pg_setaside_count(struct store *st)
{
	static struct pg_q q = PG_Q("SELECT count(*) FROM set_aside");
	return pg_scalar(pg_of(st), &q, NULL, 0);
}

static enum setaside_kind kind_of(const char *name)
{
	for (int k = 0; k < SA_KINDS; k++)
		if (name && !strcmp(name, store_setaside_kind_name(k)))
			return (enum setaside_kind)k;
	return SA_TRACK;
}

int pg_setaside_list(struct store *st, size_t max, struct setaside_list *out,
		     struct strbuf *err)
{
	static struct pg_q q = PG_Q("SELECT kind, id, reason, set_ms FROM"
		" set_aside ORDER BY CASE kind WHEN 'track' THEN 0 WHEN 'artist'"
		" THEN 1 WHEN 'audio-features' THEN 2 ELSE 3 END, id COLLATE \"C\""
		" LIMIT $1");
	struct pg_params p;
	PGresult *r;

	out->v = xcalloc(max + 1, sizeof(*out->v));
	out->n = 0;
	pg_params_init(&p);
	pg_int(&p, (int64_t)max);
	if (!(r = pg_exec(pg_of(st), &q, &p, err)))
		return -1;
	for (int i = 0; i < PQntuples(r); i++) {
		struct setaside_entry *e = &out->v[out->n++];
		e->kind = kind_of(pg_get_str(r, i, 0));
		e->id = xstrdup(pg_get_str(r, i, 1));
		e->reason = xstrdup(pg_get_str(r, i, 2) ? pg_get_str(r, i, 2) : "");
		e->set_ms = pg_get_int(r, i, 3, 0);
	}
	PQclear(r);
	return 0;
}

int64_t pg_setaside_forget(struct store *st, struct strbuf *err)
{
	static struct pg_q q = PG_Q("DELETE FROM set_aside");
	int64_t n = 0;

	if (pg_run(pg_of(st), &q, NULL, &n, err))
		return -1;
	return n;
}

int pg_accounts_list(struct store *st, const char *only,
		     struct store_account **out, size_t *n, struct strbuf *err)
{
	static struct pg_q q = PG_Q("SELECT id, name FROM accounts WHERE"
		" $1::text IS NULL OR name = $1 ORDER BY id");
	struct pg_params p;
	PGresult *r;

	*out = NULL;
	*n = 0;
	pg_params_init(&p);
	pg_text(&p, only);
	if (!(r = pg_exec(pg_of(st), &q, &p, err)))
		return -1;
	if (PQntuples(r))
		*out = xcalloc((size_t)PQntuples(r), sizeof(**out));
	for (int i = 0; i < PQntuples(r); i++) {
		(*out)[i].id = pg_get_int(r, i, 0, 0);
		(*out)[i].name = xstrdup(pg_get_str(r, i, 1));
	}
	*n = (size_t)PQntuples(r);
	PQclear(r);
	return 0;
}

int pg_pages_after(struct store *st, int64_t account_id, int64_t after_id,
		   int (*fn)(void *arg, int64_t id, const char *key), void *arg,
		   struct strbuf *err)
{
	static struct pg_q q = PG_Q("SELECT id, key FROM pages WHERE"
		" account_id = $1 AND id > $2 ORDER BY id");
	struct pg_params p;
	PGresult *r;
	int ret = 0;

	pg_params_init(&p);
	pg_int(&p, account_id);
	pg_int(&p, after_id);
	if (!(r = pg_exec(pg_of(st), &q, &p, err)))
		return -1;
	for (int i = 0; i < PQntuples(r) && !ret; i++)
		ret = fn(arg, pg_get_int(r, i, 0, 0), pg_get_str(r, i, 1));
	PQclear(r);
	return ret;
}

int pg_etl_marks_clear(struct store *st, struct strbuf *err)
{
	return pg_sql(pg_of(st), "DELETE FROM state WHERE key LIKE 'etl.pages.%';"
		      " DELETE FROM set_aside WHERE kind = 'landed-page'", err);
}

int pg_savepoint(struct store *st, struct strbuf *err)
{
	return pg_sql(pg_of(st), "SAVEPOINT etl_batch", err);
}

int pg_savepoint_release(struct store *st, struct strbuf *err)
{
	return pg_sql(pg_of(st), "RELEASE etl_batch", err);
}

void pg_savepoint_rollback(struct store *st)
{
	pg_sql(pg_of(st), "ROLLBACK TO etl_batch; RELEASE etl_batch", NULL);
}
