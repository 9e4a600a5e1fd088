/*
 * Measures the "see it" reports on an existing store (see report_bench.sh,
 * which fills one with bench/report_gen.sql): for each year given, the time
 * to compute the year (calendar and year in review come from one pass) and
 * to render the calendar and year-in-review pages. Prints milliseconds:
 * the first run, the best of five (wall clock) and the best CPU time (less
 * sensitive to other processes on a shared machine), each once with the
 * catalog read afresh every time ("cold": the first pass after the database
 * changed) and once with it kept between passes of one connection (as the
 * server and the site do while nothing changes; the plays are read anew).
 * First of all, "start": opening the store, the list of years and the
 * first year's report on the new handle, as a server or 'wrapped' does.
 *   report-bench DB YEAR...
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/strbuf.h"
#include "core/timeutil.h"
#include "report/report.h"
#include "store/store.h"
#include "web/api.h"
#include "web/html.h"
#include "core/banned.h"

static double clock_ms(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static double now_ms(void)
{
	return clock_ms(CLOCK_MONOTONIC);
}

int main(int argc, char **argv)
{
	struct store *db;
	struct strbuf err = STRBUF_INIT;
	struct report_options opt = { 30000, 0 };

	if (argc < 3) {
		fprintf(stderr, "usage: report-bench DB YEAR...\n");
		return 2;
	}
	time_set_zone(getenv("SPINLOG_TIMEZONE"));
	{
		double t0 = now_ms();
		int *years, n;
		struct report_year y;
		if (store_open(argv[1], &db, &err))
			goto fail;
		if (!getenv("BENCH_NO_TUNE"))
			store_tune_for_reads(db);
		/* BENCH_ACCOUNT=NAME: that account's reports only (issue 12) */
		if (getenv("BENCH_ACCOUNT") &&
		    (opt.account_id = store_accounts_find(db, getenv("BENCH_ACCOUNT"))) <= 0) {
			strbuf_addf(&err, "no account '%s'", getenv("BENCH_ACCOUNT"));
			goto fail;
		}
		if (report_years(db, opt.account_id, &years, &n, &err) ||
		    report_year(db, (int)strtol(argv[2], NULL, 10), &opt, &y, &err)) {
fail:
			fprintf(stderr, "report-bench: %s\n", err.buf);
			return 1;
		}
		double t1 = now_ms();
		printf("start: open, %d years, first report: %.1f ms\n", n, t1 - t0);
		free(years);
		report_year_release(&y);
	}
	printf("%-6s %-5s %12s %12s %12s %12s %12s %8s\n", "year", "cat", "report_first",
	       "report_best", "cpu_best", "calendar", "summary", "html_kb");
	struct report_cache c;
	report_cache_init_for(&c, db, opt.account_id, 0);
	for (int a = 2; a < argc; a++)
	for (int keep = 0; keep < 2; keep++) {
		int year = (int)strtol(argv[a], NULL, 10);
		double cold = 0, best = 1e9, cal = 1e9, sum = 1e9, cpu = 1e9;
		size_t kb = 0;
		for (int run = 0; run < 5; run++) {
			struct report_year y;
			struct strbuf out = STRBUF_INIT;
			if (!keep)
				report_cache_forget(&c);
			double c0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID), t0 = now_ms();
			if (report_year_with(&c, year, &opt, &y, &err)) {
				fprintf(stderr, "report-bench: %s\n", err.buf);
				return 1;
			}
			double t1 = now_ms(), c1 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
			if (c1 - c0 < cpu)
				cpu = c1 - c0;
			html_calendar(&y, NULL, &year, 1, &out);
			api_calendar(&y, NULL, &out);
			double t2 = now_ms();
			html_year(&y, NULL, &year, 1, NULL, &out);
			api_summary(&y, &out);
			double t3 = now_ms();
			if (!run)
				cold = t1 - t0;
			if (t1 - t0 < best) best = t1 - t0;
			if (t2 - t1 < cal) cal = t2 - t1;
			if (t3 - t2 < sum) sum = t3 - t2;
			kb = out.len / 1024;
			if (a == 2 && !run && !keep)
				printf("# %d plays counted in %d\n", y.plays, year);
			report_year_release(&y);
			strbuf_release(&out);
		}
		printf("%-6d %-5s %12.1f %12.1f %12.1f %12.2f %12.2f %8zu\n", year,
		       keep ? "kept" : "cold", cold, best, cpu, cal, sum, kb);
	}
	report_cache_release(&c);
	store_close(db);
	return 0;
}
