#include <errno.h>
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
	int lock_fd;          /* the account lock while held, else -1 */
	int64_t lock_wait_ms;
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
	c->lock_fd = -1;
	c->lock_wait_ms = config_get_int(cfg, "collect.lock_wait") * 1000;
	return c;
}

void spotify_client_free(struct spotify_client *c)
{
	if (!c)
		return;
	account_unlock(c->lock_fd);
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

/*
 * Takes the account lock and reloads the state another process may have
 * changed while this one waited. A lock kept by another process is
 * SP_UNAVAILABLE (errno EWOULDBLOCK): try again later.
 */
static enum sp_result take_lock(struct spotify_client *c, struct strbuf *err)
{
	struct account_state fresh = ACCOUNT_STATE_INIT;
	long holder;
	int fd = account_lock(c->data_dir, c->name, c->lock_wait_ms, &holder, err);

	if (fd < 0 && errno == EWOULDBLOCK) {
		strbuf_addf(err, "another spinlog is collecting '%s' (pid %ld); "
			    "gave up after %lld s", c->name, holder,
			    (long long)(c->lock_wait_ms / 1000));
		errno = EWOULDBLOCK;
		return SP_UNAVAILABLE;
	}
	if (fd < 0)
		return SP_UNAVAILABLE;
	if (account_load(c->data_dir, c->name, &fresh, err)) {
		int e = errno;
		account_unlock(fd);
		errno = e;
		return e == ENOENT ? SP_NO_ACCOUNT : SP_UNAVAILABLE;
	}
	account_state_release(&c->st);
	c->st = fresh;
	c->lock_fd = fd;
	return SP_OK;
}

int spotify_client_lock(struct spotify_client *c, struct strbuf *err)
{
	if (c->lock_fd >= 0)
		return 0;
	errno = 0;
	return take_lock(c, err) == SP_OK ? 0 : -1;
}

/*
 * For a change to the account file by a client that does not hold the
 * lock (the ETL's): *took says whether it was taken here, for lock_end.
 */
static enum sp_result lock_begin(struct spotify_client *c, int *took,
				 struct strbuf *err)
{
	enum sp_result r = SP_OK;

	*took = 0;
	if (c->lock_fd < 0 && (r = take_lock(c, err)) == SP_OK)
		*took = 1;
	return r;
}

static void lock_end(struct spotify_client *c, int took)
{
	if (took) {
		account_unlock(c->lock_fd);
		c->lock_fd = -1;
	}
}

static enum sp_result save_or_fail(struct spotify_client *c, struct strbuf *err)
{
	if (account_save(c->data_dir, c->name, &c->st, err))
		return SP_UNAVAILABLE;
	return SP_OK;
}

/* Marks the account "needs re-auth" for why and answers SP_REAUTH. */
static enum sp_result refused(struct spotify_client *c, const char *why,
			      struct strbuf *err)
{
	c->st.needs_reauth = 1;
	account_set_str(&c->st.reauth_reason, why);
	save_or_fail(c, err);
	return reauth_message(c, err);
}

/*
 * Refresh tokens are single-use: once the accounts service has answered a
 * refresh, the old token is dead. A refusal after a refresh whose answer
 * never arrived (this process saw a network error, or an earlier one left
 * refresh_sent_ms behind) almost surely means that answer was lost with
 * the only copy of the new token, and the message says so.
 */
static enum sp_result invalid_grant(struct spotify_client *c, int64_t lost_ms,
				    struct strbuf *err)
{
	struct strbuf why = STRBUF_INIT;
	char iso[TIME_ISO_MAX];
	enum sp_result ret;

	time_format_iso(lost_ms ? lost_ms : time_now_ms(), iso);
	if (lost_ms)
		strbuf_addf(&why, "the answer to the token refresh sent at %s "
			    "was lost, and refresh tokens are single-use: "
			    "Spotify rotated it but spinlog never received the "
			    "new one", iso);
	else
		strbuf_addf(&why, "refresh token refused at %s", iso);
	ret = refused(c, why.buf, err);
	strbuf_release(&why);
	return ret;
}

/* What to do after the token endpoint answered r (lock held). */
static enum sp_result refresh_outcome(struct spotify_client *c,
				      enum http_result r, int64_t nb,
				      const char *oerr, int64_t lost_ms, int answered,
				      const struct strbuf *msg, struct strbuf *err)
{
	switch (r) {
	case HTTP_OK:
		c->st.refresh_sent_ms = 0;
		if (save_or_fail(c, err) != SP_OK)
			return SP_UNAVAILABLE;
		log_debug("account '%s': access token refreshed", c->name);
		return SP_OK;
	case HTTP_RATE_LIMITED:
		c->st.refresh_sent_ms = 0; /* an answer: the token was not used */
		c->st.not_before_ms = nb;
		account_set_app_not_before(c->data_dir, nb);
		save_or_fail(c, err);
		return limited_message(c, 1, err);
	case HTTP_BAD_REQUEST:
	case HTTP_UNAUTHORIZED:
		if (oerr && !strcmp(oerr, "invalid_grant"))
			return invalid_grant(c, lost_ms, err);
		/* fall through */
	default:
		/*
		 * Any other answer (a 5xx, a 403, a 400 that is not
		 * invalid_grant) came back without a rotated token: the refresh
		 * is no longer in flight, or a later refusal would be blamed on
		 * a lost answer. No answer at all keeps the marker.
		 */
		if (answered) {
			c->st.refresh_sent_ms = 0;
			if (save_or_fail(c, err) != SP_OK)
				strbuf_addstr(err, "; ");
		}
		strbuf_addf(err, "account '%s': %s", c->name, msg->buf);
		return r == HTTP_BAD_REQUEST || r == HTTP_UNAUTHORIZED ||
		       r == HTTP_FORBIDDEN ? SP_BAD_REQUEST : SP_UNAVAILABLE;
	}
}

/*
 * Gets a new access token with the refresh token, with the account lock
 * held. The window in which a crash loses the account (Spotify has rotated
 * the token, the new one is not on disk) is kept to the answer's way back
 * plus one write: "refresh in flight" is saved before the request, and the
 * answer is written and fsynced (file and folder) before anything else.
 */
static enum sp_result refresh_locked(struct spotify_client *c,
				     struct strbuf *err)
{
	struct strbuf form = STRBUF_INIT, msg = STRBUF_INIT;
	struct sp_policy pol = c->pol;
	int64_t nb = 0, lost_ms = c->st.refresh_sent_ms;
	int unanswered = 0;
	char *oerr = NULL;
	enum http_result r;
	enum sp_result ret;

	if (c->st.needs_reauth)
		return reauth_message(c, err);
	if (!c->st.refresh_token)
		return refused(c, "no refresh token stored", err);
	c->st.refresh_sent_ms = time_now_ms();
	if (save_or_fail(c, err) != SP_OK)
		return SP_UNAVAILABLE;
	pol.unanswered = &unanswered;
	oauth_refresh_form(c->cfg, c->st.refresh_token, &form);
	r = oauth_token_request(c->http, c->cfg, &pol, form.buf, &c->st, &nb,
				&oerr, &msg);
	memset(form.buf, 0, form.len);
	strbuf_release(&form);
	if (unanswered && !lost_ms)
		lost_ms = c->st.refresh_sent_ms;
	ret = refresh_outcome(c, r, nb, oerr, lost_ms, !unanswered && r != HTTP_NETWORK,
			      &msg, err);
	free(oerr);
	strbuf_release(&msg);
	return ret;
}

/*
 * Refreshes under the account lock. A client without the lock (the ETL's)
 * takes it for the refresh and reloads the state first: when another
 * process has refreshed meanwhile, its fresh access token is used instead
 * of spending the refresh token a second time.
 */
static enum sp_result refresh(struct spotify_client *c, struct strbuf *err)
{
	char *had = c->st.access_token ? xstrdup(c->st.access_token) : NULL;
	enum sp_result ret;
	int took;

	if ((ret = lock_begin(c, &took, err)) != SP_OK)
		goto out;
	if (took && !c->st.needs_reauth && c->st.access_token &&
	    (!had || strcmp(had, c->st.access_token)) &&
	    c->st.expires_ms > time_now_ms() + EXPIRY_MARGIN_MS)
		ret = SP_OK; /* refreshed by another process while we waited */
	else
		ret = refresh_locked(c, err);
	lock_end(c, took);
out:
	if (had) {
		memset(had, 0, strlen(had));
		free(had);
	}
	return ret;
}

/* Keeps a rate-limit penalty in the account file, under the lock. */
static enum sp_result save_not_before(struct spotify_client *c, int64_t nb,
				      struct strbuf *err)
{
	int took;

	account_set_app_not_before(c->data_dir, nb);
	if (lock_begin(c, &took, err) != SP_OK) {
		c->st.not_before_ms = nb;
		return limited_message(c, 1, err);
	}
	if (nb > c->st.not_before_ms)
		c->st.not_before_ms = nb;
	save_or_fail(c, err);
	lock_end(c, took);
	return limited_message(c, 1, err);
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
		ret = save_not_before(c, nb, err);
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
