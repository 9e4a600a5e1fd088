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
#include "pipeline/resolve.h"
#include "pipeline/transform.h"
#include "store/store.h"
#include "core/plural.h"
#include "core/banned.h"

/* Pages transformed before their rows are written (inside the one
 * transaction of the page stage), to bound memory on a rebuild. */
#define PAGES_PER_LOAD 200

struct page_stats {
	long pages, plays;
	const struct etl_progress *pr; /* NULL: none */
	long unreadable;               /* pages set aside by this run */
	struct strvec unreadable_shown; /* the first few: "'key': why" */
};

static void page_progress(const struct page_stats *ps)
{
	if (ps->pr && ps->pages % ETL_PROGRESS_EVERY == 0)
		ps->pr->fn(ps->pr->arg, ps->pages, 0, 0);
}

static void answer_progress(void *arg, const struct enrich_stats *es)
{
	const struct page_stats *ps = arg;
	ps->pr->fn(ps->pr->arg, ps->pages, es->from_landing, 0);
}

static void watermark_key(struct strbuf *key, int64_t account_id)
{
	strbuf_reset(key);
	strbuf_addf(key, "etl.pages.%lld", (long long)account_id);
}

/* One account's walk over its new pages. */
struct walk {
	struct store *s;
	struct landing *l;
	int64_t account_id, now_ms, last;
	long since_load;
	struct tr_batch b;
	struct strbuf body;
	struct page_stats *ps;
	struct load_stats *ls;
	struct strbuf *err;
};

/* Extracts and transforms one page; loads every PAGES_PER_LOAD pages. */
/*
 * A landed page that does not parse (a disk that flipped bits, a file edited
 * by hand) once stopped every later ETL, the daemon's too, until the user
 * moved it. It is set aside instead, by key, with the reason: the raw page
 * stays as it is, the other pages load, the summary and 'spinlog status'
 * name it, and 'etl --rebuild' reads it again once it is mended.
 */
static int unreadable_page(struct walk *w, const char *pkey, struct strbuf *why)
{
	struct strbuf d = STRBUF_INIT;
	int r = store_setaside_add(w->s, SA_PAGE, pkey, why->buf, w->now_ms, w->err);

	if (r >= 0) {
		w->ps->unreadable++;
		if (w->ps->unreadable_shown.n < 3) {
			store_setaside_describe(&d, pkey, why->buf);
			strvec_push(&w->ps->unreadable_shown, d.buf);
		}
	}
	strbuf_release(&d);
	strbuf_release(why);
	return r < 0 ? -1 : 0;
}

static int one_page(void *arg, int64_t id, const char *pkey)
{
	struct walk *w = arg;
	struct page_rows rows;
	struct strbuf perr = STRBUF_INIT;

	w->last = id;
	strbuf_reset(&w->body);
	if (landing_get(w->l, pkey, &w->body)) {
		strbuf_addf(w->err, "etl: page '%s' is missing from the "
			    "landing store; nothing was loaded", pkey);
		return -1;
	}
	memset(&rows, 0, sizeof(rows));
	if (extract_page(w->body.buf, w->body.len, &rows, &perr))
		return unreadable_page(w, pkey, &perr);
	strbuf_release(&perr);
	tr_add_page(&w->b, &rows, w->account_id, id);
	w->ps->pages++;
	w->ps->plays += (long)rows.n;
	page_progress(w->ps);
	page_rows_release(&rows);
	if (++w->since_load >= PAGES_PER_LOAD) {
		if (load_batch(w->s, &w->b, w->now_ms, w->ls, w->err))
			return -1;
		tr_batch_release(&w->b);
		w->since_load = 0;
	}
	return 0;
}

/* Extract, transform and load one account's new pages. */
static int account_pages(struct store *s, struct landing *l,
			 int64_t account_id, int64_t now_ms,
			 struct page_stats *ps, struct load_stats *ls,
			 struct strbuf *err)
{
	struct strbuf key = STRBUF_INIT, lerr = STRBUF_INIT;
	struct walk w = { s, l, account_id, now_ms, 0, 0, TR_BATCH_INIT,
			  STRBUF_INIT, ps, ls, err };
	int64_t mark = 0;
	int r = -1;

	watermark_key(&key, account_id);
	if (store_state_get_int(s, key.buf, &mark))
		mark = 0;
	if (store_pages_after(s, account_id, mark, one_page, &w, &lerr)) {
		if (lerr.len)
			strbuf_addf(err, "etl: cannot list the landed pages: %s",
				    lerr.buf);
		goto out;
	}
	if (load_batch(s, &w.b, now_ms, ls, err))
		goto out;
	if (w.last && store_state_set_int(s, key.buf, w.last)) {
		strbuf_addstr(err, "etl: cannot store the page watermark");
		goto out;
	}
	r = 0;
out:
	tr_batch_release(&w.b);
	strbuf_release(&key);
	strbuf_release(&w.body);
	strbuf_release(&lerr);
	return r;
}

static int pages_stage(struct store *s, struct landing *l,
		       const char *account, int nested, int64_t now_ms,
		       struct page_stats *ps, struct load_stats *ls,
		       struct strbuf *err)
{
	struct store_account *acc = NULL;
	struct strbuf lerr = STRBUF_INIT;
	size_t n = 0;
	int r = -1;

