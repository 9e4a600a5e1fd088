#!/usr/bin/env bash
# make demo's script, shortened (2 simulated days, no dashboard at the end):
# the whole pipeline runs on the simulator and leaves records and a site.
. "$(dirname "$0")/lib.sh"
DEMO_DIR="$T/demo" DEMO_DAYS=2 DEMO_SERVE=0 BUILD_DIR="$BUILD_DIR" \
	bash "$ROOT/scripts/demo" >"$T/demo.out" 2>&1
rc=$?
is "the demo runs to the end" "$rc" 0
[ "$rc" -eq 0 ] || tail -20 "$T/demo.out" | sed 's/^/# /'
check "it collected plays" grep -qE 'day 2/2: [1-9][0-9]* plays stored' "$T/demo.out"
check "it ran the ETL" grep -qE '^etl: [0-9]+ pages' "$T/demo.out"
check "it imported the export" grep -qE 'new events, [0-9]+ merged' "$T/demo.out"
n=$(wc -l <"$T/demo/records.jsonl")
check "it exported song records ($n)" test "$n" -gt 0
check "it wrote a static site" test -f "$T/demo/site/index.html"
check "the site's covers were copied" bash -c "ls '$T/demo/site/covers/' | grep -q ."
done_testing
