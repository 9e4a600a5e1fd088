#!/usr/bin/env bash
# issue 10: plays without a Spotify id (account data: names only) count in
# wrapped, the calendar, the site's pages and export. Input: the real
# StreamingHistory0.json fixture (10,000 rows of 2021, no ids). Truth: jq
# over the file with doc/import.md's counting rule (ms_played >= 30 s; the
# old mixed file's rows are music when nothing says otherwise).
. "$(dirname "$0")/lib.sh"

IN=/work/shared/fixtures/real/StreamingHistory0.json
[ -f "$IN" ] || IN="$(dirname "$0")/../../../shared/fixtures/real/StreamingHistory0.json"
check "the fixture is there" test -f "$IN"
check "the account data imports" sl import "$IN"

want=$(jq '[.[] | select(.msPlayed >= 30000)] | length' "$IN")
# most plays, then most ms, then (not needed here) the key
top=$(jq -r '[.[] | select(.msPlayed >= 30000)] | group_by([.artistName, .trackName])
	| map({t: .[0].trackName, a: .[0].artistName, n: length, ms: (map(.msPlayed) | add)})
	| sort_by(-.n, -.ms) | .[0] | "\(.t) — \(.a)  (\(.n) plays"' "$IN")
sl wrapped --year 2021 >"$T/w.out" 2>&1
check "wrapped runs" test $? -eq 0
check "wrapped counts $want plays" grep -qE "^  plays +$want\$" "$T/w.out"
check "the top track is '$top'" grep -qF "   1. $top" "$T/w.out"
grep -E "^  plays|^   1\." "$T/w.out" | sed 's/^/# /'

check "the site is written" sl site --out "$T/site" --no-covers
jq -r '[.[] | select(.msPlayed >= 30000) | .endTime[0:10]] | unique | .[]' "$IN" >"$T/days.want"
jq -r '.[] | select(.year == 2021) | .days[] | select(.track != null) | .date' \
	"$T/site/calendar.json" | sort -u >"$T/days.got"
is "the calendar has a winner on every day with counted plays" \
	"$(diff "$T/days.want" "$T/days.got" >/dev/null && echo same || echo differ)" same
is "days with counted plays" "$(wc -l <"$T/days.got" | tr -d ' ')" "$(wc -l <"$T/days.want" | tr -d ' ')"
d=$(head -1 "$T/days.want")
check "the winner of $d is named, with no id" \
	test "$(jq -r --arg d "$d" '.[].days[] | select(.date == $d) | .track.name' "$T/site/calendar.json")" != ""
check "the year page names the top track" grep -qF "$(jq -r '[.[] | select(.msPlayed >= 30000)] | group_by([.artistName, .trackName]) | map({t: .[0].trackName, n: length, ms: (map(.msPlayed) | add)}) | sort_by(-.n, -.ms) | .[0].t' "$IN" | sed 's/&/\&amp;/g')" "$T/site/year-2021.html"
# every page a page links to exists (tracks without an id have no page: no link)
missing=$(cd "$T/site" && grep -oh 'href="[^"#:]*"' ./*.html | sed 's/^href="//;s/"$//' | sort -u |
	while read -r f; do [ -e "$f" ] || echo "$f"; done | wc -l)
is "no link leads nowhere" "$missing" 0
check "the all-time page counts them" grep -qF "$(echo "$top" | sed 's/  (.*//; s/.* — //')" "$T/site/alltime.html"

sl export >"$T/e.jsonl"
check "export runs" test $? -eq 0
is "export writes every music play" "$(wc -l <"$T/e.jsonl" | tr -d ' ')" "$(jq length "$IN")"
is "with a null track_id" "$(jq -s 'map(select(.track_id == null)) | length' "$T/e.jsonl")" "$(jq length "$IN")"
is "and their names" "$(jq -s 'map(select(.track_name == null)) | length' "$T/e.jsonl")" 0
done_testing
