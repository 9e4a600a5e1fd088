#!/usr/bin/env bash
# spinlog daemon: starts, polls every account, logs with timestamps, and
# stops cleanly with exit 0 on SIGTERM; --once polls once and exits.
. "$(dirname "$0")/lib.sh"
start_sim --seed 9
authorize main user1
for i in $(seq 1 12); do advance 60; done

sl --set etl.schedule=never daemon --once >"$T/once.out" 2>"$T/once.err"
is "daemon --once exits 0" "$?" 0
check "--once logged a poll" grep -q "poll 'main': " "$T/once.err"
n1=$(sl log --format jsonl -n 1000000 | wc -l)
check "--once stored plays ($n1)" test "$n1" -gt 0

advance 60
"$SPINLOG" --data-dir "$DATA" --set etl.schedule=never daemon >"$T/d.out" 2>"$T/d.err" &
pid=$!
for i in $(seq 1 200); do grep -q "poll 'main'" "$T/d.err" && break; sleep 0.05; done
check "the daemon polled" grep -q "poll 'main': .* next in [0-9]* s" "$T/d.err"
check "log lines carry timestamps" grep -qE "^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9:]+" "$T/d.err"
check "the daemon is still running" kill -0 "$pid"
kill -TERM "$pid"
wait "$pid"
is "SIGTERM stops the daemon with exit 0" "$?" 0
check "it said it was stopping" grep -q "stopping" "$T/d.err"
sim_get "/_sim/truth?user=user1" | jq -r '.[] | select(.listed) | "\(.ended_at) \(.track_id)"' | sort >"$T/want"
sl log --format jsonl -n 1000000 | jq -r '"\(.played_at) \(.track_id)"' | sort >"$T/got"
is "the daemon's polls stored the listed plays" "$(diff "$T/want" "$T/got" | head -3)" ""
done_testing
