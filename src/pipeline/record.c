#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/xalloc.h"
#include "pipeline/record.h"
#include "core/banned.h"

enum ftype { F_STR, F_BOOL, F_FLOAT, F_INT, F_SEQ_F, F_SEQ_I, F_JSON, F_TIME };

struct field {
	const char *name;
	enum ftype type;
	size_t off;
	int flag; /* 0: always; else the record_flags bit that adds it */
};

#define R(m) offsetof(struct song_record, m)

/* The record, key for key, in the order of song-record.md. */
static const struct field fields[] = {
	{ "track_id", F_STR, R(track_id), 0 },
	{ "track_name", F_STR, R(track_name), 0 },
	{ "track_artist", F_STR, R(track_artist), 0 },
	{ "played_at", F_TIME, R(played_ms), 0 },
	{ "explicit", F_BOOL, R(explicit_), 0 },
	{ "popularity", F_INT, R(popularity), 0 },
	{ "album", F_STR, R(album), 0 },
	{ "album_cover", F_STR, R(album_cover), 0 },
	{ "album_cover_height", F_INT, R(album_cover_height), 0 },
	{ "album_cover_width", F_INT, R(album_cover_width), 0 },
	{ "duration", F_FLOAT, R(duration), 0 },
	{ "loudness", F_FLOAT, R(loudness), 0 },
	{ "tempo", F_FLOAT, R(tempo), 0 },
	{ "key", F_INT, R(key), 0 },
	{ "time_signature", F_INT, R(time_signature), 0 },
	{ "mode", F_INT, R(mode), 0 },
	{ "acousticness", F_FLOAT, R(acousticness), 0 },
	{ "danceability", F_FLOAT, R(danceability), 0 },
	{ "energy", F_FLOAT, R(energy), 0 },
	{ "instrumentalness", F_FLOAT, R(instrumentalness), 0 },
	{ "speechiness", F_FLOAT, R(speechiness), 0 },
	{ "valence", F_FLOAT, R(valence), 0 },
	{ "sections", F_INT, R(sections), 0 },
	{ "section_duration_avg", F_FLOAT, R(section_duration_avg), 0 },
	{ "loudness_avg", F_FLOAT, R(loudness_avg), 0 },
	{ "tempo_avg", F_FLOAT, R(tempo_avg), 0 },
	{ "start_sequence", F_SEQ_F, R(start_seq), 0 },
	{ "loudness_sequence", F_SEQ_F, R(loudness_seq), 0 },
	{ "tempo_sequence", F_SEQ_F, R(tempo_seq), 0 },
	{ "key_sequence", F_SEQ_I, R(key_seq), 0 },
	{ "mode_sequence", F_SEQ_I, R(mode_seq), 0 },
	{ "time_signature_sequence", F_SEQ_I, R(time_signature_seq), 0 },
	{ "features_source", F_STR, R(features_source), REC_PROVENANCE },
	{ "analysis_source", F_STR, R(analysis_source), REC_PROVENANCE },
	{ "duration_source", F_STR, R(duration_source), REC_PROVENANCE },
	{ "genres", F_JSON, R(genres_json), REC_EXTENDED },
	{ "segments", F_INT, R(segments), REC_EXTENDED },
	{ "segment_duration_avg", F_FLOAT, R(segment_duration_avg), REC_EXTENDED },
	{ "segment_loudness_max_avg", F_FLOAT, R(segment_loudness_max_avg),
	  REC_EXTENDED },
	{ "ms_played", F_INT, R(ms_played), REC_EXTENDED },
	{ "context", F_STR, R(context), REC_EXTENDED },
	{ "reason_start", F_STR, R(reason_start), REC_EXTENDED },
	{ "reason_end", F_STR, R(reason_end), REC_EXTENDED },
	{ "skipped", F_BOOL, R(skipped), REC_EXTENDED },
	{ "shuffle", F_BOOL, R(shuffle), REC_EXTENDED },
	{ "platform", F_STR, R(platform), REC_EXTENDED },
	{ "source", F_STR, R(source), REC_EXTENDED },
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

void record_init(struct song_record *r)
{
	memset(r, 0, sizeof(*r));
	for (size_t i = 0; i < NFIELDS; i++) {
		enum ftype t = fields[i].type;
		if (t == F_BOOL || t == F_FLOAT || t == F_INT)
			*(double *)((char *)r + fields[i].off) = NAN;
	}
}

void record_release(struct song_record *r)
{
	free(r->start_seq.v);
	free(r->loudness_seq.v);
	free(r->tempo_seq.v);
	free(r->key_seq.v);
	free(r->mode_seq.v);
	free(r->time_signature_seq.v);
	r->start_seq.v = r->loudness_seq.v = r->tempo_seq.v = NULL;
	r->key_seq.v = r->mode_seq.v = r->time_signature_seq.v = NULL;
}

double record_round2(double x)
{
	char buf[400];

	if (!isfinite(x))
		return x;
	snprintf(buf, sizeof(buf), "%.2f", x);
	return strtod(buf, NULL);
}

static void seq_alloc(struct rec_seq *s, size_t n)
{
	s->n = n;
	s->v = xcalloc(n ? n : 1, sizeof(double));
}

void record_set_sections(struct song_record *r, const struct rec_section *s,
			 size_t n)
{
	double dur = 0, loud = 0, tempo = 0;

	record_release(r);
	seq_alloc(&r->start_seq, n);
	seq_alloc(&r->loudness_seq, n);
	seq_alloc(&r->tempo_seq, n);
	seq_alloc(&r->key_seq, n);
	seq_alloc(&r->mode_seq, n);
	seq_alloc(&r->time_signature_seq, n);
	for (size_t i = 0; i < n; i++) {
		dur += s[i].duration;
		loud += s[i].loudness;
		tempo += s[i].tempo;
		r->start_seq.v[i] = s[i].start;
		r->loudness_seq.v[i] = s[i].loudness;
		r->tempo_seq.v[i] = s[i].tempo;
		r->key_seq.v[i] = s[i].key;
		r->mode_seq.v[i] = s[i].mode;
		r->time_signature_seq.v[i] = s[i].time_signature;
	}
	r->sections = (double)n;
	r->section_duration_avg = n ? record_round2(dur / (double)n) : NAN;
	r->loudness_avg = n ? record_round2(loud / (double)n) : NAN;
	r->tempo_avg = n ? record_round2(tempo / (double)n) : NAN;
}

/* An integer-valued field: printed without a fraction when it has none. */
static void add_int(struct strbuf *out, double v)
{
	if (isnan(v))
		strbuf_addstr(out, "null");
	else if (v == floor(v) && fabs(v) < 9e15)
		strbuf_addf(out, "%lld", (long long)v);
	else
		strbuf_add_double(out, v);
}

static void add_num(struct strbuf *out, double v)
{
	if (isnan(v))
		strbuf_addstr(out, "null");
	else
		strbuf_add_double(out, v);
}

static void add_seq(struct strbuf *out, const struct rec_seq *s, int ints)
{
	if (!s->v) {
		strbuf_addstr(out, "null");
		return;
	}
	strbuf_addch(out, '[');
	for (size_t i = 0; i < s->n; i++) {
		if (i)
			strbuf_addch(out, ',');
		if (ints)
			add_int(out, s->v[i]);
		else
			add_num(out, s->v[i]);
	}
	strbuf_addch(out, ']');
}

static void add_time(struct strbuf *out, int64_t ms, int flags)
{
	char buf[64];

	if (flags & REC_UTC)
		time_format_iso(ms, buf);
	else
		time_format_local(ms, "%Y-%m-%d %H:%M", buf, sizeof(buf));
	strbuf_addstr(out, buf);
}

/*
 * Appends one value. JSON mode quotes strings and times; CSV mode writes
 * them bare (the caller quotes the cell) and null as nothing.
 */
static void add_value(struct strbuf *out, const struct song_record *r,
		      const struct field *f, int flags, int json)
{
	const void *p = (const char *)r + f->off;
	const char *s;
	double d;

	switch (f->type) {
	case F_STR:
	case F_JSON:
		s = *(const char *const *)p;
		if (!s)
			strbuf_addstr(out, json ? "null" : "");
		else if (json && f->type == F_STR)
			strbuf_add_json_str(out, s);
		else
			strbuf_addstr(out, s);
		break;
	case F_TIME:
		if (json)
			strbuf_addch(out, '"');
		add_time(out, *(const int64_t *)p, flags);
		if (json)
			strbuf_addch(out, '"');
		break;
	case F_BOOL:
		d = *(const double *)p;
		strbuf_addstr(out, isnan(d) ? (json ? "null" : "")
				   : d != 0 ? "true" : "false");
		break;
	case F_INT:
	case F_FLOAT:
		d = *(const double *)p;
		if (isnan(d) && !json)
			break;
		if (f->type == F_INT)
			add_int(out, d);
		else
			add_num(out, d);
		break;
	case F_SEQ_F:
	case F_SEQ_I:
		if (!json && !((const struct rec_seq *)p)->v)
			break;
		add_seq(out, p, f->type == F_SEQ_I);
		break;
	}
}

static int wanted(const struct field *f, int flags)
{
	return !f->flag || (flags & f->flag);
}

void record_json(const struct song_record *r, int flags, struct strbuf *out)
{
	int first = 1;

	strbuf_addch(out, '{');
	for (size_t i = 0; i < NFIELDS; i++) {
		if (!wanted(&fields[i], flags))
			continue;
		if (!first)
			strbuf_addch(out, ',');
		first = 0;
		strbuf_add_json_str(out, fields[i].name);
		strbuf_addch(out, ':');
		add_value(out, r, &fields[i], flags, 1);
	}
	strbuf_addch(out, '}');
}

void record_csv_field(struct strbuf *out, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		strbuf_addstr(out, s);
		return;
	}
	strbuf_addch(out, '"');
	for (; *s; s++) {
		if (*s == '"')
			strbuf_addch(out, '"');
		strbuf_addch(out, *s);
	}
	strbuf_addch(out, '"');
}

void record_csv_header(int flags, struct strbuf *out)
{
	int first = 1;

	for (size_t i = 0; i < NFIELDS; i++) {
		if (!wanted(&fields[i], flags))
			continue;
		if (!first)
			strbuf_addch(out, ',');
		first = 0;
		strbuf_addstr(out, fields[i].name);
	}
	strbuf_addstr(out, "\r\n");
}

void record_csv(const struct song_record *r, int flags, struct strbuf *out)
{
	struct strbuf cell = STRBUF_INIT;
	int first = 1;

	for (size_t i = 0; i < NFIELDS; i++) {
		if (!wanted(&fields[i], flags))
			continue;
		if (!first)
			strbuf_addch(out, ',');
		first = 0;
		strbuf_reset(&cell);
		add_value(&cell, r, &fields[i], flags, 0);
		record_csv_field(out, cell.buf);
	}
	strbuf_addstr(out, "\r\n");
	strbuf_release(&cell);
}
