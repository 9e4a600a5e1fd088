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
#include "store/db.h"
#include "core/banned.h"

const char cmd_log_usage[] =
	"usage: spinlog log [-n N] [--account NAME] [--format text|jsonl]\n"
	"\n"
	"Shows stored plays, newest first (default the last 20).\n"
	"jsonl fields: played_at, track_id, track_name, artists, album_name,\n"
	"ms_played (null when unknown), kind, sources, account.\n";

static const char *col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

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

static void print_jsonl(sqlite3_stmt *st)
{
	char iso[TIME_ISO_MAX];
	cJSON *o = cJSON_CreateObject(), *src = cJSON_CreateArray();
	int sources = sqlite3_column_int(st, 7);
	char *s;

	time_format_iso(sqlite3_column_int64(st, 0), iso);
	cJSON_AddStringToObject(o, "played_at", iso);
	cJSON_AddItemToObject(o, "track_id", col(st, 1) ? cJSON_CreateString(col(st, 1))
							: cJSON_CreateNull());
	cJSON_AddItemToObject(o, "track_name", col(st, 2) ? cJSON_CreateString(col(st, 2))
							  : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "artists", artists_json(col(st, 9), col(st, 3)));
	cJSON_AddItemToObject(o, "album_name", col(st, 4) ? cJSON_CreateString(col(st, 4))
							  : cJSON_CreateNull());
	if (sqlite3_column_type(st, 5) == SQLITE_NULL)
		cJSON_AddNullToObject(o, "ms_played");
	else
		cJSON_AddNumberToObject(o, "ms_played",
					(double)sqlite3_column_int64(st, 5));
	cJSON_AddStringToObject(o, "kind", col(st, 6) ? col(st, 6) : "music");
	if (sources & SRC_API)
		cJSON_AddItemToArray(src, cJSON_CreateString("api"));
	if (sources & SRC_EXPORT)
		cJSON_AddItemToArray(src, cJSON_CreateString("export"));
	if (sources & SRC_ACCOUNT_DATA)
		cJSON_AddItemToArray(src, cJSON_CreateString("account_data"));
	cJSON_AddItemToObject(o, "sources", src);
	cJSON_AddStringToObject(o, "account", col(st, 8) ? col(st, 8) : "");
	s = cJSON_PrintUnformatted(o);
	puts(s);
	free(s);
	cJSON_Delete(o);
}

static void print_text(sqlite3_stmt *st)
{
	char when[64];
	const char *artist = col(st, 3), *track = col(st, 2);
	struct strbuf line = STRBUF_INIT;

	time_format_local(sqlite3_column_int64(st, 0), "%Y-%m-%d %H:%M", when,
			  sizeof(when));
	strbuf_addf(&line, "%s  %s \xe2\x80\x93 %s", when,
		    artist && *artist ? artist : "?",
		    track ? track : (col(st, 1) ? col(st, 1) : "?"));
	str_make_printable(line.buf);
	puts(line.buf);
	strbuf_release(&line);
}

int cmd_log(int argc, char **argv, struct ctx *ctx)
{
	long long n = 20;
	const char *account = NULL, *format = "text";
	sqlite3_stmt *st;
	char *end;

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
	st = db_prepare(ctx->db,
		"SELECT p.played_ms, p.track_id, p.track_name, p.artist_name,"
		" p.album_name, p.ms_played, p.kind, p.sources, a.name,"
		" (SELECT group_concat(name, char(31)) FROM (SELECT ar.name"
		"   FROM track_artists ta JOIN artists ar ON ar.id = ta.artist_id"
		"   WHERE ta.track_id = p.track_id ORDER BY ta.position))"
		" FROM plays p JOIN accounts a ON a.id = p.account_id"
		" WHERE ?1 IS NULL OR a.name = ?1"
		" ORDER BY p.played_ms DESC, p.id DESC LIMIT ?2");
	if (account)
		sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, n);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (!strcmp(format, "jsonl"))
			print_jsonl(st);
		else
			print_text(st);
	}
	sqlite3_finalize(st);
	return 0;
}
