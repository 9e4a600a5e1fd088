/*
 * export.h - the privacy export ("Download your data") of one simulated
 * user for all simulated time so far, as an in-memory ZIP: the extended
 * streaming history and/or the account data package.
 *
 * noise changes the account data's track names (see export.c's
 * noisy_name). Other options change only the extended package, and only
 * when asked for; with
 * none the export is the clean, sorted, newest-schema one.
 * - quirks: the same plays with the mess of real files: records shuffled
 *   within each file, ~1% exact duplicates (in the same file), ~5% of the
 *   music rows in Streaming_History_Video_<years>_<n>.json files, ~2% null
 *   "skipped", ~2% "" "reason_start", and an ignored
 *   ReadMeFirst_ExtendedStreamingHistory.pdf beside the JSON files.
 * - endsong: the old era's files, MyData/endsong_<n>.json, with the old key
 *   set (username, ip_addr_decrypted, user_agent_decrypted, offline_timestamp
 *   in ms, no ip_addr and no audiobook_* keys). With quirks, no Video files.
 * Both are deterministic: seeded from the world's seed and the user.
 */
#ifndef SIM_EXPORT_H
#define SIM_EXPORT_H

#include <stddef.h>

#include "listen.h"

enum export_package { EXPORT_EXTENDED = 1, EXPORT_ACCOUNT = 2, EXPORT_BOTH = 3 };

struct export_opts {
	int quirks;  /* 1: real-file quirks */
	int endsong; /* 1: the old endsong_N.json schema */
	int noise;   /* 1: account data names as real files differ (export.c) */
};

/* Returns a new malloc'd ZIP (caller frees) and sets *len, or NULL on a
 * libzip failure. opts may be NULL: no options. */
unsigned char *export_zip(const struct world *w, int u, int packages, const struct export_opts *opts,
			  size_t *len);

#endif
