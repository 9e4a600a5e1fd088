/* Unit tests for store.h's "store copy": the digest of an empty store, a
 * copy of a few rows (with texts COPY must escape) into an SQLite store and
 * its digests, plays of every shape (SQLite writes them into its own rows,
 * sqlite/copyplays.c: a copy commits only when the digests agree), and the
 * refusal of a destination that is not empty. The
 * source is the fixture's engine (SQLite, or PostgreSQL in the postgres
 * run), the destination always a new SQLite file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "store/store.h"
#include "store_fixture.h"

/* SHA-256 of nothing */
static const unsigned char empty[32] = {
	0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8,
	0x99, 0x6f, 0xb9, 0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c,
	0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
};

static const struct store_copy_sum *sum_of(const struct store_copy_sum *v,
					   const char *table)
{
	for (size_t i = 0; i < store_copy_ntables; i++)
		if (!strcmp(v[i].table, table))
			return &v[i];
	fail_msg("no table %s", table);
	return NULL;
}

static void copy_empty_store(void **state)
{
	struct store_fixture *f = *state;
	struct store_copy_sum *v = NULL;

	assert_int_equal(store_copy_digest(f->s, &v, &f->err), 0);
	for (size_t i = 0; i < store_copy_ntables; i++) {
		assert_int_equal(v[i].rows, 0);
		assert_memory_equal(v[i].digest, empty, 32);
	}
	free(v);
}

static void copy_few_rows(void **state)
{
	struct store_fixture *f = *state;
	struct store_copy_sum *a = NULL, *b = NULL, *c = NULL;
	char dir[] = "/tmp/spinlog-copy-XXXXXX", path[96];
	struct store *to = NULL;
	int64_t acct;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "sqlite:%s/to.db", dir);
	acct = store_accounts_ensure(f->s, "main");
	assert_true(acct > 0);
	assert_int_equal(store_gaps_add(f->s, acct, 1000, 2000, 3000), 1);
	assert_int_equal(store_state_set(f->s, "odd", "tab\there\nline\\ back"), 0);
	assert_int_equal(store_open(path, &to, &f->err), 0);
	assert_int_equal(store_copy(f->s, to, NULL, NULL, &a, &b, &f->err), 0);
	assert_int_equal(sum_of(a, "accounts")->rows, 1);
	assert_int_equal(sum_of(a, "gaps")->rows, 1);
	assert_int_equal(sum_of(a, "state")->rows, 1);
	assert_memory_not_equal(sum_of(a, "state")->digest, empty, 32);
	for (size_t i = 0; i < store_copy_ntables; i++) {
		assert_int_equal(a[i].rows, b[i].rows);
		assert_memory_equal(a[i].digest, b[i].digest, 32);
	}
	assert_int_equal(store_copy_digest(to, &c, &f->err), 0);
	assert_memory_equal(sum_of(c, "state")->digest, sum_of(a, "state")->digest, 32);
	{
		char *v = store_state_get(to, "odd");
		assert_string_equal(v, "tab\there\nline\\ back");
		free(v);
	}
	free(a);
	free(b);
	free(c);
	/* a second copy: the destination is not empty */
	strbuf_reset(&f->err);
	assert_int_equal(store_copy(f->s, to, NULL, NULL, &a, &b, &f->err), -1);
	assert_null(a);
	assert_non_null(strstr(f->err.buf, "the destination is not empty: 'accounts' holds 1 rows"));
	store_close(to);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
}

static struct store_text txt(const char *s)
{
	struct store_text t = { s, s ? (uint32_t)strlen(s) : 0 };
	return t;
}

/*
 * Play i of copy_plays: an id track with every field, a podcast episode,
 * a play known by its names only, one whose texts are '' (not NULL), one
 * with nothing but a time; every other one repeats a shape, so the
 * destination finds rows it made before.
 */
