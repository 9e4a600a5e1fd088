/*
 * The records skipped by --skip-invalid, from the parsed files into the
 * import's result (import_reject.h).
 */
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "pipeline/import.h"
#include "pipeline/import_reject.h"
#include "core/banned.h"

void import_reject_collect(struct import_job *j, struct import_result *res)
{
	size_t n = 0, k = 0;

	for (size_t i = 0; i < j->ntasks; i++) {
		const struct import_task *t = &j->tasks[i];
		if (!atomic_load(&t->ready))
			continue;
		n += t->f.nrej;
		if (t->status < 0 && t->f.refused)
			res->refusable = 1;
	}
	if (!n)
		return;
	res->rejected = xcalloc(n, sizeof(*res->rejected));
	for (size_t i = 0; i < j->ntasks; i++) {
		const struct import_task *t = &j->tasks[i];
		if (!atomic_load(&t->ready))
			continue;
		for (size_t r = 0; r < t->f.nrej; r++, k++) {
			res->rejected[k].file = xstrdup(t->name);
			res->rejected[k].rec = t->f.rej[r].rec;
			res->rejected[k].reason = xstrdup(t->f.rej[r].reason);
		}
	}
	res->nrejected = k;
}

void import_reject_release(struct import_result *res)
{
	for (size_t i = 0; i < res->nrejected; i++) {
		free(res->rejected[i].file);
		free(res->rejected[i].reason);
	}
	free(res->rejected);
	res->rejected = NULL;
	res->nrejected = 0;
}

void import_reject_jsonl(const struct import_result *res, struct strbuf *out)
{
	for (size_t i = 0; i < res->nrejected; i++) {
		const struct import_rejected *r = &res->rejected[i];
		strbuf_addstr(out, "{\"file\":");
		strbuf_add_json_str(out, r->file);
		strbuf_addf(out, ",\"record\":%zu,\"reason\":", r->rec);
		strbuf_add_json_str(out, r->reason);
		strbuf_addstr(out, "}\n");
	}
}
