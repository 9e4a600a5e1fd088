/*
 * Decoding an audio file to float PCM, streamed in blocks: libsndfile for
 * WAV, FLAC, Ogg Vorbis and Opus (and whatever else it reads), FFmpeg's
 * libavformat/libavcodec/libswresample for MP3, M4A/AAC and the rest.
 * Nothing is kept: the caller's callback sees each block once, interleaved
 * in the file's own channels at its own rate, so memory does not grow with
 * the file.
 *
 * Ownership: the path is borrowed; the block handed to fn is valid for the
 * call only. Returns 0 when the whole file was decoded, -1 with a message
 * (lowercase, naming no path: the caller names the file) in err, or fn's
 * first non-zero return.
 */
#ifndef AUDIO_DECODE_H
#define AUDIO_DECODE_H

#include <stddef.h>

#include "core/strbuf.h"

struct audio_format {
	int channels, rate;
	double seconds;      /* the length the file declares, -1 when unknown */
	const char *decoder; /* "sndfile" or "ffmpeg": a static string */
};

typedef int (*audio_block_fn)(void *arg, const struct audio_format *fmt,
			      const float *pcm, size_t frames);

int audio_decode(const char *path, audio_block_fn fn, void *arg,
		 struct strbuf *err);

#endif
