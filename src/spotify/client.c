#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "spotify/account.h"
#include "spotify/client.h"
#include "spotify/oauth.h"
#include "spotify/retry.h"
#include "core/banned.h"

/* Access tokens are refreshed this long before they expire. */
#define EXPIRY_MARGIN_MS 60000

struct spotify_client {
	const struct config *cfg;
	char *data_dir;
	char *name;
	struct account_state st;
	struct http *http;
	struct sp_policy pol;
};

const char *sp_result_name(enum sp_result r)
{
	static const char *const names[] = {
		"ok", "not found", "forbidden", "bad request", "rate limited",
		"needs re-auth", "unavailable", "no account",
	};
	return (unsigned)r < sizeof(names) / sizeof(names[0]) ? names[r] : "?";
}

struct spotify_client *spotify_client_open(const struct config *cfg,
					   const char *data_dir,
					   const char *account,
					   struct strbuf *err)
{
	struct spotify_client *c = xcalloc(1, sizeof(*c));

	if (account_load(data_dir, account, &c->st, err)) {
		free(c);
		return NULL;
	}
	c->cfg = cfg;
	c->data_dir = xstrdup(data_dir);
	c->name = xstrdup(account);
	c->http = http_new();
	c->pol.retries = (int)config_get_int(cfg, "spotify.retries");
	c->pol.max_wait_s = (long)config_get_int(cfg, "spotify.max_wait");
	return c;
}

void spotify_client_free(struct spotify_client *c)
{
	if (!c)
		return;
	account_state_release(&c->st);
	http_free(c->http);
	free(c->data_dir);
	free(c->name);
	free(c);
}

void spotify_client_set_stop(struct spotify_client *c,
			     volatile sig_atomic_t *stop)
{
	c->pol.stop = stop;
}

int64_t spotify_client_not_before(const struct spotify_client *c)
{
	int64_t nb = c->st.not_before_ms, app = account_app_not_before(c->data_dir);

	if (app > nb)
		nb = app;
	return nb > time_now_ms() ? nb : 0;
}

const char *spotify_client_account(const struct spotify_client *c)
{
	return c->name;
}

const struct account_state *spotify_client_state(const struct spotify_client *c)
{
	return &c->st;
}

/* Adopts the app-wide penalty when it ends later than the account's own. */
static void merge_app_not_before(struct spotify_client *c)
{
	int64_t app = account_app_not_before(c->data_dir);

	if (app > c->st.not_before_ms)
		c->st.not_before_ms = app;
}

static enum sp_result reauth_message(struct spotify_client *c, struct strbuf *err)
{
	strbuf_addf(err, "account '%s' needs re-authorisation (%s); run "
		    "'spinlog auth --account %s'", c->name,
		    c->st.reauth_reason ? c->st.reauth_reason : "no refresh token",
		    c->name);
	return SP_REAUTH;
}

/* asked: the penalty is the answer to this request, not an earlier one's. */
static enum sp_result limited_message(struct spotify_client *c, int asked,
				      struct strbuf *err)
{
	char iso[TIME_ISO_MAX];

	time_format_iso(c->st.not_before_ms, iso);
	if (asked)
		strbuf_addf(err, "account '%s': Spotify asked to wait until %s "
			    "(HTTP 429)", c->name, iso);
	else
		strbuf_addf(err, "account '%s' is rate limited until %s; no "
			    "request was made", c->name, iso);
	return SP_RATE_LIMITED;
}

static enum sp_result save_or_fail(struct spotify_client *c, struct strbuf *err)
{
	if (account_save(c->data_dir, c->name, &c->st, err))
		return SP_UNAVAILABLE;
	return SP_OK;
}

/*
 * Gets a new access token with the refresh token. The new refresh token
 * (Spotify rotates them: the old one is dead from now on) is persisted
 * before the new access token is used, or a crash would lose the account.
 */
static enum sp_result refresh(struct spotify_client *c, struct strbuf *err)
{
	struct strbuf form = STRBUF_INIT, msg = STRBUF_INIT;
	char *oerr = NULL;
	int64_t nb = 0;
	enum http_result r;
	enum sp_result ret;

