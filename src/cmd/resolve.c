/*
 * spinlog resolve: Spotify ids for plays that have names but no id; see
 * pipeline/resolve.h. 'spinlog etl' runs the same step.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "core/timeutil.h"
#include "pipeline/resolve.h"
#include "store/store.h"
#include "core/plural.h"
#include "core/banned.h"

const char cmd_resolve_usage[] =
	"usage: spinlog resolve [--account NAME] [--offline]\n"
	"\n"
	"Finds Spotify ids for plays that have names but no id (the account\n"
	"data export): first in the catalog, then with one Spotify search per\n"
	"distinct artist and title, accepting only a confident match (the\n"
	"normalised names equal, the play no longer than the track; see\n"
	"doc/import.md). Misses are remembered and not asked again for 180\n"
	"days; a second run asks nothing. Needs an authorised account for the\n"
	"search.\n"
	"\n"
	"  --account NAME   search with this account's app only\n"
	"  --offline        match against the catalog only, no request\n";

static void progress(void *arg, const struct resolve_stats *st, long done)
{
	(void)arg;
	if (done % 25 && done + st->pending != st->names)
		return;
	fprintf(stderr, "\rresolve: %ld of %ld %s done, %ld pending", done,
		st->names, plural(st->names, "name", "names"), st->pending);
	if (st->rate_limited_until) {
		char when[TIME_ISO_MAX];
		time_format_iso(st->rate_limited_until, when);
		fprintf(stderr, ", penalty until %s", when);
	}
	if (done + st->pending == st->names)
		fprintf(stderr, "\n");
}

void cmd_resolve_summary(const struct resolve_stats *st)
{
	int64_t all = st->plays_set + st->left_plays;

	printf("resolve: %ld %s: %ld from the catalog, %ld by search, %ld "
	       "unresolved (%ld ambiguous), %ld pending; %ld %s; %lld "
	       "%s given an id; still without an id: %lld %s (%lld "
	       "%s)", st->names, plural(st->names, "name", "names"),
	       st->from_catalog, st->from_search, st->missed, st->ambiguous,
	       st->pending, st->requests, plural(st->requests, "request", "requests"),
	       (long long)st->plays_set, plural(st->plays_set, "play", "plays"),
	       (long long)st->left_plays, plural(st->left_plays, "play", "plays"),
	       (long long)st->left_names, plural(st->left_names, "name", "names"));
	if (all && st->names)
		printf(", %.1f%% of the plays this run looked at resolved",
		       100.0 * (double)st->plays_set / (double)all);
	if (st->rate_limited_until) {
		char when[TIME_ISO_MAX];
		time_format_iso(st->rate_limited_until, when);
		printf("; rate limited: run again after %s", when);
	}
	printf("\n");
}

int cmd_resolve(int argc, char **argv, struct ctx *ctx)
{
	struct strbuf err = STRBUF_INIT;
	struct resolve_stats st;
	const char *account = NULL;
	int offline = 0, ret = 1;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--account") && i + 1 < argc)
			account = argv[++i];
		else if (!strncmp(argv[i], "--account=", 10))
			account = argv[i] + 10;
		else if (!strcmp(argv[i], "--offline"))
			offline = 1;
		else
			return cmd_usage_error(cmd_resolve_usage,
					       "unknown argument '%s'", argv[i]);
	}
	if (resolve_run(ctx->store, &ctx->cfg, ctx->data_dir, account, offline,
			isatty(2) ? progress : NULL, NULL, &st, &err)) {
		fprintf(stderr, "spinlog: resolve: %s\n", err.buf);
		goto out;
	}
	cmd_resolve_summary(&st);
	ret = 0;
out:
	strbuf_release(&err);
	return ret;
}
