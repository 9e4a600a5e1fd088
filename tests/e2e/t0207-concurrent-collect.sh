#!/usr/bin/env bash
# Two processes, one refresh token. Refresh tokens are single-use (the
# simulator enforces it: a reused one gets invalid_grant), so two collects
# refreshing one account at once would lock it out. With the account lock
# the second waits for the first and uses the token it saved.
# 100 rounds of two concurrent collects, each round after the access token
# expired (--token-ttl 60, 20 simulated minutes a round), so every round
# refreshes: the account never dies, exactly one refresh happens a round,
# and the stored plays are the simulator's truth.
. "$(dirname "$0")/lib.sh"
ROUNDS=${ROUNDS:-100}
start_sim --seed 11 --users 2 --token-ttl 60
authorize main user1
sim_post /_sim/requests/reset >/dev/null

dead=0 failed=0 errs=0
for i in $(seq 1 "$ROUNDS"); do
	advance 20
	sl collect --account main >"$T/a.out" 2>"$T/a.err" & pa=$!
	sl collect --account main >"$T/b.out" 2>"$T/b.err" & pb=$!
	wait "$pa"; ra=$?
	wait "$pb"; rb=$?
	[ "$ra" -eq 0 ] && [ "$rb" -eq 0 ] || { failed=$((failed + 1)); cat "$T/a.err" "$T/b.err" >>"$T/errors"; }
	[ "$(jq -r .needs_reauth "$DATA/accounts/main.json")" = false ] || dead=$((dead + 1))
	cat "$T/a.err" "$T/b.err" >>"$T/all.err"
done
is "the account never needed re-auth in $ROUNDS rounds" "$dead" 0
is "every collect of every round succeeded" "$failed" 0
[ -s "$T/errors" ] && head -5 "$T/errors" | sed 's/^/# /'
check "no UNIQUE constraint failure" sh -c "! grep -q UNIQUE '$T/all.err'"
tokens=$(sim_get /_sim/requests | jq '."POST /api/token"')
is "exactly one refresh a round (the second collect used the saved token)" "$tokens" "$ROUNDS"
polls=$(sim_get /_sim/requests | jq '."GET /v1/me/player/recently-played"')
check "both collects polled every round ($polls requests)" test "$polls" -ge $((2 * ROUNDS))

# The plays equal the simulator's truth from the first stored play on.
sl log --format jsonl -n 1000000 | jq -r '"\(.played_at) \(.track_id)"' | sort >"$T/got"
first=$(head -n 1 "$T/got" | cut -d' ' -f1)
sim_get "/_sim/truth?user=user1" | jq -r --arg f "$first" '.[] | select(.listed and .ended_at >= $f) | "\(.ended_at) \(.track_id)"' | sort >"$T/want"
check "plays were collected ($(wc -l <"$T/got"))" test "$(wc -l <"$T/got")" -ge 20
is "the stored plays are the simulator's truth" "$(diff "$T/want" "$T/got" | head -5)" ""
is "no gap was recorded" "$(sl gaps --format jsonl | wc -l)" 0
is "each landed page has one row (no page lost to a key clash)" \
	"$(find "$DATA/landing/recently-played" -name '*.json' | wc -l)" \
	"$(sqlite3 "$DATA/spinlog.db" 'SELECT count(*) FROM pages')"

# A second collect gives up after collect.lock_wait and names the holder:
# the first one is held inside its refresh by the simulator.
sim_post "/_sim/faults?token_hold_ms=3000" >/dev/null
advance 20
"$SPINLOG" --data-dir "$DATA" collect --account main >"$T/h.out" 2>"$T/h.err" & holder=$!
for _ in $(seq 1 100); do [ -s "$DATA/accounts/main.lock" ] && [ "$(cat "$DATA/accounts/main.lock")" = "$holder" ] && break; sleep 0.02; done
SPINLOG_COLLECT_LOCK_WAIT=1 sl collect --account main >"$T/w.out" 2>"$T/w.err"
is "a collect that cannot get the lock exits 1" "$?" 1
check "it says who holds it" grep -q "another spinlog is collecting 'main' (pid $holder); gave up after 1 s" "$T/w.err"
[ -s "$T/w.err" ] && sed 's/^/# /' "$T/w.err"
# Collecting every account skips the busy one and still polls the other.
authorize other user2
SPINLOG_COLLECT_LOCK_WAIT=1 sl collect >"$T/all.out" 2>"$T/all2.err"
is "collecting every account with one busy exits 0" "$?" 0
check "the other account was polled" grep -q "^other: " "$T/all.out"
check "the busy one is named" grep -q "another spinlog is collecting 'main'" "$T/all2.err"
wait "$holder"
is "the held collect finished fine" "$?" 0
is "the account is alive after all that" "$(jq -r .needs_reauth "$DATA/accounts/main.json")" false

# The simulator is faithful: a refresh token works once, then invalid_grant.
sim_post "/_sim/faults" >/dev/null
rt=$(jq -r .refresh_token "$DATA/accounts/main.json")
curl -s -o "$T/r1" -w '%{http_code}' -d "grant_type=refresh_token&client_id=spinlog-test-client&refresh_token=$rt" "$SIM_URL/api/token" >"$T/c1"
curl -s -o "$T/r2" -w '%{http_code}' -d "grant_type=refresh_token&client_id=spinlog-test-client&refresh_token=$rt" "$SIM_URL/api/token" >"$T/c2"
is "the first use of a refresh token works" "$(cat "$T/c1") $(jq -r '.refresh_token != null' "$T/r1")" "200 true"
is "its reuse gets 400 invalid_grant" "$(cat "$T/c2") $(jq -r .error "$T/r2")" "400 invalid_grant"
done_testing
