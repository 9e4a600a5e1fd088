/*
 * spinlog analyze: the audio analysis Spotify no longer gives, from the
 * listener's own files (issue 13). Files are analysed in parallel (audio/),
 * then, in order on this thread, matched to tracks, stored and printed.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audio/analyze.h"
#include "audio/tags.h"
#include "cmd/analyze_files.h"
#include "cmd/analyze_match.h"
#include "cmd/cmd.h"
#include "core/strvec.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "store/store.h"
#include "core/plural.h"
#include "core/banned.h"

const char cmd_analyze_usage[] =
	"usage: spinlog analyze [--format text|jsonl] [--segments] [--jobs N]\n"
	"                       [--match-only] [--no-store] PATH...\n"
	"\n"
	"Analyses audio files (folders recursively: .wav .flac .ogg .opus .mp3\n"
	".m4a ...) as Spotify's audio-analysis did: duration, loudness (EBU R128),\n"
	"tempo, key, mode, time signature, sections and segments. Each file is\n"
	"matched to a track by its ISRC tag, else by artist, title and a duration\n"
	"within 3 s; a matched analysis becomes the track's analysis\n"
	"(analysis_source \"local\") unless Spotify's is stored. Results are kept\n"
	"by the file's content, so a second run analyses only changed files.\n"
	"\n"
	"  --format jsonl  one JSON object per file (default: a line of text)\n"
	"  --segments      list the segments in the JSON (analyses again)\n"
	"  --jobs N        files in parallel (default: the cores)\n"
	"  --match-only    read the tags and say what would match; no analysis\n"
	"  --no-store      analyse and print only\n";

struct job {
	const char *path;
	char hash[65];
	char *cached;            /* the stored JSON, when the file is known */
	struct analyze_match match;
	struct audio_result res;
	struct audio_tags tags;
	struct strbuf err;
	int failed, ready;
};

struct opts {
	int jsonl, segments, match_only, no_store, jobs, tty;
};

