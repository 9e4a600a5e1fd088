/*
 * spinlog gaps: spans where recently-played could not cover the listening
 * (more than 50 plays between two polls). Only the privacy export can fill
 * them; the import marks them healed.
 */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/strbuf.h"
#include "core/timeutil.h"
#include "store/db.h"
#include "core/banned.h"

const char cmd_gaps_usage[] =
	"usage: spinlog gaps [--account NAME] [--format text|jsonl]\n"
	"\n"
	"Lists spans whose plays could not be collected, open or healed.\n";

static void duration(int64_t ms, char *buf, size_t n)
{
	int64_t m = ms / 60000;

	if (m >= 1440)
		snprintf(buf, n, "%lldd %lldh", (long long)(m / 1440),
			 (long long)(m % 1440 / 60));
	else if (m >= 60)
		snprintf(buf, n, "%lldh %lldm", (long long)(m / 60), (long long)(m % 60));
	else
		snprintf(buf, n, "%lldm", (long long)m);
}

int cmd_gaps(int argc, char **argv, struct ctx *ctx)
{
	const char *account = NULL, *format = "text";
	sqlite3_stmt *st;
	int jsonl, rows = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--account") && i + 1 < argc)
			account = argv[++i];
		else if (!strcmp(argv[i], "--format") && i + 1 < argc)
			format = argv[++i];
		else
			return cmd_usage_error(cmd_gaps_usage, "unknown argument '%s'",
					       argv[i]);
	}
	if (strcmp(format, "text") && strcmp(format, "jsonl"))
		return cmd_usage_error(cmd_gaps_usage, "unknown format '%s' (text or "
				       "jsonl)", format);
	jsonl = !strcmp(format, "jsonl");
	st = db_prepare(ctx->db,
		"SELECT a.name, g.from_ms, g.to_ms, g.detected_ms, g.healed_ms,"
		" g.healed_by FROM gaps g JOIN accounts a ON a.id = g.account_id"
		" WHERE ?1 IS NULL OR a.name = ?1 ORDER BY g.from_ms, a.name");
	if (account)
		sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		char from[TIME_ISO_MAX], to[TIME_ISO_MAX], det[TIME_ISO_MAX];
		char healed[TIME_ISO_MAX] = "", dur[32];
		const char *name = (const char *)sqlite3_column_text(st, 0);
		const char *by = (const char *)sqlite3_column_text(st, 5);
		int64_t f = sqlite3_column_int64(st, 1), t = sqlite3_column_int64(st, 2);
		int is_healed = sqlite3_column_type(st, 4) != SQLITE_NULL;

		time_format_iso(f, from);
		time_format_iso(t, to);
		time_format_iso(sqlite3_column_int64(st, 3), det);
		if (is_healed)
			time_format_iso(sqlite3_column_int64(st, 4), healed);
		duration(t - f, dur, sizeof(dur));
		rows++;
		if (jsonl) {
			struct strbuf sb = STRBUF_INIT;
			strbuf_addstr(&sb, "{\"account\":");
			strbuf_add_json_str(&sb, name);
			strbuf_addf(&sb, ",\"from\":\"%s\",\"to\":\"%s\","
				    "\"duration_ms\":%lld,\"detected\":\"%s\","
				    "\"state\":\"%s\",\"healed\":", from, to,
				    (long long)(t - f), det,
				    is_healed ? "healed" : "open");
			if (is_healed)
				strbuf_addf(&sb, "\"%s\"", healed);
			else
				strbuf_addstr(&sb, "null");
			strbuf_addstr(&sb, ",\"healed_by\":");
			if (by)
				strbuf_add_json_str(&sb, by);
			else
				strbuf_addstr(&sb, "null");
			puts(strbuf_addch(&sb, '}') ? "" : sb.buf);
			strbuf_release(&sb);
		} else {
			printf("%s  %s .. %s  %-8s detected %s  %s%s%s\n", name, from,
			       to, dur, det, is_healed ? "healed" : "open",
			       is_healed && by ? " by " : "", is_healed && by ? by : "");
		}
	}
	sqlite3_finalize(st);
	if (!rows && !jsonl)
		fputs("no gaps\n", stderr);
	return 0;
}
