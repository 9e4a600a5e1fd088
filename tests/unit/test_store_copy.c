/* Unit tests for store.h's "store copy": the digest of an empty store, a
 * copy of a few rows (with texts COPY must escape) into an SQLite store and
 * its digests, and the refusal of a destination that is not empty. The
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(copy_empty_store, store_fixture_setup,
						store_fixture_teardown),
		cmocka_unit_test_setup_teardown(copy_few_rows, store_fixture_setup,
						store_fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
