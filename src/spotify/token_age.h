/*
 * The refresh token's age: Spotify's refresh tokens stop working about 6
 * months after the authorisation that made them (a new authorisation is
 * the only cure). One rule for every command that warns of it: 'status',
 * 'collect' and the daemon's log (once a day).
 *
 * Ownership: token_age_warning appends to the caller's buffer.
 */
#ifndef SPOTIFY_TOKEN_AGE_H
#define SPOTIFY_TOKEN_AGE_H

#include <stdint.h>

#include "core/strbuf.h"
#include "spotify/account.h"

#define TOKEN_AGE_DAY_MS (86400000LL)
#define TOKEN_AGE_WARN_MS (150 * TOKEN_AGE_DAY_MS) /* a month before... */
#define TOKEN_AGE_EXPIRY_MS (182 * TOKEN_AGE_DAY_MS) /* ...6 months */

enum token_age { TOKEN_AGE_OK, TOKEN_AGE_SOON, TOKEN_AGE_EXPIRED };

/*
 * What the age of st's authorisation at now says (TOKEN_AGE_OK also when
 * the time is unknown or the account already needs re-authorisation,
 * which is said otherwise). Unless OK, appends the warning for account
 * name to out ("the refresh token expires ... run 'spinlog auth ...'").
 */
enum token_age token_age_warning(const struct account_state *st, int64_t now,
				 const char *name, struct strbuf *out);

#endif
