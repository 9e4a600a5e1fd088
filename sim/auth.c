/*
 * Tokens are random-looking strings drawn from a counter-driven generator
 * seeded from --seed, so runs are reproducible. Nothing is ever deleted:
 * a simulator run is short, and keeping used codes lets reuse be reported
 * precisely.
 */
#include "auth.h"

#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/strbuf.h"
#include "core/xalloc.h"
#include "rng.h"
#include "core/banned.h"

#define REFRESH_MONTHS 6

struct auth_code {
	char *code, *client_id, *redirect_uri, *challenge, *scope;
	int user, used;
	int64_t issued;
};

struct auth_refresh {
	char *token, *client_id, *scope;
	int user, revoked;
	int64_t authorised; /* when the user authorised: expiry counts from it */
};

struct auth_access {
	char *token;
	int user, expired;
	int64_t expires;
};

void auth_init(struct auth *a, uint64_t seed, int64_t access_ttl_ms)
{
	memset(a, 0, sizeof(*a));
	a->seed = seed;
	a->access_ttl_ms = access_ttl_ms;
}

void auth_release(struct auth *a)
{
	for (size_t i = 0; i < a->ncodes; i++) {
		struct auth_code *c = &a->codes[i];
		free(c->code);
		free(c->client_id);
		free(c->redirect_uri);
		free(c->challenge);
		free(c->scope);
	}
	for (size_t i = 0; i < a->nrefresh; i++) {
		free(a->refresh[i].token);
		free(a->refresh[i].client_id);
		free(a->refresh[i].scope);
	}
	for (size_t i = 0; i < a->naccess; i++)
		free(a->access[i].token);
	free(a->codes);
	free(a->refresh);
	free(a->access);
	memset(a, 0, sizeof(*a));
}

static char *new_token(struct auth *a, const char *prefix, int len)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	struct rng r;
	struct strbuf sb = STRBUF_INIT;
	rng_init(&r, a->seed, 0x70c3e, ++a->counter);
	strbuf_addstr(&sb, prefix);
	for (int i = 0; i < len; i++)
		strbuf_addch(&sb, alphabet[rng_next(&r) % 64]);
	return strbuf_detach(&sb, NULL);
}

static char *dup_or_empty(const char *s)
{
	return xstrdup(s ? s : "");
}

const char *auth_new_code(struct auth *a, int u, const char *client_id, const char *redirect_uri,
			  const char *challenge, const char *scope, int64_t now)
{
	struct auth_code *c;
	ALLOC_GROW(a->codes, a->ncodes + 1, a->codes_alloc);
	c = &a->codes[a->ncodes++];
	c->code = new_token(a, "AQ", 120);
	c->client_id = dup_or_empty(client_id);
	c->redirect_uri = dup_or_empty(redirect_uri);
	c->challenge = dup_or_empty(challenge);
	c->scope = dup_or_empty(scope);
	c->user = u;
	c->used = 0;
	c->issued = now;
	return c->code;
}

static cJSON *oauth_error(int *status, int code, const char *error, const char *desc)
{
	cJSON *o = cJSON_CreateObject();
	*status = code;
	cJSON_AddStringToObject(o, "error", error);
	cJSON_AddStringToObject(o, "error_description", desc);
	return o;
}

/* 1 if base64url(SHA-256(verifier)) without padding equals challenge. */
static int pkce_ok(const char *verifier, const char *challenge)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	unsigned char md[SHA256_DIGEST_LENGTH];
	char out[64];
	size_t n = strlen(verifier), o = 0;
	if (n < 43 || n > 128)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~", verifier[i]))
			return 0;
	SHA256((const unsigned char *)verifier, n, md);
	for (int i = 0; i < SHA256_DIGEST_LENGTH; i += 3) {
		unsigned v = (unsigned)md[i] << 16;
		int left = SHA256_DIGEST_LENGTH - i;
		if (left > 1)
			v |= (unsigned)md[i + 1] << 8;
		if (left > 2)
			v |= md[i + 2];
		out[o++] = b64[(v >> 18) & 63];
		out[o++] = b64[(v >> 12) & 63];
		if (left > 1)
			out[o++] = b64[(v >> 6) & 63];
		if (left > 2)
			out[o++] = b64[v & 63];
	}
	out[o] = '\0';
	return !strcmp(out, challenge);
}

/* Six calendar months after t (ms), on the UTC calendar. */
static int64_t add_months(int64_t t, int months)
{
	time_t s = (time_t)(t / 1000);
	struct tm tm;
	gmtime_r(&s, &tm);
	tm.tm_mon += months;
	return (int64_t)timegm(&tm) * 1000 + t % 1000;
}

