/* Artist images on SQLite (store.h's "artist images"). */
#include <string.h>

#include "core/xalloc.h"
#include "store/sqlite/db.h"
#include "store/sqlite/artist_image.h"
#include "store/sqlite/fill.h"
#include "core/banned.h"

int sqa_artist_image_put(struct store *s, const char *artist_id,
			 const char *url, struct strbuf *err)
{
	sqlite3 *db = sqlite_of(s)->db;
	sqlite3_stmt *st = db_prepare(db,
		"UPDATE artists SET image_url = ?2 WHERE id = ?1");
	int rc;

	sqlite3_bind_text(st, 1, artist_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, url, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return 0;
	db_error(db, err);
	return -1;
}

char *sqa_artist_image(struct store *s, const char *artist_id)
{
	sqlite3 *db = sqlite_of(s)->db;
	sqlite3_stmt *st = db_prepare(db,
		"SELECT image_url FROM artists WHERE id = ? AND image_url IS NOT NULL");
	char *r = NULL;

	sqlite3_bind_text(st, 1, artist_id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		r = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return r;
}

int sqa_artist_images(struct store *s, int64_t now_ms,
		      int (*fn)(void *, const char *, const char *), void *arg,
		      struct strbuf *err)
{
	return sq_each_id_url(s,
		"SELECT a.id, a.image_url FROM artists a "
		"LEFT JOIN cover_misses m ON m.album_id = a.id "
		"WHERE a.image_url IS NOT NULL AND (m.retry_ms IS NULL OR "
		"m.retry_ms <= ?) ORDER BY a.id", now_ms, fn, arg, err);
}
