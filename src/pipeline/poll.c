#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "landing/landing.h"
#include "pipeline/extract.h"
#include "pipeline/poll.h"
#include "store/store.h"
#include "core/banned.h"

struct fetched {
	char *key;
	int64_t fetched_ms, after_ms;
	struct page_rows rows;
};

void poll_page_key(const char *account, int64_t fetched_ms, int64_t after_ms,
		   int seq, struct strbuf *out)
{
	int64_t days = fetched_ms / 86400000, secs = fetched_ms / 1000 % 86400;
	int y, m, d;

	time_civil_from_days(days, &y, &m, &d);
	strbuf_addf(out, "recently-played/%s/%04d/%02d/%02d/%02d%02d%02d-%lld",
		    account, y, m, d, (int)(secs / 3600), (int)(secs / 60 % 60),
		    (int)(secs % 60), (long long)after_ms);
	if (seq)
		strbuf_addf(out, "-%d", seq);
	strbuf_addstr(out, ".json");
}

/* The after=N cursor of a URL, 0 when it has none. */
static int64_t url_after(const char *url)
{
	const char *p = strstr(url, "?after=");

	if (!p)
		p = strstr(url, "&after=");
	return p ? strtoll(p + 7, NULL, 10) : 0;
}

/*
 * Lands one raw page under a fresh key; the key is returned in *key. The
 * key is claimed by the write itself (landing_put_new fails on a taken
 * name), not by a check before it: two polls of one account in the same
 * second with the same cursor once both chose "-0", both wrote it and the
 * second insert failed on the UNIQUE pages.key.
 */
static int land(struct landing *l, const char *account, int64_t fetched_ms,
		int64_t after_ms, const struct strbuf *body, char **key,
		struct strbuf *err)
{
	struct strbuf k = STRBUF_INIT;

	for (int seq = 0;; seq++) {
		strbuf_reset(&k);
		poll_page_key(account, fetched_ms, after_ms, seq, &k);
		if (!landing_put_new(l, k.buf, body->buf, body->len))
			break;
		if (errno != EEXIST || seq >= 1000) {
			strbuf_addf(err, "cannot land page '%s': %s", k.buf,
				    strerror(errno));
			strbuf_release(&k);
			return -1;
		}
	}
	*key = strbuf_detach(&k, NULL);
	return 0;
}

/* Records the pages, their plays, any gap and the poll, in one transaction. */
static int save_pages(struct store *st, int64_t acct, struct fetched *f,
		      size_t nf, struct poll_result *res, int64_t now,
		      const char *status, struct strbuf *err)
{
	if (store_begin(st, err))
		return -1;
	for (size_t i = 0; i < nf; i++) {
		struct page_info pi = { f[i].key, f[i].fetched_ms, f[i].after_ms,
					(int)f[i].rows.n, f[i].rows.newest_ms,
					f[i].rows.oldest_ms };
		int64_t page_id = store_pages_add(st, acct, &pi);
		if (page_id < 0)
			goto fail;
		for (size_t j = 0; j < f[i].rows.n; j++) {
			const struct play_row *r = &f[i].rows.rows[j];
			struct api_play p = { r->played_ms, r->track_id,
					      r->track_name, r->artist_names,
					      r->album_name, r->context_uri };
			int rc = store_plays_add_api(st, acct, page_id, &p);
			if (rc < 0)
				goto fail;
			res->new_plays += rc;
		}
	}
	if (res->gap && store_gaps_add(st, acct, res->gap_from_ms,
				       res->gap_to_ms, now) < 0)
		goto fail;
	if (store_accounts_record_poll(st, acct, now, status,
				       !strcmp(status, "ok")))
		goto fail;
	return store_commit(st, err);
fail:
	strbuf_addf(err, "database: %s", store_errmsg(st));
	store_rollback(st);
	return -1;
}

int poll_account(struct store *st, struct landing *l, struct spotify_client *c,
		 struct poll_result *res, struct strbuf *err)
{
	const char *name = spotify_client_account(c);
	struct strbuf url = STRBUF_INIT, body = STRBUF_INIT, msg = STRBUF_INIT;
	struct fetched *f = NULL;
	size_t nf = 0, alloc = 0;
	int64_t acct, newest, now = time_now_ms();
	int ret = -1;

	memset(res, 0, sizeof(*res));
	acct = store_accounts_ensure(st, name);
	if (acct < 0) {
		strbuf_addf(err, "database: %s", store_errmsg(st));
		return -1;
	}
	newest = store_plays_newest_api_ms(st, acct);
	strbuf_addf(&url, "/v1/me/player/recently-played?limit=%d", POLL_PAGE_SIZE);
	if (newest)
		strbuf_addf(&url, "&after=%lld", (long long)newest);
	while (nf < POLL_MAX_PAGES) {
		struct fetched cur = { NULL, time_now_ms(), url_after(url.buf), { 0 } };
		strbuf_reset(&body);
		res->sp = spotify_get(c, url.buf, &body, &msg);
		if (res->sp != SP_OK)
			break;
		if (land(l, name, cur.fetched_ms, cur.after_ms, &body, &cur.key, &msg))
			break;
		if (extract_page(body.buf, body.len, &cur.rows, &msg)) {
			free(cur.key);
			break;
		}
		ALLOC_GROW(f, nf + 1, alloc);
		f[nf++] = cur;
		res->pages++;
		res->fetched += (int)cur.rows.n;
		if (cur.rows.n < POLL_PAGE_SIZE || !cur.rows.next ||
		    !strcmp(cur.rows.next, url.buf))
			break;
		strbuf_reset(&url);
		strbuf_addstr(&url, cur.rows.next);
	}
	if (nf && newest && f[0].rows.n >= POLL_PAGE_SIZE &&
	    f[0].rows.oldest_ms > newest) {
		res->gap = 1;
		res->gap_from_ms = newest;
		res->gap_to_ms = f[0].rows.oldest_ms;
		for (size_t i = 1; i < nf; i++)
			if (f[i].rows.n && f[i].rows.oldest_ms < res->gap_to_ms)
				res->gap_to_ms = f[i].rows.oldest_ms;
	}
	res->not_before_ms = spotify_client_not_before(c);
	if (save_pages(st, acct, f, nf, res, now,
		  res->sp != SP_OK ? sp_result_name(res->sp) :
		  msg.len ? "error" : "ok", err))
		goto out;
	res->newest_ms = store_plays_newest_api_ms(st, acct);
	res->not_before_ms = spotify_client_not_before(c);
	ret = msg.len ? -1 : 0;
	if (ret)
		strbuf_add(err, msg.buf, msg.len);
out:
	for (size_t i = 0; i < nf; i++) {
		free(f[i].key);
		page_rows_release(&f[i].rows);
	}
	free(f);
	strbuf_release(&url);
	strbuf_release(&body);
	strbuf_release(&msg);
	return ret;
}
