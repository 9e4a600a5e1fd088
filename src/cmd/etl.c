/*
 * spinlog etl: landed pages -> plays and catalog, enriched with genres and
 * audio data; see pipeline/etl.h.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "core/http.h"
#include "core/timeutil.h"
#include "pipeline/etl.h"
#include "store/store.h"
#include "web/covers_catalog.h"
#include "core/plural.h"
#include "core/banned.h"

const char cmd_etl_usage[] =
	"usage: spinlog etl [--account NAME] [--rebuild] [--retry-set-aside]\n"
	"                   [--no-covers]\n"
	"\n"
	"Turns every landed page not yet processed into plays and catalog rows,\n"
	"then fetches what the catalog lacks (artist genres, audio features,\n"
	"audio analysis) from the providers in 'etl.providers'. Every answer is\n"
	"landed; nothing already stored is asked again. Then downloads the\n"
	"cover of every album in the catalog not yet cached (data/covers).\n"
	"\n"
	"  --account NAME   only this account's pages (and its API access)\n"
	"  --rebuild        drop the catalog and rebuild it from the landing\n"
	"                   store alone, without a single request\n"
	"  --retry-set-aside\n"
	"                   forget the ids set aside by earlier runs (not a\n"
	"                   Spotify id, unknown, unusable answer; see 'spinlog\n"
	"                   status') and try them again\n"
	"  --no-covers      do not download album covers\n";

/* The covers of every album in the catalog; a failure is only a warning. */
static void sync_covers(struct ctx *ctx)
{
	struct covers c;
	struct covers_catalog_stats st;
	struct strbuf err = STRBUF_INIT;
	struct http *h = http_new();

	covers_init(&c, ctx->data_dir);
	if (covers_catalog_sync(&c, h, ctx->store, time_now_ms(), &st, &err)) {
		fprintf(stderr, "spinlog: etl: warning: covers: %s\n", err.buf);
	} else {
		printf("covers: %ld %s, %ld cached, %ld fetched, %ld failed"
		       " (retried later), %ld pending", st.albums,
		       plural(st.albums, "album", "albums"), st.cached, st.fetched,
		       st.failed, st.pending);
		if (st.not_before_ms) {
			char when[TIME_ISO_MAX];
			time_format_iso(st.not_before_ms, when);
			printf("; rate limited until %s", when);
		}
		printf("\n");
		if (st.artists)
			printf("artist images: %ld %s, %ld cached, %ld fetched,"
			       " %ld failed (retried later), %ld pending\n", st.artists,
			       plural(st.artists, "artist", "artists"), st.artist_cached,
			       st.artist_fetched,
			       st.artist_failed, st.artist_pending);
	}
	http_free(h);
	covers_release(&c);
	strbuf_release(&err);
}

/* 'etl --rebuild' on a terminal: what is done so far, on one line. */
static void progress(void *arg, long pages, long answers, int last)
{
	(void)arg;
	fprintf(stderr, "\retl: rebuilding: %ld %s, %ld landed %s read back", pages,
		plural(pages, "page", "pages"), answers, plural(answers, "answer", "answers"));
	if (last)
		fputc('\n', stderr);
}

int cmd_etl(int argc, char **argv, struct ctx *ctx)
{
	struct strbuf summary = STRBUF_INIT, err = STRBUF_INIT;
	const char *account = NULL;
	int rebuild = 0, retry = 0, covers = 1, ret = 1;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--account") && i + 1 < argc)
			account = argv[++i];
		else if (!strncmp(argv[i], "--account=", 10))
			account = argv[i] + 10;
		else if (!strcmp(argv[i], "--rebuild"))
			rebuild = 1;
		else if (!strcmp(argv[i], "--retry-set-aside"))
			retry = 1;
		else if (!strcmp(argv[i], "--no-covers"))
			covers = 0;
		else
			return cmd_usage_error(cmd_etl_usage,
					       "unknown argument '%s'", argv[i]);
	}
	if (retry && store_setaside_forget(ctx->store, &err) < 0) {
		fprintf(stderr, "spinlog: etl: cannot forget the set-aside ids: "
			"%s\n", err.buf);
		goto out;
	}
	struct etl_progress pr = { progress, NULL };
	if (etl_run_progress(ctx->store, ctx->landing, &ctx->cfg, ctx->data_dir, account,
			     rebuild, rebuild && isatty(2) ? &pr : NULL, &summary, &err)) {
		if (rebuild && isatty(2))
			fputc('\n', stderr); /* after the progress line */
		fprintf(stderr, "spinlog: %s\n", err.buf);
		goto out;
	}
	printf("%s\n", summary.buf);
	if (covers && !rebuild)
		sync_covers(ctx);
	ret = 0;
out:
	strbuf_release(&summary);
	strbuf_release(&err);
	return ret;
}
