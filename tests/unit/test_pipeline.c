/*
 * Unit tests for the ETL's pure stages: section aggregates from the real
 * audio-analysis fixture (expected values worked out by hand from the
 * fixture's numbers), Python-compatible rounding, the song record's key
 * order and number printing, CSV quoting, local dates across DST, and the
 * transform of real track objects.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/fsutil.h"
#include "core/strbuf.h"
#include "core/timeutil.h"
#include "pipeline/extract.h"
#include "pipeline/record.h"
#include "pipeline/transform.h"

static cJSON *fixture(const char *name)
{
	static const char *const dirs[] = { "../shared/fixtures/real",
					    "/work/shared/fixtures/real" };
	struct strbuf sb = STRBUF_INIT;
	cJSON *j = NULL;

	for (size_t i = 0; i < 2 && !j; i++) {
		char *p, *d = fs_join(dirs[i], name);
		strbuf_reset(&sb);
		if (!fs_read_file(d, &sb, 0))
			j = cJSON_ParseWithLength(sb.buf, sb.len);
		p = d;
		free(p);
	}
	strbuf_release(&sb);
	assert_non_null(j);
	return j;
}

/* The fixture's 7 sections, through transform and record, as the record. */
static void fixture_sections(void **state)
{
	cJSON *a = fixture("audio-analysis_0NEgLKReA7npnfiJeUHP8q.json");
	struct tr_batch b = TR_BATCH_INIT;
	struct rec_section secs[16];
	struct song_record r;
	struct strbuf out = STRBUF_INIT;
	(void)state;

	assert_int_equal(tr_add_analysis(&b, a, "0NEgLKReA7npnfiJeUHP8q",
					 "spotify"), 0);
	assert_int_equal(b.nanalyses, 1);
	assert_int_equal(b.analyses[0].nsections, 7);
	assert_int_equal(b.analyses[0].nsegments, 825);
	for (size_t i = 0; i < 7; i++) {
		const struct tr_section *s = &b.analyses[0].sections[i];
		secs[i] = (struct rec_section){ s->start, s->duration,
			s->loudness, s->tempo, s->key, s->mode,
			s->time_signature };
	}
	record_init(&r);
	record_set_sections(&r, secs, 7);
	assert_true(r.sections == 7);
	/*
	 * By hand: durations 8.32449 + 47.13971 + 13.7139 + 48.42375 +
	 * 25.71942 + 20.97388 + 30.254 = 194.54915, / 7 = 27.7927... -> 27.79;
	 * loudness -34.357 / 7 = -4.90814... -> -4.91; tempo 979.817 / 7 =
	 * 139.97385... -> 139.97.
	 */
	assert_true(r.section_duration_avg == 27.79);
	assert_true(r.loudness_avg == -4.91);
	assert_true(r.tempo_avg == 139.97);
	r.track_id = "0NEgLKReA7npnfiJeUHP8q";
	record_json(&r, REC_UTC, &out);
	assert_non_null(strstr(out.buf,
		"\"sections\":7,\"section_duration_avg\":27.79,"
		"\"loudness_avg\":-4.91,\"tempo_avg\":139.97,"
		"\"start_sequence\":[0.0,8.32449,55.46421,69.17811,117.60186,"
		"143.32127,164.29516],"
		"\"loudness_sequence\":[-7.009,-4.95,-3.882,-5.546,-4.401,"
		"-5.639,-2.93],"
		"\"tempo_sequence\":[139.939,140.001,139.759,140.025,139.99,"
		"140.087,140.016],"
		"\"key_sequence\":[1,11,6,11,1,1,11],"
		"\"mode_sequence\":[1,1,0,1,0,0,1],"
		"\"time_signature_sequence\":[4,4,4,4,4,4,4]}"));
	/* the analysis' track block */
	assert_true(b.analyses[0].duration == 194.54916);
	assert_true(b.analyses[0].tempo == 140.01);
	assert_true(b.analyses[0].key == 11);
	record_release(&r);
	strbuf_release(&out);
	tr_batch_release(&b);
	cJSON_Delete(a);
}

