/*
 * The import, end to end: find the files (import_find.h), parse them on
 * two threads (import_threads.h), merge and write them in one transaction
 * (import_write.h). This file only orchestrates.
 *
 * Why everything is parsed before anything is written: an import lands whole
 * or not at all, and the merge needs every source at once (account data is
 * matched against the extended export of the same download). Parsed events
 * are ~100 bytes each with interned strings, so a million plays fit in about
 * 100 MB.
 */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/timeutil.h"
#include "pipeline/import.h"
#include "pipeline/import_reject.h"
#include "pipeline/import_threads.h"
#include "pipeline/import_write.h"
#include "core/banned.h"

/* ---- writing: the files as the writers see them ---- */

static int src_file(void *arg, size_t i, struct import_file **f)
{
	struct import_job *j = arg;
	struct import_task *t = &j->tasks[i];

	atomic_store(&j->taken, i + 1);
	while (!atomic_load(&t->ready)) {
		if (atomic_load(&j->failed))
			return -1;
		usleep(500);
	}
	if (t->status < 0)
		return -1;
	*f = t->status ? NULL : &t->f;
	return 0;
}

static void src_progress(void *arg, int64_t t0, int last)
{
	import_threads_progress(arg, t0, last);
}

/* Frees the parsed events and their strings once they are written. */
static void src_release(void *arg)
{
	struct import_job *j = arg;

	for (size_t i = 0; i < j->ntasks; i++) {
		free(j->tasks[i].f.ev);
		j->tasks[i].f.ev = NULL;
		j->tasks[i].f.alloc = 0;
	}
	for (int i = 0; i < IMPORT_THREADS; i++)
		import_pool_release(&j->pools[i]);
	malloc_trim(0);
}

/* The events of a file the streaming path wrote (its counts stay). */
static void src_written(void *arg, size_t i)
{
	struct import_job *j = arg;

	free(j->tasks[i].f.ev);
	j->tasks[i].f.ev = NULL;
	j->tasks[i].f.alloc = 0;
}

static void src_count(void *arg, struct import_result *res)
{
	struct import_job *j = arg;

	res->files = 0;
	res->replaced = 0;
	strvec_clear(&res->warnings);
	for (size_t i = 0; i < j->ntasks; i++) {
		const struct import_file *f = &j->tasks[i].f;
		if (j->tasks[i].status == 1) {
			strvec_push(&res->ignored, j->tasks[i].name);
			continue;
		}
		res->files++;
		res->replaced += f->replaced;
		for (size_t k = 0; k < f->warnings.n; k++)
			if (res->warnings.n < IMPORT_WARNINGS)
				strvec_push(&res->warnings, f->warnings.v[k]);
	}
}

void import_result_release(struct import_result *r)
{
	strvec_clear(&r->ignored);
	strvec_clear(&r->skipped);
	strvec_clear(&r->warnings);
	import_reject_release(r);
	free(r->account);
	memset(r, 0, sizeof(*r));
}

/*
 * An import that finds no plays at all is an error, not "0 records": an
 * empty ZIP or folder, a ZIP of the wrong package, files holding "[]".
 */
static int no_history(struct import_job *j, char **paths, int npaths,
		      const struct import_result *res, struct strbuf *err)
{
	size_t empty = 0;

	for (size_t i = 0; i < j->ntasks; i++) {
		if (j->tasks[i].status == 0 && j->tasks[i].f.n)
			return 0;
		empty += j->tasks[i].status == 0;
	}
	strbuf_addstr(err, "no streaming history found in ");
	for (int i = 0; i < npaths; i++)
		strbuf_addf(err, "%s\"%s\"", i ? ", " : "", paths[i]);
	strbuf_addf(err, " (looked for endsong_N.json, Streaming_History_Audio_*"
		    ".json, Streaming_History_Video_*.json and StreamingHistory*"
		    ".json; %zu with no plays, %zu other files ignored)", empty,
		    res->ignored.n);
	return -1;
}

/* The big first import of an account: 0 done, -1 failed, 1 take the other path. */
static int run_streaming(struct store *s, struct import_job *j, struct import_threads *th,
			 const struct import_src *src, struct import_result *res,
			 struct strbuf *err)
{
	int r = import_write_streaming(s, src, j->o, res, err);

	atomic_store(&j->bounded, 0); /* the parsers may run to the end */
	if (r <= 0) {
		struct strbuf perr = STRBUF_INIT;
		int pr = import_threads_finish(j, th, &perr);
		if (pr && !r) /* cannot happen: every file was read */
			r = -1;
		strbuf_release(&perr);
		if (!r && no_history(j, src->paths, src->npaths, res, err))
			r = -1;
	}
	return r;
}

static void job_release(struct import_job *j, struct import_threads *th)
{
	import_threads_stop(j, th);
	import_job_release(j);
}

int import_run(struct store *s, const struct import_opts *o, char **paths,
	       int npaths, struct import_result *res, struct strbuf *err)
{
	struct import_job j;
	struct import_threads th;
	struct import_src src = { 0, 0, paths, npaths, src_file, src_progress,
				  src_release, src_count, &j, src_written };
	int ret = -1;
	int64_t t0 = time_mono_ms();

	memset(&j, 0, sizeof(j));
	memset(&th, 0, sizeof(th));
	j.o = o;
	j.ignored = &res->ignored;
	j.skipped = &res->skipped;
	for (int i = 0; i < IMPORT_THREADS; i++) {
		import_pool_init(&j.pools[i], (unsigned)i + 1);
		import_pools[i + 1] = &j.pools[i];
	}
	for (int i = 0; i < npaths; i++)
		if (import_find_add(&j, paths[i], 1, err))
			goto out;
	src.n = j.ntasks;
	src.total = j.total;
	atomic_store(&j.bounded, j.total >= IMPORT_STREAM_MIN_BYTES);
	if (import_threads_start(&j, &th, err))
		goto out;
	if (j.total >= IMPORT_STREAM_MIN_BYTES) {
		ret = run_streaming(s, &j, &th, &src, res, err);
		if (ret <= 0)
			goto out;
		log_debug("import: taking the merging path");
	}
	ret = -1;
	if (import_threads_finish(&j, &th, err) || import_threads_reparse(&j, err))
		goto out;
	log_debug("import: parsed in %lld ms", (long long)(time_mono_ms() - t0));
	src_count(&j, res);
	if (no_history(&j, paths, npaths, res, err))
		goto out;
	ret = import_write_merging(s, &src, o, res, err);
out:
	import_threads_stop(&j, &th);
	import_reject_collect(&j, res);
	job_release(&j, &th);
	return ret;
}
