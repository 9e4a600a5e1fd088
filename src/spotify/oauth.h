/*
 * OAuth 2.0 authorization code with PKCE, as Spotify's accounts service
 * speaks it (see ../shared/docs/spotify-platform.md). Strings are appended
 * to caller buffers; secrets (verifier, codes, tokens) never go to logs.
 */
#ifndef SPOTIFY_OAUTH_H
#define SPOTIFY_OAUTH_H

#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/http.h"
#include "core/strbuf.h"
#include "spotify/account.h"
#include "spotify/retry.h"

#define OAUTH_SCOPE "user-read-recently-played"

/* base64url without padding (RFC 4648 section 5). */
void oauth_base64url(const unsigned char *in, size_t n, struct strbuf *out);
/* A fresh verifier of 64 chars from RAND_bytes; -1 if no randomness. */
int oauth_pkce_verifier(struct strbuf *out);
/* base64url(SHA-256(verifier)), no padding. */
void oauth_pkce_challenge(const char *verifier, struct strbuf *out);
/* A random state value (22 chars). */
int oauth_random_state(struct strbuf *out);
/* <accounts_url>/authorize?client_id=...&code_challenge=... */
void oauth_authorize_url(const struct config *cfg, const char *redirect_uri,
			 const char *state, const char *challenge,
			 struct strbuf *out);

/*
 * POSTs form to <accounts_url>/api/token with the retry policy and, on
 * success, stores the answer's access token, expiry, scope and (when one
 * came) refresh token in st; the caller persists st. On a 400/401 answer,
 * *oauth_error gets the OAuth "error" code (e.g. "invalid_grant", owned by
 * the caller, may be NULL) and err its description.
 */
enum http_result oauth_token_request(struct http *h, const struct config *cfg,
				     const struct sp_policy *pol,
				     const char *form, struct account_state *st,
				     int64_t *not_before_ms, char **oauth_error,
				     struct strbuf *err);
/* Appends the form for an authorization code exchange. */
void oauth_code_form(const struct config *cfg, const char *code,
		     const char *redirect_uri, const char *verifier,
		     struct strbuf *form);
/* Appends the form for a refresh. */
void oauth_refresh_form(const struct config *cfg, const char *refresh_token,
			struct strbuf *form);

#endif
