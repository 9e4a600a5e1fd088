#!/usr/bin/env bash
# issue 10: 'status' lists every account of the store, an import-only one
# too (plays, sources, last import, "no Spotify app authorised"), and the
# refresh token's expiry warning (a month before its 6 months) appears in
# 'collect' and, once a day, in the daemon's log, as in 'status'. The
# token's age is moved in the account file instead of waiting months.
# Truth: the fixture's row count by jq, the import's own summary line.
. "$(dirname "$0")/lib.sh"

IN=/work/shared/fixtures/real/StreamingHistory0.json
[ -f "$IN" ] || IN="$(dirname "$0")/../../../shared/fixtures/real/StreamingHistory0.json"
rows=$(jq length "$IN")

sl status >"$T/s0" 2>&1
is "an empty data directory: status fails" $? 1
check "and says how to start" grep -q "no accounts yet; run 'spinlog auth' to collect, or 'spinlog import'" "$T/s0"

check "account data imports (account main, no app)" sl import "$IN"
sl status >"$T/s1" 2>&1
is "status of an import-only account exits 0" $? 0
sed 's/^/# /' "$T/s1"
check "it lists account main" grep -qx "account main" "$T/s1"
check "not 'no accounts yet'" bash -c "! grep -q 'no accounts yet' '$T/s1'"
check "it says no Spotify app is authorised" grep -q "^  app: *no Spotify app authorised" "$T/s1"
check "plays: $rows stored" grep -qE "^  plays: +$rows stored" "$T/s1"
check "sources: account data $rows" grep -qE "^  sources: +account data $rows\$" "$T/s1"
check "the last import, with its plays and file" grep -qE "^  last import: .*, $rows new plays from .*StreamingHistory0.json \(1 import\)" "$T/s1"

start_sim --seed 9
check "auth of a second account" authorize collector
for i in $(seq 1 12); do advance 60; done
sl collect >"$T/c.out" 2>&1; check "collect" test $? -eq 0; sed "s/^/# /" "$T/c.out"
sl status >"$T/s2" 2>&1
is "status with both exits 0" $? 0
is "it lists both accounts" "$(grep '^account ' "$T/s2" | tr '\n' ' ')" "account collector account main "
check "the authorised one has a token" bash -c "sed -n '/^account collector/,/^\$/p' '$T/s2' | grep -q '^  token: *valid'"
napi=$(sqlite3 "$DATA/spinlog.db" "SELECT count(*) FROM plays p JOIN accounts a ON a.id = p.account_id WHERE a.name = 'collector'")
check "collect stored plays ($napi)" test "$napi" -gt 0
check "its plays come from the api" bash -c "sed -n '/^account collector/,/^\$/p' '$T/s2' | grep -qE '^  sources: +api $napi\$'"
check "an import-only account: last poll never" bash -c "sed -n '/^account main/,/^\$/p' '$T/s2' | grep -qx '  last poll:   never'"
check "the import-only one still says no app" bash -c "sed -n '/^account main/,/^\$/p' '$T/s2' | grep -q 'no Spotify app authorised'"
sl status --account collector >"$T/s3" 2>&1
is "--account shows one" "$(grep -c '^account ' "$T/s3")" 1

sl collect >"$T/c0" 2>&1
check "collect with a fresh token: no warning" bash -c "! grep -q 'refresh token' '$T/c0'"
token_age collector 160
advance 5
sl collect >"$T/c1.out" 2>"$T/c1.err"
is "collect at 160 days still works" $? 0
sed 's/^/# /' "$T/c1.err"
check "and warns it expires in about 22 days" grep -q "refresh token of 'collector' expires about 6 months after authorisation (in 2[0-9] days); run 'spinlog auth --account collector' soon" "$T/c1.err"
sl status >"$T/s4" 2>&1
check "status says the same" grep -q "warning: .*refresh token of 'collector' expires about 6 months after authorisation (in 2[0-9] days)" "$T/s4"
token_age collector 200
sl collect >"$T/c2.out" 2>"$T/c2.err"
check "at 200 days collect says it has most likely expired" grep -q "refresh token of 'collector' has most likely expired" "$T/c2.err"
token_age collector 160
sl --set etl.schedule=never daemon --once >"$T/d1.out" 2>"$T/d1.err"
check "daemon --once logs the warning" grep -q "refresh token of 'collector' expires about" "$T/d1.err"
# a daemon polling every second for a few seconds: many rounds, one warning
"$SPINLOG" --data-dir "$DATA" --set etl.schedule=never --set collect.interval_min=1 \
	--set collect.interval_max=1 daemon >"$T/d2.out" 2>"$T/d2.err" &
pid=$!
for i in $(seq 1 200); do [ "$(grep -c "poll 'collector'" "$T/d2.err")" -ge 3 ] && break; sleep 0.05; done
kill -TERM "$pid"; wait "$pid"
polls=$(grep -c "poll 'collector'" "$T/d2.err")
check "the daemon polled several times ($polls)" test "$polls" -ge 3
is "and warned once (once a day)" "$(grep -c "refresh token of 'collector'" "$T/d2.err")" 1
check "not for the import-only account" bash -c "! grep -q \"'main'\" '$T/d2.err'"
done_testing
