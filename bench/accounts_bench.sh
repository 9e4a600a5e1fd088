#!/usr/bin/env bash
# Issue 12: the year page of one account among ACCOUNTS (20) x PLAYS (50,000)
# plays in one store (tests/tools/accounts_gen.py, seeds 1..ACCOUNTS).
#   STORE=sqlite (default) or STORE=postgres (a private cluster, tests/e2e/lib-pg.sh)
#   KEEP_DIR=DIR  keep (or reuse) the SQLite store there
# Prints report-bench's year pass of account u7 (cold: the catalog read afresh;
# kept: as the server and site keep it), then the dashboard: the first
# /u/u7/year-2024.html after a start (cold), another year of the same account
# (warm: catalog and history kept), the same page again (the answer cache).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-build}
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR="$ROOT/$BUILD_DIR" ;; esac
SPINLOG=$BUILD_DIR/spinlog
ACCOUNTS=${ACCOUNTS:-20} PLAYS=${PLAYS:-50000} STORE=${STORE:-sqlite}
export SPINLOG_TIMEZONE=${SPINLOG_TIMEZONE:-UTC}
W=$(mktemp -d "${TMPDIR:-/tmp}/spinlog-accounts-bench.XXXXXX")
trap 'kill $SP 2>/dev/null; [ "$STORE" = postgres ] && pg_stop; rm -rf "$W"' EXIT
SP=
D=${KEEP_DIR:-$W/data}
url=$D/spinlog.db
set_url=()
if [ "$STORE" = postgres ]; then
	T=$W; . "$ROOT/tests/e2e/lib-pg.sh"
	pg_start || { echo "cannot start postgresql" >&2; exit 1; }
	url=$(pg_createdb bench)
	set_url=(--set "store.url=$url")
fi
echo "load: $(cut -d' ' -f1-3 /proc/loadavg); $ACCOUNTS accounts x $PLAYS plays on $STORE"
if [ "$STORE" = postgres ] || [ ! -s "$D/spinlog.db" ]; then
	t0=$(date +%s)
	for i in $(seq 1 "$ACCOUNTS"); do
		python3 "$ROOT/tests/tools/accounts_gen.py" "$W/exp" "$PLAYS" "$i" "u$i"
		"$SPINLOG" --data-dir "$D" "${set_url[@]}" import --account "u$i" "$W"/exp/*.json >/dev/null
		rm -rf "$W/exp"
	done
	echo "imported in $(( $(date +%s) - t0 )) s"
fi
BENCH_ACCOUNT=u7 "$BUILD_DIR/bench/report-bench" "$url" 2024 2023
for run in 1 2 3; do
	rm -f "$W/port"
	"$SPINLOG" --data-dir "$D" "${set_url[@]}" serve --listen 127.0.0.1:0 --port-file "$W/port" \
		--no-covers >"$W/serve.out" 2>&1 &
	SP=$!
	for _ in $(seq 200); do [ -s "$W/port" ] && break; sleep 0.05; done
	sleep 1
	P=$(cat "$W/port")
	for u in /u/u7/year-2024.html /u/u7/year-2023.html /u/u7/year-2024.html; do
		printf '%s ' "$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$P$u")"
	done
	echo " s: cold year page, warm (another year), cached"
	kill "$SP"; wait "$SP" 2>/dev/null
done
