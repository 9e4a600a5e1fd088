/*
 * audio.c - rendering catalog tracks as audio (see audio.h).
 */
#include "audio.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ebur128.h>
#include <sndfile.h>

#include "rng.h"
#include "core/strbuf.h"
#include "core/banned.h"

#define TABLE 2048
#define R SIM_AUDIO_RATE

struct section {
	double start, dur, loudness, tempo;
	int key, mode, ts;
};

/* --- synthesis ------------------------------------------------------------------ */

/* One period of each timbre: few harmonics, saw-like, odd harmonics. */
static float tables[3][TABLE];

static void tables_init(void)
{
	static int done;
	if (done)
		return;
	for (int v = 0; v < 3; v++) {
		double peak = 0, s[TABLE];
		for (int i = 0; i < TABLE; i++) {
			double x = 2 * M_PI * i / TABLE, y = 0;
			for (int h = 1; h <= 8; h++)
				if ((v == 0 && h <= 3) || v == 1 || (v == 2 && h % 2))
					y += sin(h * x) / h;
			s[i] = y;
			peak = fmax(peak, fabs(y));
		}
		for (int i = 0; i < TABLE; i++)
			tables[v][i] = (float)(s[i] / peak);
	}
	done = 1;
}

static double midi_hz(int m)
{
	return 440.0 * pow(2.0, (m - 69) / 12.0);
}

/* Adds a tone of table tb from sample a for n samples: 5 ms attack, then an
 * exponential decay of time constant tau seconds. */
static void add_tone(float *buf, long a, long n, double hz, double amp, int tb, double tau)
{
	double ph = 0, inc = hz * TABLE / R, env = amp, k = exp(-1.0 / (tau * R));
	long att = R / 200;
	for (long i = 0; i < n; i++) {
		int j = (int)ph;
		double f = ph - j, x = tables[tb][j] + f * (tables[tb][(j + 1) % TABLE] - tables[tb][j]);
		double e = i < att ? env * (double)i / att : env;
		buf[a + i] += (float)(e * x);
		if (i >= att)
			env *= k;
		ph += inc;
		if (ph >= TABLE)
			ph -= TABLE;
	}
}

/* A drum hit at sample a: kick (a falling sine) or a click (damped 1.8 kHz),
 * or a hi-hat (damped noise). */
static void add_hit(float *buf, long a, long n, int kind, double amp, struct rng *r)
{
	double ph = 0;
	long len = kind == 0 ? R / 5 : R / 30;
	for (long i = 0; i < len && i < n; i++) {
		double t = (double)i / R, y;
		if (kind == 0) {
			ph += 2 * M_PI * (50 + 100 * exp(-t / 0.03)) / R;
			y = sin(ph) * exp(-t / 0.08);
		} else if (kind == 1)
			y = sin(2 * M_PI * 1800 * t) * exp(-t / 0.006);
		else
			y = (rng_unit(r) * 2 - 1) * exp(-t / 0.01);
		buf[a + i] += (float)(amp * y);
	}
}

static const int major_scale[7] = { 0, 2, 4, 5, 7, 9, 11 };
static const int minor_scale[7] = { 0, 2, 3, 5, 7, 8, 11 }; /* harmonic: V is major */
/* Two progressions of scale degrees, one chord a bar: I IV V I and I vi IV V. */
static const int prog[2][4] = { { 0, 3, 4, 0 }, { 0, 5, 3, 4 } };

static int degree_midi(const struct section *s, int base, int d)
{
	const int *sc = s->mode ? major_scale : minor_scale;
	return base + s->key + sc[d % 7] + 12 * (d / 7);
}