static void shaped_play(struct store_import_play *p, int i)
{
	memset(p, 0, sizeof(*p));
	p->played_ms = 1700000000000 + (int64_t)i * 600000;
	p->precision_ms = i % 2 ? 1 : 1000;
	p->kind = "music";
	p->ms_played = 30000 + i;
	p->skipped = STORE_TRI_NULL;
	p->shuffle = (uint8_t)(i % 2);
	p->offline = STORE_TRI_NULL;
	p->incognito = (uint8_t)(i % 3 == 0);
	p->sources = SRC_EXPORT;
	p->fp[SOURCE_EXPORT] = 5000 + (uint64_t)i;
	switch (i % 5) {
	case 0:
		p->track_id = txt(i % 10 ? "4uLU6hMCjMI75M1A2tKUQC" : "7ouMYWpwJ422jRcDASZB7P");
		p->track_name = txt("Tab\tand \"quote\"");
		p->artist_name = txt("Björk");
		p->album_name = txt("Post");
		p->platform = txt("linux");
		p->country = txt("DE");
		p->ip_addr = txt("192.0.2.1");
		p->user_agent = txt("agent");
		p->reason_start = txt("clickrow");
		p->reason_end = txt("trackdone");
		p->offline = 1;
		p->offline_ms = p->played_ms - 86400000;
		break;
	case 1:
		p->kind = "podcast";
		p->episode_id = txt("512ojhOuo1ktJprKbVcKyQ");
		p->track_name = txt("An episode");
		p->reason_start = txt("fwdbtn");
		break;
	case 2:
		p->track_name = txt("Only names");
		p->artist_name = txt("Nobody");
		p->name_key = 0x123456789abcdefULL + (uint64_t)(i % 10);
		break;
	case 3:
		p->track_name = txt("");
		p->artist_name = txt("");
		p->platform = txt("");
		p->name_key = 77;
		break;
	default:
		break;
	}
}

static void copy_plays(void **state)
{
	struct store_fixture *f = *state;
	struct store_copy_sum *a = NULL, *b = NULL;
	struct store_import_play p[20];
	struct store_import *im = NULL;
	char dir[] = "/tmp/spinlog-copy-XXXXXX", path[96];
	struct store *to = NULL;
	struct store_import_counts c = { 1, 20, 20, 0, 0, 0, 1, 0, 9 };

	assert_int_equal(store_begin(f->s, &f->err), 0);
	int64_t acct = store_accounts_ensure(f->s, "main");
	assert_true(acct > 0);
	assert_int_equal(store_import_start(f->s, acct, "x.json", 5, &im, &f->err), 0);
	for (int i = 0; i < 20; i++)
		shaped_play(&p[i], i);
	assert_int_equal(store_import_add(im, p, 20, &f->err), 0);
	assert_int_equal(store_import_finish(im, &c, &f->err), 0);
	store_import_free(im);
	assert_int_equal(store_commit(f->s, &f->err), 0);

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "sqlite:%s/to.db", dir);
	assert_int_equal(store_open(path, &to, &f->err), 0);
	assert_int_equal(store_copy(f->s, to, NULL, NULL, &a, &b, &f->err), 0);
	assert_int_equal(sum_of(a, "plays")->rows, 20);
	assert_memory_equal(sum_of(a, "plays")->digest, sum_of(b, "plays")->digest, 32);
	free(a);
	free(b);
	/* and read back from the copy by a new handle: the same digest */
	store_close(to);
	assert_int_equal(store_open(path, &to, &f->err), 0);
	assert_int_equal(store_copy_digest(f->s, &a, &f->err), 0);
	assert_int_equal(store_copy_digest(to, &b, &f->err), 0);
	assert_memory_equal(sum_of(a, "plays")->digest, sum_of(b, "plays")->digest, 32);
	free(a);
	free(b);
	store_close(to);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(copy_empty_store, store_fixture_setup,
						store_fixture_teardown),
		cmocka_unit_test_setup_teardown(copy_few_rows, store_fixture_setup,
						store_fixture_teardown),
		cmocka_unit_test_setup_teardown(copy_plays, store_fixture_setup,
						store_fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