static cJSON *grant(struct auth *a, int user, const char *client_id, const char *scope, int64_t authorised,
		    int64_t now, int *status)
{
	struct auth_access *ac;
	struct auth_refresh *rt;
	cJSON *o = cJSON_CreateObject();

	ALLOC_GROW(a->access, a->naccess + 1, a->access_alloc);
	ac = &a->access[a->naccess++];
	ac->token = new_token(a, "BQ", 150);
	ac->user = user;
	ac->expired = 0;
	ac->expires = now + a->access_ttl_ms;

	ALLOC_GROW(a->refresh, a->nrefresh + 1, a->refresh_alloc);
	rt = &a->refresh[a->nrefresh++];
	rt->token = new_token(a, "AQ", 130);
	rt->client_id = dup_or_empty(client_id);
	rt->scope = dup_or_empty(scope);
	rt->user = user;
	rt->revoked = 0;
	rt->authorised = authorised;

	*status = 200;
	cJSON_AddStringToObject(o, "access_token", ac->token);
	cJSON_AddStringToObject(o, "token_type", "Bearer");
	cJSON_AddStringToObject(o, "scope", scope);
	cJSON_AddNumberToObject(o, "expires_in", 3600);
	cJSON_AddStringToObject(o, "refresh_token", rt->token);
	return o;
}

static cJSON *by_code(struct auth *a, const struct auth_token_req *req, int64_t now, int *status)
{
	struct auth_code *c = NULL;
	if (!req->code || !req->redirect_uri || !req->code_verifier)
		return oauth_error(status, 400, "invalid_request",
				   "code, redirect_uri and code_verifier are required");
	for (size_t i = 0; i < a->ncodes; i++)
		if (!strcmp(a->codes[i].code, req->code))
			c = &a->codes[i];
	if (!c || c->used)
		return oauth_error(status, 400, "invalid_grant", "Invalid authorization code");
	if (strcmp(c->redirect_uri, req->redirect_uri))
		return oauth_error(status, 400, "invalid_grant", "Invalid redirect URI");
	if (req->client_id && strcmp(c->client_id, req->client_id))
		return oauth_error(status, 400, "invalid_client", "Invalid client");
	if (!pkce_ok(req->code_verifier, c->challenge))
		return oauth_error(status, 400, "invalid_grant", "code_verifier was incorrect");
	c->used = 1;
	return grant(a, c->user, c->client_id, c->scope, now, now, status);
}

static cJSON *by_refresh(struct auth *a, const struct auth_token_req *req, int64_t now, int *status)
{
	struct auth_refresh *rt = NULL;
	if (!req->refresh_token)
		return oauth_error(status, 400, "invalid_request", "refresh_token must be supplied");
	if (!req->client_id)
		return oauth_error(status, 400, "invalid_client", "Invalid client");
	for (size_t i = 0; i < a->nrefresh; i++)
		if (!strcmp(a->refresh[i].token, req->refresh_token))
			rt = &a->refresh[i];
	if (!rt)
		return oauth_error(status, 400, "invalid_grant", "Invalid refresh token");
	if (strcmp(rt->client_id, req->client_id))
		return oauth_error(status, 400, "invalid_client", "Invalid client");
	if (rt->revoked)
		return oauth_error(status, 400, "invalid_grant", "Refresh token revoked");
	if (now >= add_months(rt->authorised, REFRESH_MONTHS))
		return oauth_error(status, 400, "invalid_grant", "Refresh token expired");
	rt->revoked = 1;
	/* grant() may move the array: copy what it needs first */
	int user = rt->user;
	int64_t authorised = rt->authorised;
	char *client = xstrdup(rt->client_id), *scope = xstrdup(rt->scope);
	cJSON *o = grant(a, user, client, scope, authorised, now, status);
	free(client);
	free(scope);
	return o;
}

cJSON *auth_token(struct auth *a, const struct auth_token_req *req, int64_t now, int *status)
{
	if (!req->grant_type)
		return oauth_error(status, 400, "invalid_request", "grant_type must be supplied");
	if (!strcmp(req->grant_type, "authorization_code"))
		return by_code(a, req, now, status);
	if (!strcmp(req->grant_type, "refresh_token"))
		return by_refresh(a, req, now, status);
	return oauth_error(status, 400, "unsupported_grant_type", "grant_type parameter is invalid");
}

int auth_bearer(const struct auth *a, const char *header, int64_t now)
{
	if (!header || strncmp(header, "Bearer ", 7) || !header[7])
		return -1;
	for (size_t i = 0; i < a->naccess; i++) {
		const struct auth_access *ac = &a->access[i];
		if (strcmp(ac->token, header + 7))
			continue;
		if (ac->expired || now >= ac->expires)
			return -2;
		return ac->user;
	}
	return -2;
}

void auth_expire_all(struct auth *a)
{
	for (size_t i = 0; i < a->naccess; i++)
		a->access[i].expired = 1;
}

void auth_revoke_user(struct auth *a, int u)
{
	for (size_t i = 0; i < a->nrefresh; i++)
		if (a->refresh[i].user == u)
			a->refresh[i].revoked = 1;
}

void auth_unrevoke_user(struct auth *a, int u)
{
	for (size_t i = 0; i < a->nrefresh; i++)
		if (a->refresh[i].user == u)
			a->refresh[i].revoked = 0;
}
