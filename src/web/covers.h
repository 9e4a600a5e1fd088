/*
 * The cover cache: album images downloaded once into <data>/covers as
 * <album_id>.<ext> (ext from the image's magic bytes: png, jpg, gif, webp),
 * written atomically, and served or copied from there. Album ids are used in
 * file names only when they are plain [A-Za-z0-9] (Spotify's base62), so a
 * hostile id can never name a path. The struct borrows nothing; release it
 * with covers_release.
 */
#ifndef WEB_COVERS_H
#define WEB_COVERS_H

#include <stddef.h>

#include "core/http.h"
#include "core/strbuf.h"
#include "report/report.h"

struct http;
struct store;

struct covers {
	char *dir; /* <data>/covers */
};

void covers_init(struct covers *c, const char *data_dir);
void covers_release(struct covers *c);

/* 1 when album_id is a safe base62 id. */
int covers_id_ok(const char *album_id);
/*
 * The content type of a cover file name "<id>.<ext>" (a safe id, an image
 * extension the cache writes), or NULL when the name is not a cover's.
 */
const char *covers_type(const char *name);
/* Writes the cached file's name ("<id>.png") into name and returns 1, or 0. */
int covers_find(const struct covers *c, const char *album_id, char *name,
		size_t len);
/*
 * Downloads the covers of every track in y and of its top albums (their
 * image URL from st), and the images of its top artists (cached under the
 * artist's id), that are not cached yet. Returns the number of covers
 * added; failures are counted in *failed (a missing cover shows as a tile,
 * so they are not errors).
 */
int covers_sync_year(struct covers *c, struct http *h, struct store *st,
		     const struct report_year *y, int *failed);
int covers_fetch(struct covers *c, struct http *h, const char *album_id,
		 const char *url, struct strbuf *err);
/* covers_fetch, and what the request met (HTTP_OK when none was needed;
 * retry_after_s -1 when the answer had none); -2 (covers_fetch: < 0)
 * when the cover could not be written here (a full disk). */
int covers_fetch_res(struct covers *c, struct http *h, const char *album_id,
		     const char *url, enum http_result *result,
		     long *retry_after_s, struct strbuf *err);

/*
 * The accent colour of a cached cover, computed once per cover and kept
 * beside it as <id>.accent ("rrggbb\n"; never served nor copied: not a
 * cover's name). covers_accent fills rgb (0..1) and returns 1 when the
 * file is there and not older than the cover; covers_accent_keep writes it
 * (atomically; a failure only means computing it again).
 */
int covers_accent(const struct covers *c, const char *album_id, double rgb[3]);
void covers_accent_keep(const struct covers *c, const char *album_id,
			const double rgb[3]);

#endif
