#include "web/covers.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/fsutil.h"
#include "core/http.h"
#include "core/xalloc.h"
#include "core/banned.h"

static const char *const exts[] = { "png", "jpg", "gif", "webp" };

void covers_init(struct covers *c, const char *data_dir)
{
	c->dir = fs_join(data_dir, "covers");
}

void covers_release(struct covers *c)
{
	free(c->dir);
	c->dir = NULL;
}

int covers_id_ok(const char *id)
{
	size_t n = 0;
	for (; id[n]; n++) {
		char ch = id[n];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9')))
			return 0;
	}
	return n > 0 && n <= 64;
}

const char *covers_type(const char *name)
{
	static const char *const types[][2] = { { ".png", "image/png" },
		{ ".jpg", "image/jpeg" }, { ".gif", "image/gif" }, { ".webp", "image/webp" } };
	const char *dot = strrchr(name, '.');
	char id[80];

	if (!dot || (size_t)(dot - name) >= sizeof(id))
		return NULL;
	memcpy(id, name, (size_t)(dot - name));
	id[dot - name] = '\0';
	if (!covers_id_ok(id))
		return NULL;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(dot, types[i][0]))
			return types[i][1];
	return NULL;
}

int covers_find(const struct covers *c, const char *album_id, char *name,
		size_t len)
{
	char path[4096];
	struct stat st;

	if (!covers_id_ok(album_id))
		return 0;
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s.%s", c->dir, album_id, exts[i]);
		if (!stat(path, &st) && S_ISREG(st.st_mode) && st.st_size > 0) {
			snprintf(name, len, "%s.%s", album_id, exts[i]);
			return 1;
		}
	}
	return 0;
}

static const char *sniff(const unsigned char *b, size_t n)
{
	if (n >= 8 && !memcmp(b, "\x89PNG\r\n\x1a\n", 8))
		return "png";
	if (n >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff)
		return "jpg";
	if (n >= 6 && (!memcmp(b, "GIF87a", 6) || !memcmp(b, "GIF89a", 6)))
		return "gif";
	if (n >= 12 && !memcmp(b, "RIFF", 4) && !memcmp(b + 8, "WEBP", 4))
		return "webp";
	return NULL;
}

int covers_fetch(struct covers *c, struct http *h, const char *album_id,
		 const char *url, struct strbuf *err)
{
	return covers_fetch_res(c, h, album_id, url, NULL, NULL, err);
}

int covers_fetch_res(struct covers *c, struct http *h, const char *album_id,
		     const char *url, enum http_result *result,
		     long *retry_after_s, struct strbuf *err)
{
	if (result)
		*result = HTTP_OK;
	if (retry_after_s)
		*retry_after_s = -1;
	struct http_request req = { .url = url, .timeout_s = 20,
				    .max_body = 8 << 20 };
	struct http_response res;
	char name[128];
	int ret = -1;

	if (!covers_id_ok(album_id)) {
		strbuf_addf(err, "album id \"%s\" is not a Spotify id", album_id);
		return -1;
	}
	if (covers_find(c, album_id, name, sizeof(name)))
		return 0;
	http_response_init(&res);
	enum http_result r = http_perform(h, &req, &res);
	if (result)
		*result = r;
	if (retry_after_s)
		*retry_after_s = res.retry_after_s;
	if (r != HTTP_OK) {
		strbuf_addf(err, "cover of album \"%s\": %s", album_id,
			    res.error[0] ? res.error : http_result_name(r));
		goto out;
	}
	const char *ext = sniff((const unsigned char *)res.body.buf, res.body.len);
	if (!ext) {
		strbuf_addf(err, "cover of album \"%s\" is not an image", album_id);
		goto out;
	}
	if (fs_mkdir_p(c->dir, 0700)) {
		strbuf_addf(err, "'%s': %s", c->dir, strerror(errno));
		ret = -2;
		goto out;
	}
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s.%s", c->dir, album_id, ext);
	if (fs_write_atomic(path, res.body.buf, res.body.len, 0644)) {
		strbuf_addf(err, "'%s': %s", path, strerror(errno));
		ret = -2;
		goto out;
	}
	ret = 1;
out:
	http_response_release(&res);
	return ret;
}

