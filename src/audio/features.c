/*
 * The frame features (features.h). Chroma: each FFT bin from 110 Hz to
 * 5 kHz adds its magnitude to its pitch class, weighted by cos^2 of its
 * distance to the nearest equal-tempered semitone (A4 = 440 Hz), as in the
 * usual STFT chromagram (Mueller, "Fundamentals of Music Processing",
 * 2015, sec. 3.1.2). MFCC: 40 triangular mel bands (Slaney's mel scale
 * approximated by 2595 log10(1 + f/700)) up to 8 kHz, log energy, DCT-II,
 * coefficients 0..11 (Davis & Mermelstein 1980).
 */
#include <stdlib.h>
#include <math.h>
#include <pthread.h>
#include <string.h>

#include <aubio/aubio.h>
#include <ebur128.h>
#include <fftw3.h>
#include <libavutil/channel_layout.h>
#include <libavutil/samplefmt.h>
#include <libswresample/swresample.h>

#include "audio/features.h"
#include "core/xalloc.h"
#include "core/banned.h"

#define SUBHOP 256             /* aubio's hop: 11.6 ms onset and beat grid */
#define NBINS (FEAT_FFT / 2 + 1)
#define NMEL 40
#define DELAY ((FEAT_FFT / 2) / FEAT_HOP - 1) /* window centre lag, frames */

struct grow { void *v; size_t n, alloc; };

struct feat {
	ebur128_state *eb;
	SwrContext *swr;
	int channels, rate;
	int64_t frames, loud_left, loud_step;
	float *mono, *res;
	size_t mono_alloc, res_alloc;
	float win[FEAT_FFT];
	size_t fill;             /* new samples in the current hop */
	size_t hops;
	aubio_tempo_t *tempo;
	aubio_onset_t *onset;
	fvec_t *ain, *aout;
	float *fin, hann[FEAT_FFT], mag[NBINS];
	fftwf_complex *fout;
	fftwf_plan plan;
	signed char bin_pc[NBINS];
	float bin_w[NBINS];
	short mel_lo[NBINS];     /* band the bin falls in (-1: only rises into
				    band 0), -2: none */
	float mel_w[NBINS];      /* its weight there; 1 - w goes to band + 1 */
	float dct[12][NMEL];
	float *chroma, *mfcc, *db;
	size_t falloc;
	double *beats, *onsets, *menergy;
	size_t nbeats, nonsets, nm, balloc, oalloc, malloc_;
};

static double mel(double f) { return 2595.0 * log10(1.0 + f / 700.0); }

static void tables_chroma(struct feat *f)
{
	for (int b = 0; b < NBINS; b++) {
		double hz = (double)b * FEAT_RATE / FEAT_FFT, p, d;
		f->bin_pc[b] = -1;
		if (hz < 110.0 || hz > 5000.0)
			continue;
		p = 69.0 + 12.0 * log2(hz / 440.0);
		d = p - floor(p + 0.5);
		f->bin_pc[b] = (signed char)(((long)floor(p + 0.5)) % 12);
		f->bin_w[b] = (float)(cos(M_PI * d) * cos(M_PI * d));
	}
}

static void tables_mel(struct feat *f)
{
	double top = mel(8000.0), step = top / (NMEL + 1);

	for (int b = 0; b < NBINS; b++) {
		double m = mel((double)b * FEAT_RATE / FEAT_FFT) / step;
		int k = (int)floor(m); /* between centres k and k + 1 (1-based) */
		f->mel_lo[b] = -2;
		if (m <= 0 || k >= NMEL + 1)
			continue;
		f->mel_lo[b] = (short)(k - 1); /* band k-1 (0-based) is falling */
		f->mel_w[b] = (float)(1.0 - (m - k));
	}
	for (int c = 0; c < 12; c++)
		for (int j = 0; j < NMEL; j++)
			f->dct[c][j] = (float)cos(M_PI * c * (j + 0.5) / NMEL);
}

/*
 * FFTW's planner is not thread-safe (only fftwf_execute is), and aubio
 * plans with the same FFTW inside new_aubio_tempo/onset and destroys in
 * del_aubio_*: creating and freeing states is serialised. Without it,
 * 'analyze --jobs 2' aborted with "double free or corruption" (t1301).
 */
static pthread_mutex_t planner = PTHREAD_MUTEX_INITIALIZER;

struct feat *feat_new(void)
{
	struct feat *f = xcalloc(1, sizeof(*f));

	pthread_mutex_lock(&planner);
	f->tempo = new_aubio_tempo("default", 1024, SUBHOP, FEAT_RATE);
	f->onset = new_aubio_onset("hfc", 1024, SUBHOP, FEAT_RATE);
	aubio_onset_set_minioi_ms(f->onset, 50.0);
	f->ain = new_fvec(SUBHOP);
	f->aout = new_fvec(1);
	f->fin = fftwf_alloc_real(FEAT_FFT);
	f->fout = fftwf_alloc_complex(NBINS);
	f->plan = fftwf_plan_dft_r2c_1d(FEAT_FFT, f->fin, f->fout,
					FFTW_ESTIMATE);
	for (int i = 0; i < FEAT_FFT; i++)
		f->hann[i] = (float)(0.5 - 0.5 * cos(2 * M_PI * i / FEAT_FFT));
	pthread_mutex_unlock(&planner);
	tables_chroma(f);
	tables_mel(f);
	return f;
}

