/*
 * The ListenBrainz endpoint's tables on PostgreSQL (migration 3), as
 * sqlite/listenbrainz.c: tokens by their SHA-256, each account's
 * playing-now, the kept track_metadata of accepted listens by fingerprint,
 * and the account's plays read back as listens. A play's listened_at is
 * the kept one, else its end less ms_played, in seconds (LISTEN_TS); the
 * queries read the plays view, so they read as SQLite's do.
 */
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/postgres/pg.h"
#include "store/sources.h"
#include "core/banned.h"

struct walk {
	void *fn, *arg;
};

int pgl_token_add(struct store *st, int64_t account_id, const char *hash,
		  const char *prefix, int64_t now_ms, int64_t *id,
		  struct strbuf *err)
{
	static struct pg_q q = PG_Q("INSERT INTO lb_tokens (account_id, hash,"
		" prefix, created_ms) VALUES ($1, $2, $3, $4) RETURNING id");
	struct pg_params p;
	PGresult *r;

	pg_params_init(&p);
	pg_int(&p, account_id);
	pg_text(&p, hash);
	pg_text(&p, prefix);
	pg_int(&p, now_ms);
	if (!(r = pg_exec(pg_of(st), &q, &p, NULL))) {
		strbuf_addf(err, "cannot store the token: %s", pg_of(st)->errmsg.buf);
		return -1;
	}
	*id = pg_get_int(r, 0, 0, 0);
	PQclear(r);
	return 0;
}

int pgl_token_find(struct store *st, const char *hash, int64_t now_ms,
		   int64_t *account_id, char **account, struct strbuf *err)
{
	static struct pg_q q = PG_Q("SELECT t.id, t.account_id, a.name"
		" FROM lb_tokens t JOIN accounts a ON a.id = t.account_id"
		" WHERE t.hash = $1");
	/* when it was last used, to the minute: not a write per request */
	static struct pg_q used = PG_Q("UPDATE lb_tokens SET last_used_ms = $1"
		" WHERE id = $2 AND (last_used_ms IS NULL"
		" OR last_used_ms < $1::bigint - 60000)");
	struct pg_params p;
	PGresult *r;
	int64_t id = 0;

	pg_params_init(&p);
	pg_text(&p, hash);
	if (!(r = pg_exec(pg_of(st), &q, &p, NULL))) {
		strbuf_addf(err, "cannot read the tokens: %s", pg_of(st)->errmsg.buf);
		return -1;
	}
	if (PQntuples(r)) {
		id = pg_get_int(r, 0, 0, 0);
		*account_id = pg_get_int(r, 0, 1, 0);
		*account = pg_get_dup(r, 0, 2);
	}
	PQclear(r);
	if (!id)
		return 0;
	pg_params_init(&p);
	pg_int(&p, now_ms);
	pg_int(&p, id);
	pg_run(pg_of(st), &used, &p, NULL, NULL);
	return 1;
}

static int token_row(void *arg, const PGresult *r, int i)
{
	struct walk *w = arg;
	struct store_lb_token t = {
		pg_get_int(r, i, 0, 0), pg_get_str(r, i, 1), pg_get_str(r, i, 2),
		pg_get_int(r, i, 3, 0), pg_get_int(r, i, 4, -1),
	};
	return ((int (*)(void *, const struct store_lb_token *))w->fn)(w->arg, &t);
}

int pgl_token_list(struct store *st, const char *account,
		   int (*fn)(void *, const struct store_lb_token *), void *arg,
		   struct strbuf *err)
{
	static struct pg_q q = PG_Q("SELECT t.id, a.name, t.prefix, t.created_ms,"
		" coalesce(t.last_used_ms, -1) FROM lb_tokens t"
		" JOIN accounts a ON a.id = t.account_id"
		" WHERE $1::text IS NULL OR a.name = $1 ORDER BY t.id");
	struct walk w = { (void *)fn, arg };
	struct pg_params p;

