/*
 * Extract: turns one raw recently-played page (as landed, untouched) into
 * play rows. Pure parsing: no database, no network. The rows borrow from the
 * parsed document, which the page_rows owns; page_rows_release frees it all.
 * Every string of the document is valid UTF-8 without U+0000: what was not
 * is replaced with U+FFFD before parsing (core/utf8.h) and counted.
 */
#ifndef PIPELINE_EXTRACT_H
#define PIPELINE_EXTRACT_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"

struct play_row {
	int64_t played_ms;        /* played_at (end time), UTC ms */
	const char *track_id;     /* borrowed; NULL for a local file */
	const char *track_name;   /* borrowed */
	char *artist_names;       /* owned: every artist's name joined with ", " */
	const char *album_name;   /* borrowed, may be NULL */
	const char *context_uri;  /* borrowed, may be NULL */
	const cJSON *track;       /* borrowed: the full track object */
};

struct page_rows {
	cJSON *doc;               /* owned */
	struct play_row *rows;    /* newest first, as Spotify orders them */
	size_t n;
	int64_t newest_ms, oldest_ms;  /* 0 when the page is empty */
	const char *next;         /* borrowed, NULL when absent or null */
	size_t replaced;          /* "\u0000", lone surrogates and invalid UTF-8
				     replaced with U+FFFD (core/utf8.h) */
};

/* Parses a page; on error fills err with what and where, returns -1. */
int extract_page(const char *json, size_t len, struct page_rows *out,
		 struct strbuf *err);
void page_rows_release(struct page_rows *p);

#endif
