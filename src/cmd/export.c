/*
 * spinlog export: one song record per play (../shared/docs/song-record.md)
 * as JSON lines or CSV, oldest first, to stdout or atomically to a file.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/export_lb.h"
#include "core/timeutil.h"
#include "pipeline/record.h"
#include "pipeline/songs.h"
#include "core/plural.h"
#include "core/banned.h"

const char cmd_export_usage[] =
	"usage: spinlog export [--format jsonl|csv|listenbrainz] [--from DATE] [--to DATE]\n"
	"                      [--utc] [--extended] [--with-provenance] [-o FILE]\n"
	"                      [--account NAME]\n"
	"\n"
	"Writes one song record per music play, oldest first.\n"
	"\n"
	"  --format F          jsonl (default), csv (header row, RFC 4180), or\n"
	"                      listenbrainz: every music play as a ListenBrainz\n"
	"                      listen, one a line, newest first (JSONL that\n"
	"                      ListenBrainz and 'spinlog import' read)\n"
	"  --from, --to DATE   local dates YYYY-MM-DD, both inclusive\n"
	"  --utc               played_at as ISO 8601 UTC with milliseconds\n"
	"                      (default: local \"YYYY-MM-DD HH:MM\", setting 'timezone')\n"
	"  --extended          add genres, segment summaries and play fields\n"
	"  --with-provenance   add features_source and analysis_source\n"
	"  -o FILE             write FILE atomically instead of stdout\n"
	"  --account NAME      whose plays (default: the store's only account;\n"
	"                      required when it has several)\n";

struct out {
	FILE *f;
	int csv, lb, flags;
	struct strbuf buf;
};

static int emit(const struct song_record *r, void *arg)
{
	struct out *o = arg;

	if (o->csv) {
		record_csv(r, o->flags, &o->buf);
	} else {
		record_json(r, o->flags, &o->buf);
		strbuf_addch(&o->buf, '\n');
	}
	if (o->buf.len >= 1 << 16) {
		if (fwrite(o->buf.buf, 1, o->buf.len, o->f) != o->buf.len)
			return -1;
		strbuf_reset(&o->buf);
	}
	return 0;
}

/* A local date to the ms of its midnight; next_day gives the one after. */
static int parse_date(const char *s, int next_day, int64_t *ms)
{
	int y, m, d;
	char buf[32];

	if (time_parse_local_date(s, ms))
		return -1;
	if (!next_day)
		return 0;
	if (sscanf(s, "%d-%d-%d", &y, &m, &d) != 3)
		return -1;
	time_civil_from_days(time_days_from_civil(y, m, d) + 1, &y, &m, &d);
	snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, m, d);
	return time_parse_local_date(buf, ms);
}

/* --format listenbrainz, with a summary on stderr */
static int lb_write(struct ctx *ctx, const struct songs_query *q, struct out *o,
		    struct strbuf *err)
{
	struct export_lb_stats st;

	if (export_lb_write(ctx->store, NULL, q->from_ms, q->to_ms, o->f, &st, err))
		return -1;
	fprintf(stderr, "spinlog: export: %zu %s written", st.written,
		plural((long long)st.written, "listen", "listens"));
	if (st.not_music)
		fprintf(stderr, "; %zu %s not music left out", st.not_music,
			plural((long long)st.not_music, "play that is", "plays that are"));
	if (st.unnamed)
		fprintf(stderr, "; %zu music %s without an artist or title left out",
			st.unnamed, plural((long long)st.unnamed, "play", "plays"));
	if (st.too_old)
		fprintf(stderr, "; %zu %s before 2002-10-01 left out "
			"(ListenBrainz refuses them)", st.too_old,
			plural((long long)st.too_old, "play", "plays"));
	fputc('\n', stderr);
	return 0;
}

