/*
 * Import of listening histories: Spotify's privacy export ("Download your
 * data": the extended streaming history and the account data) and the other
 * formats of sources/format.h's table,
 * from ZIPs as downloaded, folders (recursively) or single files.
 *
 * import_run finds the files (import_find.h), parses and validates every
 * file first on two threads (import_threads.h; each file's format from
 * sources/), merges the events with each other and with the plays already
 * stored (merge.h), and writes them through the store (store.h) in one
 * transaction (import_write.h): an import lands whole or not at all. It
 * prints nothing; the caller gets counts in struct import_result and one
 * message in err.
 *
 * The events files become, and the pools their strings live in, are
 * sources/import_event.h's.
 */
#ifndef PIPELINE_IMPORT_H
#define PIPELINE_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"
#include "core/strvec.h"
#include "sources/import_event.h"

/* Limits against hostile input; all in bytes. */
struct import_limits {
	uint64_t max_file;   /* one JSON file or ZIP entry, uncompressed */
	uint64_t max_total;  /* everything one import reads */
	unsigned max_ratio;  /* uncompressed/compressed for a ZIP entry */
};

/*
 * Parses one file's bytes. name is used in messages and in name-based
 * classification; strict says an unrecognised file is an error (a file given
 * on the command line) rather than something to ignore. Returns 0, 1 when
 * the file is not a streaming history (only when !strict), or -1 with err
 * set to "NAME: record N: ...".
 */
int import_parse_buffer(const char *name, const char *buf, size_t len,
			int strict, struct import_pool *pool,
			struct import_file *out, struct strbuf *err);
struct import_opts {
	const char *account;        /* NULL: the only account, else "main" */
	int keep_network;
	int dry_run;
	int progress;               /* draw a progress bar on stderr */
	int skip_invalid;           /* skip bad records (import_reject.h) */
	struct import_limits limits;
};

#define IMPORT_WARNINGS 20

struct import_result {
	int64_t import_id;
	size_t files, records, added, merged, dupes;
	size_t healed;               /* gaps healed */
	struct strvec ignored;       /* files skipped, by name */
	struct strvec skipped;       /* "\"PATH\": why" (symlink loops, dangling links) */
	size_t replaced;             /* fields whose invalid text became U+FFFD */
	struct strvec warnings;      /* the first IMPORT_WARNINGS, "NAME: record N: ..." */
	char *account;               /* the account imported into */
	/* --skip-invalid: the records skipped (import_reject.h) */
	struct import_rejected { char *file; size_t rec; char *reason; } *rejected;
	size_t nrejected;
	int refusable;               /* failed on a record --skip-invalid skips */
};

void import_result_release(struct import_result *r);

struct store;

/* The whole import; see the top of this file. */
int import_run(struct store *s, const struct import_opts *o, char **paths,
	       int npaths, struct import_result *res, struct strbuf *err);

#endif
