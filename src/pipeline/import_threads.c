/*
 * The import's parser threads: IMPORT_THREADS workers take the found files
 * in turn, read them (inflating ZIP entries) and parse them into their
 * task, each into its own string pool.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "core/timeutil.h"
#include "core/xalloc.h"
#include "pipeline/import_threads.h"
#include "core/banned.h"

static int read_plain(struct import_worker *w, struct import_task *t, size_t *len)
{
	int fd = open(t->path, O_RDONLY | O_CLOEXEC);
	size_t got = 0;
	struct stat st;

	if (fd < 0 || fstat(fd, &st)) {
		strbuf_addf(&t->err, "%s: %s", t->name, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if ((uint64_t)st.st_size > w->job->o->limits.max_file) {
		strbuf_addf(&t->err, "%s: the file grew past the limit while "
			    "reading", t->name);
		close(fd);
		return -1;
	}
	if ((size_t)st.st_size + 1 > w->alloc) {
		w->alloc = (size_t)st.st_size + 1;
		free(w->buf);
		w->buf = xmalloc(w->alloc);
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, w->buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			strbuf_addf(&t->err, "%s: %s", t->name, strerror(errno));
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	*len = got;
	return 0;
}

/* Inflates one entry, never more than its declared size. */
static int read_entry(struct import_worker *w, struct import_task *t, size_t *len)
{
	zip_file_t *zf;
	size_t got = 0;
	zip_int64_t n;

	if (!w->za || strcmp(w->za_path, t->path)) {
		int zerr;
		if (w->za)
			zip_discard(w->za);
		free(w->za_path);
		w->za_path = xstrdup(t->path);
		w->za = zip_open(t->path, ZIP_RDONLY, &zerr);
		if (!w->za) {
			strbuf_addf(&t->err, "%s: cannot open the ZIP", t->name);
			return -1;
		}
	}
	if (t->size + 2 > w->alloc) {
		w->alloc = t->size + 2;
		free(w->buf);
		w->buf = xmalloc(w->alloc);
	}
	zf = zip_fopen_index(w->za, (zip_uint64_t)t->entry, 0);
	if (!zf) {
		strbuf_addf(&t->err, "%s: cannot inflate (%s)", t->name,
			    zip_strerror(w->za));
		return -1;
	}
	while ((n = zip_fread(zf, w->buf + got, t->size + 1 - got)) > 0) {
		got += (size_t)n;
		if (got > t->size)
			break;
	}
	if (n < 0 || got != t->size) {
		strbuf_addf(&t->err, "%s: %s", t->name,
			    n < 0 ? zip_file_strerror(zf)
				  : "inflates to a size other than it declares "
				    "(corrupt ZIP or a bomb)");
		zip_fclose(zf);
		return -1;
	}
	zip_fclose(zf);
	*len = got;
	return 0;
}

/* Reads and parses task t into t->f: 0, 1 (not a history) or -1. */
static int parse_task(struct import_worker *w, struct import_task *t)
{
	size_t len = 0;
	int r = t->entry < 0 ? read_plain(w, t, &len) : read_entry(w, t, &len);

	if (!r) {
		t->f.keep_network = w->job->o->keep_network;
		t->f.skip_invalid = w->job->o->skip_invalid;
		t->f.own_name = t->entry < 0 ? NULL : t->name + t->own;
		r = import_parse_buffer(t->name, w->buf, len, t->strict,
					w->pool, &t->f, &t->err);
	}
	return r;
}

/*
 * While the streaming writer runs, file i waits until the writer is fewer
 * than IMPORT_LEAD files behind. Unbounded, the parsers (the faster end)
 * held every file's events at once: 131 of the 209 MB of heap at the peak
 * of a 1M-play import (heaptrack); bounded, about IMPORT_LEAD files' worth.
 */
static void wait_for_writer(struct import_job *j, size_t i)
{
	while (atomic_load(&j->bounded) && !atomic_load(&j->failed) &&
	       i >= atomic_load(&j->taken) + IMPORT_LEAD)
		usleep(1000); /* a file takes the writer 100 ms or more */
}

