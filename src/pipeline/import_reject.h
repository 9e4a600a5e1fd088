/*
 * The records an import skipped with --skip-invalid (sources/format.h's
 * format_reject keeps them per file): gathered into the import's result
 * and written as rejected-<import>.jsonl, one JSON object a line:
 * {"file":"NAME","record":N,"reason":"..."} (record: the index in the
 * file's array as jq '.[N]' counts, or the line of a line format).
 *
 * Ownership: the result owns its copies until import_result_release.
 */
#ifndef PIPELINE_IMPORT_REJECT_H
#define PIPELINE_IMPORT_REJECT_H

#include "pipeline/import_find.h"

/* Copies every file's skipped records into res (files in order), and
 * whether a refused record could have been skipped (res->refusable). */
void import_reject_collect(struct import_job *j, struct import_result *res);
void import_reject_release(struct import_result *res);
/* Appends the skipped records to out as JSON lines (the file's format). */
void import_reject_jsonl(const struct import_result *res, struct strbuf *out);

#endif
