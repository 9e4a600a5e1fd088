#!/usr/bin/env bash
# A token refresh that gets an answer other than new tokens (here a 5xx,
# every time) is no longer in flight: the marker that makes status and a
# later refusal speak of a lost answer is cleared, and the stored refresh
# token still works once the server is back. (A refresh with no answer at
# all keeps the marker: t0208.)
. "$(dirname "$0")/lib.sh"
start_sim --seed 13 --token-ttl 60
authorize main user1
advance 20 # the access token expires: the next collect must refresh
# ... and the client knows it, so it refreshes before any API call
jq '.expires_ms = 0' "$DATA/accounts/main.json" >"$T/acct" && cat "$T/acct" >"$DATA/accounts/main.json"
sim_post "/_sim/faults?rate_5xx=1" >/dev/null
sl collect >"$T/c1.out" 2>"$T/c1.err"
rc=$?
check "a collect whose refresh gets 5xx fails" test "$rc" -ne 0
sed 's/^/# /' "$T/c1.err"
check "it was the refresh that failed" grep -q "token" "$T/c1.err"
is "the refresh is not left in flight after an answer" \
	"$(jq -r .refresh_sent_ms "$DATA/accounts/main.json")" 0
is "the account is not marked dead" "$(jq -r .needs_reauth "$DATA/accounts/main.json")" false
sl status >"$T/status" 2>&1
check "status does not speak of a lost answer" sh -c "! grep -q 'got no answer\|was lost' '$T/status'"
sim_post "/_sim/faults" >/dev/null
sl collect >"$T/c2.out" 2>"$T/c2.err"
is "the stored refresh token works once the server is back" "$?" 0
done_testing
