/*
 * Unit tests for the store's catalog and enrichment calls (store.h's
 * "catalog and enrichment"), on a fresh store each, through the domain
 * calls alone: the empty store, put then get, replace, pending work,
 * provider blocks, set-aside ids, the ETL's walk over pages, savepoints.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/strvec.h"
#include "store/store.h"
#include "store_fixture.h"


#define T1 "4uLU6hMCjMI75M1A2tKUQC"
#define T2 "7GhIk7Il098yCjg4BQjzvb"
#define AR1 "0OdUWJ0sBjDrqHygGUXeCF"
#define AR2 "3WrFJ7ztbogyGnTHbHJFl2"
#define AL1 "6akEvsycLGftJxYudPjmqK"

static const char *const artists12[] = { AR1, AR2 };
static const char *const artists2[] = { AR2 };
static const char *const genres1[] = { "indie", "rock", "indie" };
static const struct store_image images[] = {
	{ "https://i/cover.jpg", 640, 640 }, { "https://i/small.jpg", 64, 64 },
};

static struct store_track track(const char *id, const char *name,
				const char *const *artists, size_t n)
{
	struct store_track t = { id, name, AL1, "USRC17607839", 215000, 0, 61,
				 3, 1, artists, n };
	return t;
}

static void put_catalog(struct store_fixture *f)
{
	struct store_album al = { AL1, "The Album", "album", "2001-05-01", 12,
				  artists12, 2, images, 2 };
	struct store_artist ar[] = {
		{ AR1, "First", 1, 70, 1000, genres1, 3 },
		{ AR2, "Second", 0, NAN, NAN, NULL, 0 },
	};
	struct store_track t = track(T1, "Song One", artists12, 2);

	assert_int_equal(store_catalog_put_artists(f->s, ar, 2, 100, &f->err), 0);
	assert_int_equal(store_catalog_put_albums(f->s, &al, 1, &f->err), 0);
	assert_int_equal(store_catalog_put_tracks(f->s, &t, 1, &f->err), 0);
}

static void put_analysis(struct store_fixture *f, const char *id, size_t nsec)
{
	struct store_section sec[3] = {
		{ 0, 10, 1, -8, 120, 1, 5, 1, 1, 1, 4, 1 },
		{ 10, 20, 1, -6, 122, 1, 7, 1, 0, 1, 4, 1 },
		{ 30, 5, 1, -9, NAN, 1, NAN, 1, 1, 1, 3, 1 },
	};
	struct store_segment seg[2] = {
		{ 0, 0.5, 1, -20, -10, 0.1, -30, "[0.1]", "[1]" },
		{ 0.5, 0.25, 1, -20, -5, 0.1, -30, "[0.2]", "[2]" },
	};
	struct store_analysis a = { id, "spotify", 215, -7, 121, 5, 1, 4,
				    sec, nsec, seg, 2 };

	assert_int_equal(store_catalog_put_analyses(f->s, &a, 1, 100, &f->err), 0);
}

static void put_features(struct store_fixture *f, const char *id, double energy)
{
	struct store_features x = { id, "reccobeats", 0.1, 0.2, energy, 0.4,
				    0.5, -6, 0.6, 0.7, 120, 5, 1, 4, 215000 };

	assert_int_equal(store_catalog_put_features(f->s, &x, 1, 100, &f->err), 0);
}

static int count_play(void *arg, const struct store_song_play *p)
{
	(void)p;
	++*(int *)arg;
	return 0;
}

static int count_page(void *arg, int64_t id, const char *key)
{
	(void)id;
	(void)key;
	++*(int *)arg;
	return 0;
}

static void empty_store(void **state)
{
	struct store_fixture *f = *state;
	struct store_track_view v;
	struct strvec ids = STRVEC_INIT;
	struct setaside_list l = SETASIDE_LIST_INIT;
	struct store_account *acc;
	size_t n = 9;
	int calls = 0;

	assert_int_equal(store_catalog_count_tracks(f->s), 0);
	assert_null(store_catalog_track_isrc(f->s, T1));
	assert_int_equal(store_catalog_track_view(f->s, T1, 1, &v, &f->err), 0);
	assert_int_equal(v.known, 0);
	assert_null(v.name);
	assert_null(v.features_source);
	assert_null(v.analysis_source);
	assert_int_equal(v.nsections, 0);
	assert_int_equal(v.ngenres, 0);
	assert_true(isnan(v.popularity) && isnan(v.tempo));
	store_track_view_release(&v);
	for (int w = PENDING_TRACKS; w <= PENDING_ANALYSIS; w++) {
		assert_int_equal(store_pending(f->s, w, &ids, &f->err), 0);
		assert_int_equal(ids.n, 0);
	}
	assert_int_equal(store_song_plays(f->s, 0, INT64_MIN, INT64_MAX, count_play,
					  &calls, &f->err), 0);
	assert_int_equal(calls, 0);
	assert_int_equal(store_blocks_until(f->s, "reccobeats", 0, 0), 0);
	assert_int_equal(store_setaside_count(f->s), 0);
	assert_int_equal(store_setaside_has(f->s, SA_TRACK, T1), 0);
	assert_int_equal(store_setaside_list(f->s, 5, &l, &f->err), 0);
	assert_int_equal(l.n, 0);
	store_setaside_list_release(&l);
	assert_int_equal(store_setaside_forget(f->s, &f->err), 0);
	assert_int_equal(store_accounts_list(f->s, NULL, &acc, &n, &f->err), 0);
	assert_int_equal(n, 0);
	store_accounts_free(acc, n);
	assert_int_equal(store_pages_after(f->s, 1, 0, count_page, &calls,
					   &f->err), 0);
	assert_int_equal(calls, 0);
	assert_int_equal(store_catalog_clear(f->s, &f->err), 0);
}

static void put_then_get(void **state)
{
	struct store_fixture *f = *state;
	struct store_track_view v;
	char *isrc;

	put_catalog(f);
	put_features(f, T1, 0.3);
	put_analysis(f, T1, 3);
	assert_int_equal(store_catalog_count_tracks(f->s), 1);
	isrc = store_catalog_track_isrc(f->s, T1);
	assert_string_equal(isrc, "USRC17607839");
	free(isrc);
	assert_int_equal(store_catalog_track_view(f->s, T1, 1, &v, &f->err), 0);
	assert_int_equal(v.known, 1);
	assert_string_equal(v.name, "Song One");
	assert_string_equal(v.artists, "First, Second");
	assert_string_equal(v.album, "The Album");
	assert_string_equal(v.cover, "https://i/cover.jpg");
	assert_true(v.cover_width == 640 && v.cover_height == 640);
	assert_true(v.explicit_ == 0 && v.popularity == 61);
	assert_string_equal(v.features_source, "reccobeats");
	assert_true(v.energy == 0.3 && v.valence == 0.7);
	assert_string_equal(v.analysis_source, "spotify");
	assert_true(v.tempo == 121 && v.key == 5 && v.mode == 1);
	assert_int_equal(v.nsections, 3);
	assert_true(v.sections[1].start == 10 && v.sections[1].key == 7);
	assert_true(isnan(v.sections[2].tempo) && isnan(v.sections[2].key));
	assert_int_equal(v.ngenres, 3); /* repeats kept: the caller dedups */
	assert_string_equal(v.genres[0], "indie");
	assert_string_equal(v.genres[2], "indie");
	assert_int_equal(v.artists_enriched, 0); /* AR2 only by name */
	assert_true(v.segments == 2 && v.segment_duration_avg == 0.375);
	assert_true(v.segment_loudness_max_avg == -7.5);
	store_track_view_release(&v);
	/* without extended: no genres, no segment summary */
	assert_int_equal(store_catalog_track_view(f->s, T1, 0, &v, &f->err), 0);
	assert_int_equal(v.ngenres, 0);
	assert_true(isnan(v.segments));
	store_track_view_release(&v);
}