/* The harmony of one bar starting at sample a, n samples long. */
static void add_bar(float *buf, long a, long n, const struct section *s, int v, long bar, long beat)
{
	double tau = (double)n / R * 0.8;
	if (s->key < 0) { /* no key: a cluster of the 12 pitch classes */
		for (int p = 0; p < 12; p++)
			add_tone(buf, a, n, midi_hz(60 + p), 0.05, v, tau);
		return;
	}
	int root = prog[v % 2][bar % 4];
	for (int k = 0; k < 3; k++)
		add_tone(buf, a, n, midi_hz(degree_midi(s, v == 1 ? 72 : 60, root + 2 * k)), 0.12, v, tau);
	for (long b = 0; b * beat < n; b++) {
		long m = b * beat + beat < n ? beat : n - b * beat;
		int d = b % 2 ? root + 4 : root;
		add_tone(buf, a + b * beat, m, midi_hz(degree_midi(s, 36, d)), 0.25, 0, (double)beat / R * 0.5);
	}
}

/* Renders a section at unit gain into buf (n samples); its onsets (s from
 * the track's start) go to onsets. */
static void render_section(float *buf, long n, const struct section *s, int idx, struct rng *r,
			   cJSON *onsets)
{
	int v = idx % 3;
	long beat = lround(60.0 * R / s->tempo), bar = beat * s->ts;
	for (long b = 0; b * bar < n; b++)
		add_bar(buf, b * bar, b * bar + bar < n ? bar : n - b * bar, s, v, b, beat);
	for (long j = 0; j * beat < n; j++) {
		long a = j * beat;
		if (j % s->ts == 0) {
			add_hit(buf, a, n - a, 0, 0.9, r);
			add_hit(buf, a, n - a, 1, 0.5, r);
		} else
			add_hit(buf, a, n - a, 1, 0.2, r);
		cJSON_AddItemToArray(onsets, cJSON_CreateNumber(s->start + (double)a / R));
		if (v == 2 && a + beat / 2 < n) {
			add_hit(buf, a + beat / 2, n - a - beat / 2, 2, 0.15, r);
			cJSON_AddItemToArray(onsets, cJSON_CreateNumber(s->start + (double)(a + beat / 2) / R));
		}
	}
}

/* --- loudness ------------------------------------------------------------------- */

/* Gated loudness (LUFS) of n mono samples played in both channels. */
static double gated(const float *x, long n)
{
	ebur128_state *st = ebur128_init(1, R, EBUR128_MODE_I);
	double l = -HUGE_VAL;
	if (!st)
		return l;
	ebur128_set_channel(st, 0, EBUR128_DUAL_MONO);
	ebur128_add_frames_float(st, x, (size_t)n);
	ebur128_loudness_global(st, &l);
	ebur128_destroy(&st);
	return l;
}

static void shape(const float *in, float *out, long n, double g)
{
	for (long i = 0; i < n; i++)
		out[i] = (float)tanh(g * in[i]);
}

/* Scales in (n samples) into out so that it reads target LUFS: the tanh
 * limiter is not linear, so the gain is corrected until within 0.02 dB
 * (3 or 4 rounds; a loud target, above about -8 LUFS, needs the most). */
static void level(const float *in, float *out, long n, double target)
{
	double g = 1;
	shape(in, out, n, g);
	double l = gated(out, n);
	if (!isfinite(l))
		return;
	for (int it = 0; it < 8 && fabs(l - target) > 0.02; it++) {
		g *= pow(10, (target - l) / 20);
		shape(in, out, n, g);
		l = gated(out, n);
	}
}

/* --- encoding ------------------------------------------------------------------- */

struct membuf {
	unsigned char *p;
	sf_count_t len, cap, pos;
};

static sf_count_t vio_len(void *u) { return ((struct membuf *)u)->len; }
static sf_count_t vio_tell(void *u) { return ((struct membuf *)u)->pos; }

static sf_count_t vio_seek(sf_count_t off, int whence, void *u)
{
	struct membuf *m = u;
	sf_count_t p = whence == SEEK_SET ? off : whence == SEEK_CUR ? m->pos + off : m->len + off;
	if (p < 0)
		return -1;
	m->pos = p;
	return p;
}

static sf_count_t vio_read(void *ptr, sf_count_t n, void *u)
{
	struct membuf *m = u;
	if (m->pos >= m->len)
		return 0;
	if (n > m->len - m->pos)
		n = m->len - m->pos;
	memcpy(ptr, m->p + m->pos, (size_t)n);
	m->pos += n;
	return n;
}

