/*
 * spinlog store: the store as a whole (issue 12). 'copy --to URL' copies the
 * configured store into an empty one of either engine through the logical
 * tables of store.h ("store copy") and compares counts and digests; 'digest'
 * prints them for the configured store.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "core/config.h"
#include "core/strbuf.h"
#include "store/store.h"
#include "core/plural.h"
#include "core/banned.h"

const char cmd_store_usage[] =
	"usage: spinlog store copy --to URL\n"
	"       spinlog store digest\n"
	"\n"
	"copy writes the whole store (store.url) into the store at URL, which\n"
	"must be empty: sqlite:PATH or postgresql://user@host:port/db, either\n"
	"engine to either. It copies logical tables (accounts, plays with their\n"
	"names, sources and fingerprints, the catalog, features and analyses,\n"
	"the landing index, gaps, imports, set-aside ids, covers, resolved names,\n"
	"token hashes, ListenBrainz listens, similarity labels and models, state)\n"
	"in one transaction on URL, so a failure leaves it empty. It ends by\n"
	"reading URL back and printing each table's rows and SHA-256 digest on\n"
	"both sides; a difference is an error and nothing is kept.\n"
	"\n"
	"digest prints the same rows and digests for the configured store.\n";

static void hex(const unsigned char *d, char out[65])
{
	static const char x[] = "0123456789abcdef";

	for (int i = 0; i < 32; i++) {
		out[2 * i] = x[d[i] >> 4];
		out[2 * i + 1] = x[d[i] & 15];
	}
	out[64] = '\0';
}

/* The bar of a table on stderr: "plays  [#####     ]  1200/5000". */
static void progress(void *arg, const char *table, int64_t done, int64_t total)
{
	char bar[21];
	int fill = total > 0 ? (int)(done * 20 / total) : 20;

	(void)arg;
	if (fill > 20)
		fill = 20;
	memset(bar, '#', (size_t)fill);
	memset(bar + fill, ' ', (size_t)(20 - fill));
	bar[20] = '\0';
	fprintf(stderr, "\r%-16s [%s] %lld/%lld", table, bar, (long long)done,
		(long long)total);
	if (done >= total)
		fputs("\n", stderr);
	fflush(stderr);
}

static int print_sums(const struct store_copy_sum *a, const struct store_copy_sum *b)
{
	int same = 1;

	for (size_t i = 0; i < store_copy_ntables; i++) {
		char ha[65], hb[65];
		hex(a[i].digest, ha);
		if (!b) {
			printf("%s: %lld %s, digest %s\n", a[i].table,
			       (long long)a[i].rows, plural(a[i].rows, "row", "rows"), ha);
			continue;
		}
		hex(b[i].digest, hb);
		int eq = a[i].rows == b[i].rows && !strcmp(ha, hb);
		same &= eq;
		if (a[i].rows == b[i].rows)
			printf("%s: %lld %s, digest %s %s %s\n", a[i].table,
			       (long long)a[i].rows, plural(a[i].rows, "row", "rows"), ha,
			       eq ? "=" : "!=", hb);
		else
			printf("%s: %lld %s != %lld %s, digest %s != %s\n",
			       a[i].table, (long long)a[i].rows, plural(a[i].rows, "row", "rows"),
			       (long long)b[i].rows, plural(b[i].rows, "row", "rows"), ha, hb);
	}
	return same;
}

static int store_copy_to(struct ctx *ctx, const char *url)
{
	struct strbuf err = STRBUF_INIT, m = STRBUF_INIT;
	struct store_copy_sum *a = NULL, *b = NULL;
	struct store *to = NULL;
	int r, ret = 1;

	config_mask_url(&m, url);
	if (!strcmp(url, ctx->db_path)) {
		fprintf(stderr, "spinlog: store copy: '%s' is the store being copied"
			" (store.url); name another one\n", m.buf);
		goto out;
	}
	if (store_open(url, &to, &err)) {
		fprintf(stderr, "spinlog: store copy: cannot open '%s': %s\n", m.buf, err.buf);
		goto out;
	}
	fprintf(stderr, "copying %s (%s) to %s (%s)\n", store_where(ctx->store),
		store_engine(ctx->store), store_where(to), store_engine(to));
	r = store_copy(ctx->store, to, isatty(2) ? progress : NULL, NULL, &a, &b, &err);
	if (r < 0) {
		fprintf(stderr, "spinlog: store copy: %s; nothing was copied\n", err.buf);
		goto out;
	}
	print_sums(a, b);
	if (r) {
		fprintf(stderr, "spinlog: store copy: the destination differs from the"
			" source (the lines with !=); nothing was copied\n");
		goto out;
	}
	fprintf(stderr, "spinlog: store copy: every table has the same rows and digest"
		" on both sides\n");
	ret = 0;
out:
	free(a);
	free(b);
	store_close(to);
	strbuf_release(&err);
	strbuf_release(&m);
	return ret;
}

static int store_digest(struct ctx *ctx)
{
	struct strbuf err = STRBUF_INIT;
	struct store_copy_sum *a = NULL;
	int ret = 0;

	if (store_copy_digest(ctx->store, &a, &err)) {
		fprintf(stderr, "spinlog: store digest: %s\n", err.buf);
		ret = 1;
	} else {
		print_sums(a, NULL);
	}
	free(a);
	strbuf_release(&err);
	return ret;
}

int cmd_store(int argc, char **argv, struct ctx *ctx)
{
	const char *to = NULL;

	if (argc < 2)
		return cmd_usage_error(cmd_store_usage, "say what to do: copy or digest");
	if (!strcmp(argv[1], "digest")) {
		if (argc > 2)
			return cmd_usage_error(cmd_store_usage, "unexpected '%s'", argv[2]);
		return store_digest(ctx);
	}
	if (strcmp(argv[1], "copy"))
		return cmd_usage_error(cmd_store_usage, "unknown subcommand '%s'", argv[1]);
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--to") && i + 1 < argc)
			to = argv[++i];
		else if (!strncmp(argv[i], "--to=", 5))
			to = argv[i] + 5;
		else
			return cmd_usage_error(cmd_store_usage, "unexpected '%s'", argv[i]);
	}
	if (!to || !*to)
		return cmd_usage_error(cmd_store_usage, "store copy needs --to URL");
	return store_copy_to(ctx, to);
}