static void *worker_main(void *arg)
{
	struct import_worker *w = arg;
	struct import_job *j = w->job;
	size_t i;

	if (w->nicer) {
		/* Linux: a thread's own nice value, raised (never refused) */
		id_t tid = (id_t)gettid();
		int prio;
		errno = 0;
		prio = getpriority(PRIO_PROCESS, tid);
		if (!errno)
			setpriority(PRIO_PROCESS, tid, prio + w->nicer);
	}
	while ((i = atomic_fetch_add(&j->next, 1)) < j->ntasks) {
		struct import_task *t = &j->tasks[i];
		int r;

		wait_for_writer(j, i);
		if (atomic_load(&j->failed))
			break;
		r = parse_task(w, t);
		t->status = r;
		atomic_store(&t->ready, 1);
		if (r < 0)
			atomic_store(&j->failed, 1);
		atomic_fetch_add(&j->records, t->f.n);
		atomic_fetch_add(&j->done, 1);
	}
	free(w->buf);
	if (w->za)
		zip_discard(w->za);
	free(w->za_path);
	return NULL;
}

void import_threads_progress(struct import_job *j, int64_t t0, int last)
{
	int64_t dt = time_mono_ms() - t0;
	size_t rec = atomic_load(&j->records);
	fprintf(stderr, "\rimport: files %zu/%zu, records %zu (%.0f/s)   %s",
		atomic_load(&j->done), j->ntasks, rec,
		dt > 0 ? (double)rec * 1000.0 / (double)dt : 0.0,
		last ? "\n" : "");
	fflush(stderr);
}

int import_threads_start(struct import_job *j, struct import_threads *t, struct strbuf *err)
{
	t->n = j->ntasks < IMPORT_THREADS ? (int)j->ntasks : IMPORT_THREADS;
	t->t0 = time_mono_ms();
	for (int i = 0; i < t->n; i++) {
		memset(&t->w[i], 0, sizeof(t->w[i]));
		t->w[i].job = j;
		t->w[i].pool = &j->pools[i];
		/*
		 * When the writer overlaps the parsers (streaming), it is the
		 * slower end and three threads share two cores: a lower
		 * priority for the parsers lets the scheduler give the writer
		 * a core of its own while the parsers share the other (they
		 * still keep ahead of it). Measured: about 0.3 s of 3.
		 */
		t->w[i].nicer = j->total >= IMPORT_STREAM_MIN_BYTES ? 5 : 0;
		if (pthread_create(&t->th[i], NULL, worker_main, &t->w[i])) {
			t->n = i;
			atomic_store(&j->failed, 1);
			strbuf_addstr(err, "cannot start a thread");
			return -1;
		}
	}
	return 0;
}

/* Waits for the parsers; the first failing file (in order) is the error. */
int import_threads_finish(struct import_job *j, struct import_threads *t, struct strbuf *err)
{
	if (j->o->progress) {
		while (atomic_load(&j->done) < j->ntasks &&
		       !atomic_load(&j->failed)) {
			import_threads_progress(j, t->t0, 0);
			usleep(100000);
		}
	}
	for (int i = 0; i < t->n; i++)
		pthread_join(t->th[i], NULL);
	t->n = 0;
	if (j->o->progress && j->ntasks)
		import_threads_progress(j, t->t0, 1);
	if (err->len)
		return -1;
	for (size_t i = 0; i < j->ntasks; i++) {
		if (j->tasks[i].status < 0) {
			strbuf_add(err, j->tasks[i].err.buf, j->tasks[i].err.len);
			return -1;
		}
	}
	return 0;
}

void import_threads_stop(struct import_job *j, struct import_threads *t)
{
	if (!t->n)
		return;
	atomic_store(&j->failed, 1);
	for (int i = 0; i < t->n; i++)
		pthread_join(t->th[i], NULL);
	t->n = 0;
}

/*
 * The streaming writer freed the events of the files it wrote; when it gave
 * up for the merging path (a file matched by names came late), those files
 * are parsed again here, into the first pool (its strings are still there).
 */
int import_threads_reparse(struct import_job *j, struct strbuf *err)
{
	struct import_worker w;
	int ret = 0;

	memset(&w, 0, sizeof(w));
	w.job = j;
	w.pool = &j->pools[0];
	for (size_t i = 0; i < j->ntasks && !ret; i++) {
		struct import_task *t = &j->tasks[i];
		if (t->status || !t->f.n || t->f.ev)
			continue;
		import_file_release(&t->f);
		if (parse_task(&w, t)) {
			strbuf_add(err, t->err.buf, t->err.len);
			ret = -1;
		}
	}
	free(w.buf);
	if (w.za)
		zip_discard(w.za);
	free(w.za_path);
	return ret;
}
