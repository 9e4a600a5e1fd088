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
# One prefix for the whole log, whichever step wrote the line (poll, etl, collect).
is "every log line reads 'TIME spinlog: daemon: ...'" \
	"$(grep -cvE "^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9:.]+Z? spinlog: daemon: " "$T/d.err")" 0
sim_get "/_sim/truth?user=user1" | jq -r '.[] | select(.listed) | "\(.ended_at) \(.track_id)"' | sort >"$T/want"
sl log --format jsonl -n 1000000 | jq -r '"\(.played_at) \(.track_id)"' | sort >"$T/got"
is "the daemon's polls stored the listed plays" "$(diff "$T/want" "$T/got" | head -3)" ""

# With the ETL due (the default daily schedule starts with a run), one pass
# of the daemon also fills the catalog.
advance 60
sl daemon --once >"$T/etl.out" 2>"$T/etl.err"
is "daemon --once with the ETL exits 0" "$?" 0
check "the daemon ran the ETL" grep -q "etl: .*pages" "$T/etl.err"
check "the ETL's lines carry the daemon's prefix" grep -qE "spinlog: daemon: etl: .*pages" "$T/etl.err"
ntracks=$(sqlite3 "$DATA/spinlog.db" "SELECT count(*) FROM tracks")
nplayed=$(sqlite3 "$DATA/spinlog.db" "SELECT count(DISTINCT track_id) FROM plays WHERE track_id IS NOT NULL")
is "every played track is in the catalog after the daemon's ETL" "$ntracks" "$nplayed"
sl daemon --once >"$T/etl2.out" 2>"$T/etl2.err"
check "the ETL is not run again before it is due" bash -c "! grep -q 'etl: starting' '$T/etl2.err'"
done_testing
