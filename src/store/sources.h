/*
 * The play sources, written once: every source a play can come from, with
 * the id the store keeps (the sources table, seeded from this list by
 * db.c), the name written in the store and in JSON, a label for pages and
 * how exactly the source knows a play's end time. In memory a play's
 * sources are a bitmask over the ids (bit 1 << id, enum play_source);
 * the names and ids come from this one list. The bits are also part of
 * the import fingerprints (pipeline/import_parse.c), so an id never
 * changes once shipped.
 *
 * To add a source: one row in sources.c (a new id at the end) and one bit
 * here; the store picks the row up on its next open.
 *
 * Ownership: everything here is static and read-only.
 */
#ifndef STORE_SOURCES_H
#define STORE_SOURCES_H

#include <stddef.h>
#include <stdint.h>

enum source_id {
	SOURCE_API = 0,          /* recently-played */
	SOURCE_EXPORT = 1,       /* extended streaming history */
	SOURCE_ACCOUNT_DATA = 2, /* account data StreamingHistory*.json */
	SOURCE_SCROBBLER_LOG = 3, /* a portable player's .scrobbler.log */
	SOURCE_LISTENBRAINZ = 4, /* submitted to serve's /1/submit-listens, or its export */
	SOURCE_LASTFM = 5,       /* a Last.fm scrobble history (CSV) */
	SOURCE_MALOJA = 6,       /* a maloja server's JSON export */
	SOURCE_COUNT             /* (not a source) */
};

/* Bits of a play's set of sources. */
#define SOURCE_BIT(id) (1u << (id))
enum play_source {
	SRC_API = SOURCE_BIT(SOURCE_API),
	SRC_EXPORT = SOURCE_BIT(SOURCE_EXPORT),
	SRC_ACCOUNT_DATA = SOURCE_BIT(SOURCE_ACCOUNT_DATA),
	SRC_SCROBBLER_LOG = SOURCE_BIT(SOURCE_SCROBBLER_LOG),
	SRC_LISTENBRAINZ = SOURCE_BIT(SOURCE_LISTENBRAINZ),
	SRC_LASTFM = SOURCE_BIT(SOURCE_LASTFM),
	SRC_MALOJA = SOURCE_BIT(SOURCE_MALOJA),
};
/* plays.sources and the import's bitmasks are 8 bits wide */
_Static_assert(SOURCE_COUNT <= 8, "a play's sources fit in 8 bits");

struct source {
	int id;
	const char *name;      /* "account_data": in the store and in JSON */
	const char *label;     /* "account data": on pages */
	int64_t precision_ms;  /* how exactly its end times are known */
	/*
	 * 1: the source knows when a listen STARTED (scrobblers: Last.fm,
	 * ListenBrainz, maloja), not when it ended; its plays are matched on
	 * start times (the others' end minus ms_played), see pipeline/merge.h.
	 */
	int starts;
};

/* The list, indexed by id; sources_len entries. */
extern const struct source sources[];
extern const size_t sources_len;

/* The source with that id or name, or NULL. */
const struct source *source_by_id(int id);
const struct source *source_by_name(const char *name);
/* The source of a one-bit set (SRC_EXPORT: the export), or NULL. */
const struct source *source_by_bit(unsigned bit);

#endif
