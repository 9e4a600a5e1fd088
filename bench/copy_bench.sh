#!/usr/bin/env bash
# Issue 12: spinlog store copy of BENCH_DATA (1M plays by default) from
# SQLite into a private PostgreSQL cluster (tests/e2e/lib-pg.sh) and back
# into a new SQLite file, RUNS times each way. BASE=PATH/spinlog (another
# build, with its spinlog-*.so beside it) copies back too, interleaved with
# this build. Prints wall time, peak RSS and CPU of each copy, and whether
# 'export --format jsonl' of every copy back is the original's bytes.
# Environment: bench/lib.bash (BUILD_DIR, BENCH_DATA, PLAYS, RUNS), BASE.
# Asserts nothing.
set -euo pipefail
. "$(dirname "$0")/lib.bash"
T=$W; . "$ROOT/tests/e2e/lib-pg.sh"
pg_start || { echo "cannot start postgresql" >&2; exit 1; }
export SPINLOG_TIMEZONE=UTC
echo "spinlog: $SPINLOG ($("$SPINLOG" --version)); base: ${BASE:-none}; load $(loadavg)"
"$SPINLOG" --data-dir "$W/src" import "$DATA" | tail -1
"$SPINLOG" --data-dir "$W/src" export --format jsonl | md5sum >"$W/want"
url=$(pg_createdb copybench)
m=$(measure to_pg "$SPINLOG" --data-dir "$W/src" store copy --to "$url")
echo "sqlite -> postgresql: $m (s rss_mb read_mb cpu_s)"
for r in $(seq 1 "$RUNS"); do
	for b in "$SPINLOG" ${BASE:+"$BASE"}; do
		rm -rf "$W/back" && mkdir -p "$W/back"
		m=$(measure back "$b" --data-dir "$W/src" --set "store.url=$url" store copy \
			--to "sqlite:$W/back/spinlog.db")
		same=$("$SPINLOG" --data-dir "$W/back" export --format jsonl | md5sum | cmp -s - "$W/want" &&
			echo "same export bytes" || echo "EXPORT DIFFERS")
		echo "run $r, postgresql -> sqlite by $b: $m (s rss_mb read_mb cpu_s); $same"
	done
done
echo "load average at the end: $(loadavg)"
