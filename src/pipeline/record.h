/*
 * The song record (../shared/docs/song-record.md): one per play, exactly the
 * original's keys in the original's order, printed as one JSON object or one
 * CSV row. Pure: no database, no network.
 *
 * Numbers are doubles; NaN means "unknown" and prints as null. Sequences
 * print as null when their pointer is NULL (analysis unknown) and as [] when
 * n is 0 (the analysis has no sections). Strings are borrowed: a record
 * points into whatever built it (record_release frees nothing but the
 * arrays a record_set_sections call allocated).
 */
#ifndef PIPELINE_RECORD_H
#define PIPELINE_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"

struct rec_section {
	double start, duration, loudness, tempo;
	double key, mode, time_signature; /* NaN when absent */
};

struct rec_seq {
	double *v; /* NULL: null */
	size_t n;
};

struct song_record {
	const char *track_id, *track_name, *track_artist;
	int64_t played_ms;
	double explicit_, popularity; /* explicit_: 0/1 printed as a bool */
	const char *album, *album_cover;
	double album_cover_height, album_cover_width;
	double duration, loudness, tempo, key, time_signature, mode;
	double acousticness, danceability, energy, instrumentalness;
	double speechiness, valence;
	double sections, section_duration_avg, loudness_avg, tempo_avg;
	struct rec_seq start_seq, loudness_seq, tempo_seq, key_seq, mode_seq,
		time_signature_seq;
	/* --with-provenance */
	const char *features_source, *analysis_source;
	const char *duration_source; /* "analysis", "track" or NULL */
	/* --extended */
	const char *genres_json; /* a JSON array text, NULL: null */
	double segments, segment_duration_avg, segment_loudness_max_avg;
	double ms_played, skipped, shuffle;
	const char *context, *reason_start, *reason_end, *platform, *source;
};

enum record_flags {
	REC_UTC = 1,        /* played_at as ISO 8601 UTC with ms */
	REC_PROVENANCE = 2, /* adds features_source, analysis_source,
	                       duration_source */
	REC_EXTENDED = 4,   /* adds genres, segment summaries, play fields */
};

/* Sets every field to unknown (NaN, NULL). */
void record_init(struct song_record *r);
/* Frees the sequences record_set_sections allocated. */
void record_release(struct song_record *r);

/*
 * Fills sections, the three averages and the six sequences from the
 * analysis' sections, in order. Averages are the arithmetic mean (summed in
 * order, divided by the count, as Python's sum(x)/len(x)) rounded with
 * record_round2; with no sections they are null and sequences are [].
 */
void record_set_sections(struct song_record *r, const struct rec_section *s,
			 size_t n);

/*
 * Rounds to 2 decimals exactly as Python's round(x, 2): the exact binary
 * value of x is rounded to the nearest multiple of 0.01, and only a true tie
 * (x exactly halfway, e.g. 0.125) goes to the even last digit. So 0.125 ->
 * 0.12, 0.375 -> 0.38, while 2.675 -> 2.67 because the double nearest 2.675
 * is 2.67499999... glibc's printf is correctly rounded with ties-to-even in
 * the default rounding mode, so "%.2f" then strtod gives exactly that.
 */
double record_round2(double x);

/* Appends the record as one JSON object (no newline). */
void record_json(const struct song_record *r, int flags, struct strbuf *out);
/* Appends the CSV header line / one row, both ending in "\r\n" (RFC 4180). */
void record_csv_header(int flags, struct strbuf *out);
void record_csv(const struct song_record *r, int flags, struct strbuf *out);
/* Appends s as one CSV field, quoted when it holds , " CR or LF. */
void record_csv_field(struct strbuf *out, const char *s);

#endif
