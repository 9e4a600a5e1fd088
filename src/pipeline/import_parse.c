/*
 * Parsing one file: the choice of its format (sources/format.h), whose
 * parse fills the file's events (sources/import_event.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/import.h"
#include "sources/format.h"
#include "sources/json_scan.h"
#include "core/banned.h"

/*
 * The format: what the file's own name says, else what its first bytes say,
 * else JSON records (record 0 says which JSON format).
 */
int import_parse_buffer(const char *name, const char *buf, size_t len,
			int strict, struct import_pool *pool,
			struct import_file *out, struct strbuf *err)
{
	struct format_input in = { name, buf, len, strict, 0, { -1, 0 },
				   out->keep_network, pool };
	const char *own = out->own_name ? out->own_name : name;
	const char *b = strrchr(own, '/');
	const struct source_format *f;

	f = format_by_name(b ? b + 1 : own, &in.hint);
	in.named = f != NULL;
	if (!f)
		f = format_by_bytes(buf, len);
	out->format = in.named ? f->id : FMT_NONE;
	out->kind = in.hint.kind;
	out->min_ms = INT64_MAX;
	out->max_ms = INT64_MIN;
	return f ? f->parse(&in, out, err) : json_scan_parse(&in, out, err);
}
