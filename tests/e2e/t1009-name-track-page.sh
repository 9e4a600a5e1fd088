#!/usr/bin/env bash
# issue 10: a track known by its names only (account data, no Spotify id)
# has a page of its own, track-n<16 hex of its name key>.html, in the site
# and in serve: its names (escaped), its stored plays, the plays-over-time
# chart, no cover or analysis. The URL is the same in another store that
# has the same names (it comes from the name key, not a row id), and the
# year page, the all-time page and the day pages link to it. Truth: jq over
# the real account-data fixture.
. "$(dirname "$0")/lib.sh"

IN=/work/shared/fixtures/real/StreamingHistory0.json
[ -f "$IN" ] || IN="$(dirname "$0")/../../../shared/fixtures/real/StreamingHistory0.json"
# a name that must be escaped, played three times
jq '. + [range(3) | {endTime: "2021-06-0\(. + 1) 12:00", artistName: "Tom & <i>Jerry</i>",
	trackName: "<script>alert(1)</script> & Co", msPlayed: 200000}]' "$IN" >"$T/StreamingHistory0.json"
check "the account data imports" sl import "$T/StreamingHistory0.json"
check "the site is written" sl site --out "$T/site" --no-covers

# the top track of 2021 by the counting rule, and its stored plays (any length)
top_t=$(jq -r '[.[] | select(.msPlayed >= 30000)] | group_by([.artistName, .trackName])
	| map({t: .[0].trackName, a: .[0].artistName, n: length, ms: (map(.msPlayed) | add)})
	| sort_by(-.n, -.ms) | .[0].t' "$IN")
stored=$(jq --arg t "$top_t" '[.[] | select(.trackName == $t)] | length' "$IN")
esc() { sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g' <<<"$1"; }
page=$(grep -o "<a href=\"track-n[0-9a-f]*\.html\"><span class=\"track\" dir=\"auto\">$(esc "$top_t")</span>" \
	"$T/site/year-2021.html" | head -1 | sed 's/^<a href="//; s/".*//')
check "the year page links the top track '$top_t' to a page of its own ($page)" \
	bash -c "[[ '$page' =~ ^track-n[0-9a-f]{16}\\.html\$ ]]"
check "the page exists" test -f "$T/site/$page"
check "it names the track" grep -qF "<h1><span class=\"track\" dir=\"auto\">$(esc "$top_t")</span></h1>" "$T/site/$page"
check "it counts the $stored stored plays" grep -qF "$stored plays stored" "$T/site/$page"
check "it draws the plays over time" grep -q "Plays over time" "$T/site/$page"
check "it says what is missing without an id" grep -q "Known by its names only" "$T/site/$page"
check "no analysis section" bash -c "! grep -q '<h2>Sections</h2>' '$T/site/$page'"
check "the all-time page links it" grep -qF "href=\"$page\"" "$T/site/alltime.html"
d=$(jq -r --arg t "$top_t" '[.[] | select(.trackName == $t and .msPlayed >= 30000) | .endTime[0:10]] | sort | .[0]' "$IN")
check "the day page of its first play ($d) links it" grep -qF "href=\"$page\"" "$T/site/day-$d.html"
missing=$(cd "$T/site" && grep -oh 'href="[^"#:]*"' ./*.html | sed 's/^href="//;s/"$//' | sort -u |
	while read -r f; do [ -e "$f" ] || echo "$f"; done | wc -l)
is "no link leads nowhere" "$missing" 0

# escaped everywhere
x=$(grep -l "alert(1)" "$T/site"/track-n*.html | head -1)
check "the hostile name has a page" test -n "$x"
check "its name is escaped" grep -qF "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" "$x"
check "no markup from it" bash -c "! grep -q '<script>alert' '$x' && ! grep -qF '<i>Jerry</i>' '$x'"
check "3 plays stored" grep -qF "3 plays stored" "$x"

# the same names in another store give the same URL (another file first, so
# every row id differs)
DATA2="$T/data2"
printf '[{"endTime":"2020-01-01 10:00","artistName":"Other","trackName":"First","msPlayed":99000}]' >"$T/first.json"
"$SPINLOG" --data-dir "$DATA2" import "$T/first.json" >/dev/null 2>&1
"$SPINLOG" --data-dir "$DATA2" import "$IN" >/dev/null 2>&1
"$SPINLOG" --data-dir "$DATA2" site --out "$T/site2" --no-covers >/dev/null 2>&1
check "another store writes the same page for it" test -f "$T/site2/$page"
check "with the same track" grep -qF "<h1><span class=\"track\" dir=\"auto\">$(esc "$top_t")</span></h1>" "$T/site2/$page"

# serve
start_serve
code=$(curl -s -o "$T/p.html" -w '%{http_code}' "$URL/${page}")
is "serve answers /$page" "$code" 200
check "with the same track and plays" grep -qF "$stored plays stored" "$T/p.html"
is "an unknown name key is 404" "$(curl -s -o /dev/null -w '%{http_code}' "$URL/track-n0123456789abcdef.html")" 404
done_testing
