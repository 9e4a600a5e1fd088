#!/usr/bin/env bash
# invalid_grant marks the account as needing re-auth and keeps its
# credentials while the other account still collects; a long Retry-After is
# persisted and the next run makes no request at all.
. "$(dirname "$0")/lib.sh"
start_sim --seed 3 --users 2
authorize a user1
authorize b user2
advance 60
sl collect >/dev/null 2>&1
is "both accounts collect" "$?" 0
rt_before=$(jq -r .refresh_token "$DATA/accounts/a.json")

# Revoke a's refresh token and expire every access token.
sim_post "/_sim/faults?revoke_refresh=user1&expire_access=1" >/dev/null
advance 20
sl collect >"$T/c.out" 2>"$T/c.err"
is "collect fails when one account fails" "$?" 1
check "the other account still collected" grep -q "^b: " "$T/c.out"
check "the error says how to fix it" grep -q "spinlog auth --account a" "$T/c.err"
is "a is marked as needing re-auth" "$(jq -r .needs_reauth "$DATA/accounts/a.json")" true
is "a's refresh token is kept" "$(jq -r .refresh_token "$DATA/accounts/a.json")" "$rt_before"
sl status --account a >"$T/status.a" 2>&1
check "status says needs re-auth and how to fix it" grep -q "needs re-auth.*spinlog auth --account a" "$T/status.a"
tok=$(sim_get /_sim/requests | jq '."POST /api/token"')
sl collect --account a >/dev/null 2>&1
is "a re-auth account makes no token request" "$(sim_get /_sim/requests | jq '."POST /api/token"')" "$tok"

# Re-authorising a brings it back.
authorize a user1
is "re-auth succeeds" "$?" 0
is "needs_reauth is cleared" "$(jq -r .needs_reauth "$DATA/accounts/a.json")" false
advance 20
sl collect --account a >/dev/null 2>"$T/c3.err"
is "a collects again" "$?" 0

# A 429 with a long Retry-After: persisted, and the next run makes no call.
sim_post "/_sim/faults?rate_429=1&retry_after=3600" >/dev/null
sl --set spotify.max_wait=60 collect --account b >"$T/r.out" 2>"$T/r.err"
is "collect stops on a long Retry-After" "$?" 1
nb=$(jq -r .not_before_ms "$DATA/accounts/b.json")
now=$(($(date +%s) * 1000))
check "not_before is persisted about an hour ahead" test "$nb" -gt $((now + 3500000)) -a "$nb" -le $((now + 3700000))
sim_post "/_sim/faults" >/dev/null
before=$(sim_get /_sim/requests)
sl --set spotify.max_wait=60 collect --account b >"$T/r2.out" 2>"$T/r2.err"
is "the second collect fails too" "$?" 1
after=$(sim_get /_sim/requests)
is "the second collect made no API call" "$(echo "$after" | jq '."GET /v1/me/player/recently-played" + ."POST /api/token"')" "$(echo "$before" | jq '."GET /v1/me/player/recently-played" + ."POST /api/token"')"
is "no call during the penalty" "$(echo "$after" | jq .early_calls)" 0
check "the message says rate limited until" grep -q "rate limited until" "$T/r2.err"
# Spotify counts requests per app: the other account waits too.
sl collect --account a >/dev/null 2>"$T/r3.err"
is "the other account fails while the app is penalised" "$?" 1
is "and makes no API call either" "$(sim_get /_sim/requests | jq '."GET /v1/me/player/recently-played" + ."POST /api/token"')" "$(echo "$before" | jq '."GET /v1/me/player/recently-played" + ."POST /api/token"')"
sl status --account b >"$T/status.b" 2>&1
check "status shows the rate limit" grep -q "rate limit: *no requests before" "$T/status.b"

done_testing