struct pool {
	struct job *jobs;
	size_t n, next, done;
	const struct opts *o;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

static void run_job(struct job *j, const struct opts *o)
{
	if (o->match_only || j->cached || j->failed)
		return;
	if (audio_analyze(j->path, &j->res, &j->err))
		j->failed = 1;
}

static void *worker(void *arg)
{
	struct pool *p = arg;

	for (;;) {
		struct job *j;
		pthread_mutex_lock(&p->mu);
		if (p->next == p->n) {
			pthread_mutex_unlock(&p->mu);
			return NULL;
		}
		j = &p->jobs[p->next++];
		pthread_mutex_unlock(&p->mu);
		run_job(j, p->o);
		pthread_mutex_lock(&p->mu);
		j->ready = 1;
		p->done++;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
}

/* Segment arrays as the catalog keeps them: JSON text of 12 numbers. */
static char *array_text(const double *v)
{
	struct strbuf b = STRBUF_INIT;

	strbuf_addch(&b, '[');
	for (int i = 0; i < 12; i++) {
		if (i)
			strbuf_addch(&b, ',');
		strbuf_add_double(&b, round(v[i] * 1000) / 1000);
	}
	strbuf_addch(&b, ']');
	return strbuf_detach(&b, NULL);
}

/* Puts the analysis as the track's (unless another provider's is there). */
static int put_local(struct store *s, const char *track_id,
		     const struct audio_result *r, struct strbuf *err)
{
	struct store_section *sec = xcalloc(r->nsections + 1, sizeof(*sec));
	struct store_segment *seg = xcalloc(r->nsegments + 1, sizeof(*seg));
	struct store_analysis a = { track_id, "local", r->duration, r->loudness,
		r->tempo, r->key, r->mode, r->time_signature, sec, r->nsections,
		seg, r->nsegments };
	int ret;

	for (size_t i = 0; i < r->nsections; i++) {
		const struct audio_section *x = &r->sections[i];
		sec[i] = (struct store_section){ x->start, x->duration,
			x->confidence, x->loudness, x->tempo, x->tempo_confidence,
			x->key, x->key_confidence, x->mode, x->mode_confidence,
			x->time_signature, x->time_signature_confidence };
	}
	for (size_t i = 0; i < r->nsegments; i++) {
		const struct audio_segment *x = &r->segments[i];
		seg[i] = (struct store_segment){ x->start, x->duration,
			x->confidence, x->loudness_start, x->loudness_max,
			x->loudness_max_time, x->loudness_end,
			array_text(x->pitches), array_text(x->timbre) };
	}
	ret = store_analysis_put_local(s, &a, time_now_ms(), err);
	for (size_t i = 0; i < r->nsegments; i++) {
		free((char *)seg[i].pitches);
		free((char *)seg[i].timbre);
	}
	free(sec);
	free(seg);
	return ret;
}

/* Keeps the result by content hash, and as the matched track's analysis. */
static int store_job(struct store *s, struct job *j, const char *fragment,
		     struct strbuf *err)
{
	if (store_begin(s, err))
		return -1;
	if ((j->match.track_id &&
	     put_local(s, j->match.track_id, &j->res, err) < 0) ||
	    store_analysis_cache_put(s, j->hash, j->path, j->match.track_id,
				     fragment, time_now_ms(), err) ||
	    store_commit(s, err)) {
		store_rollback(s);
		return -1;
	}
	return 0;
}

static void json_str_or_null(struct strbuf *b, const char *s)
{
	if (s)
		strbuf_add_json_str(b, s);
	else
		strbuf_addstr(b, "null");
}

static void match_json(struct strbuf *b, const struct analyze_match *m)
{
	strbuf_addstr(b, ",\"matched_track_id\":");
	json_str_or_null(b, m->track_id);
	strbuf_addstr(b, ",\"match_by\":");
	json_str_or_null(b, m->by);
	if (!m->candidates.n)
		return;
	strbuf_addstr(b, ",\"candidates\":[");
	for (size_t i = 0; i < m->candidates.n; i++) {
		if (i)
			strbuf_addch(b, ',');
		strbuf_add_json_str(b, m->candidates.v[i]);
	}
	strbuf_addch(b, ']');
}

static void print_jsonl(const struct opts *o, const struct job *j,
			const char *fragment)
{
	struct strbuf b = STRBUF_INIT;

	strbuf_addstr(&b, "{\"path\":");
	strbuf_add_json_str(&b, j->path);
	if (o->match_only) {
		strbuf_addstr(&b, ",\"artist\":");
		json_str_or_null(&b, j->tags.artist);
		strbuf_addstr(&b, ",\"title\":");
		json_str_or_null(&b, j->tags.title);
		strbuf_addstr(&b, ",\"isrc\":");
		json_str_or_null(&b, j->tags.isrc);
	} else if (fragment) {
		strbuf_addf(&b, ",%s", fragment);
	} else {
		strbuf_addstr(&b, ",\"duration\":null,\"loudness\":null,"
			      "\"tempo\":null,\"key\":null,\"mode\":null,"
			      "\"time_signature\":null,\"sections\":null,"
			      "\"segments\":null");
	}
	match_json(&b, &j->match);
	strbuf_addstr(&b, ",\"error\":");
	json_str_or_null(&b, j->failed ? j->err.buf : NULL);
	strbuf_addch(&b, '}');
	puts(b.buf);
	strbuf_release(&b);
}

/* A figure the analysis could not measure (a steady sine has no beat) is NaN,
 * null in JSON; the text line says so in words rather than "nan BPM". */
static const char *num_text(char buf[24], double v, const char *fmt, const char *none)
{
	if (isnan(v))
		return none;
	snprintf(buf, 24, fmt, v);
	return buf;
}

/* "C# minor"; Spotify's -1 (no key detected: silence, noise) reads "unknown". */
static const char *key_text(char buf[24], double key, double mode)
{
	static const char *const names[12] = { "C", "C#", "D", "D#", "E", "F",
					       "F#", "G", "G#", "A", "A#", "B" };
	int k = (int)key;

	if (k < 0 || k > 11)
		return "unknown";
	snprintf(buf, 24, "%s %s", names[k],
		 mode == 1 ? "major" : mode == 0 ? "minor" : "(mode unknown)");
	return buf;
}

static void print_text(const struct opts *o, const struct job *j)
{
	const struct audio_result *r = &j->res;
	char kbuf[24], tbuf[24], mbuf[24];

	if (j->failed) {
		fprintf(stderr, "spinlog: analyze: '%s': %s\n", j->path, j->err.buf);
		return;
	}
	printf("%s:", j->path);
	if (j->cached)
		printf(" analysed before");
	else if (!o->match_only)
		printf(" %.2f s, %.1f LUFS, %s, key %s, %s, "
		       "%zu %s, %zu %s", r->duration, r->loudness,
		       num_text(tbuf, r->tempo, "%.1f BPM", "no tempo"),
		       key_text(kbuf, r->key, r->mode),
		       num_text(mbuf, r->time_signature, "%.0f/4", "no metre"),
		       r->nsections,
		       plural((long long)r->nsections, "section", "sections"), r->nsegments,
		       plural((long long)r->nsegments, "segment", "segments"));
	if (j->match.track_id)
		printf("; track %s (by %s)", j->match.track_id, j->match.by);
	else if (j->match.candidates.n)
		printf("; ambiguous: %zu tracks", j->match.candidates.n);
	else
		printf("; no track");
	putchar('\n');
}

static int same_id(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Hash, tags, match and what the store knows of the file, before analysis. */
static int prepare_job(struct ctx *ctx, const struct opts *o, struct job *j,
		       struct analyze_matcher **m, struct strbuf *err)
{
	char *cached_id = NULL;

	strbuf_init(&j->err, 0);
	if (analyze_hash(j->path, j->hash)) {
		strbuf_addstr(&j->err, "unreadable");
		j->failed = 1;
		return 0;
	}
	audio_tags_read(j->path, &j->tags);
	if (analyze_match(ctx->store, m, &j->tags, NAN, &j->match, err))
		return -1;
	if (o->match_only || o->segments || o->no_store)
		return 0;
	j->cached = store_analysis_cached(ctx->store, j->hash, &cached_id);
	if (j->cached && !same_id(cached_id, j->match.track_id)) {
		free(j->cached); /* matched otherwise now: analyse again */
		j->cached = NULL;
	}
	free(cached_id);
	return 0;
}

/* After the analysis, in file order: match again if need be, store, print. */
static int finish_job(struct ctx *ctx, const struct opts *o, struct job *j,
		      struct analyze_matcher **m, struct strbuf *err)
{
	struct strbuf frag = STRBUF_INIT;
	int r = 0;

	if (!j->failed && !j->cached && !o->match_only) {
		if (!j->match.track_id && !j->match.candidates.n &&
		    j->tags.seconds < 0) {
			analyze_match_release(&j->match);
			if (analyze_match(ctx->store, m, &j->tags, j->res.duration,
					  &j->match, err))
				return -1;
		}
		audio_result_json(&j->res, 0, &frag);
		if (!o->no_store)
			r = store_job(ctx->store, j, frag.buf, err);
		if (o->segments) {
			strbuf_reset(&frag);
			audio_result_json(&j->res, 1, &frag);
		}
	} else if (j->cached) {
		strbuf_addstr(&frag, j->cached);
	}
	if (o->jsonl)
		print_jsonl(o, j, frag.len ? frag.buf : NULL);
	else
		print_text(o, j);
	strbuf_release(&frag);
	return r;
}

static void job_release(struct job *j)
{
	free(j->cached);
	audio_result_release(&j->res);
	audio_tags_release(&j->tags);
	analyze_match_release(&j->match);
	strbuf_release(&j->err);
}

static void progress(const struct opts *o, size_t done, size_t n)
{
	int w = 30, k = n ? (int)(done * (size_t)w / n) : w;

	if (!o->tty)
		return;
	fprintf(stderr, "\ranalyze: [%.*s%*s] %zu/%zu files", k,
		"##############################", w - k, "", done, n);
	if (done == n)
		fputc('\n', stderr);
}

static int parse_opts(int argc, char **argv, struct opts *o, int *first)
{
	int i;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	memset(o, 0, sizeof(*o));
	o->jobs = cores > 0 ? (int)cores : 1;
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--")) {
			i++;
			break;
		} else if (!strcmp(a, "--format") && i + 1 < argc) {
			const char *f = argv[++i];
			if (strcmp(f, "jsonl") && strcmp(f, "text"))
				return cmd_usage_error(cmd_analyze_usage,
					"unknown format '%s'", f);
			o->jsonl = !strcmp(f, "jsonl");
		} else if (!strcmp(a, "--jobs") && i + 1 < argc) {
			char *end;
			long n = strtol(argv[++i], &end, 10);
			if (*end || n < 1 || n > 256)
				return cmd_usage_error(cmd_analyze_usage,
					"--jobs wants 1 to 256, not '%s'", argv[i]);
			o->jobs = (int)n;
		} else if (!strcmp(a, "--segments")) {
			o->segments = 1;
		} else if (!strcmp(a, "--match-only")) {
			o->match_only = 1;
		} else if (!strcmp(a, "--no-store")) {
			o->no_store = 1;
		} else {
			return cmd_usage_error(cmd_analyze_usage,
					       "unknown option '%s'", a);
		}
	}
	if (i >= argc)
		return cmd_usage_error(cmd_analyze_usage, "no file or folder given");
	*first = i;
	o->tty = isatty(2);
	return 0;
}

/* Runs the pool, finishing each job in order as it becomes ready. */
static int run_pool(struct ctx *ctx, struct pool *p,
		    struct analyze_matcher **m, struct strbuf *err)
{
	int nt = p->o->jobs < (int)p->n ? p->o->jobs : (int)p->n, failed = 0;
	pthread_t *th = xcalloc((size_t)nt + 1, sizeof(*th));
	int r = 0;

