/*
 * Time in spinlog is an int64 count of milliseconds since the Unix epoch,
 * UTC. Local time uses the process time zone, which the dispatcher sets once
 * from the `timezone` setting (TZ + tzset), so DST rules come from the IANA
 * database. Formatting functions write into caller buffers.
 */
#ifndef CORE_TIMEUTIL_H
#define CORE_TIMEUTIL_H

#include <stdint.h>
#include <stddef.h>

#define TIME_ISO_MAX 32

int64_t time_now_ms(void);
/* Monotonic milliseconds, for measuring durations. */
int64_t time_mono_ms(void);

/*
 * Parses ISO 8601 UTC forms: "YYYY-MM-DDTHH:MM:SS[.fff]Z", the same with
 * "+00:00", and the export's "YYYY-MM-DD HH:MM" (minute precision). Fields
 * are range-checked (month 13 and day 45 are errors). Returns 0 or -1.
 */
int time_parse_iso(const char *s, int64_t *ms);
/* Parses a local calendar date "YYYY-MM-DD" to the ms of its local midnight. */
int time_parse_local_date(const char *s, int64_t *ms);
/* "2026-05-13T15:10:40.089Z" */
void time_format_iso(int64_t ms, char buf[TIME_ISO_MAX]);
/* strftime in the configured local zone. */
void time_format_local(int64_t ms, const char *fmt, char *buf, size_t len);
/* Local calendar day number (days since 1970-01-01 in local time). */
int64_t time_local_day(int64_t ms);
/* Days since epoch for a civil date, and back (proleptic Gregorian). */
int64_t time_days_from_civil(int y, int m, int d);
void time_civil_from_days(int64_t z, int *y, int *m, int *d);
/* Sets the process zone; NULL or "" keeps the system zone. 0 or -1 if unknown. */
int time_set_zone(const char *iana);

#endif
