/*
 * One file's analysis (analyze.h): decode into the frame features, then
 * the track block, the sections and the segments from them.
 */
#include <stdlib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "audio/analyze.h"
#include "audio/decode.h"
#include "audio/features.h"
#include "audio/music.h"
#include "core/xalloc.h"
#include "core/banned.h"

/*
 * Section features are averaged over beats, or over blocks of 22 frames
 * (0.51 s) where there are too few beats. Fixed blocks beat against the
 * beat: a 120 BPM click track drifts through 0.51 s blocks once in 23 s,
 * and that showed as novelty 0.2, a false boundary; beat-synchronous
 * features have no such drift.
 */
#define SEC_BLOCK 22
/* Kernel half-width and the least gap between boundaries: 16 blocks. */
#define SEC_HALF 16
/* Novelty a boundary needs (music_novelty's scale); see doc/analyze.md. */
#define SEC_THRESHOLD 0.08
/* Frames quieter than this add nothing to a key's chroma. */
#define KEY_FLOOR_DB -60.0

static size_t frame_at(double t, size_t n)
{
	double f = t * FEAT_RATE / FEAT_HOP;

	if (f <= 0)
		return 0;
	return f >= (double)n ? n : (size_t)f;
}

struct guard {
	struct feat *feat;
	int too_long;
	double frames; /* decoded so far: a file may declare no length, or lie */
};

static int guarded(void *arg, const struct audio_format *fmt,
		   const float *pcm, size_t frames)
{
	struct guard *g = arg;

	g->frames += (double)frames;
	if (fmt->seconds > AUDIO_MAX_SECONDS || g->frames / fmt->rate > AUDIO_MAX_SECONDS) {
		g->too_long = 1;
		return -1;
	}
	return feat_block(g->feat, fmt, pcm, frames);
}

/* Key and mode of frames [i0, i1): each loud enough frame max-normalised. */
static void key_of(const struct audio_frames *a, size_t i0, size_t i1,
		   double *key, double *mode, double *conf)
{
	double c[12] = { 0 }, cf;
	int k, m;

	for (size_t i = i0; i < i1; i++) {
		const float *v = a->chroma + 12 * i;
		float mx = 0;
		if (a->db[i] < KEY_FLOOR_DB)
			continue;
		for (int j = 0; j < 12; j++)
			mx = v[j] > mx ? v[j] : mx;
		for (int j = 0; mx > 0 && j < 12; j++)
			c[j] += v[j] / mx;
	}
	int r = music_key(c, &k, &m, &cf);
	if (r < 0) {
		*key = *mode = *conf = NAN;
		return;
	}
	*key = k;
	*mode = m;
	*conf = fmin(1.0, cf * 5); /* a margin of 0.2 in r is a clear key */
}

/* A beat's accent: the loudest frame from 30 ms before to 70 ms after. */
static double accent_of(const struct audio_frames *a, double t)
{
	size_t i0 = frame_at(t - 0.03, a->n), i1 = frame_at(t + 0.07, a->n);
	double mx = -100;

	for (size_t i = i0; i <= i1 && i < a->n; i++)
		mx = fmax(mx, a->db[i]);
	return mx;
}

/* The beats in [t0, t1): first index and count. */
static size_t beats_in(const struct audio_frames *a, double t0, double t1,
		       size_t *first)
{
	size_t i = 0, k = 0;

	while (i < a->nbeats && a->beats[i] < t0)
		i++;
	*first = i;
	while (i + k < a->nbeats && a->beats[i + k] < t1)
		k++;
	return k;
}

/*
 * Onsets in [t0, t1). aubio's tracker finds beats in a steady sine too
 * (126.5 BPM in a 1 kHz tone): without onsets there is no tempo.
 */
static size_t onsets_in(const struct audio_frames *a, double t0, double t1)
{
	size_t k = 0;

	for (size_t i = 0; i < a->nonsets; i++)
		k += a->onsets[i] >= t0 && a->onsets[i] < t1;
	return k;
}