	if (load_begin(s, nested, err))
		goto out;
	if (store_accounts_list(s, account, &acc, &n, &lerr)) {
		strbuf_addf(err, "etl: cannot list the accounts: %s", lerr.buf);
		load_rollback(s, nested);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (account_pages(s, l, acc[i].id, now_ms, ps, ls, err)) {
			load_rollback(s, nested);
			goto out;
		}
	if (load_commit(s, nested, err)) {
		load_rollback(s, nested);
		goto out;
	}
	r = 0;
out:
	store_accounts_free(acc, n);
	strbuf_release(&lerr);
	return r;
}

/* "a, b, c and 4 more": the first few of n things, as shown. */
static void add_shown(struct strbuf *out, const struct strvec *shown, long n)
{
	for (size_t i = 0; i < shown->n; i++)
		strbuf_addf(out, "%s%s", i ? ", " : "", shown->v[i]);
	if ((size_t)n > shown->n)
		strbuf_addf(out, " and %ld more", n - (long)shown->n);
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
			    plural(es->aside[k], "", "s"));
		add_shown(out, shown, es->aside[k]);
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

	strbuf_addf(out, "etl: %ld %s, %ld %s, %lld new %s; requests:",
		    ps->pages, plural(ps->pages, "page", "pages"), ps->plays,
		    plural(ps->plays, "play", "plays"), (long long)new_tracks,
		    plural(new_tracks, "track", "tracks"));
	for (size_t i = 0; i < sizeof(eps) / sizeof(eps[0]); i++)
		strbuf_addf(out, "%s %s %ld", i ? "," : "", prov_ep_name(eps[i]),
			    p ? prov_requests(p, eps[i]) : 0L);
	strbuf_addf(out, "; pending: %ld", es->pending);
	if (ps->unreadable) {
		strbuf_addf(out, "; set aside %ld landed %s that cannot be read, "
			    "%s plays not loaded: ", ps->unreadable,
			    plural(ps->unreadable, "page", "pages"),
			    plural(ps->unreadable, "its", "their"));
		add_shown(out, &ps->unreadable_shown, ps->unreadable);
		strbuf_addf(out, " ('spinlog etl --rebuild' reads %s again)",
			    plural(ps->unreadable, "it", "them"));
	}
	if (es->unknown)
		strbuf_addf(out, "; no usable answer for %ld (asked again next "
			    "run)", es->unknown);
	if (es->load.skipped)
		strbuf_addf(out, "; %ld catalog %s not stored (%s id is "
			    "not a Spotify id)", es->load.skipped,
			    plural(es->load.skipped, "object", "objects"),
			    plural(es->load.skipped, "its", "their"));
	summarise_aside(out, es, aside_total);
	if (rebuild)
		strbuf_addf(out, "; rebuilt from the landing store "
			    "(%ld %s)", es->from_landing,
			    plural(es->from_landing, "answer", "answers"));
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

int etl_run(struct store *s, struct landing *l, const struct config *cfg,
	    const char *data_dir, const char *account, int rebuild,
	    struct strbuf *summary, struct strbuf *err)
{
	return etl_run_progress(s, l, cfg, data_dir, account, rebuild, NULL,
				summary, err);
}

int etl_run_progress(struct store *s, struct landing *l, const struct config *cfg,
		     const char *data_dir, const char *account, int rebuild,
		     const struct etl_progress *pr, struct strbuf *summary,
		     struct strbuf *err)
{
	struct page_stats ps = { 0, 0, pr, 0, STRVEC_INIT };
	struct enrich_stats es;
	struct load_stats ls;
	struct prov *p = NULL;
	struct resolve_stats rs;
	int64_t now_ms = time_now_ms(), tracks_before;
	int r = -1;

	memset(&es, 0, sizeof(es));
	memset(&ls, 0, sizeof(ls));
	memset(&rs, 0, sizeof(rs));
	if (pr) {
		es.progress = answer_progress;
		es.progress_arg = &ps;
	}
	if (account && store_accounts_find(s, account) <= 0) {
		strbuf_addf(err, "etl: no account '%s'; see 'spinlog status'",
			    account);
		return -1;
	}
	if (rebuild) {
		if (store_begin(s, err))
			return -1;
		if (load_clear_catalog(s, err) || store_etl_marks_clear(s, err))
			goto out;
	}
	tracks_before = store_catalog_count_tracks(s);
	if (pages_stage(s, l, account, rebuild, now_ms, &ps, &ls, err))
		goto out;
	/* ids for names first, so enrichment sees the resolved tracks */
	if (!rebuild && resolve_run(s, cfg, data_dir, account, 0, NULL, NULL,
				    &rs, err))
		goto out;
	if (!rebuild)
		p = prov_open(s, cfg, data_dir, account, now_ms);
	if (enrich_run(s, l, p, cfg, rebuild, now_ms, &es, err))
		goto out;
	if (rebuild && store_commit(s, err))
		goto out;
	if (pr)
		pr->fn(pr->arg, ps.pages, es.from_landing, 1);
	es.load.skipped += ls.skipped;
	summarise(summary, &ps, store_catalog_count_tracks(s) - tracks_before,
		  p, &es, store_setaside_count(s) - ps.unreadable, rebuild);
	if (rs.names)
		strbuf_addf(summary, "; resolve: %ld %s, %ld matched, %ld "
			    "unresolved, %ld pending, %ld search %s",
			    rs.names, plural(rs.names, "name", "names"),
			    rs.from_catalog + rs.from_search, rs.missed, rs.pending,
			    rs.requests, plural(rs.requests, "request", "requests"));
	r = 0;
out:
	if (r && rebuild)
		store_rollback(s);
	prov_free(p);
	enrich_stats_release(&es);
	strvec_clear(&ps.unreadable_shown);
	return r;
}
