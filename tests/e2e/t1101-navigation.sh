#!/usr/bin/env bash
# Navigation (issue 11) on the hand-made store of lib-see-fixture.sql plus a
# few plays of our own: artist and album pages (rank, plays, first and last
# listen), a range's top list in the API and in 'wrapped --from/--to', week
# totals, the longest streak, on this day, search, prev/next links, bad
# dates refused, hostile names inert; the site writes the pages and every
# link of it resolves. The truth is computed here with sqlite3 from the
# store's rows, by the rule of report.h, not by spinlog.
. "$(dirname "$0")/lib.sh"
export TZ=UTC

sl wrapped >/dev/null 2>&1 # creates and migrates the store
DB="$DATA/spinlog.db"
sqlite3 "$DB" <"$(dirname "$0")/lib-see-fixture.sql"
# 2024-01-02 12:00 (on this day for 2025-01-02) and 2024-12-30/31 (a longer streak).
sqlite3 "$DB" "INSERT INTO plays (account_id, played_ms, kind, track_id, ms_played, sources) VALUES
  (1, 1704196800000, 'music', 't4', 90000, 2), (1, 1735560000000, 'music', 't1', 200000, 2),
  (1, 1735646400000, 'music', 't4', 20000, 2);"

# The counted plays, each with its time played (ms_played, else the duration, else 0).
COUNTED="SELECT p.id, p.played_ms, p.track_id, COALESCE(p.ms_played, t.duration_ms, 0) AS ms
  FROM plays p LEFT JOIN tracks t ON t.id = p.track_id
  WHERE p.kind = 'music' AND p.track_id IS NOT NULL AND (p.ms_played IS NULL OR p.ms_played >= 30000)"
# Each counted play's artists: the catalog's, else 'name:' || the play's artist name.
ART="SELECT c.*, ta.artist_id AS artist FROM ($COUNTED) c JOIN track_artists ta ON ta.track_id = c.track_id
  UNION ALL SELECT c.*, 'name:' || p.artist_name FROM ($COUNTED) c JOIN plays p ON p.id = c.id
  WHERE NOT EXISTS (SELECT 1 FROM track_artists ta WHERE ta.track_id = c.track_id)"
RANKED="SELECT artist, count(*) AS n, sum(ms) AS ms, min(played_ms) AS f, max(played_ms) AS l,
  row_number() OVER (ORDER BY count(*) DESC, sum(ms) DESC, artist) AS rk FROM ($ART) sub GROUP BY artist"
q() { sqlite3 -separator ' ' "$DB" "$1"; }
NARTISTS=$(q "SELECT count(*) FROM ($RANKED) sub")

start_serve --no-covers
get() { curl -s -o "$T/body" -w '%{http_code}' "$URL$1"; }
num() { sed -n "s/.*<b id=\"$1\">#\{0,1\}\([0-9.]*\).*/\1/p" "$T/body"; }
when() { date -u -d "@$(($1 / 1000))" '+%Y-%m-%d %H:%M'; }

# Artist pages: every catalogued artist, against the truth.
for a in ar1 ar2 ar3 ar4; do
	read -r n ms f l rk <<<"$(q "SELECT n, ms, f, l, rk FROM ($RANKED) sub WHERE artist = '$a'")"
	is "artist $a page" "$(get "/artist-$a.html")" 200
	cat "$T/body" >>"$T/all.html"
	is "artist $a: rank among $NARTISTS" "$(num rank) of $NARTISTS" \
		"$rk of $(sed -n 's/.*<\/b>of \([0-9]*\) artists.*/\1/p' "$T/body")"
	is "artist $a: plays" "$(num plays)" "$n"
	is "artist $a: minutes" "$(num minutes)" "$(awk "BEGIN{printf \"%.1f\", $ms/60000}")"
	check "artist $a: first listen $(when "$f")" grep -q "id=\"first\"><a href=\"day-[0-9-]*.html\">$(when "$f")<" "$T/body"
	check "artist $a: last listen $(when "$l")" grep -q "id=\"last\"><a href=\"day-[0-9-]*.html\">$(when "$l")<" "$T/body"
done
is "an artist without counted plays has no page" "$(get /artist-nobody.html)" 404
is "an uncatalogued name has no page" "$(get '/artist-name:x.html')" 400

