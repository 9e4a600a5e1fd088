#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/xalloc.h"
#include "landing/landing.h"
#include "pipeline/enrich.h"
#include "pipeline/etl.h"
#include "pipeline/extract.h"
#include "pipeline/load.h"
#include "pipeline/providers.h"
#include "pipeline/transform.h"
#include "store/db.h"
#include "store/setaside.h"
#include "core/banned.h"

/* Pages transformed before their rows are written (inside the one
 * transaction of the page stage), to bound memory on a rebuild. */
#define PAGES_PER_LOAD 200

struct page_stats {
	long pages, plays;
};

static void watermark_key(struct strbuf *key, int64_t account_id)
{
	strbuf_reset(key);
	strbuf_addf(key, "etl.pages.%lld", (long long)account_id);
}

/* Extract, transform and load one account's new pages. */
static int account_pages(sqlite3 *db, struct landing *l, int64_t account_id,
			 int64_t now_ms, struct page_stats *ps,
			 struct load_stats *ls, struct strbuf *err)
{
	struct strbuf key = STRBUF_INIT, body = STRBUF_INIT;
	struct tr_batch b = TR_BATCH_INIT;
	sqlite3_stmt *st = db_prepare(db,
		"SELECT id, key FROM pages WHERE account_id = ? AND id > ? "
		"ORDER BY id");
	int64_t mark = 0, last = 0;
	long since_load = 0;
	int r = -1, rc;

	watermark_key(&key, account_id);
	if (db_state_get_int(db, key.buf, &mark))
		mark = 0;
	sqlite3_bind_int64(st, 1, account_id);
	sqlite3_bind_int64(st, 2, mark);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *pkey = (const char *)sqlite3_column_text(st, 1);
		struct page_rows rows;
		struct strbuf perr = STRBUF_INIT;

		last = sqlite3_column_int64(st, 0);
		strbuf_reset(&body);
		if (landing_get(l, pkey, &body)) {
			strbuf_addf(err, "etl: page '%s' is missing from the "
				    "landing store; nothing was loaded", pkey);
			goto out;
		}
		memset(&rows, 0, sizeof(rows));
		if (extract_page(body.buf, body.len, &rows, &perr)) {
			strbuf_addf(err, "etl: page '%s': %s; nothing was "
				    "loaded (move the page aside to go on)",
				    pkey, perr.buf);
			strbuf_release(&perr);
			goto out;
		}
		strbuf_release(&perr);
		tr_add_page(&b, &rows, account_id, last);
		ps->pages++;
		ps->plays += (long)rows.n;
		page_rows_release(&rows);
		if (++since_load >= PAGES_PER_LOAD) {
			if (load_batch(db, &b, now_ms, ls, err))
				goto out;
			tr_batch_release(&b);
			since_load = 0;
		}
	}
	if (rc != SQLITE_DONE) {
		strbuf_addf(err, "etl: cannot list the landed pages: %s",
			    sqlite3_errmsg(db));
		goto out;
	}
	if (load_batch(db, &b, now_ms, ls, err))
		goto out;
	if (last && db_state_set_int(db, key.buf, last)) {
		strbuf_addf(err, "etl: cannot store the page watermark: %s",
			    sqlite3_errmsg(db));
		goto out;
	}
	r = 0;
out:
	sqlite3_finalize(st);
	tr_batch_release(&b);
	strbuf_release(&key);
	strbuf_release(&body);
	return r;
}

static int pages_stage(sqlite3 *db, struct landing *l, const char *account,
		       int nested, int64_t now_ms, struct page_stats *ps,
		       struct load_stats *ls, struct strbuf *err)
{
	sqlite3_stmt *st = db_prepare(db,
		"SELECT id FROM accounts WHERE ?1 IS NULL OR name = ?1 "
		"ORDER BY id");
	int r = -1, rc;

	if (account)
		sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
	if (load_begin(db, nested, err))
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (account_pages(db, l, sqlite3_column_int64(st, 0), now_ms,
				  ps, ls, err)) {
			load_rollback(db, nested);
			goto out;
		}
	if (rc != SQLITE_DONE) {
		strbuf_addf(err, "etl: cannot list the accounts: %s",
			    sqlite3_errmsg(db));
		load_rollback(db, nested);
		goto out;
	}
	if (load_commit(db, nested, err)) {
		load_rollback(db, nested);
		goto out;
	}
	r = 0;
out:
	sqlite3_finalize(st);
	return r;
}

static int account_exists(sqlite3 *db, const char *account)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT 1 FROM accounts WHERE name = ?");
	int found;

	sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

/* "; set aside 1 track: 'a b': not a Spotify id", per kind, then how many
 * were set aside by earlier runs. */
