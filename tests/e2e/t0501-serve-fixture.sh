#!/usr/bin/env bash
# The dashboard on a hand-made store (lib-see-fixture.sql): pages and API answer,
# the calendar winner rule holds, hostile names are escaped everywhere,
# missing covers are neutral tiles, bad requests are refused, the server is
# read-only and binds only loopback; wrapped prints the year.
. "$(dirname "$0")/lib.sh"

sl wrapped >/dev/null 2>&1 # creates and migrates the store
sqlite3 "$DATA/spinlog.db" <"$(dirname "$0")/lib-see-fixture.sql"
check "fixture loaded" test "$(sqlite3 "$DATA/spinlog.db" 'SELECT count(*) FROM plays')" -eq 11

start_serve --no-covers
check "server says where it listens" grep -q "^spinlog: serving http://127.0.0.1:[0-9]*/" "$T/serve.out"
check "it listens on loopback only" sh -c "ss -ltnH | grep -q '127.0.0.1:$(cat "$T/serve.port") '"

code() { curl -s -o "$T/body" -w '%{http_code}' "$URL$1"; }
for p in / /index.html /calendar-2025.html /year-2025.html /coverage-2025.html \
	/day-2025-01-01.html /track-t1.html /calendar-2024.html; do
	is "GET $p" "$(code "$p")" 200
	cat "$T/body" >>"$T/all.html"
done
is "unknown page is 404" "$(code /nope.html)" 404
is "unknown track is 404" "$(code /track-zzz.html)" 404
is "hostile track id is refused" "$(code '/track-..%2Fx.html')" 400
is "bad date is 400" "$(code '/api/day?date=2025-02-30')" 400
is "bad year is 400" "$(code '/api/calendar?year=20x5')" 400
is "POST is refused" "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$URL/")" 405
is "a foreign Host is refused (DNS rebinding)" \
	"$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: evil.example' "$URL/")" 403
is "covers outside the cache are not served" "$(code '/covers/..%2F..%2Fspinlog.db')" 404

# Escaping: the hostile names appear only escaped.
check "no raw <img src=x in any page" sh -c "! grep -q '<img src=x' '$T/all.html'"
check "no <script in any page" sh -c "! grep -qi '<script' '$T/all.html'"
check "no raw <b>Bold in any page" sh -c "! grep -q '<b>Bold' '$T/all.html'"
check "escaped track name shown" grep -q '&lt;img src=x onerror=alert(1)&gt;' "$T/all.html"
check "escaped artist shown" grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$T/all.html"
check "quotes escaped in attributes" grep -q 'Don&#39;t Stop &quot;Believin&#39;&quot;' "$T/all.html"
check "right-to-left names keep their text, dir=auto" grep -q 'dir="auto">حبيبي يا نور العين' "$T/all.html"
check "emoji kept" grep -q 'Emoji 🎉 Song' "$T/all.html"
check "no JavaScript needed: no script elements at all" sh -c "! grep -q '<script' '$T/all.html'"
check "missing cover is a tile with escaped initials" \
	grep -q 'class="tile " dir="auto" role="img" aria-label="&lt;b&gt;Bold&lt;/b&gt; Album">BB<' "$T/all.html"
check "a list of artists isolates each name (bdi), in the page's direction" \
	grep -q '<span class="artist"><bdi>Guns N&#39; Roses &amp; &quot;Friends&quot;</bdi>, <bdi>Émoji 🎸 Band</bdi></span>' "$T/all.html"
curl -s "$URL/calendar-2025.html" >"$T/cal.html"
is "the calendar draws January to March, the months with plays" \
	"$(grep -o '<section class="month"><h2>[A-Za-z]*' "$T/cal.html" | sed 's/.*<h2>//' | tr '\n' ' ')" \
	"January February March "
curl -s "$URL/year-2024.html" >"$T/y2024.html"
check "the first year says every artist is new instead of listing them" \
	grep -q 'id="new-artists"><h2>New artists this year</h2><p>Your history starts in 2024' "$T/y2024.html"
