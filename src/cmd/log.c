/*
 * spinlog log: stored plays, newest first, one per line ("git log
 * --oneline"-ish), or as JSON lines.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "store/store.h"
#include "core/banned.h"

const char cmd_log_usage[] =
	"usage: spinlog log [-n N] [--account NAME] [--format text|jsonl]\n"
	"\n"
	"Shows stored plays, newest first (default the last 20), of every account\n"
	"unless --account names one (an unknown name is an error).\n"
	"jsonl fields: played_at, track_id, track_name, artists, album_name,\n"
	"ms_played (null when unknown), kind, sources, account.\n";

/* artists: from the catalog when the ETL has it, else split the play's text. */
static cJSON *artists_json(const char *catalog, const char *joined)
{
	cJSON *arr = cJSON_CreateArray();
	const char *sep = catalog ? "\x1f" : ", ";
	const char *p = catalog ? catalog : joined;
	size_t sl = strlen(sep);

	while (p && *p) {
		const char *e = strstr(p, sep);
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char *s = xstrndup(p, n);
		cJSON_AddItemToArray(arr, cJSON_CreateString(s));
		free(s);
		p = e ? e + sl : NULL;
	}
	return arr;
}

static cJSON *str_or_null(const char *s)
{
	return s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

static int print_jsonl(void *arg, const struct store_log_play *p)
{
	char iso[TIME_ISO_MAX];
	cJSON *o = cJSON_CreateObject(), *src = cJSON_CreateArray();
	char *s;

	(void)arg;
	time_format_iso(p->played_ms, iso);
	cJSON_AddStringToObject(o, "played_at", iso);
	cJSON_AddItemToObject(o, "track_id", str_or_null(p->track_id));
	cJSON_AddItemToObject(o, "track_name", str_or_null(p->track_name));
	cJSON_AddItemToObject(o, "artists", artists_json(p->catalog_artists, p->artist_name));
	cJSON_AddItemToObject(o, "album_name", str_or_null(p->album_name));
	if (p->ms_played < 0)
		cJSON_AddNullToObject(o, "ms_played");
	else
		cJSON_AddNumberToObject(o, "ms_played", (double)p->ms_played);
	cJSON_AddStringToObject(o, "kind", p->kind ? p->kind : "music");
	for (size_t i = 0; i < sources_len; i++)
		if (p->sources & SOURCE_BIT(sources[i].id))
			cJSON_AddItemToArray(src, cJSON_CreateString(sources[i].name));
	cJSON_AddItemToObject(o, "sources", src);
	cJSON_AddStringToObject(o, "account", p->account ? p->account : "");
	s = cJSON_PrintUnformatted(o);
	puts(s);
	free(s);
	cJSON_Delete(o);
	return 0;
}

static int print_text(void *arg, const struct store_log_play *p)
{
	char when[64];
	const char *artist = p->artist_name, *track = p->track_name;
	struct strbuf line = STRBUF_INIT;

	(void)arg;
	time_format_local(p->played_ms, "%Y-%m-%d %H:%M", when, sizeof(when));
	strbuf_addf(&line, "%s  %s \xe2\x80\x93 %s", when,
		    artist && *artist ? artist : "?",
		    track ? track : (p->track_id ? p->track_id : "?"));
	str_make_printable(line.buf);
	puts(line.buf);
	strbuf_release(&line);
	return 0;
}

int cmd_log(int argc, char **argv, struct ctx *ctx)
{
	long long n = 20;
	const char *account = NULL, *format = "text";
	struct strbuf err = STRBUF_INIT;
	char *end;
	int ret = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-n") && i + 1 < argc) {
			n = strtoll(argv[++i], &end, 10);
			if (*end || n < 0)
				return cmd_usage_error(cmd_log_usage,
					"'-n' needs a count, not '%s'", argv[i]);
		} else if (!strcmp(argv[i], "--account") && i + 1 < argc) {
			account = argv[++i];
		} else if (!strcmp(argv[i], "--format") && i + 1 < argc) {
			format = argv[++i];
			if (strcmp(format, "text") && strcmp(format, "jsonl"))
				return cmd_usage_error(cmd_log_usage,
					"unknown format '%s' (text or jsonl)", format);
		} else {
			return cmd_usage_error(cmd_log_usage, "unknown argument '%s'",
					       argv[i]);
		}
	}
	int64_t id; /* an unknown name is an error, not an empty list */
	if ((ret = cmd_account_pick(ctx, "log", account, 1, &id, NULL)))
		return ret;
	if (store_recent_plays(ctx->store, account, n,
			       !strcmp(format, "jsonl") ? print_jsonl : print_text, NULL,
			       &err)) {
		fprintf(stderr, "spinlog: log: %s\n", err.buf);
		ret = 1;
	}
	strbuf_release(&err);
	return ret;
}