static void summarise_aside(struct strbuf *out, const struct enrich_stats *es,
			    int64_t total)
{
	static const char *const what[SA_KINDS] = {
		"", "", "audio features of ", "audio analysis of ",
	};
	long fresh = 0;

	for (int k = 0; k < SA_KINDS; k++) {
		const struct strvec *shown = &es->aside_shown[k];
		if (!es->aside[k])
			continue;
		fresh += es->aside[k];
		strbuf_addf(out, "; set aside %s%ld %s%s: ", what[k],
			    es->aside[k], k == SA_ARTIST ? "artist" : "track",
			    es->aside[k] == 1 ? "" : "s");
		for (size_t i = 0; i < shown->n; i++)
			strbuf_addf(out, "%s%s", i ? ", " : "", shown->v[i]);
		if ((size_t)es->aside[k] > shown->n)
			strbuf_addf(out, " and %ld more",
				    es->aside[k] - (long)shown->n);
	}
	if (total > fresh)
		strbuf_addf(out, "; %lld set aside earlier, not asked again "
			    "(see 'spinlog status')", (long long)(total - fresh));
}

static void summarise(struct strbuf *out, const struct page_stats *ps,
		      int64_t new_tracks, struct prov *p,
		      const struct enrich_stats *es, int64_t aside_total,
		      int rebuild)
{
	static const enum prov_ep eps[] = { EP_TRACKS, EP_ARTISTS, EP_FEATURES,
					    EP_ANALYSIS, EP_RECCOBEATS };
	int64_t until = p ? prov_rate_limited_until(p) : 0;
	struct strbuf blocks = STRBUF_INIT;

	strbuf_addf(out, "etl: %ld pages, %ld plays, %lld new tracks; "
		    "requests:", ps->pages, ps->plays, (long long)new_tracks);
	for (size_t i = 0; i < sizeof(eps) / sizeof(eps[0]); i++)
		strbuf_addf(out, "%s %s %ld", i ? "," : "", prov_ep_name(eps[i]),
			    p ? prov_requests(p, eps[i]) : 0L);
	strbuf_addf(out, "; pending: %ld", es->pending);
	if (es->unknown)
		strbuf_addf(out, "; no usable answer for %ld (asked again next "
			    "run)", es->unknown);
	if (es->load.skipped)
		strbuf_addf(out, "; %ld catalog objects not stored (their id is "
			    "not a Spotify id)", es->load.skipped);
	summarise_aside(out, es, aside_total);
	if (rebuild)
		strbuf_addf(out, "; rebuilt from the landing store "
			    "(%ld answers)", es->from_landing);
	if (p)
		prov_describe_blocks(p, &blocks);
	if (blocks.len)
		strbuf_addf(out, "; %s", blocks.buf);
	if (until) {
		char when[TIME_ISO_MAX];
		time_format_iso(until, when);
		strbuf_addf(out, "; rate limited: run again after %s", when);
	}
	strbuf_release(&blocks);
}

int etl_run(sqlite3 *db, struct landing *l, const struct config *cfg,
	    const char *data_dir, const char *account, int rebuild,
	    struct strbuf *summary, struct strbuf *err)
{
	struct page_stats ps = { 0, 0 };
	struct enrich_stats es;
	struct load_stats ls;
	struct prov *p = NULL;
	int64_t now_ms = time_now_ms(), tracks_before;
	int r = -1;

	memset(&es, 0, sizeof(es));
	memset(&ls, 0, sizeof(ls));
	if (account && !account_exists(db, account)) {
		strbuf_addf(err, "etl: no account '%s'; see 'spinlog status'",
			    account);
		return -1;
	}
	if (rebuild) {
		if (db_begin(db, err))
			return -1;
		if (load_clear_catalog(db, err) ||
		    db_exec(db, "DELETE FROM state WHERE key LIKE 'etl.pages.%'",
			    err))
			goto out;
	}
	tracks_before = db_scalar(db, "SELECT count(*) FROM tracks");
	if (pages_stage(db, l, account, rebuild, now_ms, &ps, &ls, err))
		goto out;
	if (!rebuild)
		p = prov_open(db, cfg, data_dir, account, now_ms);
	if (enrich_run(db, l, p, cfg, rebuild, now_ms, &es, err))
		goto out;
	if (rebuild && db_commit(db, err))
		goto out;
	es.load.skipped += ls.skipped;
	summarise(summary, &ps,
		  db_scalar(db, "SELECT count(*) FROM tracks") - tracks_before,
		  p, &es, setaside_count(db), rebuild);
	r = 0;
out:
	if (r && rebuild)
		db_rollback(db);
	prov_free(p);
	enrich_stats_release(&es);
	return r;
}
