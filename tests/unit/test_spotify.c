/* Unit tests for spotify/: PKCE, base64url, Retry-After, backoff bounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/fsutil.h"
#include "core/http.h"
#include "spotify/account.h"
#include "spotify/oauth.h"
#include "spotify/retry.h"

static void base64url_vectors(void **state)
{
	static const struct { const char *in, *out; } v[] = {
		{ "", "" }, { "f", "Zg" }, { "fo", "Zm8" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg" }, { "fooba", "Zm9vYmE" }, { "foobar", "Zm9vYmFy" },
		{ "\xfb\xff\xbf", "-_-_" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct strbuf sb = STRBUF_INIT;
		oauth_base64url((const unsigned char *)v[i].in, strlen(v[i].in), &sb);
		assert_string_equal(sb.buf, v[i].out);
		strbuf_release(&sb);
	}
}

static void pkce_rfc7636_example(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	(void)state;
	oauth_pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", &sb);
	assert_string_equal(sb.buf, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
	strbuf_release(&sb);
}

static void pkce_verifier_shape(void **state)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	(void)state;
	assert_int_equal(oauth_pkce_verifier(&a), 0);
	assert_int_equal(oauth_pkce_verifier(&b), 0);
	assert_true(a.len >= 43 && a.len <= 128);
	assert_int_equal(strspn(a.buf, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
				"qrstuvwxyz0123456789-._~"), a.len);
	assert_string_not_equal(a.buf, b.buf);
	strbuf_release(&a);
	strbuf_release(&b);
}

static void authorize_url(void **state)
{
	struct config cfg;
	struct strbuf err = STRBUF_INIT, url = STRBUF_INIT;
	(void)state;
	config_init(&cfg);
	assert_int_equal(config_set(&cfg, "spotify.client_id", "abc", "test", &err), 0);
	oauth_authorize_url(&cfg, "http://127.0.0.1:8888/callback", "st", "ch", &url);
	assert_string_equal(url.buf,
		"https://accounts.spotify.com/authorize?client_id=abc&response_type=code"
		"&redirect_uri=http%3A%2F%2F127.0.0.1%3A8888%2Fcallback&state=st"
		"&scope=user-read-recently-played&code_challenge_method=S256"
		"&code_challenge=ch");
	strbuf_release(&url);
	strbuf_release(&err);
	config_release(&cfg);
}

static void retry_after_forms(void **state)
{
	int64_t now = 1445412480000LL; /* Wed, 21 Oct 2015 07:28:00 GMT */
	(void)state;
	assert_int_equal(http_parse_retry_after("120", now), 120);
	assert_int_equal(http_parse_retry_after("0", now), 0);
	assert_int_equal(http_parse_retry_after("Wed, 21 Oct 2015 07:29:00 GMT", now), 60);
	assert_int_equal(http_parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now), 0);
	assert_int_equal(http_parse_retry_after("soon", now), -1);
	assert_int_equal(sp_retry_after_ms(3600), 3600000);
	assert_int_equal(sp_retry_after_ms(-1), 1000);
}

static void backoff_bounds(void **state)
{
	(void)state;
	for (int attempt = 0; attempt < 40; attempt++) {
		int64_t hi = 200;
		for (int i = 0; i < attempt && hi < 10000; i++)
			hi *= 2;
		if (hi > 10000)
			hi = 10000;
		for (int k = 0; k < 200; k++) {
			int64_t d = sp_backoff_ms(attempt, 200, 10000, sp_random64());
			assert_true(d >= 0 && d <= hi);
		}
		/* the extremes of the draw reach both ends */
		assert_int_equal(sp_backoff_ms(attempt, 200, 10000, 0), 0);
		assert_int_equal(sp_backoff_ms(attempt, 200, 10000, (uint64_t)hi), hi);
	}
	assert_int_equal(sp_backoff_ms(60, 200, 10000, 10000), 10000);
}

