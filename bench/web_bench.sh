#!/usr/bin/env bash
# The figures of issue 11's "speed at 1M plays", one method for before and
# after: 'spinlog site' for every year (wall, peak RSS from /usr/bin/time,
# files), the first pages after a start of 'serve' (curl's time_total, the
# server started and its port known, nothing asked before), uncached day
# pages (tests/httpload over 8 keep-alive connections, a new date per
# request, so every answer is rendered), uncached artist and album pages
# (a new id per request; req/s and the server's CPU per page), a cached page, and the first pages
# again when asked a second after the start. Prints figures
# with the load average; asserts nothing.
#   BUILD_DIR (default build), KEEP_DB=path of a store from report_bench.sh
#   (made here when missing), SPINLOG_TIMEZONE (default Europe/Berlin)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
LOAD=${LOAD:-build/tests/httpload}
export SPINLOG_TIMEZONE=${SPINLOG_TIMEZONE:-Europe/Berlin}
export SPINLOG_SERVE_RATE=0 # the guard's per-address rate would answer 429s
D=$(mktemp -d "${TMPDIR:-/tmp}/spinlog-webbench.XXXXXX")
pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; wait 2>/dev/null; rm -rf "$D"' EXIT
SL="$BUILD_DIR/spinlog --data-dir $D"

if [ -n "${KEEP_DB:-}" ] && [ -s "$KEEP_DB" ]; then
	cp "$KEEP_DB" "$D/spinlog.db"
else
	$SL wrapped >/dev/null 2>&1 || true
	sqlite3 "$D/spinlog.db" <bench/report_gen.sql >/dev/null
	sqlite3 "$D/spinlog.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
	[ -n "${KEEP_DB:-}" ] && cp "$D/spinlog.db" "$KEEP_DB"
fi
echo "== $(sqlite3 "$D/spinlog.db" 'SELECT count(*) FROM plays') plays; load average: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== static site, every year"
for run in first again; do
	/usr/bin/time -f "%e %M" -o "$D/time" $SL site --out "$D/site" --no-covers >/dev/null
	read -r wall rss <"$D/time"
	echo "site ($run): ${wall} s wall, peak RSS $((rss / 1024)) MB, $(find "$D/site" -type f | wc -l) files"
done
rm -rf "$D/site"

echo "== server"
$SL serve --listen 127.0.0.1:0 --port-file "$D/port" --no-covers >/dev/null &
pid=$!
for _ in $(seq 1 200); do [ -s "$D/port" ] && break; sleep 0.05; done
PORT=$(cat "$D/port")
URL="http://127.0.0.1:$PORT"
for p in /calendar-2025.html /year-2025.html /day-2025-06-01.html; do
	echo "first $p: $(curl -s -o /dev/null -w '%{time_total}' "$URL$p") s"
done
srv_ms() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%d", ($14 + $15) * 1000 / hz }' "/proc/$pid/stat"; }
# flood LABEL N PATH: req/s of N distinct uncached pages, and the server's
# CPU (user + system) per page over them, with the load average.
flood() {
	local c0 out
	c0=$(srv_ms)
	out=$("$LOAD" flood --port "$PORT" --requests "$2" --conns 8 --path "$3")
	echo "$1: $out; server CPU $(awk -v d="$(( $(srv_ms) - c0 ))" -v n="$2" \
		'BEGIN { printf "%.3f", d / n }') ms/page; load $(cut -d' ' -f1-3 /proc/loadavg)"
}
curl -s -o /dev/null "$URL/artist-ar2999.html" # the history index, outside {n}'s 0..1999
flood "uncached day pages" 3000 '/day-{day}.html'
flood "uncached artist pages" 2000 '/artist-ar{n}.html'
flood "uncached album pages" 2000 '/album-al{n}.html'
curl -s -o /dev/null "$URL/year-2024.html"
c0=$(srv_ms)
echo "cached year page: $("$LOAD" flood --port "$PORT" --requests 20000 --conns 32 --path /year-2024.html); server CPU $(( ($(srv_ms) - c0) * 1000 / 20000 )) us/page"
kill $pid; wait $pid 2>/dev/null || true; pid=""
# The same first requests when the user clicks a second after the start.
rm -f "$D/port"
$SL serve --listen 127.0.0.1:0 --port-file "$D/port" --no-covers >/dev/null &
pid=$!
for _ in $(seq 1 200); do [ -s "$D/port" ] && break; sleep 0.05; done
sleep 1
URL="http://127.0.0.1:$(cat "$D/port")"
for p in /calendar-2025.html /year-2025.html /day-2025-06-01.html; do
	echo "first $p, 1 s after the start: $(curl -s -o /dev/null -w '%{time_total}' "$URL$p") s"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
kill $pid; wait $pid 2>/dev/null || true; pid=""
# CPU rather than wall (a busy machine's wall times mean little): the
# server's user + system time from its start (the warm-up of the first
# pages included) until the first artist and day pages were answered.
rm -f "$D/port"
$SL serve --listen 127.0.0.1:0 --port-file "$D/port" --no-covers >/dev/null &
pid=$!
for _ in $(seq 1 200); do [ -s "$D/port" ] && break; sleep 0.05; done
URL="http://127.0.0.1:$(cat "$D/port")"
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%d", ($14 + $15) * 1000 / hz }' "/proc/$pid/stat"; }
c0=$(cpu_ms)
for p in /day-2025-06-01.html /artist-ar1.html; do
	curl -s -o /dev/null "$URL$p"
	echo "server CPU until $p was answered: $(( $(cpu_ms) - c0 )) ms (from $c0 ms at the port)"
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