static sf_count_t vio_write(const void *ptr, sf_count_t n, void *u)
{
	struct membuf *m = u;
	if (m->pos + n > m->cap) {
		sf_count_t cap = (m->pos + n) * 2;
		unsigned char *q = realloc(m->p, (size_t)cap);
		if (!q)
			return 0;
		m->p = q;
		m->cap = cap;
	}
	if (m->pos > m->len)
		memset(m->p + m->len, 0, (size_t)(m->pos - m->len));
	memcpy(m->p + m->pos, ptr, (size_t)n);
	m->pos += n;
	if (m->pos > m->len)
		m->len = m->pos;
	return n;
}

static void put_le32(struct strbuf *b, size_t v)
{
	for (int i = 0; i < 4; i++)
		strbuf_addch(b, (char)((v >> (8 * i)) & 0xff));
}

static void add_comment(struct strbuf *b, const char *k, const char *v)
{
	put_le32(b, strlen(k) + 1 + strlen(v));
	strbuf_addf(b, "%s=%s", k, v);
}

/* Replaces the FLAC file's VORBIS_COMMENT metadata block (libsndfile's
 * FLAC writer has no ISRC string) by one of ours, the last block. -1 if m
 * is not FLAC. */
static int flac_tag(struct membuf *m, const char *kv[][2], int n)
{
	struct strbuf b = STRBUF_INIT;
	struct membuf o = { 0 };
	sf_count_t at = 4;
	int last = 0;
	if (m->len < 42 || memcmp(m->p, "fLaC", 4))
		return -1;
	vio_write("fLaC", 4, &o);
	while (!last) {
		if (at + 4 > m->len) {
			free(o.p);
			return -1;
		}
		sf_count_t blen = 4 + ((sf_count_t)m->p[at + 1] << 16 | (sf_count_t)m->p[at + 2] << 8 | m->p[at + 3]);
		last = m->p[at] & 0x80;
		if ((m->p[at] & 0x7f) != 4) {
			unsigned char h = m->p[at] & 0x7f;
			vio_write(&h, 1, &o);
			vio_write(m->p + at + 1, blen - 1, &o);
		}
		at += blen;
	}
	const char *vendor = "spotify-sim";
	put_le32(&b, strlen(vendor));
	strbuf_addstr(&b, vendor);
	put_le32(&b, (size_t)n);
	for (int i = 0; i < n; i++)
		add_comment(&b, kv[i][0], kv[i][1]);
	unsigned char hdr[4] = { 0x84, (unsigned char)(b.len >> 16), (unsigned char)(b.len >> 8),
				 (unsigned char)b.len };
	vio_write(hdr, 4, &o);
	vio_write(b.buf, (sf_count_t)b.len, &o);
	vio_write(m->p + at, m->len - at, &o);
	strbuf_release(&b);
	free(m->p);
	*m = o;
	return 0;
}

static int encode(const float *x, long n, enum sim_audio_fmt fmt, const char *kv[][2], struct membuf *m)
{
	SF_VIRTUAL_IO vio = { vio_len, vio_seek, vio_read, vio_write, vio_tell };
	SF_INFO info = { .samplerate = R, .channels = 2,
			 .format = (fmt == SIM_AUDIO_FLAC ? SF_FORMAT_FLAC : SF_FORMAT_WAV) | SF_FORMAT_PCM_16 };
	SNDFILE *sf = sf_open_virtual(&vio, SFM_WRITE, &info, m);
	float st[2 * 1024];
	if (!sf)
		return -1;
	if (fmt == SIM_AUDIO_WAV) {
		sf_set_string(sf, SF_STR_TITLE, kv[0][1]);
		sf_set_string(sf, SF_STR_ARTIST, kv[1][1]);
	}
	for (long i = 0; i < n; i += 1024) {
		long k = n - i < 1024 ? n - i : 1024;
		for (long j = 0; j < k; j++)
			st[2 * j] = st[2 * j + 1] = x[i + j];
		sf_writef_float(sf, st, k);
	}
	if (sf_close(sf))
		return -1;
	return fmt == SIM_AUDIO_FLAC ? flac_tag(m, kv, 4) : 0;
}

