#!/usr/bin/env bash
# The real pipeline (simulator, collect, etl) feeding the dashboard: every
# day's cover is the album of the winner this test computes itself from the
# simulator's truth and its track answers; covers are downloaded once into
# <data>/covers and served from there; the static site has the same pages
# with relative links only, its JSON parses, and it needs no server.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-etl.sh"

dashboard_store
YEAR=$(curl -s "$URL/api/years" | jq '.years[-1]')
check "a year with plays" test "$YEAR" -gt 2000

# Wait for the background cover download (bounded).
for _ in $(seq 1 100); do
	[ "$(curl -s "$URL/api/calendar?year=$YEAR" | jq '[.days[] | select(.track.cover == null)] | length')" = 0 ] && break
	sleep 0.1
done
curl -s "$URL/api/calendar?year=$YEAR" >"$T/cal.json"

python3 - "$T/truth.json" "$T/cal.json" "$SIM_URL" "$ACCESS" >"$T/cmp.out" 2>&1 <<'PY'
import json, sys, urllib.request
truth, cal, base, token = sys.argv[1:5]
def get(path):
    req = urllib.request.Request(base + path, headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(req) as r:
        return json.load(r)
plays = [p for p in json.load(open(truth))
         if p["kind"] == "music" and p["listed"] and not p["incognito"] and p["track_id"]]
tracks = {}
day = {}
for p in plays:
    tid = p["track_id"]
    if tid not in tracks:
        tracks[tid] = get("/v1/tracks/" + tid)
    d = day.setdefault(p["ended_at"][:10], {})   # the tests run in UTC
    c = d.setdefault(tid, [0, 0])
    c[0] += 1
    c[1] += tracks[tid]["duration_ms"]           # the API has no ms_played
got = {d["date"]: d for d in json.load(open(cal))["days"]}
bad = 0
for date, d in sorted(day.items()):
    win = sorted(d.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))[0][0]
    album = tracks[win]["album"]["id"]
    g = got.get(date)
    if not g or g["track"]["id"] != win or g["track"]["album_id"] != album or \
       g["track"]["cover"] != "covers/%s.png" % album:
        bad += 1
        print("day", date, "want", win, album, "got", g and (g["track"]["id"], g["track"]["cover"]))
print("days", len(day), "bad", bad)
sys.exit(1 if bad or not day else 0)
PY
check "every day's cover is the album of the expected winner" test $? -eq 0
sed 's/^/# /' "$T/cmp.out"

check "covers were cached in the data directory" sh -c "ls '$DATA/covers/'*.png >/dev/null"
album=$(jq -r '.days[0].track.album_id' "$T/cal.json")
check "the cached cover is a PNG" sh -c "head -c 8 '$DATA/covers/$album.png' | od -c | grep -q 'P   N   G'"
is "the server serves the cached cover" "$(curl -s -o /dev/null -w '%{http_code} %{content_type}' "$URL/covers/$album.png")" "200 image/png"
before=$(sim_get /_sim/requests | jq '[to_entries[] | select(.key | startswith("GET /_sim/img")) | .value] | add // 0')
curl -s "$URL/calendar-$YEAR.html" >"$T/cal.html"
curl -s "$URL/covers/$album.png" >/dev/null
after=$(sim_get /_sim/requests | jq '[to_entries[] | select(.key | startswith("GET /_sim/img")) | .value] | add // 0')
is "covers are downloaded once, not per page view" "$after" "$before"
check "the calendar shows the cached cover" grep -q "src=\"covers/$album.png\"" "$T/cal.html"
hostile=$(sqlite3 "$DATA/spinlog.db" "SELECT id FROM tracks WHERE name = '<img src=x onerror=alert(1)>'")
if [ -n "$hostile" ]; then
	curl -s "$URL/track-$hostile.html" >"$T/hostile.html"
	check "the hostile track's page escapes its name" grep -q '&lt;img src=x onerror=alert(1)&gt;' "$T/hostile.html"
	check "and never shows it raw" sh -c "! grep -q '<img src=x' '$T/hostile.html'"
else
	skip "hostile track page" "the simulator did not play it in this window"
	skip "hostile track page raw" "the simulator did not play it in this window"
fi
kill "$SERVE_PID"

# The static site.
sl site --out "$T/site" >"$T/site.out" 2>"$T/site.err"
check "site runs" test $? -eq 0
for f in index.html "calendar-$YEAR.html" "year-$YEAR.html" "coverage-$YEAR.html" calendar.json summary.json; do
	check "site has $f" test -s "$T/site/$f"
done
check "site: calendar.json parses" sh -c "jq -e '.[0].year == $YEAR' '$T/site/calendar.json' >/dev/null"
check "site: summary.json parses" sh -c "jq -e '.[0].plays > 0' '$T/site/summary.json' >/dev/null"
check "site: no absolute links" sh -c "! grep -l 'href=\"/\|src=\"/\|href=\"http\|src=\"http' '$T/site/'*.html"
missing=0
for f in $(grep -oh 'href="[^"#]*"\|src="[^"]*"' "$T/site/"*.html | sed 's/^[a-z]*="//; s/"$//' | sort -u); do
	[ -e "$T/site/$f" ] || { missing=$((missing + 1)); echo "# missing: $f"; }
done
is "site: every relative link and image exists" "$missing" 0
check "site: covers copied" test -s "$T/site/covers/$album.png"
ndays=$(jq '.[0].days | length' "$T/site/calendar.json")
is "site: a page per day with plays" "$(ls "$T/site"/day-*.html | wc -l | tr -d ' ')" "$ndays"
touch "$T/site/day-1999-01-01.html"
sl site --out "$T/site/" --no-covers >/dev/null 2>&1
check "site: a re-run removes pages no longer written" test ! -e "$T/site/day-1999-01-01.html"
check "site: a re-run keeps the pages" test -s "$T/site/calendar-$YEAR.html"
check "site: no temporary folder left" sh -c "! ls -d '$T/site.tmp-'* 2>/dev/null"
# Published: a web server must read it, even when spinlog runs with umask 077 (issue 11).
(umask 077; sl site --out "$T/site077" --no-covers >/dev/null 2>&1)
check "site under umask 077: pages and covers written" test -s "$T/site077/index.html" -a -s "$T/site077/covers/$album.png"
is "site under umask 077: every file 0644, every folder 0755" \
	"$(find "$T/site077" \( -type f ! -perm 0644 \) -o \( -type d ! -perm 0755 \) | wc -l | tr -d ' ')" 0
mkdir "$T/mine"
echo keep >"$T/mine/notes.txt"
is "site refuses a folder holding other files" "$(sl site --out "$T/mine" --no-covers >/dev/null 2>&1; echo $?)" 1
check "and leaves them alone" test -s "$T/mine/notes.txt"
check "and writes nothing there" sh -c "! ls '$T/mine' | grep -q html && ! ls -d '$T/mine.tmp-'* 2>/dev/null"
sl site --out "$T/site1" --year "$YEAR" --no-covers >/dev/null 2>&1
is "site --year: one year" "$(jq length "$T/site1/summary.json")" 1
is "site without --out is a usage error" "$(sl site >/dev/null 2>&1; echo $?)" 2
sl wrapped --year "$YEAR" >"$T/wrapped.out"
check "wrapped on the real pipeline" grep -q "^Your $YEAR in music" "$T/wrapped.out"
done_testing