void feat_free(struct feat *f)
{
	if (!f)
		return;
	if (f->eb)
		ebur128_destroy(&f->eb);
	swr_free(&f->swr);
	pthread_mutex_lock(&planner);
	del_aubio_tempo(f->tempo);
	del_aubio_onset(f->onset);
	del_fvec(f->ain);
	del_fvec(f->aout);
	fftwf_destroy_plan(f->plan);
	fftwf_free(f->fin);
	fftwf_free(f->fout);
	pthread_mutex_unlock(&planner);
	free(f->mono);
	free(f->res);
	free(f->chroma);
	free(f->mfcc);
	free(f->db);
	free(f->beats);
	free(f->onsets);
	free(f->menergy);
	free(f);
}

static void push_time(double **v, size_t *n, size_t *alloc, double t)
{
	ALLOC_GROW(*v, *n + 1, *alloc);
	(*v)[(*n)++] = t;
}

static void aubio_hop(struct feat *f, const float *s)
{
	for (int part = 0; part < FEAT_HOP / SUBHOP; part++) {
		memcpy(f->ain->data, s + part * SUBHOP, SUBHOP * sizeof(float));
		aubio_tempo_do(f->tempo, f->ain, f->aout);
		if (f->aout->data[0] != 0)
			push_time(&f->beats, &f->nbeats, &f->balloc,
				  aubio_tempo_get_last_s(f->tempo));
		aubio_onset_do(f->onset, f->ain, f->aout);
		if (f->aout->data[0] != 0)
			push_time(&f->onsets, &f->nonsets, &f->oalloc,
				  aubio_onset_get_last_s(f->onset));
	}
}

/* Chroma and MFCC of the window into frame i. */
static void spectrum(struct feat *f, size_t i)
{
	float *c = f->chroma + 12 * i, *m = f->mfcc + 12 * i, bands[NMEL];

	for (int k = 0; k < FEAT_FFT; k++)
		f->fin[k] = f->win[k] * f->hann[k];
	fftwf_execute(f->plan);
	memset(c, 0, 12 * sizeof(float));
	memset(bands, 0, sizeof(bands));
	for (int b = 0; b < NBINS; b++) {
		float re = f->fout[b][0], im = f->fout[b][1];
		float pw = re * re + im * im;
		if (f->bin_pc[b] >= 0)
			c[f->bin_pc[b]] += f->bin_w[b] * sqrtf(pw);
		int lo = f->mel_lo[b];
		if (lo >= 0)
			bands[lo] += f->mel_w[b] * pw;
		if (lo >= -1 && lo + 1 < NMEL)
			bands[lo + 1] += (1.0f - f->mel_w[b]) * pw;
	}
	for (int j = 0; j < NMEL; j++)
		bands[j] = log10f(bands[j] + 1e-6f);
	for (int k = 0; k < 12; k++) {
		float s = 0;
		for (int j = 0; j < NMEL; j++)
			s += f->dct[k][j] * bands[j];
		m[k] = s;
	}
}

static void frames_grow(struct feat *f, size_t need)
{
	if (need <= f->falloc)
		return;
	f->falloc = need * 2 > 1024 ? need * 2 : 1024;
	f->chroma = xrealloc(f->chroma, f->falloc * 12 * sizeof(float));
	f->mfcc = xrealloc(f->mfcc, f->falloc * 12 * sizeof(float));
	f->db = xrealloc(f->db, f->falloc * sizeof(float));
}

/* A full hop is at the end of win: frame f->hops. */
static void hop_done(struct feat *f, int aubio)
{
	const float *s = f->win + FEAT_FFT - FEAT_HOP;
	double ms = 0;

	frames_grow(f, f->hops + 1);
	if (aubio) {
		aubio_hop(f, s);
		for (int k = 0; k < FEAT_HOP; k++)
			ms += (double)s[k] * s[k];
		ms /= FEAT_HOP;
		f->db[f->hops] = ms > 1e-10 ? (float)(10 * log10(ms)) : -100.0f;
	}
	if (f->hops >= DELAY)
		spectrum(f, f->hops - DELAY);
	f->hops++;
	memmove(f->win, f->win + FEAT_HOP,
		(FEAT_FFT - FEAT_HOP) * sizeof(float));
	f->fill = 0;
}

static void feed_mono(struct feat *f, const float *s, size_t n)
{
	while (n) {
		size_t take = FEAT_HOP - f->fill;
		if (take > n)
			take = n;
		memcpy(f->win + FEAT_FFT - FEAT_HOP + f->fill, s,
		       take * sizeof(float));
		f->fill += take;
		s += take;
		n -= take;
		if (f->fill == FEAT_HOP)
			hop_done(f, 1);
	}
}

static int setup(struct feat *f, const struct audio_format *fmt,
		 struct strbuf *err)
{
	AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;

