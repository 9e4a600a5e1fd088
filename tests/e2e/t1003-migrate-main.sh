#!/usr/bin/env bash
# A store made by the code before migration 5 (plays as one wide table),
# with plays of every source: API (simulator), extended export, account
# data, scrobbler log. Opened by this build, it migrates, and 'log',
# 'export --extended' and 'wrapped' print byte for byte what the old build
# printed (the last two leaving out the plays without an id, which the old
# build did not count). The data is made by tests/tools/make-main-store.sh with the old
# build (tests/e2e/data/t1003-*).
. "$(dirname "$0")/lib.sh"
sqlite_only "the old store is an SQLite file an old build made; a postgresql store starts at its own migration 1"
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
# The old build left plays without an id out of export and wrapped; this one
# counts them (t1004), so they are compared apart: without them, the same bytes.
sl export --extended --utc >"$T/export"
grep -v '^{"track_id":null,' "$T/export" >"$T/export.ids"
check "export --extended: byte-identical for the plays with an id" cmp -s "$T/export.ids" "$D/t1003-export.jsonl"
is "export --extended: and every play without an id as well" \
	"$(grep -c '^{"track_id":null,' "$T/export")" \
	"$(sqlite3 "$DATA/spinlog.db" "SELECT count(*) FROM plays WHERE kind = 'music' AND track_id IS NULL AND track_name IS NOT NULL")"
mkdir -p "$T/ids"
sqlite3 "$DATA/spinlog.db" ".backup '$T/ids/spinlog.db'"
# not music any more, but still there: "your history starts in ..." stays as it was
sqlite3 "$T/ids/spinlog.db" "UPDATE plays SET kind = 'unknown' WHERE track_id IS NULL AND kind = 'music'"
: >"$T/wrapped"
for y in $(cat "$D/t1003-years"); do "$SPINLOG" --data-dir "$T/ids" wrapped --year "$y" >>"$T/wrapped"; done
check "wrapped for every year, without the plays without an id: byte-identical" \
	cmp -s "$T/wrapped" "$D/t1003-wrapped.txt"
is "plays by source kept" "$(sqlite3 "$DATA/spinlog.db" 'SELECT sources, count(*) FROM plays GROUP BY 1')" \
	"$(cat "$D/t1003-sources")"
# opened again: nothing more to migrate, the same answers
sl log -n 100000 --format jsonl >"$T/log2"
check "a second open: log unchanged" cmp -s "$T/log2" "$D/t1003-log.jsonl"
done_testing
