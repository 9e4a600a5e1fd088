/*
 * What the scrobbling formats share (ListenBrainz, Last.fm, maloja): a
 * scrobble says when a listen STARTED (unix seconds), the names, and
 * sometimes the track's length. scrobble_add turns one into an event of
 * its file: the end time is the start plus the length when known (else the
 * start), ms_played the length (else unknown), names follow the one text
 * policy (core/utf8.h: invalid UTF-8 replaced, with a warning), and the
 * fingerprint is the source, the start second and the normalised names, so
 * the same scrobble from the endpoint and from an export is one record.
 *
 * Ownership: strings are borrowed; the event's strings go to in->pool.
 */
#ifndef SOURCES_SCROBBLE_H
#define SOURCES_SCROBBLE_H

#include "sources/format.h"

/* ListenBrainz's LISTEN_MINIMUM_TS: 2002-10-01, "before which most Last.FM data is rubbish". */
#define SCROBBLE_MIN_TS 1033430400LL

struct scrobble {
	int64_t start_s;
	int64_t duration_ms;     /* -1: unknown */
	const char *artist, *track, *album; /* album may be NULL */
	size_t alen, tlen, blen;
	/*
	 * Exact values a spinlog export carries (cmd/export_lb.c), so its
	 * plays come back as they were; zero-filled: none. start_extra_ms
	 * 0..999 is added to start_s; has_ms_played says ms_played (which may
	 * be 0) is known and gives the end; track_id is a Spotify id (22
	 * characters) or NULL. When exact (the start was given to the ms), the
	 * fingerprint also takes start_extra_ms and ms_played, so two plays of
	 * one second stay two.
	 */
	int64_t start_extra_ms, ms_played;
	int has_ms_played, exact;
	const char *track_id;
};

/*
 * Appends s's event to out for source (enum source_id); where names the
 * record in warnings ("x.jsonl:12"). 0, or -1 with err set when the string
 * pool is full.
 */
int scrobble_add(const struct scrobble *s, int source,
		 const struct format_input *in, struct import_file *out,
		 const char *where, struct strbuf *err);

#endif
