/*
 * The import's write paths (import.h has the whole import): everything
 * between the parsed files and the commit, through the store. Both run in
 * one transaction and end in the same conclusion (indexes, gap healing, the
 * import's record, commit or a rollback that leaves no trace).
 *
 * The files are seen through struct import_src, so the writers need not know
 * how they were found or parsed; everything it points to is borrowed.
 */
#ifndef PIPELINE_IMPORT_WRITE_H
#define PIPELINE_IMPORT_WRITE_H

#include "pipeline/import.h"

struct import_src {
	size_t n;            /* files, in the order they were given */
	uint64_t total;      /* their bytes */
	char **paths;        /* as given, recorded with the import */
	int npaths;
	/*
	 * File i, waiting for its parser: 0 with *f (NULL when it is not a
	 * streaming history), -1 when it or another file failed to parse.
	 */
	int (*file)(void *arg, size_t i, struct import_file **f);
	void (*progress)(void *arg, int64_t t0, int last);
	/* Frees every file's events and their strings (counts and ranges stay). */
	void (*release)(void *arg);
	/* Fills res->files and res->ignored (every file is parsed). */
	void (*count)(void *arg, struct import_result *res);
	void *arg;
	/* The streaming path wrote file i: its events may go (NULL: kept). */
	void (*written)(void *arg, size_t i);
};

/* Merges every parsed file with the store and writes the outcome. */
int import_write_merging(struct store *s, const struct import_src *src,
			 const struct import_opts *o, struct import_result *res,
			 struct strbuf *err);
/*
 * The fast path for the big first import of an account: with no stored
 * plays to merge with and no account data, merging is dropping exact
 * duplicates, so each file is written as soon as it is parsed while the
 * threads parse the next ones (the one writer overlaps the two parsers).
 * Returns 0 when done, -1 on a store error, 1 when the merging path must
 * run instead (a file turned out to be account data or failed to parse,
 * or the account has plays): then nothing was written.
 */
int import_write_streaming(struct store *s, const struct import_src *src,
			   const struct import_opts *o,
			   struct import_result *res, struct strbuf *err);

#endif
