/*
 * The import's parser threads (import.h has the whole import): they take
 * the job's tasks in order, read each file or ZIP entry and parse it into
 * the task (status, f, err), setting ready when it is final, so a writer
 * may take finished files while later ones are parsed.
 *
 * Ownership: the threads borrow the job; each worker owns its read buffer
 * and open ZIP.
 */
#ifndef PIPELINE_IMPORT_THREADS_H
#define PIPELINE_IMPORT_THREADS_H

#include <pthread.h>

#include "pipeline/import_find.h"

struct import_worker {
	struct import_job *job;
	int nicer;           /* added to the thread's nice value */
	struct import_pool *pool;
	char *buf;
	size_t alloc;
	zip_t *za;
	char *za_path;
};

struct import_threads {
	pthread_t th[IMPORT_THREADS];
	struct import_worker w[IMPORT_THREADS];
	int n;
	int64_t t0;
};

/* Starts the parsers on the job's tasks: 0, or -1 with err set. */
int import_threads_start(struct import_job *j, struct import_threads *t,
			 struct strbuf *err);
/* Waits for the parsers; the first failing file (in order) is the error. */
int import_threads_finish(struct import_job *j, struct import_threads *t,
			  struct strbuf *err);
/* Parses again the files whose events were freed (after the threads). */
int import_threads_reparse(struct import_job *j, struct strbuf *err);
/* Stops the parsers early (after a failure) and waits for them. */
void import_threads_stop(struct import_job *j, struct import_threads *t);
/* Draws the progress line on stderr (last: end it). */
void import_threads_progress(struct import_job *j, int64_t t0, int last);

#endif
