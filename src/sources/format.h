/*
 * The formats of listening histories an import reads, one row each in
 * format.c's table: its name, how a file is recognised (by its own name
 * and/or its first bytes), how it is parsed, the play source its events
 * belong to (store/sources.h), how exactly it knows a play's end time, and
 * how its plays are matched with the same plays from other sources.
 *
 * sources/ sits on the pipeline's layer: a format's parse turns a file's
 * bytes into the import_events of pipeline/import.h; the pipeline merges
 * and writes them. JSON formats share one record scanner (json_scan.h) and
 * say only which keys they want and how a record becomes an event.
 *
 * To add a format: one file sources/NAME.c defining its struct
 * source_format, one FMT_ id and one row in format.c (and a source row in
 * store/sources.c when it is a new source). doc/import.md has the rules.
 *
 * Ownership: everything here is static and read-only.
 */
#ifndef SOURCES_FORMAT_H
#define SOURCES_FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/hash.h"
#include "sources/import_event.h"
#include "store/sources.h"

/* Ids of the rows (import_file.format); FMT_NONE is no row. */
enum format_id {
	FMT_NONE,
	FMT_EXTENDED,      /* spotify_extended.c */
	FMT_ACCOUNT,       /* spotify_account_data.c */
	FMT_SCROBBLER_LOG, /* scrobbler_log.c */
	FMT_LISTENBRAINZ,  /* listenbrainz.c */
	FMT_LASTFM_CSV,    /* lastfm_csv.c */
	FMT_MALOJA,        /* maloja.c */
	FMT_COUNT          /* (not a format) */
};

/* How a format's plays find the same play from another source (merge.h). */
enum format_match {
	MATCH_BY_ID,    /* Spotify track or episode id and time */
	MATCH_BY_NAMES, /* normalised artist + title and time (no ids) */
};

/* What a file's name says besides its format. */
struct format_hint {
	int kind;   /* enum import_kind of every record, or -1 */
	int video;  /* episodes are videos */
};

/* One file to parse. */
struct format_input {
	const char *name;   /* in messages */
	const char *buf;    /* the bytes (not terminated) */
	size_t len;
	int strict;         /* given by name: an unknown file is an error */
	int named;          /* the file's own name said its format */
	struct format_hint hint;
	int keep_network;
	struct import_pool *pool;
};

struct json_format;

struct source_format {
	int id;                /* enum format_id */
	const char *name;      /* "spotify_extended" */
	const char *suffix;    /* folders and ZIPs: files ending so are read */
	/* 1 when a file's own name (no folder) is this format's, filling h */
	int (*detect_name)(const char *own, struct format_hint *h);
	/* 1 when a file's first bytes are this format's; NULL: by name only */
	int (*detect_bytes)(const char *buf, size_t len);
	/*
	 * Fills out->ev (and counts, range, warnings); 0, 1 when the file is
	 * not this format and !in->strict && !in->named, or -1 with err set
	 * to "NAME: record N: ..." or "NAME:LINE: ...".
	 */
	int (*parse)(const struct format_input *in, struct import_file *out,
		     struct strbuf *err);
	const struct json_format *json; /* JSON records (json_scan.h), or NULL */
	int source;            /* enum source_id */
	int64_t precision_ms;  /* end times are truncated to this */
	int match;             /* enum format_match */
};

/* The row of an id, or NULL (FMT_NONE, out of range). */
const struct source_format *format_by_id(int id);
/* The format a file's own name says, filling h; NULL when none. */
const struct source_format *format_by_name(const char *own,
					   struct format_hint *h);
/* The first format (with detect_bytes) that recognises the bytes, or NULL. */
const struct source_format *format_by_bytes(const char *buf, size_t len);
/* 1 when a folder or ZIP entry name ends in a format's suffix. */
int format_wants_file(const char *name);
/* 1 when a file's own name is PREFIX, then digits, then ".json". */
int format_name_numbered(const char *name, const char *prefix);
/* The match rule of a source's formats (a one-bit set), or -1 (the API). */
int format_source_match(unsigned bit);
/* The JSON formats, in table order, for the scanner's record 0. */
const struct source_format *format_json(size_t i);

/* A format file's row (defined in sources/NAME.c). */
extern const struct source_format format_spotify_extended;
extern const struct source_format format_spotify_account_data;
extern const struct source_format format_scrobbler_log;
extern const struct source_format format_listenbrainz;
extern const struct source_format format_lastfm_csv;
extern const struct source_format format_maloja;

/* ---- for format files: fingerprints and times ---- */

/* 1 when ms lies from since_ms to a day (of clock skew) after now. */
static inline int format_plausible(int64_t ms, int64_t since_ms, int64_t now)
{
	return ms >= since_ms && ms <= now + 86400000LL;
}

/* Interns s (NULL: no string, id 0). */
static inline uint32_t format_intern(struct import_pool *pool, const char *s,
				     size_t len)
{
	return s ? import_pool_intern(pool, s, len) : 0;
}

/*
 * A record the parser refused, err holding "NAME: record N: why" (or
 * "NAME:LINE: why"). With out->skip_invalid it is kept in out->rej, err is
 * reset and 0 returned: the parser drops the record and goes on. Otherwise
 * (and when the string pool is full, which no skip can cure) -1, and
 * out->refused says the message may name --skip-invalid. Every format calls
 * it where one record failed and the next one can still be read.
 */
int format_reject(const struct format_input *in, struct import_file *out,
		  size_t rec, struct strbuf *err);

/* Sets err to "WHERE: the distinct names ... need more than N MB ..." */
void format_pool_full(struct strbuf *err, const char *where,
		      const struct import_pool *pool);

#endif
