#!/usr/bin/env bash
# The collect walk of t0801 with a token refresh in every run: the access
# token has expired (--token-ttl 60, then 20 simulated minutes), so each
# collect refreshes first, and every write and fsync of that run, those of
# the account file included, is failed in turn. Refresh tokens are
# single-use, so each run is replayed: the account file comes back from
# $T/base and the simulator's replay_refresh makes the stored refresh token
# work again. The answer of the refresh is always received here (only the
# disk fails), so the account must never be left dead: the rotated token
# is on disk before anything else (doc/collect.md), and the rerun, with no
# replay, refreshes with what the failed run left. Plus the store property
# of t0801: before or complete, integrity_check ok, a rerun completes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-fault.sh"
sqlite_only "the walk restores the store by copying the data directory; a server database is not in it"
fault_skip_asan "fault injection walks every write of a collect that refreshes"

start_sim --seed 5 --token-ttl 60
authorize main user1
sim_post "/_sim/binge?user=user1&plays=30" >/dev/null
advance 20
sl status >/dev/null 2>&1
cp -a "$DATA" "$T/base"

tokens() { sim_get /_sim/requests | jq '."POST /api/token" // 0'; }
fault_prepare() {
	sim_post "/_sim/faults?replay_refresh=user1" >/dev/null
	TOKENS_BEFORE=$(tokens)
}
# The account is dead when it needs re-auth after the faulted run, or the
# rerun (which refreshes with the token the faulted run left) cannot use
# it. Runs in a subshell: what it counts goes to a file.
fault_verdict() {
	local acct="$DATA/accounts/main.json"
	[ -z "${1:-}" ] && [ "$(tokens)" -gt "$TOKENS_BEFORE" ] && echo >>"$T/rotated"
	if [ "$(jq -r .needs_reauth "$acct")" != false ]; then
		echo "the account needs re-auth${1:+ after the rerun}: $(jq -r .reauth_reason "$acct")"
	fi
}

faulted "collect with a refresh" "$(DATA=$T/base digest)" "${SL[@]}" collect
rotated=$(cat "$T/rotated" 2>/dev/null | wc -l)
echo "# in $rotated of the $WALKED faulted runs the simulator rotated the token (in the rest the fault, in opening the store, stopped the run before it)"
check "most faulted runs refreshed ($rotated of $WALKED)" test "$rotated" -ge $((WALKED / 2))
done_testing
