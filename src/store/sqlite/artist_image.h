/*
 * The SQLite engine's calls of store.h's "artist images" section (issue
 * 11): artists.image_url (migration 12 here, 13 once merged) and the
 * artists whose image the cover cache wants.
 */
#ifndef STORE_SQLITE_ARTIST_IMAGE_H
#define STORE_SQLITE_ARTIST_IMAGE_H

#include "store/sqlite/sqlite.h"

int sqa_artist_image_put(struct store *s, const char *artist_id,
			 const char *url, struct strbuf *err);
char *sqa_artist_image(struct store *s, const char *artist_id);
int sqa_artist_images(struct store *s, int64_t now_ms,
		      int (*fn)(void *, const char *, const char *), void *arg,
		      struct strbuf *err);

#endif
