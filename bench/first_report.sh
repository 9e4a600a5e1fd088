#!/usr/bin/env bash
# The first year report after a start, cold, and the warm year pass, for
# spinlog and for DuckDB (optional, see bench/lib.bash). Imports BENCH_DATA
# once into each, then, interleaved RUNS times: drops the page cache and
# runs 'spinlog wrapped --year YEAR' in a new process (wall time and what it
# read from disk), and the same for bench/duckdb_report.mjs (which also says
# how much of its process was loading the module, opening the file, and the
# first report). Warm: 'spinlog wrapped --year YEAR' again with the cache
# warm, bench/report-bench's year pass when the build has it (the figures
# of its "kept" row are the warm pass in one process), and DuckDB's report
# repeated on one connection. Prints figures only; asserts nothing.
#   YEAR (default 2022); the rest: bench/lib.bash (BUILD_DIR, BENCH_DATA, RUNS,
#   TZ_NAME)
set -euo pipefail
. "$(dirname "$0")/lib.bash"
YEAR=${YEAR:-2022}
duckdb_setup
SL=("$SPINLOG" --data-dir "$W/data" --set "timezone=$TZ_NAME")
echo "spinlog: $SPINLOG ($("$SPINLOG" --version)); year $YEAR in $TZ_NAME; load average $(loadavg)"
"${SL[@]}" import "$DATA" | tail -1
[ "$HAVE_DUCKDB" = 1 ] && node "$ROOT/bench/duckdb_import.mjs" "$W/duck.db" "$DATA"
dbfiles=("$W"/data/spinlog.db*)

echo "== cold: a new process after the page cache was dropped"
drop_cache "${dbfiles[@]}" | sed 's/^/  /'
for _ in $(seq 1 "$RUNS"); do
	drop_cache "${dbfiles[@]}" >/dev/null
	measure spinlog "${SL[@]}" wrapped --year "$YEAR" >>"$W/spinlog.cold"
	if [ "$HAVE_DUCKDB" = 1 ]; then
		drop_cache "$W"/duck.db* >/dev/null
		measure duckdb env DUCKDB_WARM_RUNS=0 node "$ROOT/bench/duckdb_report.mjs" \
			"$W/duck.db" "$YEAR" >>"$W/duckdb.cold"
		sed -n 's/^duckdb cold: /  duckdb in the process: /p' "$W/duckdb.out"
	fi
done
sed -n 's/^  \(listening time\|plays\|tracks\|artists\|albums\|biggest day\) */  spinlog \1: /p' "$W/spinlog.out"
[ "$HAVE_DUCKDB" = 1 ] && sed -n 's/^duckdb [0-9]*: /  duckdb: /p' "$W/duckdb.out"
cold_line() { # NAME
	sort -n "$W/$1.cold" | awk -v n="$1" '{ t[NR] = $1; r[NR] = $3; c[NR] = $4 }
		END { printf "%-8s first report, cold: best %6.0f ms  median %6.0f ms  (best run: read %5.1f MB, cpu %4.0f ms)\n",
			n, t[1] * 1000, t[int((NR + 1) / 2)] * 1000, r[1], c[1] * 1000 }'
}
cold_line spinlog
[ "$HAVE_DUCKDB" = 1 ] && cold_line duckdb

echo "== warm: page cache warm"
for _ in $(seq 1 "$RUNS"); do
	measure spinlog "${SL[@]}" wrapped --year "$YEAR" >>"$W/spinlog.warm"
done
sort -n "$W/spinlog.warm" | awk '{ t[NR] = $1; c[NR] = $4 }
	END { printf "spinlog  wrapped --year, a new process: best %.0f ms  median %.0f ms  (best run: cpu %.0f ms)\n",
		t[1] * 1000, t[int((NR + 1) / 2)] * 1000, c[1] * 1000 }'
if [ -x "$BUILD_DIR/bench/report-bench" ]; then
	echo "report-bench (one process; 'kept' = the warm year pass, catalog kept):"
	SPINLOG_TIMEZONE=$TZ_NAME "$BUILD_DIR/bench/report-bench" "$W/data/spinlog.db" "$YEAR" |
		sed 's/^/  /'
else
	echo "(no $BUILD_DIR/bench/report-bench: no year pass figures)"
fi
if [ "$HAVE_DUCKDB" = 1 ]; then
	DUCKDB_WARM_RUNS=$((RUNS > 5 ? RUNS : 5)) node "$ROOT/bench/duckdb_report.mjs" \
		"$W/duck.db" "$YEAR" | sed -n 's/^duckdb warm: /duckdb   year report, one connection: /p'
fi
echo "load average at the end: $(loadavg)"
