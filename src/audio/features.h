/*
 * Frame features of one audio file, computed while it decodes (audio_decode
 * feeds feat_block), so only the features are kept, never the PCM: about 110
 * bytes per 23 ms frame, 17 MB for an hour.
 *
 *  - loudness over the file's own channels: libebur128 (EBU R128 / ITU-R
 *    BS.1770 integrated), and its momentary loudness every 100 ms;
 *  - a mono downmix resampled to FEAT_RATE (libswresample), on which
 *  - beats (aubio's tempo tracker) and onsets (aubio's onset detector), and
 *  - per hop of FEAT_HOP samples, from a FEAT_FFT-point FFT (fftw3):
 *    a 12-bin chroma, 12 MFCCs (40 mel bands, DCT-II) and the level in dBFS.
 *
 * Ownership: feat_new returns a state freed with feat_free; feat_finish
 * moves the features into *out, which the caller releases with
 * audio_frames_release.
 */
#ifndef AUDIO_FEATURES_H
#define AUDIO_FEATURES_H

#include <stddef.h>

#include "audio/decode.h"

#define FEAT_RATE 22050
#define FEAT_HOP 512
#define FEAT_FFT 4096
/* Momentary loudness every 100 ms (the R128 block step). */
#define FEAT_LOUD_STEP 0.1

struct audio_frames {
	size_t n;                /* frames of FEAT_HOP samples at FEAT_RATE */
	float *chroma;           /* 12 per frame, pitch class C = 0 */
	float *mfcc;             /* 12 per frame */
	float *db;               /* level of the hop in dBFS, >= -100 */
	double *beats, *onsets;  /* seconds, ascending */
	size_t nbeats, nonsets;
	double *menergy;         /* momentary mean square (R128 weighting) per step */
	size_t nm;
	double duration;         /* s, from the file's own sample count */
	double loudness;         /* integrated LUFS; -HUGE_VAL when silent */
	int channels, rate;      /* the file's */
};

struct feat;

struct feat *feat_new(void);
/* An audio_block_fn: arg is the struct feat. */
int feat_block(void *arg, const struct audio_format *fmt, const float *pcm,
	       size_t frames);
/* -1 with err when no sample came. */
int feat_finish(struct feat *f, struct audio_frames *out, struct strbuf *err);
void feat_free(struct feat *f);
void audio_frames_release(struct audio_frames *a);

/* The time of frame i's centre, in seconds. */
static inline double feat_time(size_t i)
{
	return ((double)i + 0.5) * FEAT_HOP / FEAT_RATE;
}

#endif
