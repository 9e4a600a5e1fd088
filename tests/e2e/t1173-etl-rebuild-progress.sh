#!/usr/bin/env bash
# Issue 11, 'etl --rebuild' shows its progress on a terminal: one line,
# redrawn, that ends with the pages and landed answers the summary counts;
# with stderr not a terminal it prints none. The rebuild keeps the
# artists' images (they come back from the landed /v1/artists answers).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-etl.sh"
sqlite_only

start_sim --seed 11
check "auth" authorize main
check "a day of collecting" collect_days 1
check "etl runs" sl etl
images=$(sqlite3 "$DATA/spinlog.db" "SELECT count(*) FROM artists WHERE image_url IS NOT NULL")
check "artists have images" test "$images" -gt 0
script -qec "'$SPINLOG' --data-dir '$DATA' etl --rebuild --no-covers" "$T/tty.txt" >/dev/null 2>&1
check "the rebuild on a terminal succeeds" test $? -eq 0
tr '\r' '\n' <"$T/tty.txt" | grep '^etl: rebuilding:' | tail -1 >"$T/last"
pages=$(tr '\r' '\n' <"$T/tty.txt" | sed -n 's/^etl: \([0-9]*\) pages\{0,1\}, .*/\1/p' | tail -1)
answers=$(tr '\r' '\n' <"$T/tty.txt" | sed -n 's/.*rebuilt from the landing store (\([0-9]*\) answers\{0,1\}).*/\1/p' | tail -1)
check "the summary counts pages and answers" test -n "$pages" -a -n "$answers" -a "${pages:-0}" -gt 0
is "the progress line ends with those counts" "$(cat "$T/last")" \
	"etl: rebuilding: $pages pages, $answers landed answers read back"
sl etl --rebuild --no-covers >"$T/plain.out" 2>"$T/plain.err"
check "the rebuild without a terminal succeeds" test $? -eq 0
check "and shows no progress" sh -c "! grep -q 'rebuilding' '$T/plain.err' '$T/plain.out'"
is "the rebuild keeps the artists' images" \
	"$(sqlite3 "$DATA/spinlog.db" "SELECT count(*) FROM artists WHERE image_url IS NOT NULL")" "$images"
done_testing
