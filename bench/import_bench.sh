#!/usr/bin/env bash
# Import of a generated extended streaming history (bench/import_gen.py:
# newest schema, pretty-printed, ~750 bytes per record; 1M plays by default)
# by 'spinlog import', by DuckDB (bench/duckdb_import.mjs, optional: npm
# installs @duckdb/node-api once, see bench/lib.bash) and by the Python stdlib
# importer (bench/import_ref.py), interleaved on the same files. Prints wall
# time best/median, peak RSS, the database size on disk after the import
# (spinlog's data directory after its own checkpoint, DuckDB's file after
# CHECKPOINT) and the ratios issue 9 asks for. Asserts nothing.
# Environment: see bench/lib.bash (BUILD_DIR, BENCH_DATA, PLAYS, RUNS), and
# SKIP_PYTHON=1 (below).
set -euo pipefail
. "$(dirname "$0")/lib.bash"
duckdb_setup
nrec=$(cat "$DATA"/Streaming_History_Audio_*.json | grep -c '"ts":')
echo "input: $(ls "$DATA"/Streaming_History_Audio_*.json | wc -l) files, $(mb "$DATA") MB, $nrec records"
echo "spinlog: $SPINLOG ($("$SPINLOG" --version))"
cat "$DATA"/*.json >/dev/null # warm the page cache for every importer
names="spinlog python"
[ "$HAVE_DUCKDB" = 1 ] && names="spinlog duckdb python"
# SKIP_PYTHON=1: leave the Python importer out (about 4x spinlog's CPU time)
[ -n "${SKIP_PYTHON:-}" ] && names=${names% python}
for r in $(seq 1 "$RUNS"); do
	for n in $names; do
		rm -rf "$W/data" "$W/ref.db" "$W/duck.db" "$W/duck.db.wal"
		case $n in
		spinlog) measure spinlog "$SPINLOG" --data-dir "$W/data" import "$DATA" >>"$W/spinlog.runs"
			mb "$W/data" >"$W/spinlog.size" ;;
		duckdb) measure duckdb node "$ROOT/bench/duckdb_import.mjs" "$W/duck.db" "$DATA" >>"$W/duckdb.runs"
			mb "$W"/duck.db* >"$W/duckdb.size" ;;
		python) measure python python3 "$ROOT/bench/import_ref.py" "$W/ref.db" "$DATA" >>"$W/python.runs"
			mb "$W/ref.db"* >"$W/python.size" ;;
		esac
		[ "$r" -eq 1 ] && echo "$n: $(head -1 "$W/$n.out")"
	done
	echo "run $r of $RUNS done, load average $(loadavg)"
done
echo
echo "$RUNS runs each, interleaved; $(nproc) cores; load average at the end: $(loadavg)"
printf '%-15s %9s %9s %9s %9s %9s %12s\n' importer best_s median_s cpu_s rss_mb db_mb mb_per_1M
for n in $names; do
	read -r best med rss cpu < <(stats "$W/$n.runs")
	size=$(cat "$W/$n.size")
	printf '%-15s %9.2f %9.2f %9.2f %9d %9.1f %12.1f\n' "$n" "$best" "$med" "$cpu" "$rss" "$size" \
		"$(awk -v s="$size" -v n="$nrec" 'BEGIN { print s * 1000000 / n }')"
	eval "${n}_best=$best ${n}_med=$med"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
[ -z "${SKIP_PYTHON:-}" ] && echo "python/spinlog time: best $(ratio "$python_best" "$spinlog_best")x, median" \
	"$(ratio "$python_med" "$spinlog_med")x (issue 9 goal: at least 12x)"
if [ "$HAVE_DUCKDB" = 1 ]; then
	echo "spinlog/duckdb time: best $(ratio "$spinlog_best" "$duckdb_best")x, median" \
		"$(ratio "$spinlog_med" "$duckdb_med")x (issue 9 goal: at most 0.6x)"
fi
echo "(goals also: spinlog peak RSS under 150 MB, database at most 100 MB per 1M plays)"
