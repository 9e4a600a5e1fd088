/*
 * Unit tests for the store's import and collector calls (store.h's
 * "imports" and "plays and the collector"), on a fresh SQLite store each:
 * the empty store, a batch, merges, gap healing, bulk loading, and a
 * rollback after an error leaving the store as it was.
 */
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
#include "store/sqlite/db.h"
#include "store/store.h"
#include "store_fixture.h"


/* A single integer of a query on the store's connection, for checks. */
static int64_t q(struct store_fixture *f, const char *sql)
{
	return store_fixture_scalar(f, sql);
}

static struct store_text txt(const char *s)
{
	struct store_text t = { s, s ? (uint32_t)strlen(s) : 0 };
	return t;
}

/* An export play of track "tNN" ending at t. */
static void export_play(struct store_import_play *p, int64_t t, int n)
{
	static char ids[64][8];

	memset(p, 0, sizeof(*p));
	snprintf(ids[n % 64], sizeof(ids[0]), "t%02d", n % 100);
	p->played_ms = t;
	p->precision_ms = 1000;
	p->kind = "music";
	p->track_id = txt(ids[n % 64]);
	p->track_name = txt("Song");
	p->artist_name = txt("Artist");
	p->ms_played = 1000 + n;
	p->skipped = STORE_TRI_NULL;
	p->shuffle = 1;
	p->offline = 0;
	p->incognito = STORE_TRI_NULL;
	p->sources = SRC_EXPORT;
	p->fp[SOURCE_EXPORT] = 1000 + (uint64_t)n;
}

struct scan {
	size_t n;
	struct store_import_row last;
	char track_name[32];
};

static int count_row(void *arg, const struct store_import_row *r)
{
	struct scan *sc = arg;

	sc->n++;
	sc->last = *r;
	snprintf(sc->track_name, sizeof(sc->track_name), "%s",
		 r->track_name ? r->track_name : "(null)");
	sc->last.track_name = sc->last.kind = sc->last.track_id = NULL;
	sc->last.episode_id = sc->last.artist_name = NULL;
	return 0;
}

static struct store_import *begin_import(struct store_fixture *f, const char *acct)
{
	struct store_import *im = NULL;
	int64_t id;

	assert_int_equal(store_begin(f->s, &f->err), 0);
	id = store_accounts_ensure(f->s, acct);
	assert_true(id > 0);
	assert_int_equal(store_import_start(f->s, id, "a.json\nb.json", 5,
					    &im, &f->err), 0);
	assert_true(store_import_id(im) > 0);
	return im;
}

struct times {
	struct strbuf buf;
};

static int on_music(void *arg, const struct store_music_ref *m)
{
	strbuf_addf(&((struct times *)arg)->buf, "%lld ", (long long)(m->played_ms / 60000));
	return 0;
}

/* The minutes of account acct's music plays in [from, to), as "m m ". */
static char *music_minutes(struct store_fixture *f, const char *acct, int64_t from, int64_t to)
{
	struct times t = { STRBUF_INIT };

	assert_int_equal(store_scan_music_refs(f->s, store_accounts_find(f->s, acct), from, to,
					       on_music, &t, &f->err), 0);
	return strbuf_detach(&t.buf, NULL);
}

static void add_plays(struct store_fixture *f, const char *acct, const int *minutes, int n)
{
	struct store_import_play p[8];
	struct store_import *im = begin_import(f, acct);

	for (int i = 0; i < n; i++)
		export_play(&p[i], (int64_t)minutes[i] * 60000, minutes[i]);
	struct store_import_counts c = { 0, 0, 0, 0, 0, 0, 1, 0, 9 };

	assert_int_equal(store_import_add(im, p, (size_t)n, &f->err), 0);
	assert_int_equal(store_import_finish(im, &c, &f->err), 0);
	store_import_free(im);
	assert_int_equal(store_commit(f->s, &f->err), 0);
}

/*
 * A scan inside one already read answers the same as the store (engines
 * may keep the widest scan's rows), another account's scan and a scan
 * after a write see the store as it is now.
 */
