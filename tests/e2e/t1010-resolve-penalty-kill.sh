#!/usr/bin/env bash
# issue 10: 'spinlog resolve' under a Retry-After of 74,214 s (the penalty
# your_spotify #622 saw) asks nothing while it lasts, in a later process too,
# and says until when; a resolve killed with -9 part way goes on where it
# stopped, asking again at most the one name whose answer it never read.
# Truth: the extended export of the same plays (lib-resolve.sh).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-etl.sh"
. "$(dirname "$0")/lib-resolve.sh"

resolve_fixture
pairs=$PAIRS
check "names without ids ($pairs)" test "$pairs" -gt 20

# 1. a 20-hour penalty: one request meets it, and nothing more is asked
export SPINLOG_SPOTIFY_MAX_WAIT=1
sim_post /_sim/requests/reset >/dev/null
sim_post "/_sim/faults?rate_429=1&retry_after=74214" >/dev/null
sl resolve >"$T/p1.out" 2>"$T/p1.err"
check "resolve under the penalty exits 0 (nothing is lost)" test $? -eq 0
sed 's/^/# /' "$T/p1.out" "$T/p1.err"
is "one search met the penalty" "$(requests 'GET /v1/search')" 1
check "it says until when" grep -qE "run again after [0-9]{4}-" "$T/p1.out" "$T/p1.err"
check "and how much is pending" grep -qE " [1-9][0-9]* pending" "$T/p1.out" "$T/p1.err"
is "no play got an id" "$(db "SELECT count(*) FROM plays WHERE track_id IS NOT NULL")" 0
sim_post /_sim/faults >/dev/null
sim_post /_sim/requests/reset >/dev/null
sl resolve >"$T/p2.out" 2>"$T/p2.err"
sed 's/^/# /' "$T/p2.out" "$T/p2.err"
is "a later process asks nothing while the penalty lasts" "$(requests 'GET /v1/search')" 0
is "and calls nothing early" "$(sim_get /_sim/requests | jq '.early_calls // 0')" 0
check "it still says until when" grep -qE "run again after [0-9]{4}-" "$T/p2.out" "$T/p2.err"
nb=$(jq -r '.not_before_ms' "$DATA/accounts/main.json")
now=$(( $(date +%s) * 1000 ))
check "the penalty is kept: not before now + 74,000 s ($nb)" test "$nb" -gt $((now + 74000000))

# 2. the penalty is over (as 20 hours later): kill -9 part way, then go on
# (the account file keeps the penalty; the test moves it into the past, and
# the simulator forgets its own)
jq '.not_before_ms = 0' "$DATA/accounts/main.json" >"$T/acct.json" && cat "$T/acct.json" >"$DATA/accounts/main.json"
rm -f "$DATA/accounts/.app-not-before"
sim_post /_sim/requests/reset >/dev/null
sim_post "/_sim/faults?penalties=over&rate_slow=1&slow_ms=150" >/dev/null
# (the binary itself, not the sl function, so the kill reaches it)
"$SPINLOG" --data-dir "$DATA" resolve >"$T/k1.out" 2>&1 &
pid=$!
for i in $(seq 1 200); do
	[ "$(requests 'GET /v1/search')" -ge 5 ] && break
	sleep 0.1
done
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
asked=$(requests 'GET /v1/search')
check "the kill landed part way ($asked of at most $pairs asked)" test "$asked" -ge 5 -a "$asked" -lt "$pairs"
sim_post /_sim/faults >/dev/null
sl resolve >"$T/k2.out" 2>"$T/k2.err"
check "the next resolve runs" test $? -eq 0
sed 's/^/# /' "$T/k2.out"
total=$(requests 'GET /v1/search')
check "requests over both runs ($total) <= names ($pairs) + the one in flight" \
	test "$total" -le $((pairs + 1))

mkdir -p "$T/ext" && unzip -q -o "$T/extended.zip" -d "$T/ext"
jq -r '.[] | select(.spotify_track_uri != null) | "\(.ts | fromdateiso8601 / 60 | floor)|\(.ms_played)|\(.spotify_track_uri | sub("spotify:track:"; ""))"' \
	"$T"/ext/*/Streaming_History_Audio_*.json | sort -u >"$T/truth.txt"
db "SELECT (played_ms / 60000) || '|' || ms_played || '|' || track_id FROM plays WHERE track_id IS NOT NULL" | sort -u >"$T/got.txt"
resolved=$(wc -l <"$T/got.txt" | tr -d " ")
check "plays resolved after the kill ($resolved)" test "$resolved" -gt 0
given=$(grep -oE '[0-9]+ plays given an id' "$T/k2.out" | grep -oE '^[0-9]+')
k1=$(grep -oE '[0-9]+ plays given an id' "$T/k1.out" | grep -oE '^[0-9]+' || echo 0)
is "the run says how many plays it gave an id (killed run: ${k1:-0})" "$(( ${given:-0} + ${k1:-0} ))" "$resolved"
is "every id given is the true one" "$(comm -23 "$T/got.txt" "$T/truth.txt" | wc -l | tr -d " ")" 0
sim_post /_sim/requests/reset >/dev/null
sl resolve >"$T/k3.out" 2>&1
is "a third run asks nothing" "$(requests 'GET /v1/search')" 0
done_testing
