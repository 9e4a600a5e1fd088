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
# SKIP_PYTHON=1 (below). STORE=postgres adds spinlog into PostgreSQL (a
# private cluster, tests/e2e/lib-pg.sh; a new database each run) beside
# spinlog into SQLite, with the server's CPU time too (server_cpu_s: the
# cluster's processes, the backends' through the postmaster's reaped
# children) and the ratio to SQLite issue 12 asks for.
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
if [ "${STORE:-sqlite}" = postgres ]; then
	T=$W; . "$ROOT/tests/e2e/lib-pg.sh"
	pg_start || { echo "cannot start postgresql" >&2; exit 1; }
	names="spinlog postgres ${names#spinlog}"
fi
# pg_cpu: CPU seconds of the cluster so far (the postmaster and its children,
# living and reaped: /proc/PID/stat utime stime cutime cstime)
pg_cpu() {
	local pm; pm=$(head -1 "$PG_DIR/data/postmaster.pid")
	{ echo "$pm"; cat /proc/"$pm"/task/*/children 2>/dev/null; } | tr ' ' '\n' |
		while read -r pid; do [ -n "$pid" ] && cut -d')' -f2 /proc/"$pid"/stat 2>/dev/null; done |
		awk -v hz="$(getconf CLK_TCK)" '{ t += $12 + $13 + $14 + $15 } END { printf "%.2f\n", t / hz }'
}
for r in $(seq 1 "$RUNS"); do
	for n in $names; do
		rm -rf "$W/data" "$W/ref.db" "$W/duck.db" "$W/duck.db.wal"
		case $n in
		spinlog) measure spinlog "$SPINLOG" --data-dir "$W/data" import "$DATA" >>"$W/spinlog.runs"
			mb "$W/data" >"$W/spinlog.size" ;;
		postgres) url=$(pg_createdb "bench$r")
			c0=$(pg_cpu)
			m=$(measure postgres "$SPINLOG" --data-dir "$W/data" --set "store.url=$url" import "$DATA")
			c1=$(pg_cpu)
			echo "$m $(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.2f", b - a }')" >>"$W/postgres.runs"
			echo "postgres run $r: $m, server cpu $(tail -1 "$W/postgres.runs" | cut -d' ' -f5) s"
			pg_psql "bench$r" "SELECT pg_database_size(current_database()) / 1048576.0" |
				awk '{ printf "%.1f\n", $1 }' >"$W/postgres.size"
			pg_psql postgres "DROP DATABASE bench$r" ;;
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
	eval "${n}_best=$best ${n}_med=$med ${n}_cpu=$cpu"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
if [ -s "$W/postgres.runs" ]; then
	scpu=$(awk '{ print $5 }' "$W/postgres.runs" | sort -n | awk '{ c[NR] = $1 } END { print c[int((NR + 1) / 2)] }')
	echo "postgres: server cpu median ${scpu} s; client + server cpu / sqlite cpu:" \
		"$(ratio "$(awk -v a="$postgres_cpu" -v b="$scpu" 'BEGIN { print a + b }')" "$spinlog_cpu")x;" \
		"time: best $(ratio "$postgres_best" "$spinlog_best")x, median" \
		"$(ratio "$postgres_med" "$spinlog_med")x (issue 12 goal: at most 2x)"
fi
[ -z "${SKIP_PYTHON:-}" ] && echo "python/spinlog time: best $(ratio "$python_best" "$spinlog_best")x, median" \
	"$(ratio "$python_med" "$spinlog_med")x (issue 9 goal: at least 12x)"
if [ "$HAVE_DUCKDB" = 1 ]; then
	echo "spinlog/duckdb time: best $(ratio "$spinlog_best" "$duckdb_best")x, median" \
		"$(ratio "$spinlog_med" "$duckdb_med")x (issue 9 goal: at most 0.6x)"
fi
echo "(goals also: spinlog peak RSS under 150 MB, database at most 100 MB per 1M plays)"
