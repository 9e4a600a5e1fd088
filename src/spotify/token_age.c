/* The refresh token's age (token_age.h). */
#include "spotify/token_age.h"
#include "core/banned.h"

enum token_age token_age_warning(const struct account_state *st, int64_t now,
				 const char *name, struct strbuf *out)
{
	int64_t age = now - st->authorized_ms;

	if (!st->authorized_ms || st->needs_reauth || age < TOKEN_AGE_WARN_MS)
		return TOKEN_AGE_OK;
	if (age >= TOKEN_AGE_EXPIRY_MS) {
		strbuf_addf(out, "the refresh token of '%s' has most likely "
			    "expired (6 months after authorisation); run "
			    "'spinlog auth --account %s'", name, name);
		return TOKEN_AGE_EXPIRED;
	}
	strbuf_addf(out, "the refresh token of '%s' expires about 6 months "
		    "after authorisation (in %lld days); run 'spinlog auth "
		    "--account %s' soon", name,
		    (long long)((TOKEN_AGE_EXPIRY_MS - age) / TOKEN_AGE_DAY_MS), name);
	return TOKEN_AGE_SOON;
}
