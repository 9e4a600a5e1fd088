/*
 * Records skipped by --skip-invalid (format.h's format_reject): the one
 * place every format hands a refused record to, so the choice between
 * refusing the import and skipping the record is the pipeline's, not each
 * parser's.
 */
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "sources/format.h"
#include "core/banned.h"

/* err without its "NAME: record N: " or "NAME:N: " (what the file and
 * record of a rejected line already say). */
static const char *reason_of(const char *name, const char *msg)
{
	size_t n = strlen(name);
	const char *p = msg;

	if (strncmp(p, name, n))
		return msg;
	p += n;
	if (!strncmp(p, ": record ", 9))
		p += 9;
	else if (*p == ':')
		p++;
	else
		return msg;
	while (*p >= '0' && *p <= '9')
		p++;
	if (strncmp(p, ": ", 2))
		return msg;
	return p + 2;
}

int format_reject(const struct format_input *in, struct import_file *out,
		  size_t rec, struct strbuf *err)
{
	struct import_reject *r;

	if (in->pool && in->pool->full)
		return -1;
	if (!out->skip_invalid) {
		out->refused = 1;
		return -1;
	}
	ALLOC_GROW(out->rej, out->nrej + 1, out->rej_alloc);
	r = &out->rej[out->nrej++];
	r->rec = rec;
	r->reason = xstrdup(reason_of(in->name, err->buf));
	strbuf_reset(err);
	return 0;
}
