/*
 * Finding an import's files (import.h has the whole import): the paths
 * given become a list of tasks, one per JSON or log file or ZIP entry, in
 * the order they will be written. A ZIP entry is classified by its own
 * name (after its last '/'); a folder is walked in natural name order
 * ("_2" before "_10"), and a symlink loop or a dangling link inside it is
 * skipped with a note in *skipped. Nothing is read but ZIP directories and
 * stat data.
 *
 * Ownership: the job owns its tasks, their strings and parsed files, and
 * the string pools; ignored and skipped are the caller's (the result's).
 */
#ifndef PIPELINE_IMPORT_FIND_H
#define PIPELINE_IMPORT_FIND_H

#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>
#include <zip.h>

#include "pipeline/import.h"

/* Parser threads (import_threads.h); pools[i] is import_pools[i + 1]. */
#define IMPORT_THREADS 2
/* From this size on, the first import of an account streams (store_streaming) */
#define IMPORT_STREAM_MIN_BYTES ((uint64_t)64 << 20)
/* Files parsed ahead of the streaming writer (about 2 MB of events each) */
#define IMPORT_LEAD 4

struct import_task {
	char *path;          /* the file, or the ZIP holding it */
	char *name;          /* for messages: path, or zip path:entry */
	size_t own;          /* ZIP entry: where its own name starts in name */
	zip_int64_t entry;   /* -1 for a plain file */
	uint64_t size;
	int strict;          /* given by name on the command line */
	int status;          /* 0 parsed, 1 not a streaming history, -1 error */
	atomic_int ready;    /* status and f are final */
	struct strbuf err;
	struct import_file f;
};

struct import_job {
	struct import_task *tasks;
	size_t ntasks, alloc;
	const struct import_opts *o;
	uint64_t total;
	struct strvec *ignored;
	struct strvec *skipped;  /* "\"PATH\": why", for the folder walk */
	struct dirid { dev_t dev; ino_t ino; } *dirs; /* folders being walked */
	size_t ndirs, adirs;
	atomic_size_t next, done, records;
	atomic_int failed;
	/*
	 * While bounded (the streaming writer runs), parsers start a file only
	 * when it is fewer than IMPORT_LEAD after the one the writer took
	 * (taken: its index + 1), and the writer frees each file's events once
	 * written, so parsed events do not pile up (import_threads.c).
	 */
	atomic_int bounded;
	atomic_size_t taken;
	struct import_pool pools[IMPORT_THREADS];
};

/*
 * Adds the tasks of one path: a folder, a ZIP or a file. top says the path
 * was given on the command line (a file given by name is parsed whatever
 * its name, and must exist). Returns 0, or -1 with err set.
 */
int import_find_add(struct import_job *j, const char *path, int top,
		    struct strbuf *err);
/* Frees the tasks, their files and the pools (the threads have stopped). */
void import_job_release(struct import_job *j);

#endif
