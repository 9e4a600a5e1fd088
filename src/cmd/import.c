/*
 * spinlog import: Spotify's privacy export into the store. Parsing, merging
 * and writing are pipeline/import.h's; this file reads the arguments, prints
 * the summary and picks the exit code.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "core/strbuf.h"
#include "core/timeutil.h"
#include "core/fsutil.h"
#include "pipeline/import.h"
#include "pipeline/import_reject.h"
#include "core/plural.h"
#include "core/banned.h"

const char cmd_import_usage[] =
	"usage: spinlog import [--account NAME] [--keep-network-fields] [--dry-run]\n"
	"                      [--skip-invalid] PATH...\n"
	"\n"
	"Imports Spotify's privacy export (\"Download your data\"): the ZIP as\n"
	"downloaded, a folder (searched recursively) or single JSON files. Reads\n"
	"the extended streaming history (endsong_N.json, Streaming_History_Audio_*,\n"
	"Streaming_History_Video_*) and account data (StreamingHistoryN.json,\n"
	"StreamingHistory_music_N, _podcast_N, _audiobook_N), recognised by their\n"
	"content as well as their name; other files are listed as ignored. Needs no\n"
	"Spotify account and makes no network calls.\n"
	"\n"
	"   --account NAME         attribute the plays to this account (default: the\n"
	"                          only account, else one named \"main\" is created)\n"
	"   --keep-network-fields  also keep ip_addr and the user agent (dropped by\n"
	"                          default)\n"
	"   --dry-run              parse, validate and merge, then write nothing\n"
	"   --skip-invalid         import the valid records; list each record that\n"
	"                          is refused (file, record, reason) in\n"
	"                          rejected-<import>.jsonl in the data directory\n"
	"\n"
	"Every stream is kept, short and skipped ones too, with its kind (music,\n"
	"podcast, audiobook, video). A play counts in statistics from\n"
	"'stats.min_ms_played' milliseconds (default 30000).\n"
	"\n"
	"One listening event is stored once, whatever brought it: exact duplicate\n"
	"records are dropped; an export record and an API play of the same track\n"
	"ending within 30 s are one event; account data (minute precision) matches\n"
	"by artist and title in the same or the next minute. Pairs are matched one\n"
	"to one, nearest first, so a track played twice in a row stays two plays.\n"
	"See doc/import.md.\n"
	"\n"
	"The import is atomic: on bad input (truncated JSON, wrong types, times not\n"
	"as Spotify writes them, ids that are not Spotify ids, unsafe or oversized\n"
	"ZIP entries) it names the file, record and field, and writes nothing\n"
	"(unless --skip-invalid, for bad records that leave the file readable); so\n"
	"does an import that finds no streaming history. Text that is not valid\n"
	"UTF-8 is kept with U+FFFD in place of each bad sequence, and each field is\n"
	"named in a warning. Gaps the imported files cover are marked healed.\n";

/* Records shown on stderr; the file has them all. */
#define REJECTED_SHOWN 20

/* --skip-invalid: lists the skipped records and writes their file. */
static int report_rejected(struct ctx *ctx, const struct import_opts *o,
			   const struct import_result *res)
{
	struct strbuf sb = STRBUF_INIT, name = STRBUF_INIT;
	char *path = NULL;
	int ret = 0;

	for (size_t i = 0; i < res->nrejected && i < REJECTED_SHOWN; i++)
		fprintf(stderr, "spinlog: import: skipped %s: record %zu: %s\n",
			res->rejected[i].file, res->rejected[i].rec,
			res->rejected[i].reason);
	if (o->dry_run) {
		fprintf(stderr, "spinlog: import: %zu invalid %s would be skipped "
			"(dry run: no list written)\n", res->nrejected,
			plural((long long)res->nrejected, "record", "records"));
		goto out;
	}
	if (res->import_id > 0)
		strbuf_addf(&name, "rejected-%lld.jsonl", (long long)res->import_id);
	else
		strbuf_addf(&name, "rejected-%lld.jsonl", (long long)time_now_ms());
	path = fs_join(ctx->data_dir, name.buf);
	import_reject_jsonl(res, &sb);
	if (fs_write_atomic(path, sb.buf, sb.len, 0600)) {
		fprintf(stderr, "spinlog: import: cannot write \"%s\": %s (the import was "
			"committed)\n", path, strerror(errno));
		ret = -1;
		goto out;
	}
	fprintf(stderr, "spinlog: import: %zu invalid %s skipped, listed with "
		"file, record and reason in \"%s\"\n", res->nrejected,
		plural((long long)res->nrejected, "record", "records"), path);
out:
	free(path);
	strbuf_release(&sb);
	strbuf_release(&name);
	return ret;
}

