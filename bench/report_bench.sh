#!/usr/bin/env bash
# Measures "see it" on 1,000,000 synthetic plays (bench/report_gen.sql: ten
# years, about 100,000 plays a year, 20,000 tracks): the year pass behind
# the calendar and the year in review (bench/report-bench), the server's
# requests per second for a cached page (wrk on loopback, bounded to a few
# seconds), and 'spinlog site' for all ten years, into a new folder and
# again over it (the old pages are removed). Prints figures; asserts
# nothing.
#   BUILD_DIR (default build), SPINLOG_TIMEZONE (default Europe/Berlin),
#   KEEP_DB=path to reuse a generated store
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
export SPINLOG_TIMEZONE=${SPINLOG_TIMEZONE:-Europe/Berlin}
D=$(mktemp -d "${TMPDIR:-/tmp}/spinlog-bench.XXXXXX")
pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; wait 2>/dev/null; rm -rf "$D"' EXIT
SL="$BUILD_DIR/spinlog --data-dir $D"

if [ -n "${KEEP_DB:-}" ] && [ -s "$KEEP_DB" ]; then
	cp "$KEEP_DB" "$D/spinlog.db"
else
	$SL wrapped >/dev/null 2>&1 || true # creates and migrates the store
	t0=$(date +%s.%N)
	sqlite3 "$D/spinlog.db" <bench/report_gen.sql >/dev/null
	sqlite3 "$D/spinlog.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
	echo "generated $(sqlite3 "$D/spinlog.db" 'SELECT count(*) FROM plays') plays in $(echo "$(date +%s.%N) - $t0" | bc) s"
	[ -n "${KEEP_DB:-}" ] && cp "$D/spinlog.db" "$KEEP_DB"
fi

echo "== year pass (ms; calendar and summary = rendering HTML+JSON from the pass)"
"$BUILD_DIR/bench/report-bench" "$D/spinlog.db" 2016 2020 2025

echo "== server"
$SL serve --listen 127.0.0.1:0 --port-file "$D/port" --no-covers >/dev/null &
pid=$!
for _ in $(seq 1 100); do [ -s "$D/port" ] && break; sleep 0.05; done
URL="http://127.0.0.1:$(cat "$D/port")"
t0=$(date +%s%N)
curl -s -o /dev/null "$URL/calendar-2025.html"
echo "first (uncached) calendar request: $(( ($(date +%s%N) - t0) / 1000000 )) ms"
for p in /calendar-2025.html "/year-2025.html" "/api/summary?year=2025"; do
	curl -s -o /dev/null "$URL$p"
	if command -v wrk >/dev/null; then
		echo "wrk -t2 -c32 -d5s $p:"
		wrk -t2 -c32 -d5s "$URL$p" | grep -E "Requests/sec|Transfer/sec|Latency"
	fi
done
kill $pid; wait $pid 2>/dev/null || true; pid=""

echo "== static site, every year"
t0=$(date +%s%N)
$SL site --out "$D/site" --no-covers
echo "site: $(( ($(date +%s%N) - t0) / 1000000 )) ms wall, $(ls "$D/site" | wc -l) files"
t0=$(date +%s%N)
$SL site --out "$D/site" --no-covers
echo "site again, replacing the first: $(( ($(date +%s%N) - t0) / 1000000 )) ms wall"
