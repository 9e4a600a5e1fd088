#!/usr/bin/env bash
# Issue 11, accent colours computed once per cover and cached: the card's
# accent (the mean colour of its top cover) is kept beside the cover as
# <id>.accent; a second render reads it and does not compute it again
# (proved by planting another colour in that file: the next card is drawn in
# it); a cover newer than its .accent is computed again; the file is never
# served as a cover.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-etl.sh"

dashboard_store
YEAR=$(curl -s "$URL/api/years" | jq '.years[-1]')
top=$(curl -s "$URL/api/card?year=$YEAR" | jq -r '.covers[0] // empty')
check "the card has a top cover" test -n "$top"
cover=""
for _ in $(seq 1 100); do # the background cover download (bounded): the top cover alone
	cover=$(ls "$DATA/covers" 2>/dev/null | grep "^$top\.\(png\|jpg\|gif\|webp\)$" | head -1)
	[ -n "$cover" ] && break
	sleep 0.1
done
check "the top cover is cached" test -n "$cover"

# corner FILE: "r g b" of the pixel at (4, 4), the accent's gradient.
corner() { python3 - "$ROOT/tests/tools" "$1" <<'PY'
import sys
sys.path.insert(0, sys.argv[1]); import pngrows
print(*pngrows.rows(sys.argv[2])[4][4])
PY
}

rm -f "$DATA/covers/$top.accent"
sl card --year "$YEAR" -o "$T/one.png" >"$T/one.out" 2>&1
check "the first card is drawn" test $? -eq 0
check "the first render keeps the accent beside the cover" test -s "$DATA/covers/$top.accent"
is "the accent file is one rrggbb line" "$(grep -c '^[0-9a-f]\{6\}$' "$DATA/covers/$top.accent")" 1
first=$(corner "$T/one.png")

printf 'ff0000\n' >"$DATA/covers/$top.accent"
sl card --year "$YEAR" -o "$T/two.png" >"$T/two.out" 2>&1
check "the second card is drawn" test $? -eq 0
read -r r g b <<<"$(corner "$T/two.png")"
check "the second render reads the cached accent, not the cover (red: $r $g $b)" \
	test "$r" -gt 100 -a "$g" -lt 10 -a "$b" -lt 10
is "the cached accent is left as it was" "$(cat "$DATA/covers/$top.accent")" ff0000

touch -d '+2 seconds' "$DATA/covers/$cover"
sl card --year "$YEAR" -o "$T/three.png" >"$T/three.out" 2>&1
check "the third card is drawn" test $? -eq 0
check "a cover newer than its accent: computed again" sh -c "test \"\$(cat '$DATA/covers/$top.accent')\" != ff0000"
is "computed again: the first card's colour" "$(corner "$T/three.png")" "$first"

# The cover replaced in the same second its accent was written: the accent
# is older by 0.5 s, which whole seconds would not see.
now=$(($(date +%s) + 10))
printf 'ff0000\n' >"$DATA/covers/$top.accent"
touch -d "@$now.100000000" "$DATA/covers/$top.accent"
touch -d "@$now.600000000" "$DATA/covers/$cover"
sl card --year "$YEAR" -o "$T/four.png" >"$T/four.out" 2>&1
check "the fourth card is drawn" test $? -eq 0
is "a cover newer by half a second: computed again" "$(corner "$T/four.png")" "$first"

is "the accent file is not served" "$(curl -s -o /dev/null -w '%{http_code}' "$URL/covers/$top.accent")" 404
done_testing