check "a later year lists its new artists" sh -c "curl -s '$URL/year-2025.html' | grep -q '<h2>New artists this year</h2><ol[ >]'"
check "empty days look empty" grep -q 'class="day empty" data-date="2025-01-04"' "$T/cal.html"
check "a day links to its plays" grep -q 'href="day-2025-01-01.html"' "$T/cal.html"
check "hover says song, artist, plays, minutes" \
	grep -q 'title="&lt;img src=x onerror=alert(1)&gt; — &lt;script&gt;alert(1)&lt;/script&gt;&#10;2 plays, 6.7 min' "$T/cal.html"

# The API.
curl -s "$URL/api/calendar?year=2025" >"$T/cal.json"
check "calendar JSON parses" sh -c "jq -e . '$T/cal.json' >/dev/null"
is "winners: most plays, then time, then smaller id" \
	"$(jq -c '[.days[] | [.date, .track.id]]' "$T/cal.json")" \
	'[["2025-01-01","t1"],["2025-01-02","t3"],["2025-01-03","t3"],["2025-03-15","t9"]]'
is "JSON keeps names as text" "$(jq -r '.days[0].track.name' "$T/cal.json")" '<img src=x onerror=alert(1)>'
curl -s "$URL/api/summary?year=2025" >"$T/sum.json"
is "summary: plays (music only, not too short)" "$(jq .plays "$T/sum.json")" 8
is "summary: time, measured and estimated" "$(jq -c '[.ms, .ms_measured, .plays_ms_measured, .plays_ms_estimated]' "$T/sum.json")" '[1090000,690000,6,2]'
is "summary: distinct tracks/artists/albums" "$(jq -c '[.distinct_tracks, .distinct_artists, .distinct_albums]' "$T/sum.json")" '[5,5,5]'
is "summary: skip rate" "$(jq -c '[.skips, .skips_known]' "$T/sum.json")" '[2,6]'
is "summary: new artists (fairuz played in 2024)" "$(jq .new_artists "$T/sum.json")" 3
is "summary: biggest day" "$(jq -r .biggest_day.date "$T/sum.json")" 2025-01-01
is "summary: first play" "$(jq -r .first_play.track.id "$T/sum.json")" t1
is "summary: top genre" "$(jq -r '.top_genres[0].name' "$T/sum.json")" rock
is "day API lists every play incl. podcast" "$(curl -s "$URL/api/day?date=2025-01-03" | jq '[.plays[] | .counted] | map(select(.)) | length')" 2
is "track API: sections" "$(curl -s "$URL/api/track/t1" | jq '.sections | length')" 3
is "coverage API: sources per day" "$(curl -s "$URL/api/coverage?year=2025" | jq -c '.days[1] | [.date, .api, .export]')" '["2025-01-02",1,2]'
is "coverage API: the gap" "$(curl -s "$URL/api/coverage?year=2025" | jq '.gaps | length')" 1
is "years" "$(curl -s "$URL/api/years" | jq -c .years)" '[2024,2025]'

# The cache follows the database.
before=$(curl -s "$URL/api/summary?year=2025" | jq .plays)
sqlite3 "$DATA/spinlog.db" "INSERT INTO plays (account_id, played_ms, track_id, sources) VALUES (1, 1735990000000, 't4', 1)"
is "a new play shows without restarting" "$(curl -s "$URL/api/summary?year=2025" | jq .plays)" $((before + 1))

# Binding exactly what was asked; a taken port is an error.
is "a taken port fails" "$(timeout 10 "$SPINLOG" --data-dir "$DATA" serve --listen "127.0.0.1:$(cat "$T/serve.port")" --no-covers >/dev/null 2>&1; echo $?)" 1
is "a bad address fails" "$(timeout 10 "$SPINLOG" --data-dir "$DATA" serve --listen nonsense --no-covers >/dev/null 2>&1; echo $?)" 1
kill "$SERVE_PID"; wait "$SERVE_PID" 2>/dev/null
is "SIGTERM stops it cleanly" "$?" 0

sl wrapped --year 2025 >"$T/wrapped.out"
check "wrapped prints the year" grep -q '^Your 2025 in music' "$T/wrapped.out"
check "wrapped: plays (with the one added)" grep -q 'plays            9' "$T/wrapped.out"
check "wrapped: top track" grep -q '1\. <img src=x onerror=alert(1)>' "$T/wrapped.out"
is "wrapped: a bad year is a usage error" "$(sl wrapped --year soon >/dev/null 2>&1; echo $?)" 2
done_testing
