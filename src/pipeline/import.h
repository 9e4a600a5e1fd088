/*
 * Import of listening histories: Spotify's privacy export ("Download your
 * data": the extended streaming history and the account data) and the other
 * formats of sources/format.h's table,
 * from ZIPs as downloaded, folders (recursively) or single files.
 *
 * import_run finds the files (import_find.h), parses and validates every
 * file first on two threads (import_threads.h; each file's format from
 * sources/), merges the events with each other and with the plays already
 * stored (merge.h), and writes them through the store (store.h) in one
 * transaction (import_write.h): an import lands whole or not at all. It
 * prints nothing; the caller gets counts in struct import_result and one
 * message in err.
 *
 * Strings of parsed events live in interning pools (struct import_pool); an
 * event refers to them by 32-bit ids (0 = NULL), resolved with import_str.
 */
#ifndef PIPELINE_IMPORT_H
#define PIPELINE_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"
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
	uint32_t *tab;    /* open addressing: offsets, 0 = empty */
	size_t tabsize, count;
	unsigned index;   /* which pool: the top bits of ids */
	unsigned max_chunks; /* IMPORT_CHUNKS (lower in tests) */
	int full;         /* a string did not fit: the import must stop */
};

void import_pool_init(struct import_pool *p, unsigned index);
void import_pool_release(struct import_pool *p);
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

/* Limits against hostile input; all in bytes. */
struct import_limits {
	uint64_t max_file;   /* one JSON file or ZIP entry, uncompressed */
	uint64_t max_total;  /* everything one import reads */
	unsigned max_ratio;  /* uncompressed/compressed for a ZIP entry */
};

/* Messages about replaced text kept per file (the rest are counted). */
#define IMPORT_FILE_WARNINGS 5

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
};

/*
 * Parses one file's bytes. name is used in messages and in name-based
 * classification; strict says an unrecognised file is an error (a file given
 * on the command line) rather than something to ignore. Returns 0, 1 when
 * the file is not a streaming history (only when !strict), or -1 with err
 * set to "NAME: record N: ...".
 */
int import_parse_buffer(const char *name, const char *buf, size_t len,
			int strict, struct import_pool *pool,
			struct import_file *out, struct strbuf *err);
void import_file_release(struct import_file *f);

/* An event's namekey (computed from its names when the parser left it 0). */
uint64_t import_event_namekey(const struct import_event *e);
/* Normalised artist+title hash used for name matching; 0 when both empty. */
uint64_t import_namekey(const char *artist, size_t alen, const char *title,
			size_t tlen);

struct import_opts {
	const char *account;        /* NULL: the only account, else "main" */
	int keep_network;
	int dry_run;
	int progress;               /* draw a progress bar on stderr */
	struct import_limits limits;
};

#define IMPORT_WARNINGS 20

struct import_result {
	int64_t import_id;
	size_t files, records, added, merged, dupes;
	size_t healed;               /* gaps healed */
	struct strvec ignored;       /* files skipped, by name */
	struct strvec skipped;       /* "\"PATH\": why" (symlink loops, dangling links) */
	size_t replaced;             /* fields whose invalid text became U+FFFD */
	struct strvec warnings;      /* the first IMPORT_WARNINGS, "NAME: record N: ..." */
	char *account;               /* the account imported into */
};

void import_result_release(struct import_result *r);

struct store;

/* The whole import; see the top of this file. */
int import_run(struct store *s, const struct import_opts *o, char **paths,
	       int npaths, struct import_result *res, struct strbuf *err);

#endif