/* Tempo and time signature of the beats in [t0, t1). */
static void rhythm_of(const struct audio_frames *a, double t0, double t1,
		      double *tempo, double *ts, double *ts_conf)
{
	size_t first, n = beats_in(a, t0, t1, &first);
	double *acc = xmalloc((n + 1) * sizeof(double));
	long *num = xmalloc((n + 1) * sizeof(long));

	*tempo = n >= 4 && onsets_in(a, t0, t1) >= 4
		? music_tempo(a->beats + first, n) : NAN;
	if (*tempo == 0)
		*tempo = NAN;
	for (size_t i = 0; i < n; i++)
		acc[i] = accent_of(a, a->beats[first + i]);
	if (n)
		music_beat_numbers(a->beats + first, n, num);
	*ts = isnan(*tempo) ? NAN : music_meter(acc, num, n, ts_conf);
	free(acc);
	free(num);
}

static double loudness_of(const struct audio_frames *a, double t0, double t1)
{
	size_t i0 = (size_t)fmax(0, t0 / FEAT_LOUD_STEP);
	size_t i1 = (size_t)fmax(0, t1 / FEAT_LOUD_STEP);
	double l;

	if (i1 > a->nm)
		i1 = a->nm;
	if (i0 >= i1)
		return NAN;
	l = music_gated_loudness(a->menergy + i0, i1 - i0);
	return isfinite(l) ? l : NAN;
}

#define SEC_DIM 23 /* chroma 12, MFCC 1..11 */
/*
 * Standardising divides by at least this: a click track's MFCCs vary by
 * 0.02 to 1.2 (standard deviation over its blocks), music's by 4 to 30, and
 * dividing the click track's by their own made noise look like timbre
 * changes (a boundary of novelty 0.14 in a 30 s click track).
 */
#define SEC_SD_FLOOR 3.0

/* Scales v[0..k) to length w (left alone when all zero). */
static void scale_to(float *v, int k, double w)
{
	double s = 0;

	for (int j = 0; j < k; j++)
		s += (double)v[j] * v[j];
	for (int j = 0; s > 0 && j < k; j++)
		v[j] = (float)(v[j] * w / sqrt(s));
}

/*
 * One vector per block: its mean chroma and its mean MFCCs 1..11, these
 * standardised over the track, each half scaled to length sqrt(1/2), so a
 * cosine is the mean of the chroma's and the timbre's.
 */
static float *block_vectors(const struct audio_frames *a, const size_t *edge,
			    size_t nb)
{
	float *v = xcalloc(nb * SEC_DIM + 1, sizeof(float));
	double mean[11] = { 0 }, sd[11] = { 0 };

	for (size_t k = 0; k < nb; k++) {
		float *b = v + k * SEC_DIM;
		for (size_t i = edge[k]; i < edge[k + 1]; i++) {
			for (int j = 0; j < 12; j++)
				b[j] += a->chroma[12 * i + j];
			for (int j = 0; j < 11; j++)
				b[12 + j] += a->mfcc[12 * i + j + 1] /
					(float)(edge[k + 1] - edge[k]);
		}
	}
	for (size_t i = 0; i < nb; i++)
		for (int j = 0; j < 11; j++)
			mean[j] += v[i * SEC_DIM + 12 + j] / nb;
	for (size_t i = 0; i < nb; i++)
		for (int j = 0; j < 11; j++) {
			double d = v[i * SEC_DIM + 12 + j] - mean[j];
			sd[j] += d * d / nb;
		}
	for (size_t i = 0; i < nb; i++) {
		float *b = v + i * SEC_DIM;
		for (int j = 0; j < 11; j++)
			b[12 + j] = (float)((b[12 + j] - mean[j]) /
					    fmax(sqrt(sd[j]), SEC_SD_FLOOR));
		scale_to(b, 12, sqrt(0.5));
		scale_to(b + 12, 11, sqrt(0.5));
	}
	return v;
}