/*
 * Names of several tracks at once, in the order asked: a repeat, one the
 * store does not know, and an id with the characters a PostgreSQL array
 * literal quotes (the engine sends the ids as one text[]).
 */
static void track_names_many(void **state)
{
	struct store_fixture *f = *state;
	static const char *const artists[] = { AR1 };
	static const char hostile[] = "h\"q\\b,{x}";
	struct store_track t = track(hostile, "Hostile \"one\"", artists, 1);
	const char *ids[] = { T1, "unknown", hostile, T1 };
	struct store_track_names n[4];

	put_catalog(f);
	assert_int_equal(store_catalog_put_tracks(f->s, &t, 1, &f->err), 0);
	assert_int_equal(store_track_names_many(f->s, ids, 0, n), 0);
	assert_int_equal(store_track_names_many(f->s, ids, 4, n), 0);
	for (int i = 0; i < 4; i += 3) {
		assert_int_equal(n[i].in_catalog, 1);
		assert_string_equal(n[i].name, "Song One");
		assert_string_equal(n[i].artists, "First, Second");
		assert_string_equal(n[i].album_id, AL1);
		assert_string_equal(n[i].album, "The Album");
		assert_string_equal(n[i].cover_url, "https://i/cover.jpg");
	}
	assert_int_equal(n[1].in_catalog, 0);
	assert_null(n[1].name);
	assert_string_equal(n[1].artists, "");
	assert_string_equal(n[1].album, "");
	assert_string_equal(n[1].cover_url, "");
	assert_int_equal(n[1].duration_ms, -1);
	assert_int_equal(n[2].in_catalog, 1);
	assert_string_equal(n[2].name, "Hostile \"one\"");
	assert_string_equal(n[2].artists, "First");
	for (int i = 0; i < 4; i++)
		store_track_names_release(&n[i]);
}

