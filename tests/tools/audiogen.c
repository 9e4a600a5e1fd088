/*
 * audiogen: writes synthetic audio with known truth for the analysis tests
 * (issue 13), through libsndfile (the format from the name: .wav, .flac,
 * .ogg). No copyrighted audio is needed: every test renders its own.
 *
 *   audiogen OUT [--rate R] [--channels C] [--artist A] [--title T] PART...
 *
 * PART is one of
 *   music:SECONDS:BPM:BEATS_PER_BAR:KEY:MODE:HARMONICS
 *       a click on every beat (the bar's first 8 dB louder), a chord per
 *       bar (I IV V I in major, i iv V i in minor) with a bass note and one
 *       scale note per beat, each tone of HARMONICS partials (1/h)
 *   click:SECONDS:BPM:BEATS_PER_BAR   the clicks alone
 *   sine:SECONDS:HZ:DBFS              a sine of that peak level
 *   noise:SECONDS:DBFS                white noise of that peak level
 *   silence:SECONDS
 * Parts follow each other; every channel gets the same signal.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sndfile.h>

struct part {
	char kind[16];
	double sec, a, b, c, d, e;
};

static const int major_scale[7] = { 0, 2, 4, 5, 7, 9, 11 };
static const int minor_scale[7] = { 0, 2, 3, 5, 7, 8, 11 }; /* harmonic */

static double tone(double hz, double t, int harmonics)
{
	double s = 0;

	for (int h = 1; h <= harmonics; h++)
		if (hz * h < 10000)
			s += sin(2 * M_PI * hz * h * t) / h;
	return s;
}

static double midi_hz(int m) { return 440.0 * pow(2.0, (m - 69) / 12.0); }

/* The clicks of a part at time t (s from the part's start). */
static double click(const struct part *p, double t)
{
	double beat = 60.0 / p->a, k = floor(t / beat), dt = t - k * beat;
	double amp = ((long)k % (long)p->b) == 0 ? 0.5 : 0.2;

	if (dt > 0.03)
		return 0;
	return amp * exp(-dt / 0.006) * sin(2 * M_PI * 1800 * dt);
}

static double music(const struct part *p, double t)
{
	double beat = 60.0 / p->a, bar = beat * p->b;
	int key = (int)p->c, minor = p->d == 0, h = (int)p->e;
	const int *sc = minor ? minor_scale : major_scale;
	static const int degree[4] = { 0, 3, 4, 0 }; /* I IV V I */
	long nbar = (long)floor(t / bar), nbeat = (long)floor(t / beat);
	int root = degree[nbar % 4];
	double tb = t - nbar * bar, tn = t - nbeat * beat, s = 0;
	double env = exp(-tb / (bar * 0.8)) * fmin(1.0, tb / 0.01);
	double envn = exp(-tn / (beat * 0.6)) * fmin(1.0, tn / 0.01);

	for (int v = 0; v < 3; v++) {     /* the triad on the degree */
		int d = root + 2 * v, m = 60 + key + sc[d % 7] + 12 * (d / 7);
		s += 0.08 * env * tone(midi_hz(m), t, h);
	}
	s += 0.10 * env * tone(midi_hz(48 + key + sc[root]), t, h);
	s += 0.07 * envn * tone(midi_hz(72 + key + sc[nbeat % 7]), t, h);
	return s + click(p, t);
}

static double sample(const struct part *p, double t, unsigned *seed)
{
	if (!strcmp(p->kind, "music"))
		return music(p, t);
	if (!strcmp(p->kind, "click"))
		return click(p, t);
	if (!strcmp(p->kind, "sine"))
		return pow(10, p->b / 20) * sin(2 * M_PI * p->a * t);
	if (!strcmp(p->kind, "noise")) {
		*seed = *seed * 1103515245u + 12345u;
		return pow(10, p->a / 20) * (((*seed >> 8) & 0xffff) / 32768.0 - 1);
	}
	return 0;
}

static int parse(const char *s, struct part *p)
{
	const char *c = strchr(s, ':');

	memset(p, 0, sizeof(*p));
	if (!c || c - s >= (long)sizeof(p->kind))
		return -1;
	memcpy(p->kind, s, (size_t)(c - s));
	return sscanf(c + 1, "%lf:%lf:%lf:%lf:%lf:%lf", &p->sec, &p->a, &p->b,
		      &p->c, &p->d, &p->e) >= 1 ? 0 : -1;
}

static int format_of(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (dot && !strcmp(dot, ".flac"))
		return SF_FORMAT_FLAC | SF_FORMAT_PCM_16;
	if (dot && !strcmp(dot, ".ogg"))
		return SF_FORMAT_OGG | SF_FORMAT_VORBIS;
	return SF_FORMAT_WAV | SF_FORMAT_PCM_16;
}

int main(int argc, char **argv)
{
	SF_INFO info = { .samplerate = 44100, .channels = 1 };
	unsigned seed = 1;
	int i = 2;
	SNDFILE *sf;
	const char *artist = NULL, *title = NULL;

	if (argc < 3) {
		fprintf(stderr, "usage: audiogen OUT [--rate R] [--channels C] PART...\n");
		return 2;
	}
	for (; i + 1 < argc && !strncmp(argv[i], "--", 2); i += 2)
		if (!strcmp(argv[i], "--rate"))
			info.samplerate = (int)strtol(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--artist"))
			artist = argv[i + 1];
		else if (!strcmp(argv[i], "--title"))
			title = argv[i + 1];
		else
			info.channels = (int)strtol(argv[i + 1], NULL, 10);
	info.format = format_of(argv[1]);
	if (!(sf = sf_open(argv[1], SFM_WRITE, &info))) {
		fprintf(stderr, "audiogen: %s: %s\n", argv[1], sf_strerror(NULL));
		return 1;
	}
	if (artist)
		sf_set_string(sf, SF_STR_ARTIST, artist);
	if (title)
		sf_set_string(sf, SF_STR_TITLE, title);
	for (; i < argc; i++) {
		struct part p;
		if (parse(argv[i], &p)) {
			fprintf(stderr, "audiogen: bad part '%s'\n", argv[i]);
			return 2;
		}
		long n = (long)(p.sec * info.samplerate);
		float buf[8 * 16];
		if (!strcmp(p.kind, "silence")) { /* in blocks: ten hours take seconds */
			static float zero[4096 * 16];
			for (long k = 0; k < n; k += 4096)
				sf_writef_float(sf, zero, n - k < 4096 ? n - k : 4096);
			continue;
		}
		for (long k = 0; k < n; k++) {
			float v = (float)sample(&p, (double)k / info.samplerate, &seed);
			for (int c = 0; c < info.channels && c < 16; c++)
				buf[c] = v;
			sf_writef_float(sf, buf, 1);
		}
	}
	return sf_close(sf) ? 1 : 0;
}
