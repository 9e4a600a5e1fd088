/* Unit tests for the dashboard's defences: the bounded cache (core/lru) and
 * web/guard (fetch metadata, token buckets, header deadlines). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/lru.h"
#include "web/guard.h"

static int freed;
static void count_free(void *v)
{
	(void)v;
	freed++;
}

static void lru_drops_least_recently_used(void **state)
{
	struct lru l;
	char k[16];
	(void)state;

	freed = 0;
	lru_init(&l, 3, 1000, count_free);
	assert_int_equal(lru_put(&l, "a", (void *)1, 10), 1);
	assert_int_equal(lru_put(&l, "b", (void *)2, 10), 1);
	assert_int_equal(lru_put(&l, "c", (void *)3, 10), 1);
	assert_ptr_equal(lru_get(&l, "a"), (void *)1); /* a is now the newest */
	assert_int_equal(lru_put(&l, "d", (void *)4, 10), 1);
	assert_null(lru_get(&l, "b"));
	assert_int_equal(freed, 1);
	assert_ptr_equal(lru_get(&l, "a"), (void *)1);
	assert_ptr_equal(lru_get(&l, "c"), (void *)3);
	/* replacing frees the old value */
	assert_int_equal(lru_put(&l, "c", (void *)5, 10), 1);
	assert_int_equal(freed, 2);
	assert_ptr_equal(lru_get(&l, "c"), (void *)5);
	assert_int_equal(l.n, 3);
	/* the byte bound: a 995-byte value leaves room for nothing else */
	assert_int_equal(lru_put(&l, "big", (void *)6, 995), 1);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.bytes, 995);
	/* larger than the bound: not kept, freed at once */
	assert_int_equal(lru_put(&l, "huge", (void *)7, 1001), 0);
	assert_null(lru_get(&l, "huge"));
	assert_ptr_equal(lru_get(&l, "big"), (void *)6);
	lru_release(&l);
	assert_int_equal(freed, 7);

	/* many keys through a small cache: never more than the bound */
	lru_init(&l, 100, 1 << 20, NULL);
	for (int i = 0; i < 100000; i++) {
		snprintf(k, sizeof(k), "k%d", i);
		lru_put(&l, k, (void *)(intptr_t)(i + 1), 64);
		assert_true(l.n <= 100);
	}
	assert_int_equal(l.n, 100);
	assert_ptr_equal(lru_get(&l, "k99999"), (void *)(intptr_t)100000);
	assert_null(lru_get(&l, "k99899"));
	assert_ptr_equal(lru_get(&l, "k99900"), (void *)(intptr_t)99901);
	lru_release(&l);
}

static int fetch(const char *site, const char *mode, const char *dest,
		 const char *origin, const char *path)
{
	struct guard_fetch f = { site, mode, dest, origin, "127.0.0.1:8080" };
	return guard_fetch_ok(&f, path);
}

static void fetch_metadata_rules(void **state)
{
	(void)state;
	/* not a browser, or the user typed it */
	assert_true(fetch(NULL, NULL, NULL, NULL, "/api/years"));
	assert_true(fetch("none", "navigate", "document", NULL, "/api/years"));
	/* the dashboard's own pages */
	assert_true(fetch("same-origin", "no-cors", "image", NULL, "/covers/a.png"));
	assert_true(fetch("same-origin", "cors", "empty", "http://127.0.0.1:8080", "/api/day"));
	assert_true(fetch(NULL, NULL, NULL, "HTTP://127.0.0.1:8080", "/"));
	/* another site: only a link followed to a page */
	assert_true(fetch("cross-site", "navigate", "document", NULL, "/year-2025.html"));
	assert_false(fetch("cross-site", "navigate", "document", NULL, "/api/years"));
	assert_false(fetch("cross-site", "no-cors", "image", NULL, "/track-x.html"));
	assert_false(fetch("cross-site", "navigate", "iframe", NULL, "/"));
	assert_false(fetch("cross-site", "cors", "empty", NULL, "/api/years"));
	assert_false(fetch("same-site", "no-cors", "image", NULL, "/"));
	assert_false(fetch("cross-site", NULL, NULL, NULL, "/"));
	/* a foreign Origin, whatever else */
	assert_false(fetch(NULL, NULL, NULL, "http://evil.example", "/"));
	assert_false(fetch("same-origin", "cors", "empty", "null", "/api/years"));
	assert_false(fetch(NULL, NULL, NULL, "http://127.0.0.1:8081", "/"));
	assert_false(fetch(NULL, NULL, NULL, "https://127.0.0.1:8080", "/"));
	struct guard_fetch f = { NULL, NULL, NULL, "http://x", NULL };
	assert_false(guard_fetch_ok(&f, "/"));
}