/* Artists' names at once: known, unknown, repeated, and a quoted id. */
static void artist_names_many(void **state)
{
	struct store_fixture *f = *state;
	const char *ids[] = { AR2, "nobody", "a\"q,{}", AR1, AR2 };
	char *n[5];

	put_catalog(f);
	assert_int_equal(store_artist_names_many(f->s, ids, 0, n), 0);
	assert_int_equal(store_artist_names_many(f->s, ids, 5, n), 0);
	assert_string_equal(n[0], "Second");
	assert_null(n[1]);
	assert_null(n[2]);
	assert_string_equal(n[3], "First");
	assert_string_equal(n[4], "Second");
	for (int i = 0; i < 5; i++)
		free(n[i]);
}

/* A feature the provider left out reads back unknown (NAN), not 0. */
static void features_unknown(void **state)
{
	struct store_fixture *f = *state;
	struct store_features x = { T1, "reccobeats", 0.1, NAN, 0.3, 0.4,
				    0.5, NAN, 0.6, 0.7, 120, 5, 1, 4, 215000 };
	struct store_page_features pf;

	put_catalog(f);
	assert_int_equal(store_catalog_put_features(f->s, &x, 1, 100, &f->err), 0);
	assert_int_equal(store_track_features(f->s, T1, &pf), 1);
	assert_true(isnan(pf.danceability));
	assert_true(isnan(pf.loudness));
	assert_true(pf.valence > 0.69 && pf.valence < 0.71);
	assert_true(pf.energy > 0.29 && pf.energy < 0.31);
	assert_true(pf.tempo > 119 && pf.tempo < 121);
}

static void replace(void **state)
{
	struct store_fixture *f = *state;
	struct store_artist full2 = { AR2, "Second", 1, 10, 5, NULL, 0 };
	struct store_artist name1 = { AR1, "First Renamed", 0, NAN, NAN, NULL, 0 };
	struct store_track t = track(T1, "Song One (remaster)", artists2, 1);
	struct store_track_view v;

	put_catalog(f);
	put_features(f, T1, 0.3);
	put_analysis(f, T1, 3);
	assert_int_equal(store_catalog_put_tracks(f->s, &t, 1, &f->err), 0);
	assert_int_equal(store_catalog_put_artists(f->s, &full2, 1, 200, &f->err), 0);
	/* a name-only put keeps what the full one said */
	assert_int_equal(store_catalog_put_artists(f->s, &name1, 1, 300, &f->err), 0);
	put_features(f, T1, 0.9);
	put_analysis(f, T1, 1);
	assert_int_equal(store_catalog_count_tracks(f->s), 1);
	assert_int_equal(store_catalog_track_view(f->s, T1, 1, &v, &f->err), 0);
	assert_string_equal(v.name, "Song One (remaster)");
	assert_string_equal(v.artists, "Second");
	assert_true(v.energy == 0.9);
	assert_int_equal(v.nsections, 1);
	assert_int_equal(v.ngenres, 0);
	assert_int_equal(v.artists_enriched, 1);
	store_track_view_release(&v);
	/* AR1's genres survived its name-only put */
	t = track(T2, "Two", artists12, 1);
	assert_int_equal(store_catalog_put_tracks(f->s, &t, 1, &f->err), 0);
	assert_int_equal(store_catalog_track_view(f->s, T2, 1, &v, &f->err), 0);
	assert_string_equal(v.artists, "First Renamed");
	assert_int_equal(v.ngenres, 3);
	assert_int_equal(v.artists_enriched, 1);
	store_track_view_release(&v);
	assert_int_equal(store_catalog_clear(f->s, &f->err), 0);
	assert_int_equal(store_catalog_count_tracks(f->s), 0);
	assert_int_equal(store_catalog_track_view(f->s, T1, 1, &v, &f->err), 0);
	assert_int_equal(v.known, 0);
	assert_null(v.features_source);
	store_track_view_release(&v);
}

