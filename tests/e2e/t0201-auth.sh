#!/usr/bin/env bash
# spinlog auth: PKCE against the simulator, token file 0600, state checked,
# no secrets in any output, clear error without a client id.
. "$(dirname "$0")/lib.sh"
start_sim --seed 7 --users 2

# No client id: a clear message saying how to set it.
SPINLOG_SPOTIFY_CLIENT_ID= sl auth --account x --port 0 --no-browser </dev/null >"$T/noid.out" 2>"$T/noid.err"
is "auth without a client id fails" "$?" 1
check "the message says how to set spotify.client_id" grep -q "SPINLOG_SPOTIFY_CLIENT_ID" "$T/noid.err"

authorize main user1
is "auth succeeds" "$?" 0
f="$DATA/accounts/main.json"
check "the account file exists" test -f "$f"
is "the account file is mode 0600" "$(stat -c %a "$f")" 600
check "the authorize URL is on a line of its own" grep -qE '^http://127\.0\.0\.1:[0-9]+/authorize\?client_id=spinlog-test-client&response_type=code&redirect_uri=http%3A%2F%2F127\.0\.0\.1%3A[0-9]+%2Fcallback&state=[^&]+&scope=user-read-recently-played&code_challenge_method=S256&code_challenge=[A-Za-z0-9_-]{43}$' "$T/auth.main.out"

# The callback page says the tab can be closed (second account, by hand).
sl auth --account second --port 0 --no-browser </dev/null >"$T/a2.out" 2>"$T/a2.err" &
pid=$!
for i in $(seq 1 200); do grep -q '^http' "$T/a2.out" 2>/dev/null && break; sleep 0.05; done
url=$(grep -m1 '^http' "$T/a2.out")
curl -s -L "$url&sim_user=user2" >"$T/a2.page"
wait $pid
is "second account authorised" "$?" 0
check "the callback page says the tab can be closed" grep -q "close this tab" "$T/a2.page"

# State mismatch: a callback with another state is refused, nothing stored.
sl auth --account evil --port 0 --no-browser </dev/null >"$T/a3.out" 2>"$T/a3.err" &
pid=$!
for i in $(seq 1 200); do grep -q '^http' "$T/a3.out" 2>/dev/null && break; sleep 0.05; done
port=$(grep -m1 '^http' "$T/a3.out" | sed -E 's/.*redirect_uri=http%3A%2F%2F127\.0\.0\.1%3A([0-9]+)%2F.*/\1/')
curl -s "http://127.0.0.1:$port/callback?code=forged&state=not-the-state" >"$T/a3.page"
wait $pid
is "a state mismatch is refused" "$?" 1
check "no account file for the refused authorisation" test ! -e "$DATA/accounts/evil.json"
check "the refusal says state mismatch" grep -qi "state" "$T/a3.err"

# A URL pasted on stdin works too (the listener never sees the callback).
mkfifo "$T/paste"
( sl auth --account pasted --port 0 --no-browser <"$T/paste" >"$T/a4.out" 2>"$T/a4.err"; echo $? >"$T/a4.rc" ) &
exec 7>"$T/paste"
for i in $(seq 1 200); do grep -q '^http' "$T/a4.out" 2>/dev/null && break; sleep 0.05; done
url=$(grep -m1 '^http' "$T/a4.out")
loc=$(curl -s -o /dev/null -w '%{redirect_url}' "$url&sim_user=user1")
echo "$loc" >&7
exec 7>&-
for i in $(seq 1 200); do [ -s "$T/a4.rc" ] && break; sleep 0.05; done
is "a pasted redirect URL authorises" "$(cat "$T/a4.rc" 2>/dev/null)" 0

advance 30
sl collect >"$T/collect.out" 2>"$T/collect.err"
is "collect after auth succeeds" "$?" 0
sl status >"$T/status.out" 2>&1

# No secret in any output: tokens from the account files.
leaks=0
for a in main second pasted; do
	for k in access_token refresh_token; do
		tok=$(sed -nE "s/.*\"$k\": \"([^\"]+)\".*/\1/p" "$DATA/accounts/$a.json")
		[ -n "$tok" ] || { leaks=$((leaks + 100)); continue; }
		cat "$T"/*.out "$T"/*.err "$T"/*.page | grep -qF "$tok" && leaks=$((leaks + 1))
	done
done
is "no token appears in any captured output" "$leaks" 0
done_testing
