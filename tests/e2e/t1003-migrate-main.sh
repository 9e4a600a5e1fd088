#!/usr/bin/env bash
# A store made by the code before migration 5 (plays as one wide table),
# with plays of every source: API (simulator), extended export, account
# data, scrobbler log. Opened by this build, it migrates, and 'log',
# 'export --extended' and 'wrapped' print byte for byte what the old build
# printed. The data is made by tests/tools/make-main-store.sh with the old
# build (tests/e2e/data/t1003-*).
. "$(dirname "$0")/lib.sh"
D="$ROOT/tests/e2e/data"
mkdir -p "$DATA"
sqlite3 "$DATA/spinlog.db" <"$D/t1003-store.sql"
old=$(sqlite3 "$DATA/spinlog.db" 'PRAGMA user_version')
for bit in 1 2 4 8; do
	check "the old store has plays of source bit $bit" test "$(sqlite3 "$DATA/spinlog.db" \
		"SELECT count(*) FROM plays WHERE sources & $bit")" -gt 0
done
check "the old store has the wide plays table" test "$(sqlite3 "$DATA/spinlog.db" \
	"SELECT type FROM sqlite_master WHERE name = 'plays'")" = table

sl log -n 100000 --format jsonl >"$T/log" 2>"$T/err"
check "log on the old store succeeds" test $? -eq 0
check "the store was migrated (schema $old -> $(sqlite3 "$DATA/spinlog.db" 'PRAGMA user_version'))" \
	test "$(sqlite3 "$DATA/spinlog.db" 'PRAGMA user_version')" -gt "$old"
check "plays is a view over play_rows now" test "$(sqlite3 "$DATA/spinlog.db" \
	"SELECT type FROM sqlite_master WHERE name = 'plays'")" = view
check "log: byte-identical to the old build's" cmp -s "$T/log" "$D/t1003-log.jsonl"
sl export --extended --utc >"$T/export"
check "export --extended: byte-identical" cmp -s "$T/export" "$D/t1003-export.jsonl"
: >"$T/wrapped"
for y in $(cat "$D/t1003-years"); do sl wrapped --year "$y" >>"$T/wrapped"; done
check "wrapped for every year: byte-identical" cmp -s "$T/wrapped" "$D/t1003-wrapped.txt"
is "plays by source kept" "$(sqlite3 "$DATA/spinlog.db" 'SELECT sources, count(*) FROM plays GROUP BY 1')" \
	"$(cat "$D/t1003-sources")"
# opened again: nothing more to migrate, the same answers
sl log -n 100000 --format jsonl >"$T/log2"
check "a second open: log unchanged" cmp -s "$T/log2" "$D/t1003-log.jsonl"
done_testing