static void music_scans(void **state)
{
	struct store_fixture *f = *state;
	static const int a[] = { 10, 20, 30, 40, 50 }, b[] = { 25, 35 }, more[] = { 33 };
	char *s;

	add_plays(f, "a", a, 5);
	add_plays(f, "b", b, 2);
	assert_string_equal(s = music_minutes(f, "a", 0, INT64_MAX), "10 20 30 40 50 ");
	free(s);
	assert_string_equal(s = music_minutes(f, "a", 20 * 60000, 40 * 60000), "20 30 ");
	free(s);
	assert_string_equal(s = music_minutes(f, "a", 41 * 60000, 45 * 60000), "");
	free(s);
	assert_string_equal(s = music_minutes(f, "b", 0, INT64_MAX), "25 35 ");
	free(s);
	assert_string_equal(s = music_minutes(f, "a", 0, INT64_MAX), "10 20 30 40 50 ");
	free(s);
	add_plays(f, "a", more, 1);
	assert_string_equal(s = music_minutes(f, "a", 20 * 60000, 40 * 60000), "20 30 33 ");
	free(s);
	assert_string_equal(s = music_minutes(f, "b", 30 * 60000, 40 * 60000), "35 ");
	free(s);
}

static void empty_store(void **state)
{
	struct store_fixture *f = *state;
	struct strvec names = STRVEC_INIT;
	struct store_import *im;
	struct store_import_counts c = { 0, 0, 0, 0, 0, 0, 1, 0, 9 };
	struct scan sc = { 0 };
	size_t healed = 0;

	assert_int_equal(store_accounts_names(f->s, &names), 0);
	assert_int_equal(names.n, 0);
	assert_int_equal(store_accounts_find(f->s, "main"), 0);
	assert_int_equal(store_plays_count(f->s, 1), 0);
	assert_int_equal(store_plays_newest_api_ms(f->s, 1), 0);
	assert_int_equal(store_gaps_open_count(f->s, 1), 0);
	im = begin_import(f, "main");
	assert_int_equal(store_import_account_has_plays(im), 0);
	assert_int_equal(store_import_scan(im, INT64_MIN, INT64_MAX, count_row,
					   &sc, &f->err), 0);
	assert_int_equal(sc.n, 0);
	assert_int_equal(store_import_add(im, NULL, 0, &f->err), 0);
	assert_int_equal(store_import_heal_gaps(im, 0, INT64_MAX, 7, &healed,
						&f->err), 0);
	assert_int_equal(healed, 0);
	assert_int_equal(store_import_finish(im, &c, &f->err), 0);
	store_import_free(im);
	assert_int_equal(store_commit(f->s, &f->err), 0);
	assert_int_equal(q(f, "SELECT count(*) FROM imports WHERE from_ms IS NULL"
			   " AND finished_ms = 9 AND paths = 'a.json\nb.json'"), 1);
}

static void a_batch(void **state)
{
	struct store_fixture *f = *state;
	struct store_import_play p[21];
	struct store_import *im;
	struct scan sc = { 0 };
	char name[] = "Longer name";

	im = begin_import(f, "main");
	for (int i = 0; i < 21; i++)
		export_play(&p[i], 1000000 + i * 60000, i);
	/* lengths are honoured: "Long" of a longer buffer */
	p[20].track_name.s = name;
	p[20].track_name.len = 4;
	p[20].track_id = txt(NULL);
	p[20].name_key = 77;
	/* 16 in one statement, then one by one */
	assert_int_equal(store_import_add(im, p, 17, &f->err), 0);
	assert_int_equal(store_import_add(im, p + 17, 4, &f->err), 0);
	assert_int_equal(store_import_account_has_plays(im), 1);
	assert_int_equal(store_import_scan(im, 1000000, 1000000 + 19 * 60000,
					   count_row, &sc, &f->err), 0);
	assert_int_equal(sc.n, 20);
	sc.n = 0;
	assert_int_equal(store_import_scan(im, 1000000 + 20 * 60000, INT64_MAX,
					   count_row, &sc, &f->err), 0);
	assert_int_equal(sc.n, 1);
	assert_string_equal(sc.track_name, "Long");
	assert_true(sc.last.has_name_key);
	assert_int_equal(sc.last.name_key, 77);
	assert_int_equal(sc.last.fp[SOURCE_EXPORT], 1020);
	assert_int_equal(sc.last.fp[SOURCE_ACCOUNT_DATA], 0);
	assert_int_equal(sc.last.ms_played, 1020);
	assert_int_equal(sc.last.sources, SRC_EXPORT);
	store_import_free(im);
	assert_int_equal(store_commit(f->s, &f->err), 0);
	assert_int_equal(store_plays_count(f->s, store_accounts_find(f->s, "main")), 21);
	assert_int_equal(q(f, "SELECT count(*) FROM plays WHERE skipped IS NULL"
			   " AND shuffle = 1 AND offline = 0 AND incognito IS NULL"
			   " AND offline_ms IS NULL AND import_id = 1"), 21);
}