static void account_roundtrip(void **state)
{
	char dir[] = "/tmp/spinlog-acct-XXXXXX";
	struct account_state st = ACCOUNT_STATE_INIT, back;
	struct strbuf err = STRBUF_INIT;
	struct strvec names = STRVEC_INIT;
	char *path;
	(void)state;
	assert_non_null(mkdtemp(dir));
	account_set_str(&st.access_token, "AT\"x");
	account_set_str(&st.refresh_token, "RT");
	st.expires_ms = 5;
	st.authorized_ms = 7;
	st.not_before_ms = 9;
	st.needs_reauth = 1;
	st.refresh_sent_ms = 11;
	account_set_str(&st.reauth_reason, "refused");
	assert_int_equal(account_save(dir, "main", &st, &err), 0);
	assert_int_equal(account_load(dir, "main", &back, &err), 0);
	assert_string_equal(back.access_token, "AT\"x");
	assert_string_equal(back.refresh_token, "RT");
	assert_int_equal(back.expires_ms, 5);
	assert_int_equal(back.authorized_ms, 7);
	assert_int_equal(back.not_before_ms, 9);
	assert_int_equal(back.needs_reauth, 1);
	assert_string_equal(back.reauth_reason, "refused");
	assert_int_equal(back.refresh_sent_ms, 11);
	assert_int_equal(account_list(dir, &names), 0);
	assert_int_equal(names.n, 1);
	assert_string_equal(names.v[0], "main");
	account_state_release(&back);
	assert_int_equal(account_load(dir, "../x", &back, &err), -1);
	assert_false(account_valid_name(".hidden"));
	path = account_path(dir, "main");
	unlink(path);
	free(path);
	path = fs_join(dir, "accounts");
	rmdir(path);
	free(path);
	rmdir(dir);
	strvec_clear(&names);
	account_state_release(&st);
	account_state_release(&back);
	strbuf_release(&err);
}

/*
 * flock locks conflict between open file descriptions even in one
 * process, so a second account_lock here waits, gives up and names us;
 * after unlock it succeeds. A dead writer's temp of the account file goes.
 */
static void account_lock_is_exclusive(void **state)
{
	char dir[] = "/tmp/spinlog-lock-XXXXXX";
	struct strbuf err = STRBUF_INIT;
	long holder = -1;
	int a, b;
	char *tmp;
	(void)state;
	assert_non_null(mkdtemp(dir));
	a = account_lock(dir, "main", 0, &holder, &err);
	assert_true(a >= 0);
	tmp = fs_join(dir, "accounts/main.json.tmp999999999-AbCdEf");
	assert_int_equal(fs_write_atomic(tmp, "RT", 2, 0600), 0);
	b = account_lock(dir, "main", 50, &holder, &err);
	assert_int_equal(b, -1);
	assert_int_equal(holder, (long)getpid());
	assert_true(account_lock(dir, "other", 0, &holder, &err) >= 0);
	account_unlock(a);
	b = account_lock(dir, "main", 0, &holder, &err);
	assert_true(b >= 0);
	assert_false(fs_exists(tmp));
	account_unlock(b);
	free(tmp);
	strbuf_release(&err);
}

/*
 * Four processes each set the app-wide penalty end 200 times, in an order of
 * their own: the file must end at the largest of all. Before the lock, the
 * read-compare-write let a writer that read the old end replace a later one
 * (this failed in 2 of 5 runs on the tree without it).
 */
static void app_not_before_racers(void **state)
{
	char dir[] = "/tmp/spinlog-nb-XXXXXX";
	char *acc;
	int k, status;
	(void)state;
	assert_non_null(mkdtemp(dir));
	acc = fs_join(dir, "accounts");
	assert_int_equal(mkdir(acc, 0700), 0);
	for (k = 0; k < 4; k++) {
		pid_t pid = fork();

		assert_true(pid >= 0);
		if (pid == 0) {
			int i, bad = 0;

			for (i = 0; i < 200; i++) /* 1000..1799, each child's own */
				bad |= account_set_app_not_before(dir,
						1000 + 4 * ((i * 37 + k * 50) % 200) + k) != 0;
			_exit(bad);
		}
	}
	for (k = 0; k < 4; k++) {
		assert_true(wait(&status) > 0);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	assert_int_equal(account_app_not_before(dir), 1799);
	free(acc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(base64url_vectors),
		cmocka_unit_test(pkce_rfc7636_example),
		cmocka_unit_test(pkce_verifier_shape),
		cmocka_unit_test(authorize_url),
		cmocka_unit_test(retry_after_forms),
		cmocka_unit_test(backoff_bounds),
		cmocka_unit_test(account_roundtrip),
		cmocka_unit_test(account_lock_is_exclusive),
		cmocka_unit_test(app_not_before_racers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
