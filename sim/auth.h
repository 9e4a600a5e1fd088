/*
 * auth.h - the simulated Spotify accounts service: authorization codes with
 * PKCE, single-use rotating refresh tokens that expire six simulated months
 * after the user authorised, and access tokens that expire on the simulated
 * clock. struct auth owns every code and token; strings it returns are
 * borrowed and stay valid until auth_release.
 */
#ifndef SIM_AUTH_H
#define SIM_AUTH_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

struct auth_code;
struct auth_refresh;
struct auth_access;

struct auth {
	uint64_t counter, seed;
	int64_t access_ttl_ms;
	struct auth_code *codes;
	size_t ncodes, codes_alloc;
	struct auth_refresh *refresh;
	size_t nrefresh, refresh_alloc;
	struct auth_access *access;
	size_t naccess, access_alloc;
};

/* The parameters of POST /api/token; absent ones are NULL. */
struct auth_token_req {
	const char *grant_type, *code, *redirect_uri, *client_id, *code_verifier, *refresh_token;
};

void auth_init(struct auth *a, uint64_t seed, int64_t access_ttl_ms);
void auth_release(struct auth *a);

/* Issues a code for user u (0-based) at simulated time now; borrowed string. */
const char *auth_new_code(struct auth *a, int u, const char *client_id, const char *redirect_uri,
			  const char *challenge, const char *scope, int64_t now);

/* Answers POST /api/token: sets *status and returns a new JSON body. */
cJSON *auth_token(struct auth *a, const struct auth_token_req *req, int64_t now, int *status);

/*
 * Checks an Authorization header value. Returns the user index, or -1 when
 * the header is missing or malformed, -2 for an unknown or expired token.
 */
int auth_bearer(const struct auth *a, const char *header, int64_t now);

/* Fault helpers: expire every access token issued so far; revoke user u's
 * refresh tokens; make every refresh token user u was issued work again
 * (spent ones too: a test replays a refresh from a saved account file). */
void auth_expire_all(struct auth *a);
void auth_revoke_user(struct auth *a, int u);
void auth_unrevoke_user(struct auth *a, int u);

#endif