int cmd_import(int argc, char **argv, struct ctx *ctx)
{
	struct import_opts o;
	struct import_result res;
	struct strbuf err = STRBUF_INIT;
	char **paths = argv + 1;
	int npaths = 0, ret = 1;
	int64_t t0 = time_mono_ms();

	memset(&o, 0, sizeof(o));
	memset(&res, 0, sizeof(res));
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--account") && i + 1 < argc)
			o.account = argv[++i];
		else if (!strncmp(a, "--account=", 10))
			o.account = a + 10;
		else if (!strcmp(a, "--keep-network-fields"))
			o.keep_network = 1;
		else if (!strcmp(a, "--dry-run"))
			o.dry_run = 1;
		else if (!strcmp(a, "--skip-invalid"))
			o.skip_invalid = 1;
		else if (!strcmp(a, "--")) {
			for (i++; i < argc; i++)
				paths[npaths++] = argv[i];
		} else if (a[0] == '-' && a[1])
			return cmd_usage_error(cmd_import_usage,
					       "unknown option '%s'", a);
		else
			paths[npaths++] = argv[i];
	}
	if (!npaths)
		return cmd_usage_error(cmd_import_usage, "no files to import");
	if (o.account && !*o.account)
		return cmd_usage_error(cmd_import_usage, "empty account name");
	o.progress = isatty(2);
	o.limits.max_file =
		(uint64_t)config_get_int(&ctx->cfg, "import.max_file_mb") << 20;
	o.limits.max_total =
		(uint64_t)config_get_int(&ctx->cfg, "import.max_total_mb") << 20;
	o.limits.max_ratio = 200;

	if (import_run(ctx->store, &o, paths, npaths, &res, &err)) {
		fprintf(stderr, "spinlog: import: %s; nothing was imported%s\n", err.buf,
			res.refusable ? " (with --skip-invalid the other records "
			"are imported and the refused ones listed)" : "");
		goto out;
	}
	if (res.nrejected && report_rejected(ctx, &o, &res))
		goto out;
	for (size_t i = 0; i < res.ignored.n; i++)
		fprintf(stderr, "spinlog: import: ignored \"%s\" (not a streaming history)\n",
			res.ignored.v[i]);
	for (size_t i = 0; i < res.skipped.n; i++)
		fprintf(stderr, "spinlog: import: skipped %s\n", res.skipped.v[i]);
	for (size_t i = 0; i < res.warnings.n; i++)
		fprintf(stderr, "spinlog: import: warning: %s\n", res.warnings.v[i]);
	if (res.replaced > res.warnings.n)
		fprintf(stderr, "spinlog: import: warning: %zu more %s with invalid "
			"text replaced with U+FFFD\n", res.replaced - res.warnings.n,
			plural((long long)(res.replaced - res.warnings.n), "field", "fields"));
	printf("%s%zu %s, %zu %s, %zu new %s, %zu merged, "
	       "%zu %s dropped, %zu ignored %s",
	       o.dry_run ? "dry run: " : "",
	       res.files, plural((long long)res.files, "file", "files"),
	       res.records, plural((long long)res.records, "record", "records"),
	       res.added, plural((long long)res.added, "event", "events"),
	       res.merged, res.dupes, plural((long long)res.dupes, "duplicate", "duplicates"),
	       res.ignored.n, plural((long long)res.ignored.n, "file", "files"));
	if (res.healed)
		printf(", %zu %s healed", res.healed,
		       plural((long long)res.healed, "gap", "gaps"));
	if (res.replaced)
		printf(", %zu %s with invalid text replaced with U+FFFD",
		       res.replaced, plural((long long)res.replaced, "field", "fields"));
	if (res.nrejected)
		printf(", %zu invalid %s skipped", res.nrejected,
		       plural((long long)res.nrejected, "record", "records"));
	printf(" (account \"%s\"%s, %.1f s)\n", res.account,
	       o.dry_run ? ", nothing written" : "",
	       (double)(time_mono_ms() - t0) / 1000.0);
	ret = 0;
out:
	import_result_release(&res);
	strbuf_release(&err);
	return ret;
}