/* Python's round(x, 2), values checked against CPython. */
static void round_half_even(void **state)
{
	(void)state;
	assert_true(record_round2(0.125) == 0.12);   /* exact tie: even */
	assert_true(record_round2(0.375) == 0.38);   /* exact tie: even */
	assert_true(record_round2(-0.125) == -0.12);
	assert_true(record_round2(2.675) == 2.67);   /* binary below the tie */
	assert_true(record_round2(1.005) == 1.0);
	assert_true(record_round2(0.135) == 0.14);   /* binary above */
	assert_true(record_round2(0.005) == 0.01);
	assert_true(record_round2(0.015) == 0.01);
	assert_true(record_round2(0.025) == 0.03);
	assert_true(record_round2(27.792735714285712) == 27.79);
	assert_true(record_round2(-0.001) == 0.0 &&
		    signbit(record_round2(-0.001)));
	assert_true(isnan(record_round2(NAN)));
}

static double v_start[] = { 0.0, 25.8771, 61.58935, 78.49172, 94.13155,
			    142.6858, 153.51543, 169.3769, 185.09818 };
static double v_loud[] = { -16.568, -6.653, -5.532, -5.096, -5.193, -4.658,
			   -2.569, -7.718, -10.89 };
static double v_tempo[] = { 96.819, 96.11, 95.934, 95.919, 96.05, 93.908,
			    94.623, 96.033, 95.551 };
static double v_key[] = { 9, 9, 0, 8, 9, 9, 9, 2, 7 };
static double v_mode[] = { 0, 0, 1, 1, 0, 0, 0, 1, 0 };
static double v_ts[] = { 3, 3, 3, 3, 3, 3, 3, 3, 3 };

/* The example of song-record.md, key for key and byte for byte. */
static void record_example(void **state)
{
	struct song_record r;
	struct strbuf out = STRBUF_INIT;
	int64_t ms;
	(void)state;

	assert_int_equal(time_set_zone("UTC"), 0);
	assert_int_equal(time_parse_iso("2023-11-28T11:40:12.345Z", &ms), 0);
	record_init(&r);
	r.track_id = "7LSpFCvRZZot2AlmkUzy9k";
	r.track_name = "SIRENS";
	r.track_artist = "Travis Scott";
	r.played_ms = ms;
	r.explicit_ = 1;
	r.popularity = 77;
	r.album = "UTOPIA";
	r.album_cover = "https://i.scdn.co/image/ab67616d0000b273881d8d8378cd01099babcd44";
	r.album_cover_height = 640;
	r.album_cover_width = 640;
	r.duration = 204.4473;
	r.loudness = -6.117;
	r.tempo = 96.003;
	r.key = 9;
	r.time_signature = 3;
	r.mode = 0;
	r.acousticness = 0.0976;
	r.danceability = 0.588;
	r.energy = 0.88;
	r.instrumentalness = 0.000167;
	r.speechiness = 0.0747;
	r.valence = 0.242;
	r.sections = 9;
	r.section_duration_avg = 22.72;
	r.loudness_avg = -7.21;
	r.tempo_avg = 95.66;
	r.start_seq = (struct rec_seq){ v_start, 9 };
	r.loudness_seq = (struct rec_seq){ v_loud, 9 };
	r.tempo_seq = (struct rec_seq){ v_tempo, 9 };
	r.key_seq = (struct rec_seq){ v_key, 9 };
	r.mode_seq = (struct rec_seq){ v_mode, 9 };
	r.time_signature_seq = (struct rec_seq){ v_ts, 9 };
	record_json(&r, 0, &out);
	assert_string_equal(out.buf,
		"{\"track_id\":\"7LSpFCvRZZot2AlmkUzy9k\",\"track_name\":\"SIRENS\","
		"\"track_artist\":\"Travis Scott\",\"played_at\":\"2023-11-28 11:40\","
		"\"explicit\":true,\"popularity\":77,\"album\":\"UTOPIA\","
		"\"album_cover\":\"https://i.scdn.co/image/ab67616d0000b273881d8d8378cd01099babcd44\","
		"\"album_cover_height\":640,\"album_cover_width\":640,\"duration\":204.4473,"
		"\"loudness\":-6.117,\"tempo\":96.003,\"key\":9,\"time_signature\":3,\"mode\":0,"
		"\"acousticness\":0.0976,\"danceability\":0.588,\"energy\":0.88,"
		"\"instrumentalness\":0.000167,\"speechiness\":0.0747,\"valence\":0.242,"
		"\"sections\":9,\"section_duration_avg\":22.72,\"loudness_avg\":-7.21,"
		"\"tempo_avg\":95.66,"
		"\"start_sequence\":[0.0,25.8771,61.58935,78.49172,94.13155,142.6858,153.51543,169.3769,185.09818],"
		"\"loudness_sequence\":[-16.568,-6.653,-5.532,-5.096,-5.193,-4.658,-2.569,-7.718,-10.89],"
		"\"tempo_sequence\":[96.819,96.11,95.934,95.919,96.05,93.908,94.623,96.033,95.551],"
		"\"key_sequence\":[9,9,0,8,9,9,9,2,7],"
		"\"mode_sequence\":[0,0,1,1,0,0,0,1,0],"
		"\"time_signature_sequence\":[3,3,3,3,3,3,3,3,3]}");
	strbuf_reset(&out);
	record_json(&r, REC_UTC | REC_PROVENANCE, &out);
	assert_non_null(strstr(out.buf, "\"played_at\":\"2023-11-28T11:40:12.345Z\""));
	assert_non_null(strstr(out.buf, "[3,3,3,3,3,3,3,3,3],"
				"\"features_source\":null,\"analysis_source\":null,"
				"\"duration_source\":null}"));
	strbuf_release(&out);
}