struct seen {
	int n;
	int64_t first_ms, last_ms;
	char first_track[32];
	double ms_played;
};

static int see_play(void *arg, const struct store_song_play *p)
{
	struct seen *s = arg;

	if (!s->n++) {
		s->first_ms = p->played_ms;
		snprintf(s->first_track, sizeof(s->first_track), "%s",
			 p->track_id);
		s->ms_played = p->ms_played;
	}
	s->last_ms = p->played_ms;
	return s->n == 99 ? 7 : 0;
}

static void add_play(struct store_fixture *f, int64_t acct, int64_t ms,
		     const char *track)
{
	struct api_play p = { ms, track, "Song", "Artist", "Album", NULL };

	assert_int_equal(store_plays_add_api(f->s, acct, 0, &p), 1);
}

static void pending_work(void **state)
{
	struct store_fixture *f = *state;
	int64_t acct = store_accounts_ensure(f->s, "main");
	struct strvec ids = STRVEC_INIT;
	struct seen seen = { 0 };
	struct store_artist ar = { AR1, "First", 1, 1, 1, NULL, 0 };
	struct store_track t = track(T1, "Song One", artists12, 1);

	add_play(f, acct, 3000, T2);
	add_play(f, acct, 1000, T1);
	add_play(f, acct, 2000, T1);
	add_play(f, acct, 4000, NULL); /* a local file: no track id */
	assert_int_equal(store_pending(f->s, PENDING_TRACKS, &ids, &f->err), 0);
	assert_int_equal(ids.n, 2);
	assert_string_equal(ids.v[0], T1); /* sorted, each once */
	assert_string_equal(ids.v[1], T2);
	strvec_clear(&ids);
	assert_int_equal(store_catalog_put_tracks(f->s, &t, 1, &f->err), 0);
	assert_int_equal(store_pending(f->s, PENDING_TRACKS, &ids, &f->err), 0);
	assert_int_equal(ids.n, 1);
	assert_string_equal(ids.v[0], T2);
	strvec_clear(&ids);
	put_features(f, T2, 0.5);
	assert_int_equal(store_pending(f->s, PENDING_FEATURES, &ids, &f->err), 0);
	assert_int_equal(ids.n, 1);
	assert_string_equal(ids.v[0], T1);
	strvec_clear(&ids);
	put_analysis(f, T1, 2);
	assert_int_equal(store_pending(f->s, PENDING_ANALYSIS, &ids, &f->err), 0);
	assert_int_equal(ids.n, 1);
	assert_string_equal(ids.v[0], T2);
	strvec_clear(&ids);
	ar.full = 0;
	assert_int_equal(store_catalog_put_artists(f->s, &ar, 1, 5, &f->err), 0);
	assert_int_equal(store_pending(f->s, PENDING_ARTISTS, &ids, &f->err), 0);
	assert_int_equal(ids.n, 1);
	strvec_clear(&ids);
	ar.full = 1;
	assert_int_equal(store_catalog_put_artists(f->s, &ar, 1, 5, &f->err), 0);
	assert_int_equal(store_pending(f->s, PENDING_ARTISTS, &ids, &f->err), 0);
	assert_int_equal(ids.n, 0);
	/* the song plays: music with a track id, [from, to), oldest first */
	assert_int_equal(store_song_plays(f->s, 0, 0, 3000, see_play, &seen,
					  &f->err), 0);
	assert_int_equal(seen.n, 2);
	assert_true(seen.first_ms == 1000 && seen.last_ms == 2000);
	assert_string_equal(seen.first_track, T1);
	assert_true(isnan(seen.ms_played));
	memset(&seen, 0, sizeof(seen));
	seen.n = 97; /* the callback stops at the 99th: its value comes back */
	assert_int_equal(store_song_plays(f->s, 0, INT64_MIN, INT64_MAX, see_play,
					  &seen, &f->err), 7);
}