	for (int t = 0; t < nt; t++)
		pthread_create(&th[t], NULL, worker, p);
	for (size_t i = 0; i < p->n; i++) {
		pthread_mutex_lock(&p->mu);
		while (!p->jobs[i].ready)
			pthread_cond_wait(&p->cv, &p->mu);
		pthread_mutex_unlock(&p->mu);
		if (p->o->tty)
			fputs("\r\033[K", stderr);
		if (!r && finish_job(ctx, p->o, &p->jobs[i], m, err))
			r = -1;
		failed |= p->jobs[i].failed;
		job_release(&p->jobs[i]);
		progress(p->o, i + 1, p->n);
		fflush(stdout);
	}
	for (int t = 0; t < nt; t++)
		pthread_join(th[t], NULL);
	free(th);
	return r ? -1 : failed;
}

int cmd_analyze(int argc, char **argv, struct ctx *ctx)
{
	struct strvec files = STRVEC_INIT;
	struct strbuf err = STRBUF_INIT;
	struct analyze_matcher *m = NULL;
	struct opts o;
	struct pool p = { .mu = PTHREAD_MUTEX_INITIALIZER,
			  .cv = PTHREAD_COND_INITIALIZER, .o = &o };
	int first = 0, r = 1;

	if ((r = parse_opts(argc, argv, &o, &first)))
		return r;
	r = 1;
	for (int i = first; i < argc; i++)
		if (analyze_collect(argv[i], &files, &err)) {
			fprintf(stderr, "spinlog: analyze: %s\n", err.buf);
			goto out;
		}
	p.n = files.n;
	p.jobs = xcalloc(files.n + 1, sizeof(*p.jobs));
	for (size_t i = 0; i < files.n; i++) {
		p.jobs[i].path = files.v[i];
		if (prepare_job(ctx, &o, &p.jobs[i], &m, &err))
			goto fail;
	}
	r = run_pool(ctx, &p, &m, &err);
	if (r < 0)
		goto fail;
	goto out;
fail:
	fprintf(stderr, "spinlog: analyze: %s\n", err.buf);
	r = 1;
out:
	free(p.jobs);
	analyze_matcher_free(m);
	strvec_clear(&files);
	strbuf_release(&err);
	return r;
}
