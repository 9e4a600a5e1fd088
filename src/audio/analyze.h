/*
 * The analysis of one audio file, in the shape of Spotify's audio-analysis:
 * the track block, sections and segments (audio/features.h computes the
 * frame features while decoding, audio/music.h the parts over them).
 *
 * Ownership: audio_analyze fills *out, released with audio_result_release
 * (also after a failure). Numbers are NaN when unknown (a silent file has
 * no loudness, key or tempo).
 */
#ifndef AUDIO_ANALYZE_H
#define AUDIO_ANALYZE_H

#include <stddef.h>

#include "core/strbuf.h"

/* Files shorter than this are "too short", longer ones "too long". */
#define AUDIO_MIN_SECONDS 1.0
#define AUDIO_MAX_SECONDS (3 * 3600.0)

struct audio_section {
	double start, duration, confidence, loudness, tempo, tempo_confidence,
		key, key_confidence, mode, mode_confidence, time_signature,
		time_signature_confidence;
};

struct audio_segment {
	double start, duration, confidence, loudness_start, loudness_max,
		loudness_max_time, loudness_end;
	double pitches[12], timbre[12];
};

struct audio_result {
	double duration, loudness, tempo, key, mode, time_signature;
	double tempo_confidence, key_confidence, time_signature_confidence;
	int channels, rate;
	struct audio_section *sections;
	size_t nsections;
	struct audio_segment *segments;
	size_t nsegments;
};

/* 0, or -1 with why the file failed in err ("not audio ...", "too short"). */
int audio_analyze(const char *path, struct audio_result *out,
		  struct strbuf *err);
void audio_result_release(struct audio_result *r);

/*
 * Appends the members "duration" to "segments" (without braces) of the
 * jsonl object of 'spinlog analyze': segments as a count, or as the list
 * when with_segments.
 */
void audio_result_json(const struct audio_result *r, int with_segments,
		       struct strbuf *out);

#endif
