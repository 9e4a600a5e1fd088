/*
 * One poll of recently-played for one account: fetch the page(s) after the
 * newest stored API play, land each raw page untouched, then in one
 * transaction record the pages, insert their plays and any gap. Used by
 * 'spinlog collect' and the daemon.
 */
#ifndef PIPELINE_POLL_H
#define PIPELINE_POLL_H

#include <stdint.h>

#include "core/strbuf.h"
#include "spotify/client.h"

struct landing;
struct store;

#define POLL_PAGE_SIZE 50
#define POLL_MAX_PAGES 10

struct poll_result {
	enum sp_result sp;     /* SP_OK when the poll went through */
	int new_plays;         /* plays stored by this poll */
	int fetched;           /* items in all pages */
	int pages;
	int64_t newest_ms;     /* newest API play stored, after the poll */
	int gap;               /* 1 when a gap was detected */
	int64_t gap_from_ms, gap_to_ms;
	int64_t not_before_ms; /* the account's rate-limit penalty end, 0 = none */
	int busy;              /* another process was polling it: not polled */
};

/*
 * 0 on success; -1 with err filled when the poll failed (res->sp says how;
 * SP_OK with -1 means a landing or database error). Pages fetched before
 * a failure are still landed and stored.
 */
int poll_account(struct store *st, struct landing *l, struct spotify_client *c,
		 struct poll_result *res, struct strbuf *err);

/* "recently-played/<account>/YYYY/MM/DD/HHMMSS-<after>.json" (UTC). */
void poll_page_key(const char *account, int64_t fetched_ms, int64_t after_ms,
		   int seq, struct strbuf *out);

#endif
