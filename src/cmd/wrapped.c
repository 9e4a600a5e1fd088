/* spinlog wrapped: the year in review in the terminal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/timeutil.h"
#include "report/nav.h"
#include "report/report.h"
#include "web/pages.h"
#include "core/plural.h"
#include "core/banned.h"

const char cmd_wrapped_usage[] =
	"usage: spinlog wrapped [--year YYYY | --from YYYY-MM-DD --to YYYY-MM-DD | --all]\n"
	"                       [--account NAME]\n"
	"  --account  whose plays (default: the store's only account; required\n"
	"             when it has several)\n"
	"  --year  the year (default: the latest year with plays)\n"
	"  --from  top tracks, artists and albums from this local day on\n"
	"  --to    ... up to and including this day (either may be left out)\n"
	"  --all   the same over the whole history\n";

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
		printf("  (%d %s, %.0f min)\n", r[i].plays, plural(r[i].plays, "play", "plays"),
		       (double)r[i].ms / 60000.0);
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
		printf("  (%d of %d %s measured by ms_played, the rest estimated from"
		       " track durations)", y->plays_ms_known, y->plays,
		       plural(y->plays, "play", "plays"));
	printf("\n  plays            %d\n", y->plays);
	printf("  tracks           %d\n  artists          %d\n  albums           %d\n",
	       y->distinct_tracks, y->distinct_artists, y->distinct_albums);
	printf("  new artists      %d\n", y->new_artists);
	if (y->skips_known)
		printf("  skip rate        %.1f%% (of %d %s with a known skip flag)\n",
		       100.0 * y->skips / y->skips_known, y->skips_known,
		       plural(y->skips_known, "play", "plays"));
	else
		printf("  skip rate        unknown\n");
	if (y->biggest_day >= 0) {
		const struct report_day *d = &y->days[y->biggest_day];
		int yy, mm, dd;
		time_civil_from_days(d->day, &yy, &mm, &dd);
		printf("  biggest day      %04d-%02d-%02d: %d %s, %.0f min\n", yy, mm, dd,
		       d->plays, plural(d->plays, "play", "plays"), (double)d->ms / 60000.0);
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

/* A date range: totals and top lists (report/nav.h). */
static int print_range(struct store *st, const struct report_options *opt, int64_t from,
		       int64_t to, struct strbuf *err)
{
	struct nav_index x;
	struct nav_range r;
	char a[32] = "the start", b[32] = "now";

	if (nav_index_build(st, opt, &x, err))
		return -1;
	if (nav_range(&x, st, from, to, &r, err)) {
		nav_index_release(&x);
		return -1;
	}
	if (from != INT64_MIN)
		time_format_local(nav_midnight(from), "%Y-%m-%d", a, sizeof(a));
	if (to != INT64_MAX)
		time_format_local(nav_midnight(to - 1), "%Y-%m-%d", b, sizeof(b));
	sanitize_ranks(r.top_tracks, r.ntop_tracks);
	sanitize_ranks(r.top_artists, r.ntop_artists);
	sanitize_ranks(r.top_albums, r.ntop_albums);
	printf("Your music from %s to %s\n\n", a, b);
	printf("  listening time   %.1f h\n  plays            %d\n", (double)r.ms / 3600000.0,
	       r.plays);
	printf("  tracks           %d\n  artists          %d\n  albums           %d\n",
	       r.distinct_tracks, r.distinct_artists, r.distinct_albums);
	print_ranks("Top tracks", r.top_tracks, r.ntop_tracks < 10 ? r.ntop_tracks : 10);
	print_ranks("Top artists", r.top_artists, r.ntop_artists < 10 ? r.ntop_artists : 10);
	print_ranks("Top albums", r.top_albums, r.ntop_albums < 10 ? r.ntop_albums : 10);
	nav_range_release(&r);
	nav_index_release(&x);
	return 0;
}

int cmd_wrapped(int argc, char **argv, struct ctx *ctx)
{
	struct report_options opt = { config_get_int(&ctx->cfg, "stats.min_ms_played"), 0 };
	const char *account = NULL;
	struct report_year y;
	struct strbuf err = STRBUF_INIT;
	int year = 0, ret = 1, range = 0;
	int64_t from = INT64_MIN, to = INT64_MAX;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--year") && i + 1 < argc) {
			if (pages_arg_int(argv[++i], 1970, 9999, &year))
				return cmd_usage_error(cmd_wrapped_usage, "'%s' is not a year",
						       argv[i]);
		} else if ((!strcmp(argv[i], "--from") || !strcmp(argv[i], "--to")) &&
			   i + 1 < argc) {
			int64_t *d = argv[i][2] == 'f' ? &from : &to;
			range = 1;
			if (nav_parse_date(argv[++i], d))
				return cmd_usage_error(cmd_wrapped_usage, "'%s' is not a date"
						       " YYYY-MM-DD", argv[i]);
			if (d == &to)
				to++; /* the last day included */
		} else if (!strcmp(argv[i], "--all")) {
			range = 1;
		} else if (!strcmp(argv[i], "--account") && i + 1 < argc) {
			account = argv[++i];
		} else {
			return cmd_usage_error(cmd_wrapped_usage, "unknown argument '%s'",
					       argv[i]);
		}
	}
	if (range && year)
		return cmd_usage_error(cmd_wrapped_usage, "--year and --from/--to/--all exclude"
				       " each other");
	if (range && from >= to)
		return cmd_usage_error(cmd_wrapped_usage, "--from must not be after --to");
	if ((ret = cmd_account_pick(ctx, "wrapped", account, 0, &opt.account_id, NULL)))
		return ret;
	ret = 1;
	store_tune_for_reads(ctx->store);
	if (range) {
		if (print_range(ctx->store, &opt, from, to, &err)) {
			fprintf(stderr, "spinlog: wrapped: %s\n", err.buf);
			goto out;
		}
		ret = 0;
		goto out;
	}
	if (!year) {
		int *years, n;
		if (report_years(ctx->store, opt.account_id, &years, &n, &err)) {
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