static void merges(void **state)
{
	struct store_fixture *f = *state;
	struct api_play api = { 1000400, "t01", NULL, "Artist", NULL, "ctx" };
	struct store_import_play p;
	struct store_import *im;
	struct scan sc = { 0 };
	int64_t acct = store_accounts_ensure(f->s, "main");

	assert_int_equal(store_plays_add_api(f->s, acct, 0, &api), 1);
	assert_int_equal(store_plays_add_api(f->s, acct, 0, &api), 0);
	assert_int_equal(store_plays_newest_api_ms(f->s, acct), 1000400);
	im = begin_import(f, "main");
	assert_int_equal(store_import_scan(im, 0, INT64_MAX, count_row, &sc,
					   &f->err), 0);
	assert_int_equal(sc.n, 1);
	assert_int_equal(sc.last.ms_played, -1);
	assert_false(sc.last.has_name_key);
	/* the export's fields win, the API's finer end time stays */
	export_play(&p, 1000000, 1);
	assert_int_equal(store_import_merge(im, sc.last.id, &p, &f->err), 0);
	/* account data fills only what is missing */
	memset(&p, 0, sizeof(p));
	p.played_ms = 960000;
	p.track_name = txt("Other");
	p.artist_name = txt("Someone");
	p.ms_played = 5;
	p.name_key = 99;
	p.sources = SRC_ACCOUNT_DATA;
	p.precision_ms = 60000; /* the source's (store/sources.c) */
	p.fp[SOURCE_ACCOUNT_DATA] = 4242;
	assert_int_equal(store_import_merge(im, sc.last.id, &p, &f->err), 0);
	sc.n = 0;
	assert_int_equal(store_import_scan(im, 0, INT64_MAX, count_row, &sc,
					   &f->err), 0);
	assert_int_equal(sc.n, 1);
	assert_int_equal(sc.last.played_ms, 1000400);
	assert_int_equal(sc.last.precision_ms, 1);
	assert_int_equal(sc.last.sources, SRC_API | SRC_EXPORT | SRC_ACCOUNT_DATA);
	assert_int_equal(sc.last.fp[SOURCE_EXPORT], 1001);
	assert_int_equal(sc.last.fp[SOURCE_ACCOUNT_DATA], 4242);
	assert_int_equal(sc.last.ms_played, 1001);
	assert_string_equal(sc.track_name, "Song");
	/* a merge of a source the import does not write is refused */
	p.sources = SRC_API;
	assert_int_equal(store_import_merge(im, sc.last.id, &p, &f->err), -1);
	assert_non_null(strstr(f->err.buf, "cannot merge"));
	store_import_free(im);
	assert_int_equal(store_commit(f->s, &f->err), 0);
}

static void heals_gaps(void **state)
{
	struct store_fixture *f = *state;
	struct store_import *im;
	int64_t acct = store_accounts_ensure(f->s, "main");
	size_t healed = 0;

	assert_int_equal(store_gaps_add(f->s, acct, 100, 200, 1), 1);
	assert_int_equal(store_gaps_add(f->s, acct, 100, 200, 1), 0);
	assert_int_equal(store_gaps_add(f->s, acct, 500, 900, 1), 1);
	assert_int_equal(store_gaps_open_count(f->s, acct), 2);
	im = begin_import(f, "main");
	assert_int_equal(store_import_heal_gaps(im, 50, 600, 7, &healed,
						&f->err), 0);
	assert_int_equal(healed, 1);
	store_import_free(im);
	assert_int_equal(store_commit(f->s, &f->err), 0);
	assert_int_equal(store_gaps_open_count(f->s, acct), 1);
	assert_int_equal(q(f, "SELECT count(*) FROM gaps WHERE healed_ms = 7"
			   " AND healed_by = 'import #1' AND from_ms = 100"), 1);
}

