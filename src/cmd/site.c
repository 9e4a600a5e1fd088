/* spinlog site: the dashboard as a static site. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "core/http.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "web/covers.h"
#include "web/pages.h"
#include "web/site.h"
#include "core/plural.h"
#include "core/banned.h"

const char cmd_site_usage[] =
	"usage: spinlog site --out DIR [--year YYYY] [--base-url URL] [--no-covers]\n"
	"                    [--account NAME]\n"
	"  --out        folder to write (created; an earlier site there is replaced,\n"
	"               a folder holding other files is refused)\n"
	"  --year       only that year (default: every year with plays)\n"
	"  --base-url   where the site will be published (http:// or https://):\n"
	"               pages get canonical links and the year's card an absolute\n"
	"               og:image (default: relative links only)\n"
	"  --no-covers  do not download missing album covers first\n"
	"  --account    whose site (default: the store's only account; required\n"
	"               when it has several)\n";

/* An http(s) address with nothing an attribute or a URL would need escaped. */
static int base_url_ok(const char *u)
{
	if (strncmp(u, "https://", 8) && strncmp(u, "http://", 7))
		return 0;
	if (!u[u[4] == 's' ? 8 : 7])
		return 0;
	for (const unsigned char *c = (const unsigned char *)u; *c; c++)
		if (*c <= ' ' || *c == 0x7f || strchr("\"'<>\\`", *c))
			return 0;
	return 1;
}

/* "site: day pages 1234/3653" on one terminal line, a line of its own when done. */
static void progress(void *arg, const char *what, int done, int total)
{
	(void)arg;
	fprintf(stderr, "\rsite: %s %d/%d%s", what, done, total, done == total ? "\n" : "");
}

int cmd_site(int argc, char **argv, struct ctx *ctx)
{
	struct site_options o = { 0 };
	struct site_stats st;
	struct pages p;
	struct strbuf err = STRBUF_INIT;
	char *base = NULL;
	int fetch = 1, ret = 1, several = 0;
	int64_t t0 = time_mono_ms(), account_id = 0;
	const char *account = NULL;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--out") && i + 1 < argc)
			o.out_dir = argv[++i];
		else if (!strcmp(argv[i], "--year") && i + 1 < argc) {
			if (pages_arg_int(argv[++i], 1970, 9999, &o.year))
				return cmd_usage_error(cmd_site_usage,
					"'%s' is not a year", argv[i]);
		} else if (!strcmp(argv[i], "--base-url") && i + 1 < argc) {
			o.base_url = argv[++i];
			if (!base_url_ok(o.base_url))
				return cmd_usage_error(cmd_site_usage, "'%s' is not an http:// or"
						       " https:// address", o.base_url);
		} else if (!strcmp(argv[i], "--no-covers"))
			fetch = 0;
		else if (!strcmp(argv[i], "--account") && i + 1 < argc)
			account = argv[++i];
		else
			return cmd_usage_error(cmd_site_usage, "unknown argument '%s'", argv[i]);
	}
	if (!o.out_dir)
		return cmd_usage_error(cmd_site_usage, "'--out DIR' is required");
	if ((ret = cmd_account_pick(ctx, "site", account, 0, &account_id, &several)))
		return ret;
	ret = 1;
	if (o.base_url) { /* one '/' between it and the page: none at its end */
		base = xstrdup(o.base_url);
		for (size_t n = strlen(base); n > 8 && base[n - 1] == '/'; n--)
			base[n - 1] = 0;
		o.base_url = base;
	}
	o.db_path = ctx->db_path;
	if (isatty(2))
		o.progress = progress;
	o.data_dir = ctx->data_dir;
	/* one listener among several: no page shows what only others played */
	if (pages_init_for(&p, ctx->store, ctx->data_dir,
			   config_get_int(&ctx->cfg, "stats.min_ms_played"), account_id,
			   several, &err)) {
		fprintf(stderr, "spinlog: site: %s\n", err.buf);
		goto out_noinit;
	}
	if (fetch) {
		struct http *h = http_new();
		int failed = 0;
		for (int i = 0; i < p.nyears; i++) {
			if (o.year && p.years[i] != o.year)
				continue;
			const struct report_year *y = pages_year(&p, p.years[i], &err);
			if (!y) {
				fprintf(stderr, "spinlog: site: %s\n", err.buf);
				http_free(h);
				goto out;
			}
			covers_sync_year(&p.covers, h, p.store, y, &failed);
		}
		http_free(h);
		if (failed)
			fprintf(stderr, "spinlog: site: warning: %d %s could not be "
				"downloaded; %s as %s\n", failed,
				plural(failed, "cover", "covers"), plural(failed, "it shows", "they show"),
				plural(failed, "a tile", "tiles"));
	}
	if (site_write(&p, &o, &st, &err)) {
		fprintf(stderr, "spinlog: site: %s\n", err.buf);
		goto out;
	}
	printf("wrote %d %s (%d changed, %d as they were) and %d %s to %s in %.2f s"
	       " (years and days %.2f s, track pages %.2f s)\n", st.files,
	       st.files == 1 ? "file" : "files", st.written, st.files - st.written,
	       st.covers, st.covers == 1 ? "cover" : "covers", o.out_dir,
	       (double)(time_mono_ms() - t0) / 1000.0, (double)st.ms_years / 1000.0,
	       (double)st.ms_tracks / 1000.0);
	ret = 0;
out:
	pages_release(&p);
out_noinit:
	free(base);
	strbuf_release(&err);
	return ret;
}