	pg_params_init(&p);
	pg_text(&p, account);
	return pg_each(pg_of(st), &q, &p, token_row, &w, err);
}

int pgl_token_revoke(struct store *st, int64_t id, const char *account,
		     struct strbuf *err)
{
	static struct pg_q q = PG_Q("DELETE FROM lb_tokens WHERE id = $1"
		" AND ($2::text IS NULL OR account_id = (SELECT id FROM accounts"
		" WHERE name = $2))");
	struct pg_params p;
	int64_t n = 0;

	pg_params_init(&p);
	pg_int(&p, id);
	pg_text(&p, account);
	if (pg_run(pg_of(st), &q, &p, &n, NULL)) {
		strbuf_addf(err, "cannot revoke the token: %s", pg_of(st)->errmsg.buf);
		return -1;
	}
	return n > 0;
}

int pgl_playing_set(struct store *st, int64_t account_id, const char *json,
		    int64_t expires_ms, struct strbuf *err)
{
	static struct pg_q q = PG_Q("INSERT INTO lb_playing_now (account_id,"
		" metadata, expires_ms) VALUES ($1, $2, $3) ON CONFLICT (account_id)"
		" DO UPDATE SET metadata = excluded.metadata,"
		" expires_ms = excluded.expires_ms");
	struct pg_params p;

	pg_params_init(&p);
	pg_int(&p, account_id);
	pg_text(&p, json);
	pg_int(&p, expires_ms);
	if (pg_run(pg_of(st), &q, &p, NULL, NULL)) {
		strbuf_addf(err, "cannot store playing-now: %s", pg_of(st)->errmsg.buf);
		return -1;
	}
	return 0;
}

int pgl_playing_get(struct store *st, int64_t account_id, int64_t now_ms,
		    char **json, struct strbuf *err)
{
	static struct pg_q q = PG_Q("SELECT metadata FROM lb_playing_now"
		" WHERE account_id = $1 AND expires_ms > $2");
	struct pg_params p;
	PGresult *r;
	int found;

	pg_params_init(&p);
	pg_int(&p, account_id);
	pg_int(&p, now_ms);
	if (!(r = pg_exec(pg_of(st), &q, &p, NULL))) {
		strbuf_addf(err, "cannot read playing-now: %s", pg_of(st)->errmsg.buf);
		return -1;
	}
	found = PQntuples(r) > 0;
	if (found)
		*json = pg_get_dup(r, 0, 0);
	PQclear(r);
	return found;
}

/* All rows or none: in the caller's transaction, else in one of its own. */
int pgl_keep(struct store *st, int64_t account_id, const struct store_lb_kept *v,
	     size_t n, int64_t now_ms, struct strbuf *err)
{
	static struct pg_q q = PG_Q("INSERT INTO lb_listens (account_id, fp,"
		" listened_at, inserted_ms, metadata) VALUES ($1, $2, $3, $4, $5)"
		" ON CONFLICT DO NOTHING");
	struct pg_store *s = pg_of(st);
	int own = !s->in_tx, ret = 0;
	struct pg_params p;

	if (own && pg_sql(s, "BEGIN", err))
		return -1;
	for (size_t i = 0; i < n && !ret; i++) {
		pg_params_init(&p);
		pg_int(&p, account_id);
		pg_int(&p, (int64_t)v[i].fp);
		pg_int(&p, v[i].listened_at);
		pg_int(&p, now_ms);
		pg_text(&p, v[i].json);
		ret = pg_run(s, &q, &p, NULL, NULL);
	}
	if (ret) {
		strbuf_addf(err, "cannot keep the listens: %s", s->errmsg.buf);
		if (own)
			pg_sql(s, "ROLLBACK", NULL);
		return -1;
	}
	return own ? pg_sql(s, "COMMIT", err) : 0;
}

