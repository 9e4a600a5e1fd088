#!/usr/bin/env bash
# A landed page that does not parse no longer stops every later ETL (the
# daemon's too): it is set aside by its key, the other pages load, the raw
# page stays as it was, status lists it, and --rebuild reads it again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-etl.sh"

start_sim --seed 41
check "auth" authorize main
check "a day of collecting" collect_days 1
# a page that holds plays, damaged as a bad disk or a hand edit would
page=$(grep -l '"played_at"' $(find "$DATA/landing/recently-played" -type f | sort) | head -1)
key=${page#"$DATA/landing/"}
check "a landed page with plays ($key)" test -n "$key"
cp "$page" "$T/good.json"
head -c 200 "$T/good.json" >"$page"
cp "$page" "$T/bad.json"

sl etl >"$T/etl1.out" 2>"$T/etl1.err"
is "etl goes on past the damaged page (exit 0)" "$?" 0
check "the summary names the page and why" \
	grep -qF "set aside 1 landed page that cannot be read, its plays not loaded: '$key': " "$T/etl1.out"
check "the other pages loaded" grep -qE '^etl: [1-9][0-9]* pages' "$T/etl1.out"
is "the raw page is left as it was" "$(cmp "$page" "$T/bad.json" && echo same)" same
sl status >"$T/status.out"
check "status lists it" grep -qE "^  landed-page +'$key': " "$T/status.out"
nplayed=$(sqlite3 "$DATA/spinlog.db" "SELECT count(DISTINCT track_id) FROM plays WHERE track_id IS NOT NULL")
is "every played track is still in the catalog" \
	"$(sqlite3 "$DATA/spinlog.db" "SELECT count(*) FROM tracks")" "$nplayed"

sl etl >"$T/etl2.out" 2>&1
is "the next etl runs too" "$?" 0
check "and counts it as set aside earlier" grep -qF "; 1 set aside earlier" "$T/etl2.out"

sl etl --rebuild >"$T/etl3.out" 2>&1
is "a rebuild with the page still damaged runs" "$?" 0
check "and sets it aside again" grep -qF "'$key': " "$T/etl3.out"
is "once, not twice" "$(sqlite3 "$DATA/spinlog.db" "SELECT count(*) FROM set_aside WHERE kind = 'landed-page'")" 1

cp "$T/good.json" "$page"
sl etl --rebuild >"$T/etl4.out" 2>&1
is "a rebuild after the page is mended runs" "$?" 0
check "and sets nothing aside" bash -c "! grep -q 'landed page' '$T/etl4.out'"
is "the set-aside page is gone" "$(sqlite3 "$DATA/spinlog.db" "SELECT count(*) FROM set_aside")" 0
is "every played track is in the catalog" \
	"$(sqlite3 "$DATA/spinlog.db" "SELECT count(*) FROM tracks")" "$nplayed"
done_testing