	f->channels = fmt->channels;
	f->rate = fmt->rate;
	f->eb = ebur128_init((unsigned)fmt->channels, (unsigned long)fmt->rate,
			     EBUR128_MODE_I);
	f->loud_step = (int64_t)(fmt->rate * FEAT_LOUD_STEP);
	f->loud_left = f->loud_step;
	if (!f->eb || f->loud_step < 1 ||
	    swr_alloc_set_opts2(&f->swr, &mono, AV_SAMPLE_FMT_FLT, FEAT_RATE,
				&mono, AV_SAMPLE_FMT_FLT, fmt->rate, 0,
				NULL) < 0 || swr_init(f->swr) < 0) {
		strbuf_addf(err, "cannot analyse %d channels at %d Hz",
			    fmt->channels, fmt->rate);
		return -1;
	}
	return 0;
}

/* Loudness over the file's channels; momentary every FEAT_LOUD_STEP. */
static void loud_block(struct feat *f, const float *pcm, size_t frames)
{
	while (frames) {
		size_t take = (size_t)f->loud_left < frames
			? (size_t)f->loud_left : frames;
		double lufs;
		ebur128_add_frames_float(f->eb, pcm, take);
		pcm += take * (size_t)f->channels;
		frames -= take;
		f->loud_left -= (int64_t)take;
		if (f->loud_left)
			continue;
		f->loud_left = f->loud_step;
		if (ebur128_loudness_momentary(f->eb, &lufs) != EBUR128_SUCCESS)
			lufs = -HUGE_VAL;
		push_time(&f->menergy, &f->nm, &f->malloc_, isfinite(lufs)
			  ? pow(10.0, (lufs + 0.691) / 10.0) : 0.0);
	}
}

/* Downmixes to mono and resamples to FEAT_RATE into the hops. */
static void mono_block(struct feat *f, const float *pcm, size_t frames)
{
	int out_max = swr_get_out_samples(f->swr, (int)frames);
	const uint8_t *in[1];
	uint8_t *out[1];
	int n;

	ALLOC_GROW(f->mono, frames, f->mono_alloc);
	ALLOC_GROW(f->res, (size_t)out_max + 1, f->res_alloc);
	for (size_t i = 0; i < frames; i++) {
		float s = 0;
		for (int c = 0; c < f->channels; c++)
			s += pcm[i * (size_t)f->channels + (size_t)c];
		f->mono[i] = s / (float)f->channels;
	}
	in[0] = (const uint8_t *)f->mono;
	out[0] = (uint8_t *)f->res;
	n = swr_convert(f->swr, out, out_max, frames ? in : NULL, (int)frames);
	if (n > 0)
		feed_mono(f, f->res, (size_t)n);
}

int feat_block(void *arg, const struct audio_format *fmt, const float *pcm,
	       size_t frames)
{
	struct feat *f = arg;

	if (!f->eb) {
		struct strbuf err = STRBUF_INIT;
		int r = setup(f, fmt, &err);
		strbuf_release(&err);
		if (r)
			return -2;
	}
	if (fmt->channels != f->channels || fmt->rate != f->rate)
		return -3; /* a stream that changes format midway */
	f->frames += (int64_t)frames;
	loud_block(f, pcm, frames);
	mono_block(f, pcm, frames);
	return 0;
}

int feat_finish(struct feat *f, struct audio_frames *out, struct strbuf *err)
{
	memset(out, 0, sizeof(*out));
	if (!f->eb || !f->frames) {
		strbuf_addstr(err, "no audio in it");
		return -1;
	}
	mono_block(f, NULL, 0); /* flush the resampler */
	if (f->fill) {
		memset(f->win + FEAT_FFT - FEAT_HOP + f->fill, 0,
		       (FEAT_HOP - f->fill) * sizeof(float));
		hop_done(f, 1);
	}
	size_t n = f->hops;
	for (int k = 0; k < DELAY && n; k++) {
		memset(f->win + FEAT_FFT - FEAT_HOP, 0, FEAT_HOP * sizeof(float));
		hop_done(f, 0);
	}
	if (ebur128_loudness_global(f->eb, &out->loudness) != EBUR128_SUCCESS)
		out->loudness = -HUGE_VAL;
	out->n = n;
	out->chroma = f->chroma;
	out->mfcc = f->mfcc;
	out->db = f->db;
	out->beats = f->beats;
	out->nbeats = f->nbeats;
	out->onsets = f->onsets;
	out->nonsets = f->nonsets;
	out->menergy = f->menergy;
	out->nm = f->nm;
	out->duration = (double)f->frames / f->rate;
	out->channels = f->channels;
	out->rate = f->rate;
	f->chroma = f->mfcc = f->db = NULL;
	f->beats = f->onsets = f->menergy = NULL;
	return 0;
}

void audio_frames_release(struct audio_frames *a)
{
	free(a->chroma);
	free(a->mfcc);
	free(a->db);
	free(a->beats);
	free(a->onsets);
	free(a->menergy);
	memset(a, 0, sizeof(*a));
}
