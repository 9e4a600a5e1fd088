#include <string.h>

#include "store/sources.h"
#include "core/banned.h"

const struct source sources[] = {
	{ SOURCE_API, "api", "api", 1, 0 },
	{ SOURCE_EXPORT, "export", "export", 1000, 0 },
	{ SOURCE_ACCOUNT_DATA, "account_data", "account data", 60000, 0 },
	{ SOURCE_SCROBBLER_LOG, "scrobbler_log", "scrobbler log", 1000, 0 },
	{ SOURCE_LISTENBRAINZ, "listenbrainz", "ListenBrainz", 1000, 1 },
	{ SOURCE_LASTFM, "lastfm", "Last.fm", 1000, 1 },
	{ SOURCE_MALOJA, "maloja", "maloja", 1000, 1 },
};

const size_t sources_len = sizeof(sources) / sizeof(sources[0]);

_Static_assert(sizeof(sources) / sizeof(sources[0]) == SOURCE_COUNT,
	       "one row per enum source_id");

const struct source *source_by_id(int id)
{
	return id >= 0 && (size_t)id < sources_len ? &sources[id] : NULL;
}

const struct source *source_by_name(const char *name)
{
	for (size_t i = 0; name && i < sources_len; i++)
		if (!strcmp(sources[i].name, name))
			return &sources[i];
	return NULL;
}

const struct source *source_by_bit(unsigned bit)
{
	for (size_t i = 0; i < sources_len; i++)
		if (bit == SOURCE_BIT(sources[i].id))
			return &sources[i];
	return NULL;
}
