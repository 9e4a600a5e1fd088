/*
 * A file's tags, to match it to a track: artist, title and album through
 * TagLib's C binding; the ISRC (ID3 TSRC, Vorbis ISRC, MP4 ----:ISRC)
 * through libavformat's metadata, because the C binding of Debian's TagLib
 * 1.13 has no property map (taglib_property_get came with TagLib 2.0).
 *
 * Ownership: strings in struct audio_tags are new (NULL when the file has
 * none), freed with audio_tags_release.
 */
#ifndef AUDIO_TAGS_H
#define AUDIO_TAGS_H

struct audio_tags {
	char *artist, *title, *album, *isrc;
	double seconds; /* the length TagLib reads, -1 when unknown */
};

/* 0, or -1 when TagLib cannot read the file (tags all NULL then). */
int audio_tags_read(const char *path, struct audio_tags *out);
void audio_tags_release(struct audio_tags *t);

#endif
