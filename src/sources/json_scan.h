/*
 * The record scanner shared by the JSON formats. Exports are JSON arrays of
 * flat records (every value a string, a number, true, false or null), ~12 MB
 * each, and an import may read a gigabyte of them, so instead of building a
 * DOM the scanner reads the bytes once: keys are looked up in one small
 * table (the union of every JSON format's keys), values are kept per key
 * for the record at hand, and the format's event function turns the record
 * into an import_event on the spot. Anything else (nesting, truncation, a
 * wrong type, an impossible time) is an error naming the file, the record
 * index (as in jq '.[N]') and the key.
 *
 * A JSON format (sources/NAME.c) gives its keys as an array of names and
 * reads values by its own index into that array (json_val and the getters
 * below add the format's offset).
 *
 * Ownership: values point into the file's bytes or into the scan's buffer
 * of decoded strings, valid until the next record.
 */
#ifndef SOURCES_JSON_SCAN_H
#define SOURCES_JSON_SCAN_H

#include "sources/format.h"

enum jtype { J_NONE, J_STR, J_NUM, J_TRUE, J_FALSE, J_NULL, J_NESTED };

struct jval {
	int type;
	const char *s; /* J_STR: the value's bytes, valid UTF-8 (not terminated) */
	size_t len;
	size_t dec;    /* J_STR: offset of the bytes in scan.dec, or NO_DEC when
			  s points into the file (no escapes, valid UTF-8) */
	unsigned repl; /* J_STR: characters replaced with U+FFFD */
	int64_t num;
	int integral;  /* J_NUM without fraction or exponent, no overflow */
	const char *raw; /* start of the value in the file, for messages */
};

/* Keys of every JSON format together. */
#define JSON_KEYS_MAX 64

struct json_rec {
	struct jval v[JSON_KEYS_MAX];
	int nested;
};

/* What a JSON file is, as its name and record 0 say. */
struct json_fileinfo {
	int64_t now;
	int kind, video, unsure;
	int keep_network;
};

struct json_scan {
	const char *start, *p, *end;
	const char *name;
	size_t rec;
	int key;        /* the known key whose value is being read, or -1 */
	int base;       /* the format's first key in the table */
	struct strbuf *err;
	struct strbuf dec; /* this record's decoded strings */
	struct import_file *out;
	struct import_pool *pool;
	struct json_fileinfo fi;
};

struct json_format {
	const char *const *keys;
	int nkeys;
	/* Record 0: 1 when it is this format's, setting fi->kind and unsure. */
	int (*detect)(const struct json_scan *s, const struct json_rec *r,
		      struct json_fileinfo *fi);
	/* One record to e (zeroed first); 0, or -1 with s->err set. */
	int (*event)(struct json_scan *s, const struct json_rec *r,
		     struct import_event *e);
};

/* The parse of every JSON row of the format table. */
int json_scan_parse(const struct format_input *in, struct import_file *out,
		    struct strbuf *err);

/* The value of the format's key k. */
static inline const struct jval *json_val(const struct json_scan *s,
					  const struct json_rec *r, int k)
{
	return &r->v[s->base + k];
}

/* Errors: "NAME: record N: \"KEY\" WHAT (\"excerpt\")"; all return -1. */
int json_fail_field(struct json_scan *s, int k, const char *what,
		    const struct jval *v);
/* A string or null (*out NULL); anything else is an error. */
int json_get_str(struct json_scan *s, const struct json_rec *r, int k,
		 const char **out, size_t *len);
/* The type check of json_get_str for a field that is not kept. */
int json_check_str(struct json_scan *s, const struct json_rec *r, int k);
/* true, false or null (TRI_NULL). */
int json_get_bool(struct json_scan *s, const struct json_rec *r, int k,
		  uint8_t *out);
/* A whole number of milliseconds, 0 to INT32_MAX; missing is an error. */
int json_get_ms(struct json_scan *s, const struct json_rec *r, int k,
		int32_t *out);
/* "PREFIXID" -> ID, which must be a Spotify id (core/ids.h). */
int json_uri_id(struct json_scan *s, const struct json_rec *r, int k,
		const char *prefix, const char **id, size_t *idlen);
/* A Spotify URI kept whole: "spotify:" TYPE ":" ID, TYPE in a-z. */
int json_check_uri(struct json_scan *s, const struct json_rec *r, int k);
/*
 * Spotify's two timestamps, UTC: "YYYY-MM-DDTHH:MM:SSZ" (seconds) or
 * "YYYY-MM-DD HH:MM"; 0 or -1.
 */
int json_spotify_time(const char *s, size_t len, int seconds, int64_t *ms);
/* 1 when ms is from 2007-10-07 (a year before Spotify's launch on
 * 2008-10-07) to a day after now. */
#define JSON_SPOTIFY_IMPLAUSIBLE "is not a plausible time (before 2007-10-07, " \
	"a year before Spotify's launch, or more than a day in the future)"

int json_spotify_plausible(int64_t ms, int64_t now);

#endif