static void collector_calls(void **state)
{
	struct store_fixture *f = *state;
	struct page_info pg = { "k/1", 10, 0, 2, 30, 20 };
	struct strvec names = STRVEC_INIT;
	int64_t b = store_accounts_ensure(f->s, "b");
	int64_t a = store_accounts_ensure(f->s, "a");
	struct api_play local = { 5000, NULL, "Local", "Me", NULL, NULL };

	assert_true(a > 0 && b > 0 && a != b);
	assert_int_equal(store_accounts_ensure(f->s, "a"), a);
	assert_int_equal(store_accounts_find(f->s, "b"), b);
	assert_int_equal(store_accounts_names(f->s, &names), 0);
	assert_int_equal(names.n, 2);
	assert_string_equal(names.v[0], "a");
	assert_string_equal(names.v[1], "b");
	strvec_clear(&names);
	assert_int_equal(store_accounts_record_poll(f->s, a, 77, "ok", 1), 0);
	assert_int_equal(q(f, "SELECT last_success_ms FROM accounts WHERE name = 'a'"), 77);
	assert_true(store_pages_add(f->s, a, &pg) > 0);
	assert_int_equal(q(f, "SELECT count(*) FROM pages WHERE after_ms IS NULL"), 1);
	/* a local file (no id) is stored once too */
	assert_int_equal(store_plays_add_api(f->s, a, 0, &local), 1);
	assert_int_equal(store_plays_add_api(f->s, a, 0, &local), 0);
	assert_int_equal(store_plays_merge_api(f->s, a, 0, &local), 0);
	assert_int_equal(store_plays_count(f->s, a), 1);
	assert_int_equal(store_plays_count(f->s, b), 0);
}

static void bulk_loading(void **state)
{
	struct store_fixture *f = *state;
	struct store_import_play p[40];
	struct store_import *im;
	int64_t indexes;

	store_fixture_sqlite_only(f); /* SQLite's own tricks */
	indexes = q(f, "SELECT count(*) FROM sqlite_master WHERE type = 'index'");
	assert_int_equal(q(f, "PRAGMA foreign_keys"), 1);
	assert_int_equal(store_bulk_begin(f->s, SIZE_MAX, &f->err), 0);
	assert_int_equal(q(f, "PRAGMA foreign_keys"), 0);
	im = begin_import(f, "main");
	/* few plays into a small table: nothing is set aside */
	assert_int_equal(store_bulk_indexes_off(f->s, 40, &f->err), 0);
	/*
	 * many: the plays indexes are set aside, the time index too (built
	 * again it is packed, sqlite/bulk.c); the partial API key stays
	 */
	assert_int_equal(store_bulk_indexes_off(f->s, SIZE_MAX, &f->err), 1);
	assert_int_equal(q(f, "SELECT count(*) FROM sqlite_master WHERE"
			   " name = 'play_rows_track'"), 0);
	assert_int_equal(q(f, "SELECT count(*) FROM sqlite_master WHERE"
			   " name = 'plays_time'"), 0);
	assert_int_equal(q(f, "SELECT count(*) FROM sqlite_master WHERE"
			   " name = 'plays_api_key'"), 1);
	/* and the name rows' lookup indexes, the dictionary holding them all */
	assert_int_equal(q(f, "SELECT count(*) FROM sqlite_master WHERE name IN"
			   " ('play_names_all', 'track_keys_name')"), 0);
	for (int i = 0; i < 40; i++)
		export_play(&p[i], 1000 * i, i);
	assert_int_equal(store_import_add(im, p, 40, &f->err), 0);
	assert_int_equal(store_bulk_indexes_on(f->s, &f->err), 0);
	store_import_free(im);
	assert_int_equal(store_commit(f->s, &f->err), 0);
	store_bulk_end(f->s);
	assert_int_equal(q(f, "SELECT count(*) FROM sqlite_master WHERE type = 'index'"),
			 indexes);
	assert_int_equal(q(f, "PRAGMA foreign_keys"), 1);
	assert_int_equal(q(f, "SELECT count(*) FROM play_rows INDEXED BY play_rows_track"
			   " WHERE track = (SELECT id FROM track_keys WHERE spotify_id = 't05')"), 1);
	assert_int_equal(q(f, "SELECT count(*) FROM play_rows INDEXED BY plays_time"
			   " WHERE played_ms >= 5000"), 35);
	assert_int_equal(q(f, "SELECT count(*) FROM play_names INDEXED BY play_names_all"
			   " WHERE track_name >= ''"), q(f, "SELECT count(*) FROM play_names"
							  " WHERE track_name IS NOT NULL"));
	{
		sqlite3_stmt *st = db_prepare(store_sqlite_db(f->s), "PRAGMA journal_mode");
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
		sqlite3_finalize(st);
	}
}

