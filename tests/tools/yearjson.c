/*
 * The year in review and the calendar of one account, as the dashboard's
 * JSON API gives them (api_summary, api_calendar), for the many-accounts
 * tests (issue 12): the same account's answers from a store it shares and
 * from a store of its own must be the same bytes.
 *   yearjson STORE_URL ACCOUNT YEAR...   (ACCOUNT "-": every account's)
 * Prints the years of the account, then per year the summary and the
 * calendar, one JSON document a line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/timeutil.h"
#include "report/report.h"
#include "store/store.h"
#include "web/api.h"
#include "core/banned.h"

int main(int argc, char **argv)
{
	struct store *db;
	struct strbuf err = STRBUF_INIT, out = STRBUF_INIT;
	struct report_options opt = { 30000, 0 };
	struct report_cache c;
	struct covers cv;
	int *years, n, ret = 1;

	if (argc < 3) {
		fprintf(stderr, "usage: yearjson STORE_URL ACCOUNT YEAR...\n");
		return 2;
	}
	time_set_zone(getenv("SPINLOG_TIMEZONE"));
	if (store_open(argv[1], &db, &err)) {
		fprintf(stderr, "yearjson: %s\n", err.buf);
		return 1;
	}
	if (strcmp(argv[2], "-") && (opt.account_id = store_accounts_find(db, argv[2])) <= 0) {
		fprintf(stderr, "yearjson: no account '%s'\n", argv[2]);
		store_close(db);
		return 1;
	}
	covers_init(&cv, "/nonexistent");
	report_cache_init_for(&c, db, opt.account_id, 0);
	if (report_years(db, opt.account_id, &years, &n, &err))
		goto out;
	api_years(years, n, &out);
	free(years);
	for (int a = 3; a < argc; a++) {
		struct report_year y;
		if (report_year_with(&c, (int)strtol(argv[a], NULL, 10), &opt, &y, &err))
			goto out;
		strbuf_addch(&out, '\n');
		api_summary(&y, &out);
		strbuf_addch(&out, '\n');
		api_calendar(&y, &cv, &out);
		report_year_release(&y);
	}
	strbuf_addch(&out, '\n');
	fwrite(out.buf, 1, out.len, stdout);
	ret = 0;
out:
	if (ret)
		fprintf(stderr, "yearjson: %s\n", err.buf);
	report_cache_release(&c);
	covers_release(&cv);
	store_close(db);
	strbuf_release(&err);
	strbuf_release(&out);
	return ret;
}