static void blocks(void **state)
{
	struct store_fixture *f = *state;

	assert_int_equal(store_blocks_put(f->s, "spotify:audio-analysis", 1,
					  5000, "403", &f->err), 0);
	assert_int_equal(store_blocks_until(f->s, "spotify:audio-analysis", 1,
					    4000), 5000);
	assert_int_equal(store_blocks_until(f->s, "spotify:audio-analysis", 1,
					    5000), 0); /* over */
	assert_int_equal(store_blocks_until(f->s, "spotify:audio-analysis", 2,
					    4000), 0); /* another account */
	assert_int_equal(store_blocks_until(f->s, "spotify:tracks", 1, 4000), 0);
	assert_int_equal(store_blocks_put(f->s, "spotify:audio-analysis", 1,
					  9000, "403 again", &f->err), 0);
	assert_int_equal(store_blocks_until(f->s, "spotify:audio-analysis", 1,
					    6000), 9000);
	assert_int_equal(store_blocks_put(f->s, "reccobeats", 0, 100, "429",
					  &f->err), 0);
	assert_int_equal(store_blocks_until(f->s, "reccobeats", 0, 50), 100);
}

static void set_aside(void **state)
{
	struct store_fixture *f = *state;
	struct setaside_list l = SETASIDE_LIST_INIT;
	struct strbuf d = STRBUF_INIT;

	assert_int_equal(store_setaside_add(f->s, SA_ANALYSIS, T2, "404", 7,
					    &f->err), 1);
	assert_int_equal(store_setaside_add(f->s, SA_TRACK, "bad id", "not a "
					    "Spotify id", 8, &f->err), 1);
	assert_int_equal(store_setaside_add(f->s, SA_TRACK, "bad id", "again",
					    9, &f->err), 0);
	assert_int_equal(store_setaside_add(f->s, SA_ARTIST, AR1, "404", 9,
					    &f->err), 1);
	assert_int_equal(store_setaside_count(f->s), 3);
	/* a track set aside is set aside for its features and analysis */
	assert_int_equal(store_setaside_has(f->s, SA_FEATURES, "bad id"), 1);
	assert_int_equal(store_setaside_has(f->s, SA_ANALYSIS, "bad id"), 1);
	assert_int_equal(store_setaside_has(f->s, SA_ARTIST, "bad id"), 0);
	/* analysis alone is not the track */
	assert_int_equal(store_setaside_has(f->s, SA_ANALYSIS, T2), 1);
	assert_int_equal(store_setaside_has(f->s, SA_FEATURES, T2), 0);
	assert_int_equal(store_setaside_has(f->s, SA_TRACK, T2), 0);
	assert_int_equal(store_setaside_list(f->s, 2, &l, &f->err), 0);
	assert_int_equal(l.n, 2); /* by kind, then id */
	assert_int_equal(l.v[0].kind, SA_TRACK);
	assert_string_equal(l.v[0].id, "bad id");
	assert_string_equal(l.v[0].reason, "not a Spotify id");
	assert_int_equal(l.v[0].set_ms, 8);
	assert_int_equal(l.v[1].kind, SA_ARTIST);
	store_setaside_list_release(&l);
	assert_string_equal(store_setaside_kind_name(SA_FEATURES),
			    "audio-features");
	store_setaside_describe(&d, "a\nb", "why");
	assert_string_equal(d.buf, "'a b': why"); /* made printable */
	strbuf_reset(&d);
	{ /* cut at 96 bytes: a landed page's key (56 + account) stays whole */
		char id[101], want[128];

		memset(id, 'k', 100);
		id[100] = '\0';
		snprintf(want, sizeof(want), "'%.96s…': long", id);
		store_setaside_describe(&d, id, "long");
		assert_string_equal(d.buf, want);
		strbuf_reset(&d);
		store_setaside_describe(&d, "recently-played/main/2026/05/13/"
					"151040-1778668531000.json", "bad");
		assert_string_equal(d.buf, "'recently-played/main/2026/05/13/"
				    "151040-1778668531000.json': bad");
	}
	strbuf_release(&d);
	assert_int_equal(store_setaside_forget(f->s, &f->err), 3);
	assert_int_equal(store_setaside_count(f->s), 0);
	assert_int_equal(store_setaside_has(f->s, SA_ANALYSIS, T2), 0);
}

