/* Unit tests for store.h's "plays by track reference": the music scan by
 * track reference, the sweep of every reference, a reference's play names;
 * on an empty store and on a few plays of every kind of track. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "store/sqlite/db.h"
#include "store/store.h"
#include "store_fixture.h"

static const char plays_sql[] =
	"INSERT INTO accounts (id, name, created_ms) VALUES (1, 'main', 0);"
	"INSERT INTO plays (id, account_id, played_ms, kind, track_id, track_name,"
	" artist_name, album_name, episode_id, ms_played, skipped, sources, name_key)"
	" VALUES (1, 1, 3000, 'music', 't1', 'One', NULL, NULL, NULL, 150000, 0, 2, NULL),"
	" (2, 1, 1000, 'music', 't1', 'One', 'Alpha', 'Long', NULL, NULL, NULL, 1, NULL),"
	" (3, 1, 2000, 'podcast', NULL, NULL, NULL, NULL, 'ep1', 5000, 1, 6, NULL),"
	" (4, 1, 4000, 'music', NULL, 'Local', 'Someone', NULL, NULL, 1000, 1, 4, 77),"
	" (5, 1, 5000, 'music', NULL, 'Bare', NULL, NULL, NULL, 10, NULL, 4, NULL),"
	" (6, 1, 500, 'music', 't1', 'One', 'Early', NULL, NULL, 20, NULL, 4, NULL);";

struct seen {
	struct strbuf buf;
	int n, stop_at;
};

static int on_ref_play(void *arg, const struct store_music_ref *p)
{
	struct seen *s = arg;

	strbuf_addf(&s->buf, "%lld:%lld:%lld:%d ", (long long)p->played_ms,
		    (long long)p->track, (long long)p->ms_played, p->skipped);
	return ++s->n == s->stop_at ? 9 : 0;
}

static int on_ref(void *arg, const struct store_track_ref *t)
{
	struct seen *s = arg;

	strbuf_addf(&s->buf, "%lld:%s:%lld:%s:%s:%s ", (long long)t->ref,
		    t->spotify_id ? t->spotify_id : "-", (long long)t->canon,
		    t->name ? t->name : "-", t->artist ? t->artist : "-",
		    t->album ? t->album : "-");
	return 0;
}

static void refs_empty_store(void **state)
{
	struct store_fixture *f = *state;
	struct seen s = { STRBUF_INIT, 0, 0 };
	char *a, *b;

	assert_int_equal(store_scan_music_refs(f->s, 0, 0, INT64_MAX, on_ref_play, &s, &f->err), 0);
	assert_int_equal(store_track_refs(f->s, on_ref, &s, &f->err), 0);
	assert_int_equal(s.buf.len, 0);
	assert_int_equal(store_ref_play_names(f->s, 1, &a, &b), 0);
	assert_null(a);
	assert_null(b);
	strbuf_release(&s.buf);
}

static void refs_few_plays(void **state)
{
	struct store_fixture *f = *state;
	struct seen s = { STRBUF_INIT, 0, 0 };
	char *a, *b;

	/* the rows go in through SQLite's plays view, and the references
	 * asked for are its track_keys ids (t1201 compares the engines) */
	store_fixture_sqlite_only(f);
	if (db_exec(store_sqlite_db(f->s), plays_sql, &f->err))
		fail_msg("%s", f->err.buf);
	/* music with a track, id or names, by time; no podcast, no trackless play */
	assert_int_equal(store_scan_music_refs(f->s, 0, 0, 10000, on_ref_play, &s, &f->err), 0);
	assert_string_equal(s.buf.buf, "500:1:20:-1 1000:1:-1:-1 3000:1:150000:0 4000:2:1000:1 ");
	strbuf_reset(&s.buf);
	assert_int_equal(store_scan_music_refs(f->s, 0, 1001, 4000, on_ref_play, &s, &f->err), 0);
	assert_string_equal(s.buf.buf, "3000:1:150000:0 ");
	/* stops when fn says so, and runs again after */
	strbuf_reset(&s.buf);
	s.n = 0;
	s.stop_at = 1;
	assert_int_equal(store_scan_music_refs(f->s, 0, 0, 10000, on_ref_play, &s, &f->err), 9);
	s.n = s.stop_at = 0;
	strbuf_reset(&s.buf);
	assert_int_equal(store_track_refs(f->s, on_ref, &s, &f->err), 0);
	assert_string_equal(s.buf.buf, "1:t1:0:-:-:- 2:-:0:Local:Someone:- ");
	/* the earliest play that names an artist, not the earliest play */
	assert_int_equal(store_ref_play_names(f->s, 1, &a, &b), 1);
	assert_string_equal(a, "Early");
	assert_null(b);
	free(a);
	assert_int_equal(store_ref_play_names(f->s, 2, &a, &b), 1);
	assert_string_equal(a, "Someone");
	assert_null(b);
	free(a);
	assert_int_equal(store_ref_play_names(f->s, 99, &a, &b), 0);
	assert_string_equal(f->err.buf, "");
	strbuf_release(&s.buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(refs_empty_store, store_fixture_setup,
						store_fixture_teardown),
		cmocka_unit_test_setup_teardown(refs_few_plays, store_fixture_setup,
						store_fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
