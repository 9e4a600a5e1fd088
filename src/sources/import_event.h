/*
 * What a history format (sources/format.h) turns a file into: listening
 * events, and the interning pools their strings live in. An event refers to
 * its strings by 32-bit ids (0 = NULL), resolved with import_str. The
 * pipeline's import (pipeline/import.h) merges and writes them.
 *
 * Ownership: a pool owns its strings until import_pool_release; a file owns
 * its events, name and warnings until import_file_release.
 */
#ifndef SOURCES_IMPORT_EVENT_H
#define SOURCES_IMPORT_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "core/strvec.h"

enum import_kind { KIND_MUSIC, KIND_PODCAST, KIND_AUDIOBOOK, KIND_VIDEO, KIND_UNKNOWN };
extern const char *const import_kind_names[];

/* Indexes of an event's strings. */
enum import_str_field {
	IS_TRACK_ID, IS_EPISODE_ID, IS_TRACK, IS_ARTIST, IS_ALBUM,
	IS_REASON_START, IS_REASON_END, IS_PLATFORM, IS_COUNTRY, IS_IP, IS_UA,
	IS_N
};

/* Tri-state booleans: 0 false, 1 true, 2 unknown (null or absent). */
#define TRI_NULL 2

/* Event flags. */
#define EV_KIND_UNSURE 1 /* old account data: music and podcasts mixed */

/* One listening event as a file described it. */
struct import_event {
	int64_t played_ms;   /* end time, truncated to precision */
	int64_t offline_ms;  /* 0 when unknown */
	uint64_t fp;         /* fingerprint of the record (exact duplicates) */
	uint64_t namekey;    /* account data: hash of normalised artist+title;
				0 elsewhere: see import_event_namekey */
	uint32_t str[IS_N];
	int32_t ms_played;   /* -1 when unknown */
	uint32_t rec;        /* index in its file's array */
	uint16_t file;
	uint8_t kind, source, skipped, shuffle, offline, incognito, flags;
};

/*
 * An interning pool: strings appended once, referred to by offset. The
 * bytes live in fixed 1 MB chunks that never move, so one thread may read
 * strings of finished files while the parser thread owning the pool adds
 * more (the pool's table is the owner's alone).
 */
#define IMPORT_POOLS 4
#define IMPORT_POOL_SHIFT 30
#define IMPORT_CHUNK_SHIFT 20
#define IMPORT_CHUNKS (1u << (IMPORT_POOL_SHIFT - IMPORT_CHUNK_SHIFT))
struct import_pool {
	char *chunk[IMPORT_CHUNKS];
	size_t len;       /* next free offset */
	uint64_t *tab;    /* open addressing: hash << 32 | offset, 0 = empty */
	size_t tabsize, count;
	unsigned index;   /* which pool: the top bits of ids */
	unsigned max_chunks; /* IMPORT_CHUNKS (lower in tests) */
	int full;         /* a string did not fit: the import must stop */
};

void import_pool_init(struct import_pool *p, unsigned index);
void import_pool_release(struct import_pool *p);
/* Empties p for reuse, keeping its first chunk (no 1 MB allocation). */
void import_pool_reset(struct import_pool *p);
/*
 * Interns s[0..len); returns its id, or 0 (and sets p->full) when the pool
 * has no room left. Never aborts: the caller says which limit was hit.
 */
uint32_t import_pool_intern(struct import_pool *p, const char *s, size_t len);
/* Each string is stored after its 16-bit length (strings are capped at 64 KB). */
/* The pools ids resolve against (set by whoever owns them). */
extern struct import_pool *import_pools[IMPORT_POOLS];
static inline size_t import_strlen(uint32_t id);
static inline const char *import_str(uint32_t id)
{
	if (!id)
		return NULL;
	uint32_t off = id & ((1u << IMPORT_POOL_SHIFT) - 1);
	return import_pools[id >> IMPORT_POOL_SHIFT]
		       ->chunk[off >> IMPORT_CHUNK_SHIFT] +
	       (off & ((1u << IMPORT_CHUNK_SHIFT) - 1));
}
static inline size_t import_strlen(uint32_t id)
{
	const unsigned char *p = (const unsigned char *)import_str(id);
	return p ? (size_t)p[-2] | (size_t)p[-1] << 8 : 0;
}

/* Messages about replaced text kept per file (the rest are counted). */
#define IMPORT_FILE_WARNINGS 5

/* A record a parser refused and the import skipped (--skip-invalid). */
struct import_reject {
	size_t rec;          /* the parser's record index, or line number */
	char *reason;        /* the message without its "NAME: record N: " */
};

/* One parsed file. */
struct import_file {
	int keep_network;    /* in: keep ip_addr and user agent */
	const char *own_name; /* in: the file's own name, which says its format
				 (a ZIP entry's name after its last '/'); NULL:
				 the parser's name after its last '/' */
	char *name;          /* as shown in messages: path, or zip:entry */
	int format;          /* enum format_id (sources/format.h) */
	int kind;            /* the file's kind (account data), or -1 */
	struct import_event *ev;
	size_t n, alloc;
	size_t records;
	int64_t min_ms, max_ms; /* time range covered, max includes precision */
	size_t replaced;     /* fields whose invalid text became U+FFFD */
	struct strvec warnings; /* the first IMPORT_FILE_WARNINGS of them */
	int skip_invalid;    /* in: skip bad records (format_reject) */
	int refused;         /* out: a bad record failed the file that
				skip_invalid would have skipped */
	struct import_reject *rej; /* the records skipped (sources/reject.c) */
	size_t nrej, rej_alloc;
};

void import_file_release(struct import_file *f);

/*
 * Keeps the event a parser filled at f->ev[f->n]: its record index and
 * source bit, and the file's time range (the end grows by the source's
 * precision_ms); then f->n++.
 */
void import_file_keep(struct import_file *f, uint32_t rec, uint8_t source_bit,
		      int64_t precision_ms);

/* An event's namekey (computed from its names when the parser left it 0). */
uint64_t import_event_namekey(const struct import_event *e);
/* Normalised artist+title hash used for name matching; 0 when both empty. */
uint64_t import_namekey(const char *artist, size_t alen, const char *title,
			size_t tlen);

#endif