static int run(struct ctx *ctx, struct songs_query *q, struct out *o,
	       const char *path)
{
	struct strbuf err = STRBUF_INIT, tmp = STRBUF_INIT;
	int fd = -1, r = 1;

	if (path) {
		strbuf_addf(&tmp, "%s.tmp-XXXXXX", path);
		fd = mkstemp(tmp.buf);
		if (fd < 0 || !(o->f = fdopen(fd, "w"))) {
			fprintf(stderr, "spinlog: export: cannot write '%s': %s\n", path,
				strerror(errno));
			goto out;
		}
	} else {
		o->f = stdout;
	}
	strbuf_init(&o->buf, 1 << 17);
	if (o->csv)
		record_csv_header(o->flags, &o->buf);
	if ((o->lb ? lb_write(ctx, q, o, &err)
		   : songs_each(ctx->store, q, emit, o, &err)) ||
	    fwrite(o->buf.buf, 1, o->buf.len, o->f) != o->buf.len ||
	    fflush(o->f) || (path && fsync(fileno(o->f)))) {
		fprintf(stderr, "spinlog: export: %s\n",
			err.len ? err.buf : strerror(errno));
		goto out;
	}
	if (path) {
		int closed = fclose(o->f);

		o->f = NULL;
		fd = -1; /* closed with the stream, whatever fclose said */
		if (closed) {
			fprintf(stderr, "spinlog: export: cannot write '%s': %s\n",
				path, strerror(errno));
			goto out;
		}
		if (rename(tmp.buf, path)) {
			fprintf(stderr, "spinlog: export: cannot write '%s': %s\n",
				path, strerror(errno));
			goto out;
		}
	}
	r = 0;
out:
	if (path && o->f)
		fclose(o->f);
	else if (path && fd >= 0 && !o->f && r)
		close(fd);
	if (path && r && tmp.len)
		unlink(tmp.buf);
	strbuf_release(&o->buf);
	strbuf_release(&err);
	strbuf_release(&tmp);
	return r;
}

int cmd_export(int argc, char **argv, struct ctx *ctx)
{
	struct songs_query q = { INT64_MIN, INT64_MAX, 0, 0 };
	struct out o;
	const char *path = NULL, *format = "jsonl", *account = NULL;
	int rc;

	memset(&o, 0, sizeof(o));
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--format") && v) {
			format = v;
			i++;
		} else if (!strncmp(a, "--format=", 9)) {
			format = a + 9;
		} else if (!strcmp(a, "--from") && v) {
			if (parse_date(v, 0, &q.from_ms))
				return cmd_usage_error(cmd_export_usage,
					"'--from %s' is not a date YYYY-MM-DD", v);
			i++;
		} else if (!strcmp(a, "--to") && v) {
			if (parse_date(v, 1, &q.to_ms))
				return cmd_usage_error(cmd_export_usage,
					"'--to %s' is not a date YYYY-MM-DD", v);
			i++;
		} else if (!strcmp(a, "--utc")) {
			o.flags |= REC_UTC;
		} else if (!strcmp(a, "--extended")) {
			o.flags |= REC_EXTENDED;
		} else if (!strcmp(a, "--with-provenance")) {
			o.flags |= REC_PROVENANCE;
		} else if (!strcmp(a, "-o") && v) {
			path = v;
			i++;
		} else if (!strcmp(a, "--account") && v) {
			account = v;
			i++;
		} else {
			return cmd_usage_error(cmd_export_usage,
					       "unknown argument '%s'", a);
		}
	}
	if (!strcmp(format, "csv"))
		o.csv = 1;
	else if (!strcmp(format, "listenbrainz"))
		o.lb = 1;
	else if (strcmp(format, "jsonl"))
		return cmd_usage_error(cmd_export_usage,
				       "'--format %s': use jsonl, csv or listenbrainz",
				       format);
	q.flags = o.flags;
	if ((rc = cmd_account_pick(ctx, "export", account, 0, &q.account_id, NULL)))
		return rc;
	return run(ctx, &q, &o, path);
}