static void fill_section(const struct audio_frames *a, struct audio_section *s)
{
	double t1 = s->start + s->duration;

	key_of(a, frame_at(s->start, a->n), frame_at(t1, a->n), &s->key,
	       &s->mode, &s->key_confidence);
	s->mode_confidence = s->key_confidence;
	rhythm_of(a, s->start, t1, &s->tempo, &s->time_signature,
		  &s->time_signature_confidence);
	s->tempo_confidence = NAN;
	s->loudness = loudness_of(a, s->start, t1);
}

/*
 * The blocks' first frames, and n at the end: one block per beat (from 0
 * to the first beat, then beat to beat) when there are 2 * SEC_HALF beats
 * or more, else fixed blocks of SEC_BLOCK frames. Returns the block count.
 */
static size_t block_edges(const struct audio_frames *a, size_t **edge)
{
	size_t nb = 0, *e = xmalloc((a->n / SEC_BLOCK + a->nbeats + 3) *
				    sizeof(size_t));

	e[nb++] = 0;
	if (a->nbeats >= 2 * SEC_HALF) {
		for (size_t i = 0; i < a->nbeats; i++) {
			size_t f = frame_at(a->beats[i], a->n);
			if (f > e[nb - 1] && f < a->n)
				e[nb++] = f;
		}
	} else {
		for (size_t f = SEC_BLOCK; f < a->n; f += SEC_BLOCK)
			e[nb++] = f;
	}
	e[nb] = a->n;
	*edge = e;
	return nb;
}

static void sections(const struct audio_frames *a, struct audio_result *r)
{
	size_t *edge, nb = block_edges(a, &edge), np = 0, *peaks;
	double *nov = xcalloc(nb + 1, sizeof(double)), top = 0;
	float *v = block_vectors(a, edge, nb);

	music_novelty(v, nb, SEC_DIM, SEC_HALF, nov);
	peaks = xmalloc((nb + 1) * sizeof(size_t));
	np = music_peaks(nov, nb, SEC_HALF, SEC_THRESHOLD, peaks);
	for (size_t i = 0; i < np; i++)
		top = fmax(top, nov[peaks[i]]);
	r->sections = xcalloc(np + 1, sizeof(*r->sections));
	r->nsections = np + 1;
	r->sections[0].start = 0;
	r->sections[0].confidence = 1;
	for (size_t i = 0; i < np; i++) {
		r->sections[i + 1].start = (double)edge[peaks[i]] * FEAT_HOP /
					   FEAT_RATE;
		r->sections[i + 1].confidence = nov[peaks[i]] / top;
	}
	for (size_t i = 0; i < r->nsections; i++) {
		struct audio_section *s = &r->sections[i];
		double end = i + 1 < r->nsections ? r->sections[i + 1].start
						  : a->duration;
		s->duration = end - s->start;
		fill_section(a, s);
	}
	free(peaks);
	free(nov);
	free(v);
	free(edge);
}

/* A segment over frames [i0, i1): loudness shape, chroma and timbre. */
static void fill_segment(const struct audio_frames *a, size_t i0, size_t i1,
			 struct audio_segment *s)
{
	size_t imax = i0;
	double pmax = 0;

	for (size_t i = i0; i < i1; i++)
		if (a->db[i] > a->db[imax])
			imax = i;
	s->loudness_start = a->db[i0];
	s->loudness_max = a->db[imax];
	s->loudness_max_time = feat_time(imax) - s->start;
	if (s->loudness_max_time < 0)
		s->loudness_max_time = 0;
	s->loudness_end = a->db[i1 - 1];
	memset(s->pitches, 0, sizeof(s->pitches));
	memset(s->timbre, 0, sizeof(s->timbre));
	for (size_t i = i0; i < i1; i++)
		for (int j = 0; j < 12; j++) {
			s->pitches[j] += a->chroma[12 * i + j];
			s->timbre[j] += a->mfcc[12 * i + j] / (double)(i1 - i0);
		}
	for (int j = 0; j < 12; j++)
		pmax = fmax(pmax, s->pitches[j]);
	for (int j = 0; j < 12; j++)
		s->pitches[j] = pmax > 0 ? s->pitches[j] / pmax : 0;
}

/*
 * Segments from the onsets (and 0): each to the next. The confidence is
 * how far the segment's peak rises over the end of the one before, 20 dB
 * or more counting as certain.
 */
