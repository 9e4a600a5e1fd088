#include <string.h>
#include <strings.h>

#include "sources/format.h"
#include "core/banned.h"

/* The formats, by id; a file is tried against them in this order. */
static const struct source_format *const formats[] = {
	[FMT_EXTENDED] = &format_spotify_extended,
	[FMT_ACCOUNT] = &format_spotify_account_data,
	[FMT_SCROBBLER_LOG] = &format_scrobbler_log,
	[FMT_LISTENBRAINZ] = &format_listenbrainz,
	[FMT_LASTFM_CSV] = &format_lastfm_csv,
	[FMT_MALOJA] = &format_maloja,
};

#define NFORMATS (sizeof(formats) / sizeof(formats[0]))
_Static_assert(NFORMATS == FMT_COUNT, "one row per enum format_id");

const struct source_format *format_by_id(int id)
{
	return id > FMT_NONE && id < FMT_COUNT ? formats[id] : NULL;
}

const struct source_format *format_by_name(const char *own,
					   struct format_hint *h)
{
	h->kind = -1;
	h->video = 0;
	for (size_t i = 1; i < NFORMATS; i++)
		if (formats[i]->detect_name(own, h))
			return formats[i];
	return NULL;
}

const struct source_format *format_by_bytes(const char *buf, size_t len)
{
	for (size_t i = 1; i < NFORMATS; i++)
		if (formats[i]->detect_bytes && formats[i]->detect_bytes(buf, len))
			return formats[i];
	return NULL;
}

int format_wants_file(const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 1; i < NFORMATS; i++) {
		size_t m = strlen(formats[i]->suffix);
		if (n >= m && !strcasecmp(name + n - m, formats[i]->suffix))
			return 1;
	}
	return 0;
}

int format_name_numbered(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);
	const char *p;

	if (strncmp(name, prefix, n))
		return 0;
	p = name + n;
	if (*p < '0' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	return !strcmp(p, ".json");
}

int format_source_match(unsigned bit)
{
	for (size_t i = 1; i < NFORMATS; i++)
		if (SOURCE_BIT(formats[i]->source) == bit)
			return formats[i]->match;
	return -1;
}

const struct source_format *format_json(size_t i)
{
	for (size_t k = 1; k < NFORMATS; k++)
		if (formats[k]->json && !i--)
			return formats[k];
	return NULL;
}

void format_pool_full(struct strbuf *err, const char *where,
		      const struct import_pool *pool)
{
	strbuf_reset(err);
	strbuf_addf(err, "%s: the distinct names and values of this import "
		    "need more than %u MB of memory (the limit of one parser "
		    "thread's string pool); import the files in smaller groups",
		    where,
		    (unsigned)((size_t)pool->max_chunks << IMPORT_CHUNK_SHIFT >> 20));
}