/* --- the track ------------------------------------------------------------------ */

static int read_sections(cJSON *an, struct section *s, int max)
{
	int n = 0;
	cJSON *e;
	cJSON_ArrayForEach(e, cJSON_GetObjectItem(an, "sections")) {
		if (n == max)
			break;
		s[n].start = cJSON_GetObjectItem(e, "start")->valuedouble;
		s[n].dur = cJSON_GetObjectItem(e, "duration")->valuedouble;
		s[n].loudness = cJSON_GetObjectItem(e, "loudness")->valuedouble;
		s[n].tempo = cJSON_GetObjectItem(e, "tempo")->valuedouble;
		s[n].key = cJSON_GetObjectItem(e, "key")->valueint;
		s[n].mode = cJSON_GetObjectItem(e, "mode")->valueint;
		s[n].ts = cJSON_GetObjectItem(e, "time_signature")->valueint;
		n++;
	}
	return n;
}

static cJSON *section_json(const struct section *s)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "start", s->start);
	cJSON_AddNumberToObject(o, "duration", s->dur);
	cJSON_AddNumberToObject(o, "loudness", s->loudness);
	cJSON_AddNumberToObject(o, "tempo", s->tempo);
	cJSON_AddNumberToObject(o, "key", s->key);
	cJSON_AddNumberToObject(o, "mode", s->mode);
	cJSON_AddNumberToObject(o, "time_signature", s->ts);
	return o;
}

static cJSON *truth_json(const struct catalog *c, int t, const struct section *s, int n, long samples)
{
	const struct cat_track *tr = &c->tracks[t];
	cJSON *o = cJSON_CreateObject(), *arr;
	double e = 0;
	cJSON_AddStringToObject(o, "id", tr->id);
	cJSON_AddStringToObject(o, "isrc", tr->isrc);
	cJSON_AddStringToObject(o, "name", tr->name);
	cJSON_AddStringToObject(o, "artist", c->artists[tr->artists[0]].name);
	cJSON_AddBoolToObject(o, "whole", n == 0 || fabs(s[n - 1].start + s[n - 1].dur - tr->duration_units / 1e5) < 1e-6);
	cJSON_AddNumberToObject(o, "duration", (double)samples / R);
	for (int i = 0; i < n; i++)
		e += s[i].dur * pow(10, s[i].loudness / 10);
	/* the duration-weighted power mean of the sections' loudness: the whole
	 * track's by construction of the catalog (gen_sections) */
	cJSON_AddNumberToObject(o, "loudness", round(1000 * 10 * log10(e / ((double)samples / R))) / 1000);
	cJSON_AddNumberToObject(o, "tempo", tr->tempo);
	/* the key and mode holding most of the rendered time: the catalog's
	 * own when the whole track is rendered, unless its sections in other
	 * keys (30% of them) outweigh it */
	double best = 0;
	int bk = tr->key, bm = tr->mode;
	for (int i = 0; i < n; i++) {
		double d = 0;
		for (int j = 0; j < n; j++)
			d += s[j].key == s[i].key && s[j].mode == s[i].mode ? s[j].dur : 0;
		if (d > best + 1e-9 || (fabs(d - best) < 1e-9 && s[i].key == tr->key)) {
			best = d;
			bk = s[i].key;
			bm = s[i].mode;
		}
	}
	cJSON_AddNumberToObject(o, "key", bk);
	cJSON_AddNumberToObject(o, "mode", bm);
	cJSON_AddNumberToObject(o, "catalog_key", tr->key);
	cJSON_AddNumberToObject(o, "time_signature", tr->time_signature);
	arr = cJSON_AddArrayToObject(o, "sections");
	for (int i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, section_json(&s[i]));
	return o;
}

