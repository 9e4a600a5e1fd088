/* The PostgreSQL engine's calls of store.h's "artist images" (issue 11). */
#ifndef STORE_POSTGRES_ARTIST_IMAGE_H
#define STORE_POSTGRES_ARTIST_IMAGE_H

#include "store/postgres/pg.h"

int pga_artist_image_put(struct store *st, const char *artist_id,
			 const char *url, struct strbuf *err);
char *pga_artist_image(struct store *st, const char *artist_id);
int pga_artist_images(struct store *st, int64_t now_ms,
		      int (*fn)(void *, const char *, const char *), void *arg,
		      struct strbuf *err);

#endif
