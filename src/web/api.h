/*
 * The dashboard's JSON API (doc/dashboard.md): one object per report, with
 * dates as local "YYYY-MM-DD", times as ISO 8601 UTC and durations in ms.
 * The same objects are the static site's calendar.json and summary.json.
 * Functions append to out.
 */
#ifndef WEB_API_H
#define WEB_API_H

#include "core/strbuf.h"
#include "report/report.h"
#include "web/covers.h"

void api_years(const int *years, int n, struct strbuf *out);
void api_calendar(const struct report_year *y, const struct covers *c,
		  struct strbuf *out);
void api_summary(const struct report_year *y, struct strbuf *out);
void api_day(int64_t day, const struct report_plays *p, struct strbuf *out);
void api_track(const struct report_track_page *t, struct strbuf *out);
void api_coverage(const struct report_coverage *cv, struct strbuf *out);

#endif