static void pages_and_savepoints(void **state)
{
	struct store_fixture *f = *state;
	int64_t a = store_accounts_ensure(f->s, "main");
	int64_t b = store_accounts_ensure(f->s, "alt");
	struct page_info pi = { "pages/x/1.json", 1, 0, 1, 1, 1 };
	struct store_account *acc;
	struct store_track t = track(T1, "Song One", NULL, 0);
	size_t n;
	int calls = 0;
	int64_t mark;

	assert_int_equal(store_accounts_list(f->s, NULL, &acc, &n, &f->err), 0);
	assert_int_equal(n, 2);
	assert_true(acc[0].id == a && !strcmp(acc[0].name, "main"));
	store_accounts_free(acc, n);
	assert_int_equal(store_accounts_list(f->s, "alt", &acc, &n, &f->err), 0);
	assert_true(n == 1 && acc[0].id == b);
	store_accounts_free(acc, n);
	mark = store_pages_add(f->s, a, &pi);
	pi.key = "pages/x/2.json";
	assert_true(store_pages_add(f->s, a, &pi) > mark);
	pi.key = "pages/y/1.json";
	assert_true(store_pages_add(f->s, b, &pi) > 0);
	assert_int_equal(store_pages_after(f->s, a, 0, count_page, &calls,
					   &f->err), 0);
	assert_int_equal(calls, 2);
	calls = 0;
	assert_int_equal(store_pages_after(f->s, a, mark, count_page, &calls,
					   &f->err), 0);
	assert_int_equal(calls, 1);
	assert_int_equal(store_state_set_int(f->s, "etl.pages.1", 5), 0);
	assert_int_equal(store_state_set_int(f->s, "other", 6), 0);
	assert_int_equal(store_etl_marks_clear(f->s, &f->err), 0);
	assert_int_equal(store_state_get_int(f->s, "etl.pages.1", &mark), -1);
	assert_int_equal(store_state_get_int(f->s, "other", &mark), 0);
	/* a savepoint rolled back inside a transaction that commits */
	assert_int_equal(store_begin(f->s, &f->err), 0);
	assert_int_equal(store_savepoint(f->s, &f->err), 0);
	assert_int_equal(store_catalog_put_tracks(f->s, &t, 1, &f->err), 0);
	store_savepoint_rollback(f->s);
	assert_int_equal(store_catalog_count_tracks(f->s), 0);
	assert_int_equal(store_savepoint(f->s, &f->err), 0);
	put_features(f, T1, 0.1);
	assert_int_equal(store_savepoint_release(f->s, &f->err), 0);
	assert_int_equal(store_commit(f->s, &f->err), 0);
	assert_int_equal(store_catalog_count_tracks(f->s), 0);
	{
		struct strvec ids = STRVEC_INIT;
		add_play(f, a, 10, T1);
		assert_int_equal(store_pending(f->s, PENDING_FEATURES, &ids,
					       &f->err), 0);
		assert_int_equal(ids.n, 0); /* the released savepoint kept them */
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(empty_store, store_fixture_setup, store_fixture_teardown),
		cmocka_unit_test_setup_teardown(put_then_get, store_fixture_setup, store_fixture_teardown),
		cmocka_unit_test_setup_teardown(replace, store_fixture_setup, store_fixture_teardown),
		cmocka_unit_test_setup_teardown(track_names_many, store_fixture_setup,
						store_fixture_teardown),
		cmocka_unit_test_setup_teardown(artist_names_many, store_fixture_setup,
						store_fixture_teardown),
		cmocka_unit_test_setup_teardown(features_unknown, store_fixture_setup,
						store_fixture_teardown),
		cmocka_unit_test_setup_teardown(pending_work, store_fixture_setup, store_fixture_teardown),
		cmocka_unit_test_setup_teardown(blocks, store_fixture_setup, store_fixture_teardown),
		cmocka_unit_test_setup_teardown(set_aside, store_fixture_setup, store_fixture_teardown),
		cmocka_unit_test_setup_teardown(pages_and_savepoints,
						store_fixture_setup,
						store_fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
