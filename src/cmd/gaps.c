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
#include "store/store.h"
#include "core/banned.h"

const char cmd_gaps_usage[] =
	"usage: spinlog gaps [--account NAME] [--format text|jsonl]\n"
	"\n"
	"Lists spans whose plays could not be collected, open or healed, of every\n"
	"account unless --account names one (an unknown name is an error).\n";

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

struct gaps_out {
	int jsonl, rows;
};

static void print_gap_jsonl(const struct store_gap *g, const char *from, const char *to,
			    const char *det, const char *healed)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, "{\"account\":");
	strbuf_add_json_str(&sb, g->account);
	strbuf_addf(&sb, ",\"from\":\"%s\",\"to\":\"%s\","
		    "\"duration_ms\":%lld,\"detected\":\"%s\","
		    "\"state\":\"%s\",\"healed\":", from, to,
		    (long long)(g->to_ms - g->from_ms), det,
		    g->healed_ms >= 0 ? "healed" : "open");
	if (g->healed_ms >= 0)
		strbuf_addf(&sb, "\"%s\"", healed);
	else
		strbuf_addstr(&sb, "null");
	strbuf_addstr(&sb, ",\"healed_by\":");
	if (g->healed_by)
		strbuf_add_json_str(&sb, g->healed_by);
	else
		strbuf_addstr(&sb, "null");
	puts(strbuf_addch(&sb, '}') ? "" : sb.buf);
	strbuf_release(&sb);
}

static int print_gap(void *arg, const struct store_gap *g)
{
	struct gaps_out *o = arg;
	char from[TIME_ISO_MAX], to[TIME_ISO_MAX], det[TIME_ISO_MAX];
	char healed[TIME_ISO_MAX] = "", dur[32];
	int is_healed = g->healed_ms >= 0;
	const char *by = g->healed_by;

	time_format_iso(g->from_ms, from);
	time_format_iso(g->to_ms, to);
	time_format_iso(g->detected_ms, det);
	if (is_healed)
		time_format_iso(g->healed_ms, healed);
	duration(g->to_ms - g->from_ms, dur, sizeof(dur));
	o->rows++;
	if (o->jsonl)
		print_gap_jsonl(g, from, to, det, healed);
	else
		printf("%s  %s .. %s  %-8s detected %s  %s%s%s\n", g->account, from,
		       to, dur, det, is_healed ? "healed" : "open",
		       is_healed && by ? " by " : "", is_healed && by ? by : "");
	return 0;
}

int cmd_gaps(int argc, char **argv, struct ctx *ctx)
{
	const char *account = NULL, *format = "text";
	struct gaps_out o = { 0, 0 };
	struct strbuf err = STRBUF_INIT;
	int ret = 0;

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
	o.jsonl = !strcmp(format, "jsonl");
	int64_t id; /* an unknown name is an error, not an empty list */
	if ((ret = cmd_account_pick(ctx, "gaps", account, 1, &id, NULL)))
		return ret;
	if (store_gaps_list(ctx->store, account, print_gap, &o, &err)) {
		fprintf(stderr, "spinlog: gaps: %s\n", err.buf);
		ret = 1;
	} else if (!o.rows && !o.jsonl) {
		fputs("no gaps\n", stderr);
	}
	strbuf_release(&err);
	return ret;
}
