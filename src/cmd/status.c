/*
 * spinlog status: per account (every account with a token file and every
 * account of the store, such as one an import made), the last poll, what
 * is stored (plays by source, the last import), the token's state and age,
 * the rate-limit penalty and open gaps; then the ids the ETL set aside.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/collect.h"
#include "core/strvec.h"
#include "core/timeutil.h"
#include "spotify/account.h"
#include "spotify/token_age.h"
#include "store/sources.h"
#include "store/store.h"
#include "core/plural.h"
#include "core/banned.h"

const char cmd_status_usage[] =
	"usage: spinlog status [--account NAME]\n"
	"\n"
	"Shows every account (authorised ones and those only imports made): its\n"
	"last poll, stored plays by source, the last import, token and rate-limit\n"
	"state and open gaps. Warns a month before the refresh token's 6 months\n"
	"run out.\n";

#define DAY_MS TOKEN_AGE_DAY_MS

static void fmt(int64_t ms, char *buf, size_t n)
{
	if (ms)
		time_format_local(ms, "%Y-%m-%d %H:%M:%S %Z", buf, n);
	else
		snprintf(buf, n, "never");
}

/*
 * A refresh was sent and its answer never saved: the process stopped, or
 * the answer was lost. Only the next refresh can tell which.
 */
static void show_in_flight(const struct account_state *st, const char *name)
{
	char a[64];

	fmt(st->refresh_sent_ms, a, sizeof(a));
	printf("  token:       the token refresh sent at %s got no answer "
	       "(spinlog stopped, or the answer was lost); the next collect "
	       "tries the stored refresh token, and if Spotify refuses it, "
	       "run 'spinlog auth --account %s'\n", a, name);
}

/* Plays by source and the last import. */
static void show_summary(struct store *store, int64_t id)
{
	struct store_account_summary sum;
	struct strbuf err = STRBUF_INIT;
	char a[64];
	int any = 0;

	if (store_account_summary(store, id, &sum, &err)) {
		printf("  sources:     unknown (%s)\n", err.buf);
		strbuf_release(&err);
		return;
	}
	printf("  sources:     ");
	for (int b = 0; b < SOURCE_COUNT; b++) {
		const struct source *src = source_by_id(b);
		if (!sum.by_source[b] || !src)
			continue;
		printf("%s%s %lld", any ? ", " : "", src->label,
		       (long long)sum.by_source[b]);
		any = 1;
	}
	printf("%s\n", any ? "" : "none");
	if (sum.imports) {
		fmt(sum.last_import_ms, a, sizeof(a));
		printf("  last import: %s, %lld new plays from %s (%lld import%s)\n",
		       a, (long long)sum.last_import_added,
		       sum.last_import_paths ? sum.last_import_paths : "-",
		       (long long)sum.imports, sum.imports == 1 ? "" : "s");
	} else {
		printf("  last import: never\n");
	}
	store_account_summary_release(&sum);
	strbuf_release(&err);
}

/* The account's polls, plays and gaps as the store has them. */
static void show_stored(struct store *store, int64_t id)
{
	struct store_poll_info pi = STORE_POLL_INFO_INIT;
	int64_t open_gaps;
	char a[64], b[64];

	if (store_accounts_poll_info(store, id, &pi) == 1 && !pi.polls) {
		printf("  last poll:   never\n");
	} else if (pi.polls) {
		fmt(pi.last_poll_ms, a, sizeof(a));
		fmt(pi.last_success_ms, b, sizeof(b));
		printf("  last poll:   %s (%s); last success %s; %lld %s\n",
		       a, pi.last_status ? pi.last_status : "-", b,
		       (long long)pi.polls, plural(pi.polls, "poll", "polls"));
	}
	store_poll_info_release(&pi);
	fmt(store_plays_newest_api_ms(store, id), a, sizeof(a));
	printf("  plays:       %lld stored, newest collected %s\n",
	       (long long)store_plays_count(store, id), a);
	show_summary(store, id);
	open_gaps = store_gaps_open_count(store, id);
	printf("  gaps:        %lld open%s\n", (long long)open_gaps,
	       open_gaps ? " (see 'spinlog gaps'; 'spinlog import' of "
	       "the privacy export fills them)" : "");
}

