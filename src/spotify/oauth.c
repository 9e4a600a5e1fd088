#include <cjson/cJSON.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/xalloc.h"
#include "spotify/oauth.h"
#include "core/banned.h"

void oauth_base64url(const unsigned char *in, size_t n, struct strbuf *out)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 |
			     in[i + 2];
		strbuf_addch(out, tab[v >> 18 & 63]);
		strbuf_addch(out, tab[v >> 12 & 63]);
		strbuf_addch(out, tab[v >> 6 & 63]);
		strbuf_addch(out, tab[v & 63]);
	}
	if (n - i == 1) {
		unsigned v = (unsigned)in[i] << 16;
		strbuf_addch(out, tab[v >> 18 & 63]);
		strbuf_addch(out, tab[v >> 12 & 63]);
	} else if (n - i == 2) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
		strbuf_addch(out, tab[v >> 18 & 63]);
		strbuf_addch(out, tab[v >> 12 & 63]);
		strbuf_addch(out, tab[v >> 6 & 63]);
	}
}

static int random_b64(size_t bytes, struct strbuf *out)
{
	unsigned char buf[64];

	if (bytes > sizeof(buf) || RAND_bytes(buf, (int)bytes) != 1)
		return -1;
	oauth_base64url(buf, bytes, out);
	memset(buf, 0, sizeof(buf));
	return 0;
}

int oauth_pkce_verifier(struct strbuf *out)
{
	return random_b64(48, out); /* 64 chars of [A-Za-z0-9-_] */
}

int oauth_random_state(struct strbuf *out)
{
	return random_b64(16, out);
}

void oauth_pkce_challenge(const char *verifier, struct strbuf *out)
{
	unsigned char md[SHA256_DIGEST_LENGTH];

	SHA256((const unsigned char *)verifier, strlen(verifier), md);
	oauth_base64url(md, sizeof(md), out);
}

static void add_param(struct strbuf *sb, const char *k, const char *v)
{
	if (sb->len && sb->buf[sb->len - 1] != '?')
		strbuf_addch(sb, '&');
	strbuf_addf(sb, "%s=", k);
	strbuf_add_urlencoded(sb, v);
}

void oauth_authorize_url(const struct config *cfg, const char *redirect_uri,
			 const char *state, const char *challenge,
			 struct strbuf *out)
{
	strbuf_addf(out, "%s/authorize?", config_get(cfg, "spotify.accounts_url"));
	add_param(out, "client_id", config_get(cfg, "spotify.client_id"));
	add_param(out, "response_type", "code");
	add_param(out, "redirect_uri", redirect_uri);
	add_param(out, "state", state);
	add_param(out, "scope", OAUTH_SCOPE);
	add_param(out, "code_challenge_method", "S256");
	add_param(out, "code_challenge", challenge);
}

void oauth_code_form(const struct config *cfg, const char *code,
		     const char *redirect_uri, const char *verifier,
		     struct strbuf *form)
{
	add_param(form, "grant_type", "authorization_code");
	add_param(form, "code", code);
	add_param(form, "redirect_uri", redirect_uri);
	add_param(form, "client_id", config_get(cfg, "spotify.client_id"));
	add_param(form, "code_verifier", verifier);
}

void oauth_refresh_form(const struct config *cfg, const char *refresh_token,
			struct strbuf *form)
{
	add_param(form, "grant_type", "refresh_token");
	add_param(form, "refresh_token", refresh_token);
	add_param(form, "client_id", config_get(cfg, "spotify.client_id"));
}

static const char *jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

enum http_result oauth_token_request(struct http *h, const struct config *cfg,
				     const struct sp_policy *pol,
				     const char *form, struct account_state *st,
				     int64_t *not_before_ms, char **oauth_error,
				     struct strbuf *err)
{
	struct http_response res;
	struct http_request req = { 0 };
	struct strbuf url = STRBUF_INIT;
	const char *secret = config_get(cfg, "spotify.client_secret");
	enum http_result r;
	cJSON *doc = NULL;
	const cJSON *exp;

	*oauth_error = NULL;
	http_response_init(&res);
	strbuf_addf(&url, "%s/api/token", config_get(cfg, "spotify.accounts_url"));
	req.method = "POST";
	req.url = url.buf;
	req.form = form;
	req.timeout_s = config_get_int(cfg, "spotify.timeout");
	req.max_body = 1 << 20;
	req.once = 1; /* a code or refresh token works once */
	if (secret && *secret) {
		req.basic_user = config_get(cfg, "spotify.client_id");
		req.basic_pass = secret;
	}
	r = sp_perform(h, pol, &req, &res, "token endpoint", not_before_ms, err);
	if (r == HTTP_BAD_REQUEST || r == HTTP_UNAUTHORIZED) {
		doc = cJSON_ParseWithLength(res.body.buf, res.body.len);
		if (jstr(doc, "error"))
			*oauth_error = xstrdup(jstr(doc, "error"));
		if (jstr(doc, "error_description"))
			strbuf_addf(err, " (%s: %s)",
				    jstr(doc, "error") ? jstr(doc, "error") : "error",
				    jstr(doc, "error_description"));
		goto out;
	}
	if (r != HTTP_OK)
		goto out;
	doc = cJSON_ParseWithLength(res.body.buf, res.body.len);
	if (!jstr(doc, "access_token")) {
		strbuf_addstr(err, "token endpoint: answer has no access_token");
		r = HTTP_SERVER_ERROR;
		goto out;
	}
	exp = cJSON_GetObjectItemCaseSensitive(doc, "expires_in");
	account_set_str(&st->access_token, jstr(doc, "access_token"));
	st->expires_ms = time_now_ms() +
			 (int64_t)(cJSON_IsNumber(exp) ? exp->valuedouble : 3600) * 1000;
	if (jstr(doc, "refresh_token"))
		account_set_str(&st->refresh_token, jstr(doc, "refresh_token"));
	if (jstr(doc, "scope"))
		account_set_str(&st->scope, jstr(doc, "scope"));
out:
	if (res.body.alloc)
		memset(res.body.buf, 0, res.body.len);
	if (doc) {
		/* Wipe token strings before freeing the tree. */
		cJSON *it;
		cJSON_ArrayForEach(it, doc)
			if (cJSON_IsString(it) && it->valuestring)
				memset(it->valuestring, 0, strlen(it->valuestring));
	}
	cJSON_Delete(doc);
	http_response_release(&res);
	strbuf_release(&url);
	return r;
}