# An album page.
read -r n f <<<"$(q "SELECT count(*), min(c.played_ms) FROM ($COUNTED) c JOIN tracks t ON t.id = c.track_id WHERE t.album_id = 'al4'")"
is "album page" "$(get /album-al4.html)" 200
cat "$T/body" >>"$T/all.html"
is "album: plays" "$(num plays)" "$n"
check "album: first listen" grep -q "id=\"first\"><a href=\"day-[0-9-]*.html\">$(when "$f")<" "$T/body"
check "album: its artist is linked" grep -q 'href="artist-ar4.html"><bdi>Émoji 🎸 Band</bdi>' "$T/body"

# Links to them from the year, track and day pages.
get /year-2025.html >/dev/null
check "year page links top artists" grep -q 'href="artist-ar2.html"' "$T/body"
check "year page links top albums" grep -q 'href="album-al2.html"' "$T/body"
get /track-t3.html >/dev/null
check "track page links each artist" grep -q '<span class="artist"><a href="artist-ar3.html"><bdi>Guns N&#39; Roses &amp; &quot;Friends&quot;</bdi></a>, <a href="artist-ar4.html"><bdi>Émoji 🎸 Band</bdi></a></span>' "$T/body"
check "track page links the album" grep -q 'href="album-al3.html"' "$T/body"
get /day-2025-01-02.html >/dev/null
check "day page links artists" grep -q 'href="artist-ar2.html"' "$T/body"
check "day page: previous day with plays" grep -q 'rel="prev" href="day-2025-01-01.html"' "$T/body"
check "day page: next day with plays" grep -q 'rel="next" href="day-2025-01-03.html"' "$T/body"
check "day page: its week and month" grep -q 'href="week-2024-12-30.html">week</a> <a href="month-2025-01.html">' "$T/body"