/* play_rows' indexes, either engine's catalog. */
static int64_t play_indexes(struct store_fixture *f)
{
	return q(f, f->db[0] ? "SELECT count(*) FROM pg_indexes WHERE"
			       " tablename = 'play_rows'"
			     : "SELECT count(*) FROM sqlite_master WHERE"
			       " type = 'index' AND tbl_name = 'play_rows'");
}

/* Many plays (SIZE_MAX) into an empty store: both engines set indexes aside. */
static struct store_import *bulk_import(struct store_fixture *f, int64_t all)
{
	struct store_import *im;

	assert_int_equal(store_bulk_begin(f->s, SIZE_MAX, &f->err), 0);
	im = begin_import(f, "new account");
	assert_int_equal(store_bulk_indexes_off(f->s, SIZE_MAX, &f->err), 1);
	if (!f->db[0]) /* PostgreSQL's are read on another connection */
		assert_true(play_indexes(f) < all);
	return im;
}

/*
 * An error half-way: after the rollback the store is as it was, the
 * indexes set aside included, and the handle knows it (the next import
 * sets them aside again and builds them).
 */
static void rollback_on_error(void **state)
{
	struct store_fixture *f = *state;
	struct store_import_play p[20];
	struct store_import *im;
	int64_t all = play_indexes(f);
	int rc;

	im = bulk_import(f, all);
	for (int i = 0; i < 20; i++)
		export_play(&p[i], 1000 * i, i);
	p[18].kind = NULL; /* a play the store refuses (kind is required) */
	assert_int_equal(store_import_add(im, p, 16, &f->err), 0);
	rc = store_import_add(im, p + 16, 4, &f->err);
	/* PostgreSQL writes its batches later: the commit fails then */
	if (!rc && f->db[0])
		rc = store_commit(f->s, &f->err);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(f->err.buf, "cannot write the plays"));
	store_import_free(im);
	store_rollback(f->s);
	store_bulk_end(f->s);
	assert_int_equal(q(f, "SELECT count(*) FROM plays"), 0);
	assert_int_equal(q(f, "SELECT count(*) FROM imports"), 0);
	assert_int_equal(store_accounts_find(f->s, "new account"), 0);
	assert_int_equal(play_indexes(f), all);

	strbuf_reset(&f->err);
	im = bulk_import(f, all);
	p[18].kind = "music";
	assert_int_equal(store_import_add(im, p, 20, &f->err), 0);
	assert_int_equal(store_bulk_indexes_on(f->s, &f->err), 0);
	assert_int_equal(store_commit(f->s, &f->err), 0);
	store_import_free(im);
	store_bulk_end(f->s);
	assert_int_equal(play_indexes(f), all);
	assert_int_equal(q(f, "SELECT count(*) FROM plays"), 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(empty_store, store_fixture_setup, store_fixture_teardown),
		cmocka_unit_test_setup_teardown(music_scans, store_fixture_setup,
						store_fixture_teardown),
		cmocka_unit_test_setup_teardown(a_batch, store_fixture_setup, store_fixture_teardown),
		cmocka_unit_test_setup_teardown(merges, store_fixture_setup, store_fixture_teardown),
		cmocka_unit_test_setup_teardown(heals_gaps, store_fixture_setup, store_fixture_teardown),
		cmocka_unit_test_setup_teardown(collector_calls, store_fixture_setup, store_fixture_teardown),
		cmocka_unit_test_setup_teardown(bulk_loading, store_fixture_setup, store_fixture_teardown),
		cmocka_unit_test_setup_teardown(rollback_on_error, store_fixture_setup, store_fixture_teardown),
	};
	return cmocka_run_group_tests_name("store import", tests, NULL, NULL);
}
