#!/usr/bin/env bash
# Measures 'spinlog import' on a generated extended streaming history
# (newest schema, pretty-printed, ~750 bytes per record) against the
# straightforward Python importer (bench/import_ref.py) and prints wall
# times, peak RSS and the ratio. Not a test: it asserts nothing.
#   BUILD_DIR    build directory (default build)
#   BENCH_DATA   where the generated files live (default /tmp/spinlog-bench-data;
#                generated when absent, kept for the next run)
#   PLAYS        number of plays to generate (default 1000000)
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

read -r c_s c_rss < <(measure spinlog "$BUILD_DIR/spinlog" --data-dir "$W/data" import "$DATA")
echo "spinlog:  $(cat "$W/spinlog.out")"
read -r p_s p_rss < <(measure python python3 "$ROOT/bench/import_ref.py" "$W/ref.db" "$DATA")
echo "python:   $(cat "$W/python.out")"
printf 'spinlog import  %6.2f s  peak RSS %4d MB\n' "$c_s" "$c_rss"
printf 'python stdlib   %6.2f s  peak RSS %4d MB\n' "$p_s" "$p_rss"
awk -v c="$c_s" -v p="$p_s" 'BEGIN { printf "ratio           %6.1fx faster\n", p / c }'
