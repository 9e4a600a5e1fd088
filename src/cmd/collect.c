/*
 * spinlog collect: one poll of recently-played for every account (or one).
 * An account that fails does not stop the others; the exit code is 1 when
 * any failed.
 *
 * One writer per account: each poll holds the account's lock (see
 * account_lock) from before the state is read until the pages are stored.
 * Refresh tokens are single-use, so two processes refreshing one account
 * at once lock it out; with the lock the second one waits (up to
 * collect.lock_wait seconds, 5 by default: a poll takes well under one)
 * and then uses the token the first one saved.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/collect.h"
#include "core/log.h"
#include "core/strvec.h"
#include "core/timeutil.h"
#include "landing/landing.h"
#include "pipeline/poll.h"
#include "spotify/account.h"
#include "spotify/client.h"
#include "spotify/token_age.h"
#include "core/banned.h"

const char cmd_collect_usage[] =
	"usage: spinlog collect [--account NAME]\n"
	"\n"
	"Polls recently-played once for every account (or the one named),\n"
	"lands the raw pages and stores the new plays.\n";

int collect_accounts(struct ctx *ctx, const char *only, struct strvec *out)
{
	if (only) {
		if (!account_valid_name(only)) {
			fprintf(stderr, "spinlog: collect: '%s' is not a valid account name\n",
				only);
			return -1;
		}
		strvec_push(out, only);
		return 0;
	}
	if (account_list(ctx->data_dir, out)) {
		fprintf(stderr, "spinlog: collect: cannot list accounts in '%s/accounts'\n",
			ctx->data_dir);
		return -1;
	}
	if (!out->n) {
		fputs("spinlog: collect: no accounts yet; run 'spinlog auth' first\n", stderr);
		return -1;
	}
	return 0;
}

void collect_clean_temps(struct ctx *ctx)
{
	int a = account_clean_temps(ctx->data_dir);
	int l = ctx->landing ? landing_clean_temps(ctx->landing) : 0;

	if (a > 0 || l > 0)
		log_info("collect: removed %d temporary file%s a crash left",
			 a + l, a + l == 1 ? "" : "s");
}

int collect_warn_token_age(struct ctx *ctx, const char *name, int64_t now_ms)
{
	struct account_state st = ACCOUNT_STATE_INIT;
	struct strbuf err = STRBUF_INIT, warn = STRBUF_INIT;
	int warned = 0;

	if (!account_load(ctx->data_dir, name, &st, &err) &&
	    token_age_warning(&st, now_ms, name, &warn)) {
		log_warn("collect: %s", warn.buf);
		warned = 1;
	}
	account_state_release(&st);
	strbuf_release(&err);
	strbuf_release(&warn);
	return warned;
}

int collect_one(struct ctx *ctx, const char *name, volatile sig_atomic_t *stop,
		struct poll_result *res, FILE *out)
{
	struct strbuf err = STRBUF_INIT;
	struct spotify_client *c;
	char iso[TIME_ISO_MAX] = "none";
	int ret = -1;

	memset(res, 0, sizeof(*res));
	c = spotify_client_open(&ctx->cfg, ctx->data_dir, name, &err);
	if (!c) {
		res->sp = SP_NO_ACCOUNT;
		log_error("collect: %s", err.buf);
		goto out;
	}
	spotify_client_set_stop(c, stop);
	if (spotify_client_lock(c, &err)) {
		res->busy = errno == EWOULDBLOCK;
		res->sp = res->busy ? SP_UNAVAILABLE : SP_NO_ACCOUNT;
		log_error("collect: %s", err.buf);
		goto out;
	}
	ret = poll_account(ctx->store, ctx->landing, c, res, &err);
	if (res->gap) {
		char a[TIME_ISO_MAX], b[TIME_ISO_MAX];
		time_format_iso(res->gap_from_ms, a);
		time_format_iso(res->gap_to_ms, b);
		log_warn("collect: '%s': gap: plays between %s and %s were lost "
			 "(more than %d plays since the last poll); import the "
			 "privacy export to fill it", name, a, b, POLL_PAGE_SIZE);
	}
	if (res->newest_ms)
		time_format_iso(res->newest_ms, iso);
	if (ret)
		log_error("collect: %s", err.buf);
	if (out && (!ret || res->pages))
		fprintf(out, "%s: %d new play%s, %d page%s, newest %s\n", name,
			res->new_plays, res->new_plays == 1 ? "" : "s",
			res->pages, res->pages == 1 ? "" : "s", iso);
out:
	spotify_client_free(c);
	strbuf_release(&err);
	return ret;
}

int cmd_collect(int argc, char **argv, struct ctx *ctx)
{
	struct strvec names = STRVEC_INIT;
	const char *only = NULL;
	int failed = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--account") && i + 1 < argc)
			only = argv[++i];
		else
			return cmd_usage_error(cmd_collect_usage,
					       "unknown argument '%s'", argv[i]);
	}
	if (collect_accounts(ctx, only, &names)) {
		strvec_clear(&names);
		return 1;
	}
	collect_clean_temps(ctx);
	for (size_t i = 0; i < names.n; i++) {
		struct poll_result res;
		/*
		 * A busy account is being collected by the other process: when
		 * polling every account it is skipped, not a failure.
		 */
		collect_warn_token_age(ctx, names.v[i], time_now_ms());
		if (collect_one(ctx, names.v[i], NULL, &res, stdout) &&
		    (!res.busy || only))
			failed++;
	}
	strvec_clear(&names);
	return failed ? 1 : 0;
}