static int show(struct ctx *ctx, const char *name)
{
	struct account_state st = ACCOUNT_STATE_INIT;
	struct strbuf err = STRBUF_INIT;
	int64_t id = store_accounts_find(ctx->store, name), now = time_now_ms();
	char a[64];
	int ret = 0;

	printf("account %s\n", name);
	if (account_load(ctx->data_dir, name, &st, &err)) {
		int none = errno == ENOENT && id; /* an account imports made */
		if (none)
			printf("  app:         no Spotify app authorised (plays "
			       "from imports only; 'spinlog auth --account %s' "
			       "to collect)\n", name);
		else
			printf("  token:       %s\n", err.buf);
		ret = none ? 2 : 1;
	}
	if (id)
		show_stored(ctx->store, id);
	else
		printf("  last poll:   never\n");
	if (!ret) {
		struct strbuf warn = STRBUF_INIT;
		if (st.needs_reauth)
			printf("  token:       needs re-authorisation: %s; run "
			       "'spinlog auth --account %s'\n", st.reauth_reason ?
			       st.reauth_reason : "the refresh token was refused",
			       name);
		else if (st.refresh_sent_ms)
			show_in_flight(&st, name);
		else if (st.access_token && st.expires_ms > now)
			printf("  token:       valid\n");
		else
			printf("  token:       expired (refreshed on the next call)\n");
		if (st.authorized_ms) {
			fmt(st.authorized_ms, a, sizeof(a));
			long long days = (now - st.authorized_ms) / DAY_MS;
			printf("  authorised:  %s (%lld %s ago)\n", a, days,
			       plural(days, "day", "days"));
			if (token_age_warning(&st, now, name, &warn))
				printf("  warning:     %s\n", warn.buf);
		}
		strbuf_release(&warn);
		if (account_app_not_before(ctx->data_dir) > st.not_before_ms)
			st.not_before_ms = account_app_not_before(ctx->data_dir);
		if (st.not_before_ms > now) {
			fmt(st.not_before_ms, a, sizeof(a));
			printf("  rate limit:  no requests before %s\n", a);
		} else {
			printf("  rate limit:  none\n");
		}
	}
	account_state_release(&st);
	strbuf_release(&err);
	return ret == 2 ? 0 : ret;
}

/* Ids 'status' lists by name; the rest are counted. */
#define ASIDE_LISTED 20

/* The ids the ETL set aside (store.h), for every account. */
static int show_set_aside(struct ctx *ctx)
{
	struct setaside_list l = SETASIDE_LIST_INIT;
	int64_t total = store_setaside_count(ctx->store);
	struct strbuf err = STRBUF_INIT;
	char when[64];

	if (total <= 0)
		return 0;
	if (store_setaside_list(ctx->store, ASIDE_LISTED, &l, &err)) {
		store_setaside_list_release(&l);
		fprintf(stderr, "spinlog: status: cannot list the set-aside ids: "
			"%s\n", err.buf);
		strbuf_release(&err);
		return 1;
	}
	printf("\nset aside by the etl: %lld (not asked again; 'spinlog etl "
	       "--retry-set-aside' tries them again)\n", (long long)total);
	for (size_t i = 0; i < l.n; i++) {
		struct strbuf d = STRBUF_INIT;
		store_setaside_describe(&d, l.v[i].id, l.v[i].reason);
		fmt(l.v[i].set_ms, when, sizeof(when));
		printf("  %-15s %s (since %s)\n",
		       store_setaside_kind_name(l.v[i].kind), d.buf, when);
		strbuf_release(&d);
	}
	if (total > (int64_t)l.n)
		printf("  and %lld more\n", (long long)(total - (int64_t)l.n));
	store_setaside_list_release(&l);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Every account: those with a token file and those of the store (an
 * import makes "main" without one), sorted, each once.
 */
static int all_accounts(struct ctx *ctx, struct strvec *out)
{
	struct strvec v = STRVEC_INIT;
	size_t k = 0;

	if (account_list(ctx->data_dir, &v) || store_accounts_names(ctx->store, &v)) {
		fprintf(stderr, "spinlog: status: cannot list the accounts\n");
		strvec_clear(&v);
		return -1;
	}
	if (!v.n) {
		fputs("spinlog: status: no accounts yet; run 'spinlog auth' to collect, or "
		      "'spinlog import' to import a history\n", stderr);
		strvec_clear(&v);
		return -1;
	}
	qsort(v.v, v.n, sizeof(*v.v), cmp_str);
	for (size_t i = 0; i < v.n; i++)
		if (!k++ || strcmp(v.v[i], out->v[out->n - 1]))
			strvec_push(out, v.v[i]);
	strvec_clear(&v);
	return 0;
}

int cmd_status(int argc, char **argv, struct ctx *ctx)
{
	struct strvec names = STRVEC_INIT;
	const char *only = NULL;
	int ret = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--account") && i + 1 < argc)
			only = argv[++i];
		else
			return cmd_usage_error(cmd_status_usage,
					       "unknown argument '%s'", argv[i]);
	}
	if (only ? collect_accounts(ctx, only, &names) : all_accounts(ctx, &names)) {
		strvec_clear(&names);
		return 1;
	}
	for (size_t i = 0; i < names.n; i++) {
		if (i)
			putchar('\n');
		ret |= show(ctx, names.v[i]);
	}
	if (!only)
		ret |= show_set_aside(ctx);
	strvec_clear(&names);
	return ret;
}
