/* spinlog wrapped: the year in review in the terminal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/timeutil.h"
#include "report/report.h"
#include "web/pages.h"
#include "core/banned.h"

const char cmd_wrapped_usage[] =
	"usage: spinlog wrapped [--year YYYY]\n"
	"  --year  the year (default: the latest year with plays)\n";

static const char *const months[12] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					"Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

static void print_ranks(const char *title, const struct report_rank *r, int n)
{
	printf("\n%s\n", title);
	if (!n)
		printf("   (none)\n");
	for (int i = 0; i < n; i++) {
		printf("  %2d. %s", i + 1, r[i].label);
		if (r[i].sub && r[i].sub[0])
			printf(" — %s", r[i].sub);
		printf("  (%d plays, %.0f min)\n", r[i].plays, (double)r[i].ms / 60000.0);
	}
}

/* Strips control characters so a hostile name cannot drive the terminal. */
static void sanitize_ranks(struct report_rank *r, int n)
{
	for (int i = 0; i < n; i++) {
		str_make_printable(r[i].label);
		str_make_printable(r[i].sub);
	}
}

static void print_year(struct report_year *y)
{
	char buf[64];
	int64_t max = 1;

	for (int i = 0; i < y->ntracks; i++) {
		str_make_printable(y->tracks[i].name);
		str_make_printable(y->tracks[i].artists);
	}
	sanitize_ranks(y->top_tracks, y->ntop_tracks);
	sanitize_ranks(y->top_artists, y->ntop_artists);
	sanitize_ranks(y->top_albums, y->ntop_albums);
	sanitize_ranks(y->top_genres, y->ntop_genres);
	sanitize_ranks(y->new_artist_list, y->nnew_artist_list);

	printf("Your %d in music\n\n", y->year);
	printf("  listening time   %.1f h", (double)y->ms / 3600000.0);
	if (y->plays)
		printf("  (%d of %d plays measured by ms_played, the rest estimated from"
		       " track durations)", y->plays_ms_known, y->plays);
	printf("\n  plays            %d\n", y->plays);
	printf("  tracks           %d\n  artists          %d\n  albums           %d\n",
	       y->distinct_tracks, y->distinct_artists, y->distinct_albums);
	printf("  new artists      %d\n", y->new_artists);
	if (y->skips_known)
		printf("  skip rate        %.1f%% (of %d plays with a known skip flag)\n",
		       100.0 * y->skips / y->skips_known, y->skips_known);
	else
		printf("  skip rate        unknown\n");
	if (y->biggest_day >= 0) {
		const struct report_day *d = &y->days[y->biggest_day];
		int yy, mm, dd;
		time_civil_from_days(d->day, &yy, &mm, &dd);
		printf("  biggest day      %04d-%02d-%02d: %d plays, %.0f min\n", yy, mm, dd,
		       d->plays, (double)d->ms / 60000.0);
	}
	if (y->first_play_ms >= 0) {
		const struct report_track *t = &y->tracks[y->first_play_track];
		time_format_local(y->first_play_ms, "%Y-%m-%d %H:%M", buf, sizeof(buf));
		printf("  first play       %s  %s — %s\n", buf, t->name, t->artists);
	}
	print_ranks("Top tracks", y->top_tracks, y->ntop_tracks);
	print_ranks("Top artists", y->top_artists, y->ntop_artists);
	print_ranks("Top albums", y->top_albums, y->ntop_albums);
	print_ranks("Top genres", y->top_genres, y->ntop_genres);
	if (y->first_year)
		printf("\nNew artists\n  your history starts in %d: every artist is new\n",
		       y->year);
	else
		print_ranks("New artists you played most", y->new_artist_list,
			    y->nnew_artist_list);

	printf("\nMinutes per month\n");
	for (int m = 0; m < 12; m++)
		if (y->month_ms[m] > max)
			max = y->month_ms[m];
	for (int m = 0; m < 12; m++) {
		int w = (int)(y->month_ms[m] * 40 / max);
		printf("  %s %6.0f ", months[m], (double)y->month_ms[m] / 60000.0);
		for (int k = 0; k < w; k++)
			fputs("█", stdout);
		if (y->month_mood_plays[m])
			printf("%*s valence %.2f energy %.2f", 41 - w, "",
			       y->month_valence[m], y->month_energy[m]);
		putchar('\n');
	}
}

int cmd_wrapped(int argc, char **argv, struct ctx *ctx)
{
	struct report_options opt = { config_get_int(&ctx->cfg, "stats.min_ms_played") };
	struct report_year y;
	struct strbuf err = STRBUF_INIT;
	int year = 0, ret = 1;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--year") && i + 1 < argc) {
			if (pages_arg_int(argv[++i], 1970, 9999, &year))
				return cmd_usage_error(cmd_wrapped_usage, "'%s' is not a year",
						       argv[i]);
		} else {
			return cmd_usage_error(cmd_wrapped_usage, "unknown argument '%s'",
					       argv[i]);
		}
	}
	store_tune_for_reads(ctx->store);
	if (!year) {
		int *years, n;
		if (report_years(ctx->store, &years, &n, &err)) {
			fprintf(stderr, "spinlog: wrapped: %s\n", err.buf);
			goto out;
		}
		if (!n) {
			fprintf(stderr, "spinlog: wrapped: no plays stored yet; run 'spinlog "
				"collect' or 'spinlog import' first\n");
			free(years);
			goto out;
		}
		year = years[n - 1];
		free(years);
	}
	if (report_year(ctx->store, year, &opt, &y, &err)) {
		fprintf(stderr, "spinlog: wrapped: %s\n", err.buf);
		goto out;
	}
	print_year(&y);
	report_year_release(&y);
	ret = 0;
out:
	strbuf_release(&err);
	return ret;
}