/* Unknown is null; no sections is 0 and []. */
static void record_nulls(void **state)
{
	struct song_record r;
	struct strbuf out = STRBUF_INIT;
	(void)state;

	record_init(&r);
	r.track_id = "x";
	record_json(&r, REC_UTC, &out);
	assert_non_null(strstr(out.buf, "\"popularity\":null,"));
	assert_non_null(strstr(out.buf, "\"explicit\":null,"));
	assert_non_null(strstr(out.buf, "\"sections\":null,\"section_duration_avg\":null,"));
	assert_non_null(strstr(out.buf, "\"start_sequence\":null,"));
	assert_non_null(strstr(out.buf, "\"time_signature_sequence\":null}"));
	record_set_sections(&r, NULL, 0);
	strbuf_reset(&out);
	record_json(&r, REC_UTC, &out);
	assert_non_null(strstr(out.buf, "\"sections\":0,\"section_duration_avg\":null,"));
	assert_non_null(strstr(out.buf, "\"start_sequence\":[],"));
	record_release(&r);
	strbuf_release(&out);
}

static void csv_quoting(void **state)
{
	struct strbuf out = STRBUF_INIT;
	struct song_record r;
	double seq[] = { 0.0, 1.5 };
	(void)state;

	record_csv_field(&out, "plain");
	record_csv_field(&out, "|a,b|");
	record_csv_field(&out, "say \"hi\"");
	record_csv_field(&out, "two\nlines");
	assert_string_equal(out.buf,
		"plain\"|a,b|\"\"say \"\"hi\"\"\"\"two\nlines\"");
	strbuf_reset(&out);
	record_csv_header(0, &out);
	assert_true(!strncmp(out.buf, "track_id,track_name,track_artist,played_at,", 43));
	assert_non_null(strstr(out.buf, ",time_signature_sequence\r\n"));
	strbuf_reset(&out);
	record_init(&r);
	r.track_id = "id1";
	r.track_name = "Hello, \"World\"";
	r.track_artist = "A";
	r.played_ms = 0;
	r.start_seq = (struct rec_seq){ seq, 2 };
	record_csv(&r, REC_UTC, &out);
	assert_true(!strncmp(out.buf,
		"id1,\"Hello, \"\"World\"\"\",A,1970-01-01T00:00:00.000Z,,,", 52));
	assert_non_null(strstr(out.buf, ",\"[0.0,1.5]\","));
	assert_true(out.len > 2 && !strcmp(out.buf + out.len - 2, "\r\n"));
	strbuf_release(&out);
}

/* 00:30 local on the days DST starts and ends stays on its local date. */
static void dst_local_dates(void **state)
{
	struct song_record r;
	struct strbuf out = STRBUF_INIT;
	int64_t ms;
	(void)state;

	assert_int_equal(time_set_zone("Europe/Berlin"), 0);
	record_init(&r);
	r.track_id = "x";
	/* 2026-03-29 00:30 CET (+01:00), before the 02:00 jump */
	assert_int_equal(time_parse_iso("2026-03-28T23:30:00.000Z", &ms), 0);
	r.played_ms = ms;
	record_json(&r, 0, &out);
	assert_non_null(strstr(out.buf, "\"played_at\":\"2026-03-29 00:30\""));
	/* 2026-10-25 00:30 CEST (+02:00), before the 03:00 fall back */
	assert_int_equal(time_parse_iso("2026-10-24T22:30:00.000Z", &ms), 0);
	r.played_ms = ms;
	strbuf_reset(&out);
	record_json(&r, 0, &out);
	assert_non_null(strstr(out.buf, "\"played_at\":\"2026-10-25 00:30\""));
	/* and a summer afternoon is +02:00 */
	assert_int_equal(time_parse_iso("2026-07-01T12:00:00.000Z", &ms), 0);
	r.played_ms = ms;
	strbuf_reset(&out);
	record_json(&r, 0, &out);
	assert_non_null(strstr(out.buf, "\"played_at\":\"2026-07-01 14:00\""));
	/* the export's --from/--to bounds: local midnights */
	assert_int_equal(time_parse_local_date("2026-03-29", &ms), 0);
	assert_int_equal(ms, 1774738800000LL); /* 2026-03-28T23:00Z */
	assert_int_equal(time_parse_local_date("2026-10-25", &ms), 0);
	assert_int_equal(ms, 1792879200000LL); /* 2026-10-24T22:00Z */
	time_set_zone("UTC");
	strbuf_release(&out);
}