static void segments(const struct audio_frames *a, struct audio_result *r)
{
	size_t n = a->nonsets, k = 0;
	double prev_end = -100;

	r->segments = xcalloc(n + 2, sizeof(*r->segments));
	for (size_t i = 0; i <= n; i++) {
		double t0 = i ? a->onsets[i - 1] : 0;
		double t1 = i < n ? a->onsets[i] : a->duration;
		size_t i0 = frame_at(t0, a->n), i1 = frame_at(t1, a->n);
		struct audio_segment *s = &r->segments[k];
		if (i1 <= i0 || t1 - t0 < 0.01)
			continue;
		s->start = t0;
		s->duration = t1 - t0;
		fill_segment(a, i0, i1, s);
		s->confidence = fmin(1.0, fmax(0.0,
				     (s->loudness_max - prev_end) / 20.0));
		prev_end = s->loudness_end;
		k++;
	}
	r->nsegments = k;
}

/* How much the level rises at t: the loudest frame in [t - 10, t + 50] ms
 * less the quietest in [t - 80, t - 20] ms, in dB. */
static double rise_at(const struct audio_frames *a, double t)
{
	size_t i0 = frame_at(t - 0.08, a->n), i1 = frame_at(t - 0.02, a->n);
	size_t j0 = frame_at(t - 0.01, a->n), j1 = frame_at(t + 0.05, a->n);
	double lo = 0, hi = -100;
	for (size_t i = i0; i <= i1 && i < a->n; i++)
		lo = fmin(lo, a->db[i]);
	for (size_t i = j0; i <= j1 && i < a->n; i++)
		hi = fmax(hi, a->db[i]);
	return hi - lo;
}

static int has_onset(const struct audio_frames *a, double t, double tol)
{
	size_t lo = 0, hi = a->nonsets;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (a->onsets[mid] < t - tol)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < a->nonsets && a->onsets[lo] <= t + tol;
}

/*
 * aubio's tracker often takes every other beat of a fast track (85 for
 * 170 BPM), for the whole track or for stretches of it. A gap between two
 * of its beats of at least 0.6 s (so the tempo stays under 200 BPM) whose
 * midpoint has an onset rising at least 60% as much as the weaker of the
 * two beats (and 2 dB) holds a beat too, which is put in. On the
 * simulator's renders the midpoints of half-time stretches rose about as
 * much as the beats (5.5-6.9 dB median against 6-8); an off-beat hi-hat's
 * rose about 0 dB.
 */
static void fix_half_time(struct audio_frames *a)
{
	size_t n = a->nbeats, k = 0;
	if (n < 2)
		return;
	double *nb = xmalloc(2 * n * sizeof(double)), rprev = rise_at(a, a->beats[0]);
	for (size_t i = 0; i < n; i++) {
		nb[k++] = a->beats[i];
		if (i + 1 == n)
			break;
		double m = (a->beats[i] + a->beats[i + 1]) / 2, rnext = rise_at(a, a->beats[i + 1]);
		if (a->beats[i + 1] - a->beats[i] >= 0.6 && has_onset(a, m, 0.04) &&
		    rise_at(a, m) >= fmax(2.0, 0.7 * fmin(rprev, rnext)))
			nb[k++] = m;
		rprev = rnext;
	}
	free(a->beats);
	a->beats = nb;
	a->nbeats = k;
}

/*
 * A beat falls on an onset that raises the level: the simulator's beats
 * (click and bass, the downbeat's kick) rise 2-22 dB (median 4.5-19 by
 * section kind), its off-beat hi-hat -0.7 to 1 dB, though aubio's hfc
 * detector finds both. aubio's tracker, given an onset every eighth note,
 * locks in stretches onto three eighths (2/3 of the tempo: 101.9 for
 * 153.1 BPM, 116.9 for 175) or onto every eighth (182.9 for 91.4): its
 * comb filter sees the eighths' pulse at every multiple, and its weighting
 * prefers periods near 0.55 s. So a beat where the level rises less than
 * BEAT_RISE_DB is dropped (its own rise, not an onset's: the onset
 * detector misses quiet clicks, t1301's 3/4 click track), and the onsets
 * rising at least that
 * between two beats left, at least BEAT_FILL s from both and from each
 * other (a tempo under 240 BPM), are put in: the 2/3 stretches get their
 * missing beats, the doubled ones lose the hi-hat's, and a half-time
 * stretch gets its midpoints. A track with fewer than 8 rising onsets
 * keeps aubio's beats.
 */
