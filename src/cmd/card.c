/* spinlog card: the share card of a year (web/card.h) into a PNG file. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cmd/cmd.h"
#include "core/fsutil.h"
#include "core/http.h"
#include "web/card.h"
#include "web/covers.h"
#include "web/pages.h"
#include "core/plural.h"
#include "core/banned.h"

const char cmd_card_usage[] =
	"usage: spinlog card [--year YYYY] [-o FILE] [--no-covers] [--account NAME]\n"
	"  --year       the year (default: the latest with plays)\n"
	"  -o FILE      where to write it: a PNG, or an SVG when FILE ends in .svg\n"
	"               (default: card-YYYY.png here)\n"
	"  --no-covers  do not download the year's missing covers first\n"
	"  --account    whose year (default: the store's only account; required\n"
	"               when it has several)\n"
	"The year in review as one 1080x1350 PNG made to be shared: the top covers,\n"
	"minutes, plays, the top artist and track, and the year's days.\n";

/* Downloads the year's missing covers, warning about the ones that fail. */
static void fetch_covers(struct pages *p, const struct report_year *y)
{
	struct http *h = http_new();
	int failed = 0;
	covers_sync_year(&p->covers, h, p->store, y, &failed);
	http_free(h);
	if (failed)
		fprintf(stderr, "spinlog: card: warning: %d cover%s could not be downloaded\n",
			failed, failed == 1 ? "" : "s");
}

int cmd_card(int argc, char **argv, struct ctx *ctx)
{
	const char *out = NULL;
	char name[32];
	int year = 0, fetch = 1, ret = 1, several = 0;
	struct strbuf err = STRBUF_INIT, png = STRBUF_INIT;
	struct pages p;
	const char *account = NULL;
	int64_t account_id = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--year") && i + 1 < argc) {
			if (pages_arg_int(argv[++i], 1970, 9999, &year))
				return cmd_usage_error(cmd_card_usage, "'%s' is not a year", argv[i]);
		} else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			out = argv[++i];
		} else if (!strcmp(argv[i], "--no-covers")) {
			fetch = 0;
		} else if (!strcmp(argv[i], "--account") && i + 1 < argc) {
			account = argv[++i];
		} else {
			return cmd_usage_error(cmd_card_usage, "unknown argument '%s'", argv[i]);
		}
	}
	if ((ret = cmd_account_pick(ctx, "card", account, 0, &account_id, &several)))
		return ret;
	ret = 1;
	if (pages_init_for(&p, ctx->store, ctx->data_dir,
			   config_get_int(&ctx->cfg, "stats.min_ms_played"), account_id,
			   several, &err)) {
		fprintf(stderr, "spinlog: card: %s\n", err.buf);
		strbuf_release(&err);
		return 1;
	}
	if (!year && p.nyears)
		year = p.years[p.nyears - 1];
	int known = 0;
	for (int i = 0; i < p.nyears; i++)
		known |= p.years[i] == year;
	const struct report_year *y = known ? pages_year(&p, year, &err) : NULL;
	if (!y) {
		if (!known)
			fprintf(stderr, "spinlog: card: %s\n", p.nyears ? "no plays in that year"
								 : "no plays stored yet");
		else
			fprintf(stderr, "spinlog: card: %s\n", err.buf);
		goto out;
	}
	if (fetch)
		fetch_covers(&p, y);
	snprintf(name, sizeof(name), "card-%d.png", year);
	if (!out)
		out = name;
	size_t olen = strlen(out);
	int svg = olen > 4 && !strcasecmp(out + olen - 4, ".svg");
	if ((svg ? card_svg : card_png)(y, &p.covers, &png, &err)) {
		fprintf(stderr, "spinlog: card: %s\n", err.buf);
		goto out;
	}
	if (fs_write_atomic(out, png.buf, png.len, 0644)) {
		fprintf(stderr, "spinlog: card: cannot write '%s': %s\n", out, strerror(errno));
		goto out;
	}
	printf("spinlog: card: wrote %s (%d, %zu %s)\n", out, year, png.len,
	       plural((long long)png.len, "byte", "bytes"));
	ret = 0;
out:
	pages_release(&p);
	strbuf_release(&err);
	strbuf_release(&png);
	return ret;
}
