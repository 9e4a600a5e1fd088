/*
 * Tags (tags.h). String management is off, so each string is ours to free
 * with taglib_free and threads do not share TagLib's global string list.
 */
#include <stdlib.h>
#include <string.h>

#include <taglib/tag_c.h>
#include <libavformat/avformat.h>

#include "audio/tags.h"
#include "core/xalloc.h"
#include "core/banned.h"

static char *take(char *s)
{
	char *r = s && *s ? xstrdup(s) : NULL;

	if (s)
		taglib_free(s);
	return r;
}

/* The first of keys in the file's or a stream's metadata, or NULL. */
static char *meta(AVFormatContext *fc, const char *const *keys)
{
	for (; *keys; keys++) {
		AVDictionaryEntry *e = av_dict_get(fc->metadata, *keys, NULL, 0);
		for (unsigned s = 0; !e && s < fc->nb_streams; s++)
			e = av_dict_get(fc->streams[s]->metadata, *keys, NULL, 0);
		if (e && e->value && *e->value)
			return xstrdup(e->value);
	}
	return NULL;
}

/*
 * The ISRC, and the names TagLib did not find (it reads no RIFF INFO
 * written before the data chunk, as libsndfile writes it), from
 * libavformat's metadata.
 */
static void av_tags(const char *path, struct audio_tags *t)
{
	static const char *const isrc[] = { "ISRC", "TSRC", NULL };
	static const char *const artist[] = { "artist", NULL };
	static const char *const title[] = { "title", NULL };
	static const char *const album[] = { "album", NULL };
	AVFormatContext *fc = NULL;

	if (avformat_open_input(&fc, path, NULL, NULL) < 0)
		return;
	t->isrc = meta(fc, isrc);
	if (!t->artist)
		t->artist = meta(fc, artist);
	if (!t->title)
		t->title = meta(fc, title);
	if (!t->album)
		t->album = meta(fc, album);
	avformat_close_input(&fc);
}

int audio_tags_read(const char *path, struct audio_tags *out)
{
	TagLib_File *f;
	TagLib_Tag *t;
	const TagLib_AudioProperties *p;

	memset(out, 0, sizeof(*out));
	out->seconds = -1;
	taglib_set_string_management_enabled(0);
	f = taglib_file_new(path);
	if (f && !taglib_file_is_valid(f)) {
		taglib_file_free(f);
		f = NULL;
	}
	if (!f) {
		av_tags(path, out);
		return -1;
	}
	if ((t = taglib_file_tag(f))) {
		out->artist = take(taglib_tag_artist(t));
		out->title = take(taglib_tag_title(t));
		out->album = take(taglib_tag_album(t));
	}
	if ((p = taglib_file_audioproperties(f)))
		out->seconds = taglib_audioproperties_length(p);
	taglib_file_free(f);
	av_tags(path, out);
	return 0;
}

void audio_tags_release(struct audio_tags *t)
{
	free(t->artist);
	free(t->title);
	free(t->album);
	free(t->isrc);
	memset(t, 0, sizeof(*t));
}