#define BEAT_RISE_DB 1.5
#define BEAT_FILL 0.25

static size_t rising_onsets(const struct audio_frames *a, double *out)
{
	size_t k = 0;

	for (size_t i = 0; i < a->nonsets; i++)
		if (rise_at(a, a->onsets[i]) >= BEAT_RISE_DB)
			out[k++] = a->onsets[i];
	return k;
}

static void repair_beats(struct audio_frames *a)
{
	double *up = xmalloc((a->nonsets + 1) * sizeof(double));
	double *nb = xmalloc((a->nbeats + a->nonsets + 1) * sizeof(double));
	size_t nu = rising_onsets(a, up), k = 0, j = 0;

	for (size_t i = 0; nu >= 8 && i < a->nbeats; i++) {
		double b = a->beats[i];
		if (rise_at(a, b) < BEAT_RISE_DB)
			continue;
		if (k) /* the rising onsets between the last beat and this */
			for (; j < nu && up[j] < b - BEAT_FILL; j++)
				if (up[j] >= nb[k - 1] + BEAT_FILL)
					nb[k++] = up[j];
		nb[k++] = b;
	}
	if (nu >= 8 && k >= 4) {
		free(a->beats);
		a->beats = nb;
		a->nbeats = k;
	} else {
		free(nb);
	}
	free(up);
}

/*
 * The track's key and mode: those of the sections holding most of its
 * time, when they hold over a third; otherwise the whole file's chroma
 * (computed by track). A track in A minor with a bridge in C gets A minor
 * either way; one whose halves are in F# and G minor would get a blend of
 * both from the whole chroma (D major, measured), not either key.
 */
static void track_key(struct audio_result *r)
{
	double best = 0;
	size_t bi = 0;
	for (size_t i = 0; i < r->nsections; i++) {
		double d = 0;
		const struct audio_section *s = &r->sections[i];
		if (isnan(s->key))
			continue;
		for (size_t j = 0; j < r->nsections; j++)
			if (r->sections[j].key == s->key && (s->key < 0 || r->sections[j].mode == s->mode))
				d += r->sections[j].duration;
		if (d > best) {
			best = d;
			bi = i;
		}
	}
	if (best > r->duration / 3) {
		r->key = r->sections[bi].key;
		r->mode = r->sections[bi].mode;
	}
}

static void track(const struct audio_frames *a, struct audio_result *r)
{
	r->duration = a->duration;
	r->loudness = isfinite(a->loudness) ? a->loudness : NAN;
	r->channels = a->channels;
	r->rate = a->rate;
	key_of(a, 0, a->n, &r->key, &r->mode, &r->key_confidence);
	rhythm_of(a, 0, a->duration + 1, &r->tempo, &r->time_signature,
		  &r->time_signature_confidence);
	r->tempo_confidence = NAN;
}

int audio_analyze(const char *path, struct audio_result *out,
		  struct strbuf *err)
{
	struct guard g = { feat_new(), 0, 0 };
	struct audio_frames a;
	int r;

	memset(out, 0, sizeof(*out));
	r = audio_decode(path, guarded, &g, err);
	if (r && g.too_long)
		strbuf_addf(err, "too long (over %.0f hours)",
			    AUDIO_MAX_SECONDS / 3600);
	else if (r && !err->len)
		strbuf_addstr(err, "cannot decode it");
	if (r || feat_finish(g.feat, &a, err)) {
		feat_free(g.feat);
		return -1;
	}
	feat_free(g.feat);
	if (a.duration < AUDIO_MIN_SECONDS) {
		strbuf_addf(err, "too short (%.2f s; at least %.0f s)",
			    a.duration, AUDIO_MIN_SECONDS);
		audio_frames_release(&a);
		return -1;
	}
	fix_half_time(&a);
	repair_beats(&a);
	track(&a, out);
	sections(&a, out);
	track_key(out);
	segments(&a, out);
	audio_frames_release(&a);
	return 0;
}

