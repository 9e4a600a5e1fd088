/*
 * Tracks known by their names only on PostgreSQL (name_tracks, migration
 * 5): their stored names, their pages by name key, and their canon.
 * Strings handed out are new (the caller frees them); *v of
 * pgk_name_key_plays too.
 */
#ifndef STORE_POSTGRES_NAMEKEYED_H
#define STORE_POSTGRES_NAMEKEYED_H

#include <stdint.h>

#include "store/postgres/pg.h"

/* store_ref_names: the names of a name-keyed reference (1), 0 otherwise */
int pgk_ref_names(struct store *st, int64_t ref, char **name, char **artist, char **album);
/* store_name_key_plays */
int pgk_name_key_plays(struct store *st, uint64_t name_key, int64_t *ref,
		       int64_t **v, int *n, struct strbuf *err);
/*
 * name_tracks.canon (doc/import.md, "The counting rule"): a name key counts
 * as the one id track whose plays carried names of that key; with two such
 * tracks or none it is NULL. Run where an import or a copy ends, inside
 * its transaction. 0, or -1 with err.
 */
int pgk_fill_canon(struct pg_store *s, struct strbuf *err);
/*
 * store_scan_music and store_scan_plays, the plays of tracks known by
 * names included (their references, their name keys). They replaced
 * report.c's scans, which left those plays out.
 */
int pgk_scan_music(struct store *st, int64_t account_id, int64_t from, int64_t to,
		   int (*fn)(void *, const struct store_music_play *), void *arg,
		   struct strbuf *err);
int pgk_scan_plays(struct store *st, int64_t account_id, int64_t from, int64_t to,
		   int (*fn)(void *, const struct store_play_row *), void *arg,
		   struct strbuf *err);

#endif