/* Fetches one missing cover: 1 added, 0 nothing to do, -1 failed. */
static int sync_one(struct covers *c, struct http *h, const char *album_id,
		    const char *url)
{
	char name[128];
	struct strbuf err = STRBUF_INIT;
	int r;

	if (!url || !url[0] || !covers_id_ok(album_id) ||
	    covers_find(c, album_id, name, sizeof(name)))
		return 0;
	r = covers_fetch(c, h, album_id, url, &err);
	strbuf_release(&err);
	return r;
}

/* One top album or artist of a year: its picture fetched when missing
 * (url from the store: store_album_cover or store_artist_image). */
static int sync_key(struct covers *c, struct http *h, struct store *st, const char *id,
		    char *(*url_of)(struct store *, const char *))
{
	char name[128];

	if (!covers_id_ok(id) || covers_find(c, id, name, sizeof(name)))
		return 0;
	char *url = url_of(st, id);
	int r = sync_one(c, h, id, url);
	free(url);
	return r;
}

int covers_sync_year(struct covers *c, struct http *h, struct store *st,
		     const struct report_year *y, int *failed)
{
	int added = 0, n = y->ntracks + y->ntop_albums + y->ntop_artists, r;

	/* the tracks' covers, the top albums', then the top artists' images
	 * (issue 11), cached under the artist's id */
	for (int i = 0; i < n; i++) {
		if (i < y->ntracks)
			r = sync_one(c, h, y->tracks[i].album_id, y->tracks[i].cover_url);
		else if (i < y->ntracks + y->ntop_albums)
			r = sync_key(c, h, st, y->top_albums[i - y->ntracks].key,
				     store_album_cover);
		else
			r = sync_key(c, h, st, y->top_artists[i - y->ntracks - y->ntop_albums].key,
				     store_artist_image);
		if (r > 0)
			added++;
		else if (r < 0 && failed)
			(*failed)++;
	}
	return added;
}

/* <dir>/<id>.accent, after the cover's mtime in *cover_mtime; 0 when no cover. */
static int accent_path(const struct covers *c, const char *album_id, char *path,
		       size_t len, struct timespec *cover_mtime)
{
	char name[128], cover[4096];
	struct stat st;

	if (!covers_find(c, album_id, name, sizeof(name)))
		return 0;
	snprintf(cover, sizeof(cover), "%s/%s", c->dir, name);
	if (stat(cover, &st))
		return 0;
	*cover_mtime = st.st_mtim;
	snprintf(path, len, "%s/%s.accent", c->dir, album_id);
	return 1;
}

/* Whole seconds hide a cover replaced in the second its accent was written:
 * compare to the nanosecond, as the file system keeps it. */
static int older(struct timespec a, struct timespec b)
{
	return a.tv_sec < b.tv_sec ||
	       (a.tv_sec == b.tv_sec && a.tv_nsec < b.tv_nsec);
}

int covers_accent(const struct covers *c, const char *album_id, double rgb[3])
{
	struct strbuf buf = STRBUF_INIT;
	char path[4096];
	unsigned r, g, b;
	struct timespec cover_mtime;
	struct stat st;
	int ok;

	if (!accent_path(c, album_id, path, sizeof(path), &cover_mtime) ||
	    stat(path, &st) || older(st.st_mtim, cover_mtime))
		return 0;
	ok = !fs_read_file(path, &buf, 16) && buf.len >= 6 &&
	     sscanf(buf.buf, "%2x%2x%2x", &r, &g, &b) == 3;
	strbuf_release(&buf);
	if (!ok)
		return 0;
	rgb[0] = r / 255.0;
	rgb[1] = g / 255.0;
	rgb[2] = b / 255.0;
	return 1;
}

void covers_accent_keep(const struct covers *c, const char *album_id,
			const double rgb[3])
{
	char path[4096], buf[16];
	struct timespec cover_mtime;
	unsigned v[3];

	if (!accent_path(c, album_id, path, sizeof(path), &cover_mtime))
		return;
	for (int k = 0; k < 3; k++)
		v[k] = (unsigned)(rgb[k] < 0 ? 0 : rgb[k] > 1 ? 255 : rgb[k] * 255.0 + 0.5);
	snprintf(buf, sizeof(buf), "%02x%02x%02x\n", v[0], v[1], v[2]);
	(void)fs_write_atomic(path, buf, 7, 0644);
}
