/*
 * Unit tests for the store calls 'spinlog status' and the collector's
 * messages use (store.h's "plays and the collector": poll info and
 * store_errmsg), through store.h alone, on a fresh SQLite store each: the
 * empty store, an account never polled, polls that went well and badly, a
 * failed call's message, and a poll rolled back.
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

#include "store/store.h"
#include "store_fixture.h"


/* No account: poll info says so and leaves the struct as it was. */
static void poll_info_empty_store(void **state)
{
	struct store_fixture *f = *state;
	struct store_poll_info pi = STORE_POLL_INFO_INIT;

	assert_int_equal(store_accounts_poll_info(f->s, 1, &pi), 0);
	assert_int_equal(pi.polls, 0);
	assert_null(pi.last_status);
	store_poll_info_release(&pi);
	assert_int_equal(store_accounts_poll_info(f->s, -7, &pi), 0);
}

/* An account that exists but was never polled: zeros and no status. */
static void poll_info_never_polled(void **state)
{
	struct store_fixture *f = *state;
	struct store_poll_info pi = STORE_POLL_INFO_INIT;
	int64_t a = store_accounts_ensure(f->s, "main");

	assert_true(a > 0);
	assert_int_equal(store_accounts_poll_info(f->s, a, &pi), 1);
	assert_int_equal(pi.last_poll_ms, 0);
	assert_int_equal(pi.last_success_ms, 0);
	assert_int_equal(pi.polls, 0);
	assert_null(pi.last_status);
	store_poll_info_release(&pi);
	assert_null(pi.last_status);
}

/*
 * A good poll, then a bad one: the last poll moves, the last success
 * stays at the good one, polls counts both; other accounts are untouched.
 */
static void poll_info_after_polls(void **state)
{
	struct store_fixture *f = *state;
	struct store_poll_info pi = STORE_POLL_INFO_INIT;
	int64_t a = store_accounts_ensure(f->s, "main");
	int64_t b = store_accounts_ensure(f->s, "other");

	assert_int_equal(store_accounts_record_poll(f->s, a, 1000, "ok", 1), 0);
	assert_int_equal(store_accounts_poll_info(f->s, a, &pi), 1);
	assert_int_equal(pi.last_poll_ms, 1000);
	assert_int_equal(pi.last_success_ms, 1000);
	assert_int_equal(pi.polls, 1);
	assert_string_equal(pi.last_status, "ok");
	store_poll_info_release(&pi);

	assert_int_equal(store_accounts_record_poll(f->s, a, 5000,
						    "rate limited", 0), 0);
	assert_int_equal(store_accounts_poll_info(f->s, a, &pi), 1);
	assert_int_equal(pi.last_poll_ms, 5000);
	assert_int_equal(pi.last_success_ms, 1000);
	assert_int_equal(pi.polls, 2);
	assert_string_equal(pi.last_status, "rate limited");
	store_poll_info_release(&pi);

	assert_int_equal(store_accounts_poll_info(f->s, b, &pi), 1);
	assert_int_equal(pi.polls, 0);
	assert_null(pi.last_status);
	store_poll_info_release(&pi);
}

/* A failed call leaves a message saying why; store_errmsg never is NULL. */
static void errmsg_after_failure(void **state)
{
	struct store_fixture *f = *state;
	int64_t a = store_accounts_ensure(f->s, "main");
	struct page_info pg = { "recently-played/main/x.json", 10, 0, 0, 0, 0 };

	assert_non_null(store_errmsg(f->s));
	assert_true(store_pages_add(f->s, a, &pg) > 0);
	assert_int_equal(store_pages_add(f->s, a, &pg), -1); /* the same key */
	/* SQLite says "UNIQUE constraint failed", PostgreSQL "unique constraint" */
	assert_non_null(strcasestr(store_errmsg(f->s), "unique"));
}

/*
 * A poll's writes rolled back (what poll.c does when one fails): no page,
 * play, gap or poll is left, and the account's info is as before.
 */
static void poll_rolled_back(void **state)
{
	struct store_fixture *f = *state;
	struct store_poll_info pi = STORE_POLL_INFO_INIT;
	struct page_info pg = { "recently-played/main/y.json", 10, 0, 1, 20, 20 };
	struct api_play p = { 20, "0wgOhYnqZKjOHr6bmdz0aN", "gloria",
			      "Kendrick Lamar, SZA", "GNX", NULL };
	int64_t a = store_accounts_ensure(f->s, "main"), page;

	assert_int_equal(store_begin(f->s, &f->err), 0);
	page = store_pages_add(f->s, a, &pg);
	assert_true(page > 0);
	assert_int_equal(store_plays_add_api(f->s, a, page, &p), 1);
	assert_int_equal(store_gaps_add(f->s, a, 1, 2, 3), 1);
	assert_int_equal(store_accounts_record_poll(f->s, a, 30, "ok", 1), 0);
	assert_int_equal(store_plays_count(f->s, a), 1);
	store_rollback(f->s);

	assert_int_equal(store_plays_count(f->s, a), 0);
	assert_int_equal(store_plays_newest_api_ms(f->s, a), 0);
	assert_int_equal(store_gaps_open_count(f->s, a), 0);
	assert_int_equal(store_accounts_poll_info(f->s, a, &pi), 1);
	assert_int_equal(pi.polls, 0);
	assert_null(pi.last_status);
	/* the page's key is free again */
	assert_true(store_pages_add(f->s, a, &pg) > 0);
}

/* The daemon's cursor: unset, then set and read back. */
static void state_int_round_trip(void **state)
{
	struct store_fixture *f = *state;
	int64_t v = 42;

	assert_int_equal(store_state_get_int(f->s, "daemon.etl_last_ms", &v), -1);
	assert_int_equal(v, 42);
	assert_int_equal(store_state_set_int(f->s, "daemon.etl_last_ms",
					     1700000000123), 0);
	assert_int_equal(store_state_get_int(f->s, "daemon.etl_last_ms", &v), 0);
	assert_int_equal(v, 1700000000123);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(poll_info_empty_store, store_fixture_setup, store_fixture_teardown),
		cmocka_unit_test_setup_teardown(poll_info_never_polled, store_fixture_setup, store_fixture_teardown),
		cmocka_unit_test_setup_teardown(poll_info_after_polls, store_fixture_setup, store_fixture_teardown),
		cmocka_unit_test_setup_teardown(errmsg_after_failure, store_fixture_setup, store_fixture_teardown),
		cmocka_unit_test_setup_teardown(poll_rolled_back, store_fixture_setup, store_fixture_teardown),
		cmocka_unit_test_setup_teardown(state_int_round_trip, store_fixture_setup, store_fixture_teardown),
	};
	return cmocka_run_group_tests_name("store-collector", tests, NULL, NULL);
}