	if (!c->st.refresh_token) {
		c->st.needs_reauth = 1;
		account_set_str(&c->st.reauth_reason, "no refresh token stored");
		save_or_fail(c, err);
		return reauth_message(c, err);
	}
	oauth_refresh_form(c->cfg, c->st.refresh_token, &form);
	r = oauth_token_request(c->http, c->cfg, &c->pol, form.buf, &c->st, &nb,
				&oerr, &msg);
	memset(form.buf, 0, form.len);
	strbuf_release(&form);
	switch (r) {
	case HTTP_OK:
		ret = save_or_fail(c, err);
		if (ret == SP_OK)
			log_debug("account '%s': access token refreshed", c->name);
		break;
	case HTTP_RATE_LIMITED:
		c->st.not_before_ms = nb;
		account_set_app_not_before(c->data_dir, nb);
		save_or_fail(c, err);
		ret = limited_message(c, 1, err);
		break;
	case HTTP_BAD_REQUEST:
	case HTTP_UNAUTHORIZED:
		if (oerr && !strcmp(oerr, "invalid_grant")) {
			struct strbuf why = STRBUF_INIT;
			char iso[TIME_ISO_MAX];
			time_format_iso(time_now_ms(), iso);
			strbuf_addf(&why, "refresh token refused at %s", iso);
			c->st.needs_reauth = 1;
			account_set_str(&c->st.reauth_reason, why.buf);
			strbuf_release(&why);
			save_or_fail(c, err);
			ret = reauth_message(c, err);
			break;
		}
		/* fall through */
	default:
		strbuf_addf(err, "account '%s': %s", c->name, msg.buf);
		ret = r == HTTP_BAD_REQUEST || r == HTTP_UNAUTHORIZED ||
		      r == HTTP_FORBIDDEN ? SP_BAD_REQUEST : SP_UNAVAILABLE;
	}
	free(oerr);
	strbuf_release(&msg);
	return ret;
}

static enum sp_result build_url(struct spotify_client *c, const char *p,
				struct strbuf *url, struct strbuf *err)
{
	const char *base = config_get(c->cfg, "spotify.api_url");
	size_t n = strlen(base);

	if (!strncmp(p, "http://", 7) || !strncmp(p, "https://", 8)) {
		/* The bearer token goes only to the configured API host. */
		if (strncmp(p, base, n) || (p[n] != '/' && p[n] != '\0')) {
			strbuf_addf(err, "refusing to send a token to \"%.80s\" "
				    "(not under spotify.api_url)", p);
			return SP_BAD_REQUEST;
		}
		strbuf_addstr(url, p);
	} else {
		strbuf_addf(url, "%s%s%s", base, p[0] == '/' ? "" : "/", p);
	}
	return SP_OK;
}

/* "GET /v1/me/player/recently-played" for messages: no query string. */
static char *label(const char *path)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "GET %.*s", (int)strcspn(path, "?"), path);
	return strbuf_detach(&sb, NULL);
}

static enum sp_result map_result(enum http_result r)
{
	switch (r) {
	case HTTP_OK: return SP_OK;
	case HTTP_NOT_FOUND: return SP_NOT_FOUND;
	case HTTP_FORBIDDEN: return SP_FORBIDDEN;
	case HTTP_RATE_LIMITED: return SP_RATE_LIMITED;
	case HTTP_BAD_REQUEST:
	case HTTP_UNAUTHORIZED: return SP_BAD_REQUEST;
	default: return SP_UNAVAILABLE;
	}
}

enum sp_result spotify_get(struct spotify_client *c, const char *path_or_url,
			   struct strbuf *out, struct strbuf *err)
{
	struct strbuf url = STRBUF_INIT, msg = STRBUF_INIT;
	struct http_request req = { 0 };
	struct http_response res;
	enum sp_result ret;
	enum http_result r;
	int refreshed = 0;
	int64_t nb = 0;
	char *what = NULL;

	http_response_init(&res);
	if (c->st.needs_reauth) {
		ret = reauth_message(c, err);
		goto out;
	}
	merge_app_not_before(c);
	if (c->st.not_before_ms > time_now_ms()) {
		ret = limited_message(c, 0, err);
		goto out;
	}
	if ((ret = build_url(c, path_or_url, &url, err)) != SP_OK)
		goto out;
	if (!c->st.access_token ||
	    c->st.expires_ms <= time_now_ms() + EXPIRY_MARGIN_MS) {
		if ((ret = refresh(c, err)) != SP_OK)
			goto out;
		refreshed = 1;
	}
	what = label(url.buf + strlen(config_get(c->cfg, "spotify.api_url")));
	req.url = url.buf;
	req.timeout_s = config_get_int(c->cfg, "spotify.timeout");
	for (;;) {
		req.bearer = c->st.access_token;
		strbuf_reset(&msg);
		r = sp_perform(c->http, &c->pol, &req, &res, what, &nb,
			       &msg);
		if (r != HTTP_UNAUTHORIZED || refreshed)
			break;
		/* The token died early (revoked, clock skew): refresh once. */
		if ((ret = refresh(c, err)) != SP_OK)
			goto out;
		refreshed = 1;
	}
	if (r == HTTP_OK) {
		if (strbuf_add(out, res.body.buf, res.body.len)) {
			strbuf_addstr(err, "answer too large for the buffer");
			ret = SP_UNAVAILABLE;
			goto out;
		}
		ret = SP_OK;
		goto out;
	}
	if (r == HTTP_RATE_LIMITED) {
		c->st.not_before_ms = nb;
		account_set_app_not_before(c->data_dir, nb);
		save_or_fail(c, err);
		ret = limited_message(c, 1, err);
		goto out;
	}
	strbuf_addf(err, "account '%s': %s", c->name, msg.buf);
	ret = map_result(r);
out:
	http_response_release(&res);
	strbuf_release(&url);
	strbuf_release(&msg);
	free(what);
	return ret;
}
