/*
 * spinlog token: the tokens scrobblers use with serve's ListenBrainz API
 * ("Authorization: Token T"). The store keeps only a SHA-256 of each; the
 * token is printed once, when it is made.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/strbuf.h"
#include "core/strvec.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "store/store.h"
#include "web/listenbrainz.h"
#include "core/banned.h"

const char cmd_token_usage[] =
	"usage: spinlog token create [--account NAME]\n"
	"       spinlog token list [--account NAME]\n"
	"       spinlog token revoke ID [--account NAME]\n"
	"\n"
	"Tokens for serve's ListenBrainz-compatible API (doc/listenbrainz.md).\n"
	"create prints a new token on a line of its own: listens submitted with\n"
	"it are plays of the account (without --account: the only account, or a\n"
	"new account \"main\" when there is none). Only a hash of it is stored, so\n"
	"it cannot be shown again. list shows each token's id and first 8\n"
	"characters; revoke ID stops a token from working.\n";

/* The account --account names, else the only one, else "main". */
static int pick_account(struct ctx *ctx, const char *want, char **name)
{
	struct strvec names = STRVEC_INIT;

	if (want) {
		*name = xstrdup(want);
		return 0;
	}
	if (store_accounts_names(ctx->store, &names)) {
		fprintf(stderr, "spinlog: token: cannot read the accounts\n");
		return -1;
	}
	if (names.n > 1) {
		fprintf(stderr, "spinlog: token: there are several accounts; say which"
			" one with --account NAME\n");
		strvec_clear(&names);
		return -1;
	}
	*name = xstrdup(names.n ? names.v[0] : "main");
	strvec_clear(&names);
	return 0;
}

static int token_create(struct ctx *ctx, const char *want)
{
	struct strbuf err = STRBUF_INIT;
	char tok[37], hex[65], prefix[9], *name = NULL;
	int64_t account, id;
	int ret = 1;

	if (pick_account(ctx, want, &name))
		return 1;
	account = store_accounts_ensure(ctx->store, name);
	if (account <= 0 || lb_token_new(tok)) {
		fprintf(stderr, "spinlog: token: cannot make a token for \"%s\"\n", name);
	} else {
		lb_token_hash(tok, hex);
		memcpy(prefix, tok, 8);
		prefix[8] = '\0';
		if (store_lb_token_add(ctx->store, account, hex, prefix, time_now_ms(),
				       &id, &err)) {
			fprintf(stderr, "spinlog: token: %s\n", err.buf);
		} else {
			fprintf(stderr, "spinlog: token: token %lld for account \"%s\" (shown "
				"once; only its hash is stored):\n", (long long)id, name);
			printf("%s\n", tok);
			ret = 0;
		}
	}
	free(name);
	strbuf_release(&err);
	return ret;
}

static int print_token(void *arg, const struct store_lb_token *t)
{
	char created[TIME_ISO_MAX], used[TIME_ISO_MAX] = "never";

	(*(int *)arg)++;
	time_format_iso(t->created_ms, created);
	if (t->last_used_ms >= 0)
		time_format_iso(t->last_used_ms, used);
	printf("%lld\t%s\t%s…\tcreated %s\tlast used %s\n", (long long)t->id,
	       t->account, t->prefix, created, used);
	return 0;
}

static int token_list(struct ctx *ctx, const char *account)
{
	struct strbuf err = STRBUF_INIT;
	int n = 0, ret = 0;

	if (store_lb_token_list(ctx->store, account, print_token, &n, &err) < 0) {
		fprintf(stderr, "spinlog: token: %s\n", err.buf);
		ret = 1;
	} else if (!n) {
		fprintf(stderr, "spinlog: token: no tokens%s%s%s\n", account ?
			" for \"" : "", account ? account : "", account ? "\"" : "");
	}
	strbuf_release(&err);
	return ret;
}

static int token_revoke(struct ctx *ctx, const char *ids, const char *account)
{
	struct strbuf err = STRBUF_INIT;
	char *end;
	long long id = strtoll(ids, &end, 10);
	int r;

	if (*end || end == ids || id <= 0)
		return cmd_usage_error(cmd_token_usage, "'%s' is not a token id (see "
				       "'spinlog token list')", ids);
	r = store_lb_token_revoke(ctx->store, id, account, &err);
	if (r < 0)
		fprintf(stderr, "spinlog: token: %s\n", err.buf);
	else if (!r)
		fprintf(stderr, "spinlog: token: no token %lld%s%s%s\n", id, account ?
			" of \"" : "", account ? account : "", account ? "\"" : "");
	else
		fprintf(stderr, "spinlog: token: token %lld revoked\n", id);
	strbuf_release(&err);
	return r > 0 ? 0 : 1;
}

int cmd_token(int argc, char **argv, struct ctx *ctx)
{
	const char *account = NULL, *sub = NULL, *arg = NULL;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--account") && i + 1 < argc)
			account = argv[++i];
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return fputs(cmd_token_usage, stdout), 0;
		else if (argv[i][0] == '-')
			return cmd_usage_error(cmd_token_usage, "unknown option '%s'", argv[i]);
		else if (!sub)
			sub = argv[i];
		else if (!arg)
			arg = argv[i];
		else
			return cmd_usage_error(cmd_token_usage, "unexpected '%s'", argv[i]);
	}
	if (sub && !strcmp(sub, "create") && !arg)
		return token_create(ctx, account);
	if (sub && !strcmp(sub, "list") && !arg)
		return token_list(ctx, account);
	if (sub && !strcmp(sub, "revoke") && arg)
		return token_revoke(ctx, arg, account);
	return cmd_usage_error(cmd_token_usage, "say create, list or revoke ID");
}
