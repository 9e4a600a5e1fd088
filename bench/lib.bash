# Shared by bench/import_bench.sh and bench/first_report.sh (sourced).
#   BUILD_DIR    build directory (default build; relative to the repository)
#   BENCH_DATA   the generated history (default /tmp/spinlog-bench-data;
#                made by bench/import_gen.py when absent, kept for next time)
#   PLAYS        plays to generate when BENCH_DATA is empty (default 1000000)
#   RUNS         runs of each measurement (default 3)
#   TZ_NAME      the time zone reports use (default Europe/Berlin)
# Sets ROOT, BUILD_DIR (absolute), SPINLOG, DATA, RUNS, W (a temporary
# directory removed on exit).
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-build}
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR="$ROOT/$BUILD_DIR" ;; esac
SPINLOG="$BUILD_DIR/spinlog"
DATA=${BENCH_DATA:-/tmp/spinlog-bench-data}
RUNS=${RUNS:-3}
export TZ_NAME=${TZ_NAME:-Europe/Berlin}
[ -x "$SPINLOG" ] || { echo "no $SPINLOG: build first or set BUILD_DIR" >&2; exit 1; }
if ! ls "$DATA"/Streaming_History_Audio_*.json >/dev/null 2>&1; then
	python3 "$ROOT/bench/import_gen.py" "$DATA" "${PLAYS:-1000000}" 1
fi
W=$(mktemp -d "${TMPDIR:-/tmp}/spinlog-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT
trap 'exit 130' INT TERM

# measure LABEL COMMAND...: runs it under /usr/bin/time; prints
# "seconds rss_mb read_mb cpu_s" (read_mb: what the process read from
# disk; cpu_s: user + system time, less skewed by a busy machine).
# The wall time is taken around it in ns (time's own is in 10 ms steps).
measure() {
	local label=$1 t0 t1; shift
	t0=$(date +%s%N)
	/usr/bin/time -v -o "$W/$label.time" "$@" >"$W/$label.out" 2>"$W/$label.err" ||
		{ echo "$label failed:" >&2; cat "$W/$label.err" >&2; return 1; }
	t1=$(date +%s%N)
	awk -F': ' -v ns=$((t1 - t0)) '/Maximum resident set size/ { rss = $2 / 1024 }
		/File system inputs/ { rd = $2 * 512 / 1048576 }
		/(User|System) time \(seconds\)/ { cpu += $2 }
		END { printf "%.4f %d %.1f %.2f\n", ns / 1e9, rss, rd, cpu }' "$W/$label.time"
}

# stats FILE: "best median max_rss median_cpu" of the lines measure printed
# (the CPU time means more than the wall time on a busy machine)
stats() {
	local cpu
	cpu=$(awk '{ print $4 }' "$1" | sort -n | awk '{ c[NR] = $1 } END { print c[int((NR + 1) / 2)] }')
	sort -n "$1" | awk -v cpu="$cpu" '{ t[NR] = $1; if ($2 > m) m = $2 }
		END { printf "%s %s %d %s\n", t[1], t[int((NR + 1) / 2)], m, cpu }'
}

# mb PATH...: their size on disk in MiB (allocated blocks, as du counts;
# symbolic links followed)
mb() { du -cLk "$@" 2>/dev/null | awk 'END { printf "%.1f\n", $1 / 1024 }'; }

# drop_cache FILE...: evicts the page cache, all of it when root can
# (sync; echo 3 > /proc/sys/vm/drop_caches), else only these files' pages
# (posix_fadvise DONTNEED). Prints which.
drop_cache() {
	sync
	if [ "$(id -u)" = 0 ] && { echo 3 >/proc/sys/vm/drop_caches; } 2>/dev/null; then
		echo "page cache dropped (drop_caches)"
	elif python3 -c 'import os, sys
for f in sys.argv[1:]:
    fd = os.open(f, os.O_RDONLY); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED); os.close(fd)' "$@"; then
		echo "page cache NOT dropped (not root or not allowed); evicted only the database files"
	else
		echo "page cache NOT dropped: cold figures are warm"
	fi
}

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# Sourced by the benchmarks: makes @duckdb/node-api available for
# bench/duckdb_*.mjs, the optional comparison. Installs it with npm once
# (network: the npm registry, ~70 MB, a prebuilt binary inside the npm
# package, no browser) into DUCKDB_NODE_DIR (default
# ~/.cache/spinlog-bench/duckdb, outside the repository), and reuses it
# after. Sets HAVE_DUCKDB=1, or prints why DuckDB is skipped and sets 0.
#   SKIP_DUCKDB=1      do not use DuckDB
#   DUCKDB_VERSION     the npm version (default the one measured with)
DUCKDB_VERSION=${DUCKDB_VERSION:-1.5.6-r.1}
export DUCKDB_NODE_DIR=${DUCKDB_NODE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/spinlog-bench/duckdb}
HAVE_DUCKDB=0
duckdb_setup() {
	local mod="$DUCKDB_NODE_DIR/node_modules/@duckdb/node-api/package.json"
	if [ -n "${SKIP_DUCKDB:-}" ]; then
		echo "duckdb: skipped (SKIP_DUCKDB is set)"
		return 0
	fi
	if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
		echo "duckdb: skipped (node and npm are needed)"
		return 0
	fi
	if [ ! -s "$mod" ]; then
		echo "duckdb: installing @duckdb/node-api@$DUCKDB_VERSION with npm into $DUCKDB_NODE_DIR (once)"
		mkdir -p "$DUCKDB_NODE_DIR"
		if ! timeout 300 npm install --prefix "$DUCKDB_NODE_DIR" --no-audit --no-fund --fetch-retries=1 \
			--no-save "@duckdb/node-api@$DUCKDB_VERSION" >"$DUCKDB_NODE_DIR/npm.log" 2>&1; then
			echo "duckdb: skipped (npm install failed, registry unreachable?" \
				"see $DUCKDB_NODE_DIR/npm.log)"
			return 0
		fi
	fi
	HAVE_DUCKDB=1
	echo "duckdb: @duckdb/node-api $(sed -n 's/^  "version": "\(.*\)",/\1/p' "$mod") from $DUCKDB_NODE_DIR"
}