static long synth(const struct catalog *c, int t, const struct section *s, int n, float **out, cJSON *onsets)
{
	long total = lround((s[n - 1].start + s[n - 1].dur) * R);
	float *x = calloc((size_t)total, sizeof(float)), *tmp = NULL;
	struct rng r;
	if (!x)
		return -1;
	rng_init(&r, c->seed, rng_hash_str(c->tracks[t].id), 0xa0d1);
	for (int i = 0; i < n; i++) {
		long a = lround(s[i].start * R), b = i + 1 < n ? lround(s[i + 1].start * R) : total;
		float *q = realloc(tmp, (size_t)(b - a) * sizeof(float));
		if (!q) {
			free(x);
			free(tmp);
			return -1;
		}
		tmp = q;
		memset(tmp, 0, (size_t)(b - a) * sizeof(float));
		render_section(tmp, b - a, &s[i], i, &r, onsets);
		level(tmp, x + a, b - a, s[i].loudness);
	}
	free(tmp);
	*out = x;
	return total;
}

int sim_audio_render(const struct catalog *c, int t, enum sim_audio_fmt fmt, double min_seconds,
		     unsigned char **out, size_t *len, cJSON **truth, char *err, size_t errlen)
{
	const struct cat_track *tr = &c->tracks[t];
	struct section s[16];
	struct membuf m = { 0 };
	float *x = NULL;
	cJSON *an = catalog_analysis_json(c, t);
	int n = read_sections(an, s, 16);
	cJSON_Delete(an);
	tables_init();
	if (min_seconds > 0)
		for (int i = 0; i < n; i++)
			if (s[i].start + s[i].dur >= min_seconds) {
				n = i + 1;
				break;
			}
	cJSON *onsets = cJSON_CreateArray();
	long total = n ? synth(c, t, s, n, &x, onsets) : -1;
	const char *kv[4][2] = { { "TITLE", tr->name }, { "ARTIST", c->artists[tr->artists[0]].name },
				 { "ALBUM", c->albums[tr->album].name }, { "ISRC", tr->isrc } };
	if (total < 0 || encode(x, total, fmt, kv, &m)) {
		snprintf(err, errlen, "could not render track \"%s\"", tr->id);
		free(x);
		free(m.p);
		cJSON_Delete(onsets);
		return -1;
	}
	free(x);
	*truth = truth_json(c, t, s, n, total);
	cJSON_AddItemToObject(*truth, "onsets", onsets);
	*out = m.p;
	*len = (size_t)m.len;
	return 0;
}

static int write_file(const char *dir, const char *id, const char *ext, const void *p, size_t n)
{
	struct strbuf path = STRBUF_INIT;
	strbuf_addf(&path, "%s/%s.%s", dir, id, ext);
	FILE *f = fopen(path.buf, "wb");
	int bad = !f || fwrite(p, 1, n, f) != n;
	if (f && fclose(f))
		bad = 1;
	if (bad)
		fprintf(stderr, "spotify-sim: cannot write '%s': %s\n", path.buf, strerror(errno));
	strbuf_release(&path);
	return bad ? -1 : 0;
}

int sim_audio_write_dir(const struct catalog *c, const char *dir, int ntracks, double min_seconds)
{
	int n = ntracks > 0 && ntracks < c->ntracks ? ntracks : c->ntracks;
	for (int t = 0; t < n; t++) {
		unsigned char *p;
		size_t len;
		cJSON *truth;
		char err[128];
		if (sim_audio_render(c, t, SIM_AUDIO_FLAC, min_seconds, &p, &len, &truth, err, sizeof(err))) {
			fprintf(stderr, "spotify-sim: %s\n", err);
			return -1;
		}
		char *js = cJSON_PrintUnformatted(truth);
		int bad = write_file(dir, c->tracks[t].id, "flac", p, len) ||
			  write_file(dir, c->tracks[t].id, "json", js, strlen(js));
		free(js);
		free(p);
		cJSON_Delete(truth);
		if (bad)
			return -1;
	}
	return 0;
}