/* The plays of an account as listens; $1 account, $2 the listenbrainz source. */
#define LISTEN_FROM \
	" FROM plays p LEFT JOIN play_fps f ON f.play_id = p.id AND f.source = $2::smallint" \
	" LEFT JOIN lb_listens l ON l.account_id = p.account_id AND l.fp = f.fp" \
	" WHERE p.account_id = $1 AND p.kind = 'music'" \
	" AND p.track_name IS NOT NULL AND p.artist_name IS NOT NULL"
#define LISTEN_TS \
	"coalesce(l.listened_at, (p.played_ms - greatest(coalesce(p.ms_played, 0), 0)) / 1000)"
#define LISTEN_COLS \
	"SELECT p.id, " LISTEN_TS " AS ts, coalesce(l.inserted_ms, p.played_ms)," \
	" p.track_name, p.artist_name, p.album_name, p.track_id, l.metadata," \
	" coalesce(p.ms_played, -1), p.sources"

static int listen_row(void *arg, const PGresult *r, int i)
{
	struct walk *w = arg;
	struct store_lb_listen l = {
		pg_get_int(r, i, 0, 0), pg_get_int(r, i, 1, 0), pg_get_int(r, i, 2, 0),
		pg_get_str(r, i, 3), pg_get_str(r, i, 4), pg_get_str(r, i, 5),
		pg_get_str(r, i, 6), pg_get_str(r, i, 7), pg_get_int(r, i, 8, -1),
		(int)pg_get_int(r, i, 9, 0),
	};
	return ((int (*)(void *, const struct store_lb_listen *))w->fn)(w->arg, &l);
}

int pgl_listens(struct store *st, int64_t account_id, int64_t min_ts,
		int64_t max_ts, int64_t count,
		int (*fn)(void *, const struct store_lb_listen *), void *arg,
		struct strbuf *err)
{
	/* only min_ts: the count listens after it, then newest first */
	static struct pg_q q[2] = {
		PG_Q("SELECT * FROM (" LISTEN_COLS LISTEN_FROM ") x WHERE ($3::bigint = 0"
		     " OR ts > $3::bigint) AND ($4::bigint = 0 OR ts < $4::bigint)"
		     " ORDER BY ts DESC, id DESC LIMIT $5::bigint"),
		PG_Q("SELECT * FROM (SELECT * FROM (" LISTEN_COLS LISTEN_FROM ") x"
		     " WHERE ts > $3::bigint AND $4::bigint = 0 ORDER BY ts, id"
		     " LIMIT $5::bigint) y"
		     " ORDER BY ts DESC, id DESC"),
	};
	struct walk w = { (void *)fn, arg };
	struct pg_params p;
	int ret;

	pg_params_init(&p);
	pg_int(&p, account_id);
	pg_int(&p, SOURCE_LISTENBRAINZ);
	pg_int(&p, min_ts);
	pg_int(&p, max_ts);
	pg_int(&p, count);
	ret = pg_each(pg_of(st), &q[min_ts && !max_ts], &p, listen_row, &w, NULL);
	if (ret < 0)
		strbuf_addf(err, "cannot read the listens: %s", pg_of(st)->errmsg.buf);
	return ret;
}

int pgl_listen_stats(struct store *st, int64_t account_id, int64_t *count,
		     int64_t *oldest, int64_t *latest, struct strbuf *err)
{
	static struct pg_q q = PG_Q("SELECT count(*), coalesce(min(" LISTEN_TS
		"), 0), coalesce(max(" LISTEN_TS "), 0)" LISTEN_FROM);
	struct pg_params p;
	PGresult *r;

	pg_params_init(&p);
	pg_int(&p, account_id);
	pg_int(&p, SOURCE_LISTENBRAINZ);
	if (!(r = pg_exec(pg_of(st), &q, &p, NULL))) {
		strbuf_addf(err, "cannot count the listens: %s", pg_of(st)->errmsg.buf);
		return -1;
	}
	*count = pg_get_int(r, 0, 0, 0);
	*oldest = pg_get_int(r, 0, 1, 0);
	*latest = pg_get_int(r, 0, 2, 0);
	PQclear(r);
	return 0;
}
