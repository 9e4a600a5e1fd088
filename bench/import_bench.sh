#!/usr/bin/env bash
# Measures 'spinlog import' on a generated extended streaming history
# (newest schema, pretty-printed, ~750 bytes per record) against the
# straightforward Python importer (bench/import_ref.py) and prints wall
# times, peak RSS and the ratio. Not a test: it asserts nothing.
#   BUILD_DIR    build directory (default build)
#   BENCH_DATA   where the generated files live (default /tmp/spinlog-bench-data;
#                generated when absent, kept for the next run)
#   PLAYS        number of plays to generate (default 1000000)
#   RUNS         runs of each importer, interleaved (default 3); prints best
#                and median, since other work on the machine skews single runs
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-build}
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR="$ROOT/$BUILD_DIR" ;; esac
DATA=${BENCH_DATA:-/tmp/spinlog-bench-data}
PLAYS=${PLAYS:-1000000}
if ! ls "$DATA"/Streaming_History_Audio_*.json >/dev/null 2>&1; then
	python3 "$ROOT/bench/import_gen.py" "$DATA" "$PLAYS" 1
fi
W=$(mktemp -d "${TMPDIR:-/tmp}/spinlog-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT
echo "input: $(ls "$DATA"/*.json | wc -l) files, $(du -sm "$DATA" | cut -f1) MB"
cat "$DATA"/*.json >/dev/null # warm the page cache for both runs

measure() { # LABEL COMMAND...: prints "seconds rss_mb"
	local label=$1; shift
	/usr/bin/time -v -o "$W/$label.time" "$@" >"$W/$label.out" 2>"$W/$label.err"
	local wall rss
	wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$W/$label.time" |
		awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }')
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$W/$label.time")
	echo "$wall $((rss / 1024))"
}

RUNS=${RUNS:-3}
for r in $(seq 1 "$RUNS"); do
	rm -rf "$W/data" "$W/ref.db"
	measure spinlog "$BUILD_DIR/spinlog" --data-dir "$W/data" import "$DATA" >>"$W/c.runs"
	[ "$r" -eq 1 ] && echo "spinlog:  $(cat "$W/spinlog.out")"
	measure python python3 "$ROOT/bench/import_ref.py" "$W/ref.db" "$DATA" >>"$W/p.runs"
	[ "$r" -eq 1 ] && echo "python:   $(cat "$W/python.out")"
done
# stats FILE: "best median max_rss" over the runs
stats() { sort -n "$1" | awk '{ t[NR] = $1; if ($2 > m) m = $2 } END { printf "%s %s %d\n", t[1], t[int((NR + 1) / 2)], m }'; }
read -r c_best c_med c_rss < <(stats "$W/c.runs")
read -r p_best p_med p_rss < <(stats "$W/p.runs")
echo "$RUNS runs each, interleaved; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
printf 'spinlog import  best %6.2f s  median %6.2f s  peak RSS %4d MB\n' "$c_best" "$c_med" "$c_rss"
printf 'python stdlib   best %6.2f s  median %6.2f s  peak RSS %4d MB\n' "$p_best" "$p_med" "$p_rss"
awk -v cb="$c_best" -v pb="$p_best" -v cm="$c_med" -v pm="$p_med" \
	'BEGIN { printf "ratio           best %5.1fx  median %5.1fx faster\n", pb / cb, pm / cm }'