static struct sockaddr_in v4(const char *a)
{
	struct sockaddr_in s = { .sin_family = AF_INET };
	inet_pton(AF_INET, a, &s.sin_addr);
	return s;
}

static void rate_per_address(void **state)
{
	struct guard_rate *r = guard_rate_new(100); /* bucket: max(200, 1000) */
	struct sockaddr_in a = v4("127.0.0.2"), b = v4("127.0.0.1");
	struct sockaddr_in6 c = { .sin6_family = AF_INET6 }, d = c;
	int64_t t = 1000000;
	(void)state;

	for (int i = 0; i < GUARD_BURST_MIN; i++)
		assert_int_equal(guard_rate_take(r, (struct sockaddr *)&a, t), 0);
	assert_int_equal(guard_rate_take(r, (struct sockaddr *)&a, t), 1);
	/* another address has its own bucket */
	assert_int_equal(guard_rate_take(r, (struct sockaddr *)&b, t), 0);
	/* 10 ms at 100/s is one token back */
	assert_int_equal(guard_rate_take(r, (struct sockaddr *)&a, t + 10), 0);
	assert_int_equal(guard_rate_take(r, (struct sockaddr *)&a, t + 10), 1);
	/* one IPv6 /64 is one client */
	inet_pton(AF_INET6, "2001:db8::1", &c.sin6_addr);
	inet_pton(AF_INET6, "2001:db8::ffff:2", &d.sin6_addr);
	for (int i = 0; i < GUARD_BURST_MIN; i++)
		assert_int_equal(guard_rate_take(r, (struct sockaddr *)&c, t), 0);
	assert_int_equal(guard_rate_take(r, (struct sockaddr *)&d, t), 1);
	guard_rate_free(r);

	r = guard_rate_new(0); /* no limit */
	for (int i = 0; i < 5000; i++)
		assert_int_equal(guard_rate_take(r, (struct sockaddr *)&a, t), 0);
	guard_rate_free(r);
}

static void header_deadline(void **state)
{
	struct guard_conns *g = guard_conns_new(2);
	int sv[2], sw[2];
	char ch;
	(void)state;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sw), 0);
	struct guard_conn *slow = guard_conn_open(g, sv[0], 0);
	struct guard_conn *busy = guard_conn_open(g, sw[0], 0);
	assert_int_equal(guard_conns_sweep(g, 1999), 0);
	guard_conn_busy(g, busy); /* headers in: no deadline while answered */
	assert_int_equal(guard_conns_sweep(g, 2000), 1);
	assert_int_equal(read(sv[1], &ch, 1), 0); /* the peer sees the end */
	assert_int_equal(guard_conns_sweep(g, 5000), 0); /* once */
	guard_conn_idle(g, busy, 5000); /* next request due by 7000 */
	assert_int_equal(guard_conns_sweep(g, 6999), 0);
	assert_int_equal(guard_conns_sweep(g, 7000), 1);
	guard_conn_close(g, slow);
	guard_conns_free(g); /* frees busy too */
	for (int i = 0; i < 2; i++) {
		close(sv[i]);
		close(sw[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lru_drops_least_recently_used),
		cmocka_unit_test(fetch_metadata_rules),
		cmocka_unit_test(rate_per_address),
		cmocka_unit_test(header_deadline),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
