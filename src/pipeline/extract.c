#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "pipeline/extract.h"
#include "core/banned.h"

static const char *jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static char *join_artists(const cJSON *track)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(track, "artists");
	const cJSON *a;
	struct strbuf sb = STRBUF_INIT;

	cJSON_ArrayForEach(a, arr) {
		const char *name = jstr(a, "name");
		if (!name)
			continue;
		if (sb.len)
			strbuf_addstr(&sb, ", ");
		strbuf_addstr(&sb, name);
	}
	return strbuf_detach(&sb, NULL);
}

static int extract_item(const cJSON *item, size_t i, struct play_row *row,
			struct strbuf *err)
{
	const cJSON *track = cJSON_GetObjectItemCaseSensitive(item, "track");
	const cJSON *ctx = cJSON_GetObjectItemCaseSensitive(item, "context");
	const cJSON *album;
	const char *at = jstr(item, "played_at");

	if (!at || time_parse_iso(at, &row->played_ms)) {
		strbuf_addf(err, "item %zu: \"played_at\" is not a timestamp (%s%.40s%s)",
			    i, at ? "\"" : "", at ? at : "missing", at ? "\"" : "");
		return -1;
	}
	if (!cJSON_IsObject(track)) {
		strbuf_addf(err, "item %zu: \"track\" is not an object", i);
		return -1;
	}
	album = cJSON_GetObjectItemCaseSensitive(track, "album");
	row->track = track;
	row->track_id = jstr(track, "id");
	row->track_name = jstr(track, "name");
	row->artist_names = join_artists(track);
	row->album_name = cJSON_IsObject(album) ? jstr(album, "name") : NULL;
	row->context_uri = cJSON_IsObject(ctx) ? jstr(ctx, "uri") : NULL;
	return 0;
}

/* The \uXXXX at p (p + 4 <= end), or -1. */
static long hex4(const char *p)
{
	long v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		int h = c >= '0' && c <= '9' ? c - '0'
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/*
 * Why the text is cleaned before cJSON sees it: cJSON cuts a string at
 * "\u0000" and fails the whole page on one lone surrogate, where the policy
 * (core/utf8.h) is U+FFFD for both. Appends json to out with those escapes
 * rewritten as "\ufffd" and invalid raw UTF-8 replaced; returns the number
 * of replacements (0: out is a plain copy).
 */
static long clean_json_text(const char *json, size_t len, struct strbuf *out)
{
	const char *p = json, *end = json + len, *run = json;
	long n = 0, r;

	while (p < end) {
		long cp, lo;
		if (*p != '\\') {
			p++;
			continue;
		}
		if (end - p < 6 || p[1] != 'u' || (cp = hex4(p + 2)) < 0) {
			p += p + 1 < end ? 2 : 1; /* another escape: cJSON judges it */
			continue;
		}
		if (cp >= 0xd800 && cp < 0xdc00 && end - p >= 12 && p[6] == '\\' &&
		    p[7] == 'u' && (lo = hex4(p + 8)) >= 0xdc00 && lo <= 0xdfff) {
			p += 12;
			continue;
		}
		if (cp && (cp < 0xd800 || cp > 0xdfff)) {
			p += 6;
			continue;
		}
		strbuf_add(out, run, (size_t)(p - run));
		strbuf_addstr(out, "\\ufffd");
		n++;
		p += 6;
		run = p;
	}
	strbuf_add(out, run, (size_t)(end - run));
	if (!utf8_valid(out->buf, out->len)) {
		struct strbuf fixed = STRBUF_INIT;
		r = utf8_add_replacing(&fixed, out->buf, out->len);
		n += r > 0 ? r : 0;
		strbuf_release(out);
		*out = fixed;
	}
	return n;
}

int extract_page(const char *json, size_t len, struct page_rows *out,
		 struct strbuf *err)
{
	const cJSON *items, *item;
	size_t i = 0, n;
	struct strbuf clean = STRBUF_INIT;
	long replaced;

	memset(out, 0, sizeof(*out));
	replaced = clean_json_text(json, len, &clean);
	out->replaced = (size_t)replaced;
	out->doc = replaced ? cJSON_ParseWithLength(clean.buf, clean.len)
			    : cJSON_ParseWithLength(json, len);
	strbuf_release(&clean);
	if (!cJSON_IsObject(out->doc)) {
		strbuf_addstr(err, "recently-played page is not a JSON object");
		goto fail;
	}
	items = cJSON_GetObjectItemCaseSensitive(out->doc, "items");
	if (!cJSON_IsArray(items)) {
		strbuf_addstr(err, "recently-played page has no \"items\" array");
		goto fail;
	}
	out->next = jstr(out->doc, "next");
	n = (size_t)cJSON_GetArraySize(items);
	out->rows = xcalloc(n ? n : 1, sizeof(*out->rows));
	cJSON_ArrayForEach(item, items) {
		struct play_row *row = &out->rows[i];
		if (extract_item(item, i, row, err))
			goto fail;
		out->n = ++i;
		if (!out->newest_ms || row->played_ms > out->newest_ms)
			out->newest_ms = row->played_ms;
		if (!out->oldest_ms || row->played_ms < out->oldest_ms)
			out->oldest_ms = row->played_ms;
	}
	return 0;
fail:
	page_rows_release(out);
	return -1;
}

void page_rows_release(struct page_rows *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->rows[i].artist_names);
	free(p->rows);
	cJSON_Delete(p->doc);
	memset(p, 0, sizeof(*p));
}