# A range: the API's top tracks against the truth, and the year answer unchanged.
FROM=$(date -u -d 2025-01-01 +%s)000 TO=$(date -u -d 2025-01-03 +%s)000
want=$(q "SELECT track_id || ':' || count(*) FROM ($COUNTED) sub WHERE played_ms >= $FROM AND played_ms < $TO
  GROUP BY track_id ORDER BY count(*) DESC, sum(ms) DESC, track_id" | tr '\n' ' ')
is "range API" "$(get '/api/summary?from=2025-01-01&to=2025-01-02')" 200
is "range: top tracks" "$(jq -r '[.top_tracks[] | "\(.key):\(.plays)"] | join(" ")' "$T/body") " "$want"
is "range: plays" "$(jq .plays "$T/body")" "$(q "SELECT count(*) FROM ($COUNTED) sub WHERE played_ms >= $FROM AND played_ms < $TO")"
is "range: from only runs to the end" "$(get '/api/summary?from=2025-03-01' >/dev/null; jq -r '.top_tracks[0].key' "$T/body")" t9
is "year API still answers" "$(get '/api/summary?year=2025' >/dev/null; jq .year "$T/body")" 2025
is "range page" "$(get '/alltime.html?from=2025-01-01&to=2025-01-02')" 200
check "range page: the top track first" sh -c "grep -o 'track-t[0-9]*.html' '$T/body' | head -1 | grep -q \"track-${want%%:*}.html\""
is "bad date is 400" "$(get '/api/summary?from=2025-02-30')" 400
check "... saying why" grep -q 'from and to must be dates YYYY-MM-DD' "$T/body"
is "from after to is 400" "$(get '/api/summary?from=2025-02-01&to=2025-01-01')" 400
is "bad date on the range page is 400" "$(get '/alltime.html?to=soon')" 400
sl wrapped --from 2025-01-01 --to 2025-01-02 >"$T/wrapped.out"
is "wrapped --from/--to: plays" "$(sed -n 's/^  plays *//p' "$T/wrapped.out")" "$(jq .plays <(curl -s "$URL/api/summary?from=2025-01-01&to=2025-01-02"))"
is "wrapped: a bad date is a usage error" "$(sl wrapped --from 2025-1-1 2>"$T/err" >/dev/null; echo $?)" 2
check "... naming it" grep -q "'2025-1-1' is not a date" "$T/err"

# All time.
is "all-time page" "$(get /alltime.html)" 200
cat "$T/body" >>"$T/all.html"
is "all time: plays" "$(num plays)" "$(q "SELECT count(*) FROM ($COUNTED) sub")"

# A week: its plays and the neighbours.
W0=$(date -u -d 2024-12-30 +%s)000 W1=$(date -u -d 2025-01-06 +%s)000
is "week page" "$(get /week-2024-12-30.html)" 200
is "week: plays" "$(num plays)" "$(q "SELECT count(*) FROM ($COUNTED) sub WHERE played_ms >= $W0 AND played_ms < $W1")"
check "week: previous week with plays" grep -q 'rel="prev" href="week-2024-01-01.html"' "$T/body"
check "week: next week with plays" grep -q 'rel="next" href="week-2025-03-10.html"' "$T/body"
is "month page" "$(get /month-2025-01.html)" 200
M1=$(date -u -d 2025-02-01 +%s)000
is "month: plays" "$(num plays)" "$(q "SELECT count(*) FROM ($COUNTED) sub WHERE played_ms >= $FROM AND played_ms < $M1")"
is "a month that does not exist" "$(get /month-2025-13.html)" 404

# Streaks: the longest run of consecutive days with counted plays.
longest=$(q "SELECT DISTINCT played_ms / 86400000 FROM ($COUNTED) sub ORDER BY 1" |
	awk 'NR > 1 && $1 == p + 1 { r++ } NR == 1 || $1 != p + 1 { r = 1 } { if (r > m) m = r; p = $1 } END { print m }')
get / >/dev/null
is "home: longest streak" "$(sed -n 's/.*id="longest-streak">\([0-9]*\)<.*/\1/p' "$T/body")" "$longest"
check "home: the current streak is shown" grep -q 'id="current-streak"' "$T/body"
check "home: on this day is shown" grep -q 'id="on-this-day"' "$T/body"
check "home: a search form (GET, no script)" grep -q '<form class="search" method="get" action="search.html"' "$T/body"
get /day-2025-01-02.html >/dev/null
check "day page: on this day in earlier years" grep -q 'id="on-this-day".*href="day-2024-01-02.html"' "$T/body"

# Search: case and accents folded; every word must match.
get '/search.html?q=emoji' >/dev/null
check "search 'emoji' finds the artist 'Émoji 🎸 Band'" grep -q 'id="hits-artists">.*href="artist-ar4.html"><bdi>Émoji 🎸 Band' "$T/body"
check "... and the track 'Emoji 🎉 Song'" grep -q 'id="hits-tracks">.*href="track-t4.html"><bdi>Emoji 🎉 Song' "$T/body"
check "... and not 'Bold'" sh -c "! grep -q 'Bold' '$T/body'"
get '/search.html?q=ROSES%20guns' >/dev/null
check "search 'ROSES guns' finds 'Guns N' Roses'" grep -q 'href="artist-ar3.html"' "$T/body"
get '/search.html?q=%D9%86%D9%88%D8%B1' >/dev/null
check "search in Arabic finds the album" grep -q 'id="hits-albums">.*href="album-al2.html"' "$T/body"
get '/search.html?q=%3Cscript%3E' >/dev/null
cat "$T/body" >>"$T/all.html"
check "search: the query is echoed escaped" grep -q 'value="&lt;script&gt;"' "$T/body"
check "search: a hostile name found stays text" grep -q 'href="artist-ar1.html"><bdi>&lt;script&gt;alert(1)&lt;/script&gt;' "$T/body"
is "search: a too long query is 400" "$(get "/search.html?q=$(printf 'x%.0s' $(seq 1 300))")" 400

# Hostile names stay inert on the new pages.
check "no raw <script in the new pages" sh -c "! grep -qi '<script' '$T/all.html'"
check "no raw <img src=x in the new pages" sh -c "! grep -q '<img src=x' '$T/all.html'"
check "no raw <b>Bold in the new pages" sh -c "! grep -q '<b>Bold' '$T/all.html'"
check "right-to-left names isolated" grep -q 'dir="auto">فيروز<' "$T/all.html"

# The site: the new pages are files, and every link resolves.
stop_serve 2>/dev/null || kill "$SERVE_PID"
sl site --no-covers --out "$T/site" >"$T/site.out"
for f in artist-ar1.html album-al1.html alltime.html week-2024-12-30.html month-2025-03.html; do
	check "site writes $f" test -s "$T/site/$f"
done
check "site: no page for an uncatalogued artist" sh -c "! ls '$T/site' | grep -q 'artist-name'"
check "site: no search form (a static site cannot search)" sh -c "! grep -q 'action=\"search.html\"' '$T/site/index.html'"
missing=$(cd "$T/site" && cat ./*.html | grep -o 'href="[^"#]*"' | sed 's/^href="//; s/"$//' | sort -u |
	while read -r l; do [ -e "$l" ] || echo "$l"; done)
is "site: every link resolves" "$missing" ""
done_testing
