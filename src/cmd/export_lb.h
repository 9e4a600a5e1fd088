/*
 * spinlog export --format listenbrainz: the plays as ListenBrainz listens,
 * one JSON object a line (the shape of the listens/YYYY/M.jsonl files of
 * ListenBrainz's own export, and of a submit-listens payload item), so
 * ListenBrainz, other scrobble servers and spinlog's own importer
 * (sources/listenbrainz.c) read them back. doc/listenbrainz.md has the
 * mapping.
 *
 * Ownership: nothing is kept; lines go to f as they are made.
 */
#ifndef CMD_EXPORT_LB_H
#define CMD_EXPORT_LB_H

#include <stdint.h>
#include <stdio.h>

#include "core/strbuf.h"

struct store;

struct export_lb_stats {
	size_t written;     /* listens written */
	size_t not_music;   /* podcasts, audiobooks, videos, unknown: left out */
	size_t unnamed;     /* music plays without an artist or title */
	size_t too_old;     /* starting before 2002-10-01 (ListenBrainz refuses them) */
};

/*
 * Writes every play of account (NULL: every account) whose end lies in
 * [from_ms, to_ms), newest first. 0, or -1 with err set.
 */
int export_lb_write(struct store *s, const char *account, int64_t from_ms,
		    int64_t to_ms, FILE *f, struct export_lb_stats *st,
		    struct strbuf *err);

#endif
