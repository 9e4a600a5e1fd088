#include <stdarg.h>
#include <stdio.h>

#include "core/log.h"
#include "core/timeutil.h"
#include "core/banned.h"

static enum log_level min_level = LOG_INFO;
static int timestamps;
static const char *command;

void log_set_level(enum log_level lvl)
{
	min_level = lvl;
}

void log_set_timestamps(int on)
{
	timestamps = on;
}

void log_set_command(const char *name)
{
	command = name;
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	static const char *const names[] = { "debug: ", "", "warning: ",
					     "error: " };
	va_list ap;

	if (lvl < min_level)
		return;
	if (timestamps) {
		char ts[TIME_ISO_MAX];
		time_format_iso(time_now_ms(), ts);
		fprintf(stderr, "%s ", ts);
	}
	fprintf(stderr, "spinlog: %s%s%s", command ? command : "", command ? ": " : "",
		names[lvl]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}
