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

static char *isrc_of(const char *path)
{
	static const char *const keys[] = { "ISRC", "TSRC", "isrc" };
	AVFormatContext *fc = NULL;
	char *r = NULL;

	if (avformat_open_input(&fc, path, NULL, NULL) < 0)
		return NULL;
	for (size_t i = 0; !r && i < sizeof(keys) / sizeof(keys[0]); i++) {
		AVDictionaryEntry *e = av_dict_get(fc->metadata, keys[i], NULL, 0);
		for (unsigned s = 0; !e && s < fc->nb_streams; s++)
			e = av_dict_get(fc->streams[s]->metadata, keys[i], NULL, 0);
		if (e && e->value && *e->value)
			r = xstrdup(e->value);
	}
	avformat_close_input(&fc);
	return r;
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
	if (!f)
		return -1;
	if (!taglib_file_is_valid(f)) {
		taglib_file_free(f);
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
	out->isrc = isrc_of(path);
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