void audio_result_release(struct audio_result *r)
{
	free(r->sections);
	free(r->segments);
	memset(r, 0, sizeof(*r));
}

/* A number rounded to 3 decimals (Spotify gives 3 to 5), null when NaN. */
static void num(struct strbuf *out, const char *name, double v)
{
	if (name)
		strbuf_addf(out, "\"%s\":", name);
	if (isnan(v))
		strbuf_addstr(out, "null");
	else
		strbuf_add_double(out, round(v * 1000) / 1000);
}

static void integer(struct strbuf *out, const char *name, double v)
{
	if (isnan(v))
		strbuf_addf(out, "\"%s\":null", name);
	else
		strbuf_addf(out, "\"%s\":%.0f", name, v);
}

static void section_json(const struct audio_section *s, struct strbuf *out)
{
	num(out, "start", s->start);
	strbuf_addch(out, ',');
	num(out, "duration", s->duration);
	strbuf_addch(out, ',');
	num(out, "confidence", s->confidence);
	strbuf_addch(out, ',');
	num(out, "loudness", s->loudness);
	strbuf_addch(out, ',');
	num(out, "tempo", s->tempo);
	strbuf_addch(out, ',');
	integer(out, "key", s->key);
	strbuf_addch(out, ',');
	integer(out, "mode", s->mode);
	strbuf_addch(out, ',');
	integer(out, "time_signature", s->time_signature);
}

static void array12(struct strbuf *out, const char *name, const double *v)
{
	strbuf_addf(out, ",\"%s\":[", name);
	for (int j = 0; j < 12; j++) {
		if (j)
			strbuf_addch(out, ',');
		num(out, NULL, v[j]);
	}
	strbuf_addch(out, ']');
}

static void segment_json(const struct audio_segment *s, struct strbuf *out)
{
	num(out, "start", s->start);
	strbuf_addch(out, ',');
	num(out, "duration", s->duration);
	strbuf_addch(out, ',');
	num(out, "confidence", s->confidence);
	strbuf_addch(out, ',');
	num(out, "loudness_start", s->loudness_start);
	strbuf_addch(out, ',');
	num(out, "loudness_max", s->loudness_max);
	strbuf_addch(out, ',');
	num(out, "loudness_max_time", s->loudness_max_time);
	strbuf_addch(out, ',');
	num(out, "loudness_end", s->loudness_end);
	array12(out, "pitches", s->pitches);
	array12(out, "timbre", s->timbre);
}

void audio_result_json(const struct audio_result *r, int with_segments,
		       struct strbuf *out)
{
	num(out, "duration", r->duration);
	strbuf_addch(out, ',');
	num(out, "loudness", r->loudness);
	strbuf_addch(out, ',');
	num(out, "tempo", r->tempo);
	strbuf_addch(out, ',');
	integer(out, "key", r->key);
	strbuf_addch(out, ',');
	integer(out, "mode", r->mode);
	strbuf_addch(out, ',');
	integer(out, "time_signature", r->time_signature);
	strbuf_addstr(out, ",\"sections\":[");
	for (size_t i = 0; i < r->nsections; i++) {
		strbuf_addstr(out, i ? ",{" : "{");
		section_json(&r->sections[i], out);
		strbuf_addch(out, '}');
	}
	strbuf_addch(out, ']');
	if (!with_segments) {
		strbuf_addf(out, ",\"segments\":%zu", r->nsegments);
		return;
	}
	strbuf_addstr(out, ",\"segments\":[");
	for (size_t i = 0; i < r->nsegments; i++) {
		strbuf_addstr(out, i ? ",{" : "{");
		segment_json(&r->segments[i], out);
		strbuf_addch(out, '}');
	}
	strbuf_addch(out, ']');
}