/* Real recently-played page: tracks, albums, artists, de-duplicated. */
static void transform_page(void **state)
{
	struct strbuf sb = STRBUF_INIT, err = STRBUF_INIT;
	struct page_rows p;
	struct tr_batch b = TR_BATCH_INIT;
	cJSON *doc = fixture("recently-played_2026-05-13.json");
	char *text = cJSON_PrintUnformatted(doc);
	(void)state;

	memset(&p, 0, sizeof(p));
	assert_int_equal(extract_page(text, strlen(text), &p, &err), 0);
	tr_add_page(&b, &p, 1, 1);
	tr_add_page(&b, &p, 1, 2); /* the same page again adds nothing */
	assert_int_equal(b.nplays, p.n);
	assert_true(b.ntracks > 0 && b.ntracks <= p.n);
	for (size_t i = 0; i < b.ntracks; i++)
		if (!strcmp(b.tracks[i].id, "5f6naStammfYxdWW9FLPgq")) {
			assert_string_equal(b.tracks[i].name, "A Lo Mexicano");
			assert_true(b.tracks[i].popularity == 49);
			assert_true(b.tracks[i].explicit_ == 1);
			assert_int_equal(b.tracks[i].artist_ids.n, 2);
		}
	for (size_t i = 0; i < b.nalbums; i++)
		assert_true(b.albums[i].nimages == 0 ||
			    b.albums[i].images[0].url != NULL);
	page_rows_release(&p);
	tr_batch_release(&b);
	cJSON_free(text);
	cJSON_Delete(doc);
	strbuf_release(&sb);
	strbuf_release(&err);
}

static void features_and_recco(void **state)
{
	cJSON *f = fixture("audio-features_82.json");
	cJSON *item = cJSON_Parse("{\"id\":\"6f3c5d2e-0000-4000-8000-000000000001\","
		"\"href\":\"https://open.spotify.com/track/0NEgLKReA7npnfiJeUHP8q\","
		"\"isrc\":\"USUM71900001\",\"acousticness\":0.5,\"key\":2}");
	struct tr_batch b = TR_BATCH_INIT;
	char buf[64];
	const cJSON *x;
	size_t n = 0;
	(void)state;

	cJSON_ArrayForEach(x, cJSON_GetObjectItem(f, "audio_features"))
		if (cJSON_IsObject(x) &&
		    !tr_add_features(&b, x, cJSON_GetObjectItem(x, "id")->valuestring,
				     "spotify"))
			n++;
	assert_int_equal(b.nfeatures, n);
	assert_string_equal(b.features[0].track_id, "0NEgLKReA7npnfiJeUHP8q");
	assert_true(b.features[0].danceability == 0.711);
	assert_true(b.features[0].time_signature == 4);
	assert_string_equal(tr_recco_track_id(item, buf, sizeof(buf)),
			    "0NEgLKReA7npnfiJeUHP8q");
	assert_int_equal(tr_add_features(&b, item, buf, "reccobeats"), 0);
	assert_true(isnan(b.features[b.nfeatures - 1].time_signature));
	cJSON_DeleteItemFromObject(item, "href");
	assert_null(tr_recco_track_id(item, buf, sizeof(buf)));
	tr_batch_release(&b);
	cJSON_Delete(item);
	cJSON_Delete(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fixture_sections),
		cmocka_unit_test(round_half_even),
		cmocka_unit_test(record_example),
		cmocka_unit_test(record_nulls),
		cmocka_unit_test(csv_quoting),
		cmocka_unit_test(dst_local_dates),
		cmocka_unit_test(transform_page),
		cmocka_unit_test(features_and_recco),
	};
	return cmocka_run_group_tests_name("pipeline", tests, NULL, NULL);
}
