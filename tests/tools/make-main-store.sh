#!/usr/bin/env bash
# Makes the data of tests/e2e/t1003-migrate-main.sh with an OLD build (the
# main branch before migration 5): a store with plays of every source (API
# through the simulator, the extended export, account data, a scrobbler
# log) as an SQL dump, and what that build's 'log', 'export' and 'wrapped'
# print. Run from the worktree: BUILD_DIR=/path/to/old/build tests/tools/make-main-store.sh
set -euo pipefail
OUT="$(cd "$(dirname "$0")/.." && pwd)/e2e/data"
. "$(dirname "$0")/../e2e/lib.sh"
set -e
start_sim --seed 5
authorize main user1 >/dev/null
for _ in 1 2 3 4 5 6; do advance 120; sl collect >/dev/null 2>&1; done
# the simulator's export, both packages (extended history and account
# data; synthetic, so no third-party data lands in the repository)
curl -sf -o "$T/export.zip" "$SIM_URL/_sim/export?user=user1&package=both"
mkdir -p "$T/export" && (cd "$T/export" && unzip -q "$T/export.zip")
find "$T/export" -name 'Streaming_History_*.json' -exec "$SPINLOG" --data-dir "$DATA" import {} + >/dev/null
find "$T/export" -name 'StreamingHistory*.json' -exec "$SPINLOG" --data-dir "$DATA" import {} + >/dev/null
printf '#AUDIOSCROBBLER/1.1\n#TZ/UTC\n' >"$T/.scrobbler.log"
printf 'Metallica\tMetallica\tEnter Sandman\t1\t365\tL\t1600000000\t\n' >>"$T/.scrobbler.log"
printf 'Portishead\tDummy\tCowboys\t2\t300\tS\t1600000400\t\n' >>"$T/.scrobbler.log"
sl import "$T/.scrobbler.log" >/dev/null
sqlite3 "$DATA/spinlog.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
sqlite3 "$DATA/spinlog.db" .dump >"$OUT/t1003-store.sql"
# .dump leaves out the schema version, which says which migrations ran
echo "PRAGMA user_version = $(sqlite3 "$DATA/spinlog.db" 'PRAGMA user_version');" \
	>>"$OUT/t1003-store.sql"
sl log -n 100000 --format jsonl >"$OUT/t1003-log.jsonl"
sl export --extended --utc >"$OUT/t1003-export.jsonl"
years=$(sqlite3 "$DATA/spinlog.db" "SELECT DISTINCT strftime('%Y', played_ms / 1000, 'unixepoch') FROM plays ORDER BY 1")
: >"$OUT/t1003-wrapped.txt"
for y in $years; do sl wrapped --year "$y" >>"$OUT/t1003-wrapped.txt"; done
echo "$years" | tr '\n' ' ' >"$OUT/t1003-years"
sqlite3 "$DATA/spinlog.db" "SELECT sources, count(*) FROM plays GROUP BY 1" >"$OUT/t1003-sources"
echo "wrote $OUT/t1003-*: $(sqlite3 "$DATA/spinlog.db" 'SELECT count(*) FROM plays') plays"
