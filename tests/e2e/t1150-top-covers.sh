#!/usr/bin/env bash
# Issue 11, covers in the top lists: on the year in review (dashboard and
# static site) each top track shows its album's cached cover and each top
# album its own, every <img> has its drawn size (no layout jump) and loads
# lazily, artists show their image or an initials tile (t1170), and the
# site never points at the image CDN. The all-time, week and month pages
# show the same pictures beside their top lists (dashboard and site).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-etl.sh"

dashboard_store
YEAR=$(curl -s "$URL/api/years" | jq '.years[-1]')
check "a year with plays" test "$YEAR" -gt 2000
curl -s "$URL/api/summary?year=$YEAR" >"$T/sum.json"
nalb=$(jq '.top_albums | length' "$T/sum.json")
check "the year has top albums" test "$nalb" -gt 0
# The background download fetches the top albums' covers too (bounded wait).
for _ in $(seq 1 100); do
	n=0
	for a in $(jq -r '.top_albums[].key' "$T/sum.json"); do
		[ -s "$DATA/covers/$a.png" ] && n=$((n + 1))
	done
	[ "$n" = "$nalb" ] && break
	sleep 0.1
done
is "every top album's cover is cached" "$n" "$nalb"
sleep 0.3 # the server sees the new covers on its next request
curl -s "$URL/year-$YEAR.html" >"$T/year.html"

# card TITLE FILE: the HTML of the card with that heading.
card() { python3 - "$1" "$2" <<'PY'
import re, sys
html = open(sys.argv[2]).read()
m = re.search(r'<div class="card"><h2>' + re.escape(sys.argv[1]) + r'</h2>(.*?)</ol></div>', html, re.S)
print(m.group(1) if m else "")
PY
}

# Top tracks: each entry's cover is the album of that track in the store.
card "Top tracks" "$T/year.html" >"$T/tracks.html"
# the tracks' albums through lib.sh's sqlite3, so it reads either engine's store
sqlite3 "$DATA/spinlog.db" "SELECT id, album_id FROM tracks" >"$T/albums.txt"
python3 - "$T/tracks.html" "$T/albums.txt" >"$T/tracks.out" 2>&1 <<'PY'
import re, sys
html = open(sys.argv[1]).read()
album = dict(l.rstrip("\n").split("|", 1) for l in open(sys.argv[2]) if "|" in l)
items = re.findall(r'<li>(.*?)</li>', html, re.S)
bad = 0
for it in items:
    t = re.search(r'href="track-([A-Za-z0-9]+)\.html"', it)
    img = re.search(r'<img class="thumb" src="covers/([A-Za-z0-9]+)\.png" width="48" height="48" alt="[^"]*" loading="lazy"', it)
    want = album.get(t.group(1)) if t else None
    if not t or not img or img.group(1) != want:
        bad += 1
        print("entry", it[:200], "want album", want)
print("entries", len(items), "bad", bad)
sys.exit(1 if bad or not items else 0)
PY
check "each top track shows its album's cover" test $? -eq 0
sed 's/^/# /' "$T/tracks.out"
is "as many top-track covers as the summary has tracks" \
	"$(grep -o '<img class="thumb"' "$T/tracks.html" | wc -l | tr -d ' ')" "$(jq '.top_tracks | length' "$T/sum.json")"

card "Top albums" "$T/year.html" >"$T/albums.html"
is "the top albums' covers, in the summary's order" \
	"$(grep -o 'src="covers/[A-Za-z0-9]*\.png" width="48" height="48"' "$T/albums.html" | sed 's/src="covers\///; s/\.png.*//' | tr '\n' ' ')" \
	"$(jq -r '.top_albums[].key' "$T/sum.json" | tr '\n' ' ')"
for a in $(jq -r '.top_albums[0].key' "$T/sum.json"); do
	is "a top album's cover is served from the cache" \
		"$(curl -s -o /dev/null -w '%{http_code} %{content_type}' "$URL/covers/$a.png")" "200 image/png"
done
card "Top artists" "$T/year.html" >"$T/artists.html"
# (issue 11: artists now show their image; t1170 checks which one)
is "each top artist has its image or an initials tile" \
	"$(grep -oE '<img class="thumb round" src="covers/[A-Za-z0-9]+\.png"|<span class="tile thumb round" dir="auto" role="img"' "$T/artists.html" | wc -l | tr -d ' ')" \
	"$(jq '.top_artists | length' "$T/sum.json")"
check "the ranks are numbered" grep -q '<b class="rk">1</b>' "$T/artists.html"
curl -s "$URL/calendar-$YEAR.html" >"$T/cal.html"
curl -s "$URL/alltime.html" >"$T/alltime.html"
check "dashboard: the all-time top lists show covers" \
	grep -q '<img class="thumb" src="covers/[A-Za-z0-9]*\.png" width="48" height="48" alt="' "$T/alltime.html"
for f in year cal alltime; do
	is "$f page: every <img> has width and height" \
		"$(grep -o '<img [^>]*>' "$T/$f.html" | grep -vc 'width="[0-9]*" height="[0-9]*"')" 0
done
check "the calendar draws its covers at 42 px" grep -q 'width="42" height="42"' "$T/cal.html"
kill "$SERVE_PID"

sl site --out "$T/site" --no-covers >"$T/site.out" 2>&1
check "site runs" test $? -eq 0
check "site: the year page has the top-list covers" \
	grep -q "src=\"covers/$(jq -r '.top_albums[0].key' "$T/sum.json").png\" width=\"48\"" "$T/site/year-$YEAR.html"
missing=0
for f in $(grep -oh 'src="[^"]*"' "$T/site/year-$YEAR.html" | sed 's/^src="//; s/"$//' | sort -u); do
	[ -s "$T/site/$f" ] || { missing=$((missing + 1)); echo "# missing: $f"; }
done
is "site: every image of the year page is a local file" "$missing" 0
# Issue 11: the all-time, a week and a month page show the same pictures
# beside their first top track, artist and album: the cover (album id from
# the store, or the artist's image) when the cache has it, else the initials
# tile, and every src is a file of the site.
first_pictures() { # PAGE: one line per list, "ok ..." or what is wrong
	python3 - "$T/site" "$1" "$DATA/covers" "$T/albums.txt" <<'PY'
import html as H, os, re, sys
site, page, cache, albums = sys.argv[1:]
album = dict(l.rstrip("\n").split("|", 1) for l in open(albums) if "|" in l)
doc = open(os.path.join(site, page)).read()
def cached(i):
    return [f for f in os.listdir(cache) if f.rsplit(".", 1)[0] == i] if i else []
for title, link, rnd in (("Top tracks", "track", ""), ("Top artists", "artist", " round"),
                         ("Top albums", "album", "")):
    m = re.search(r'<div class="card"><h2>' + title + r'</h2>.*?<li>(.*?)</li>', doc, re.S)
    if not m:
        print("no", title); continue
    it = m.group(1)
    k = re.search(r'href="' + link + r'-([A-Za-z0-9]+)\.html"', it)
    key = k.group(1) if k else ""
    want = album.get(key, "") if link == "track" else key
    have = cached(want)
    img = re.search(r'<img class="thumb' + rnd + r'" src="([^"]*)" width="48" height="48" alt="([^"<>]*)" loading="lazy"', it)
    tile = re.search(r'<span class="tile thumb' + rnd + r'" dir="auto" role="img" aria-label="', it)
    if have:
        src = img.group(1) if img else None
        ok = src in ["covers/" + f for f in have] and os.path.getsize(os.path.join(site, src)) > 0
        print("ok" if ok else "bad", title, key, "src", src, "want", have)
    else:
        print("ok" if tile and not img else "bad", title, key, "tile (no cached picture)")
PY
}
week=$(cd "$T/site" && ls week-*.html | tail -n 1)
month=$(cd "$T/site" && ls month-*.html | tail -n 1)
imgs=0
for f in alltime.html "$week" "$month"; do
	first_pictures "$f" >"$T/first.out" 2>&1
	sed "s|^|# $f: |" "$T/first.out"
	is "site: $f: its first top track, artist and album show their pictures" \
		"$(grep -c '^ok ' "$T/first.out")" 3
	imgs=$((imgs + $(grep -c 'src="covers/' "$T/site/$f")))
	missing=0
	for g in $(grep -oh 'src="[^"]*"' "$T/site/$f" | sed 's/^src="//; s/"$//' | sort -u); do
		[ -s "$T/site/$g" ] || { missing=$((missing + 1)); echo "# missing: $g"; }
	done
	is "site: every image of $f is a local file" "$missing" 0
done
check "site: the all-time, week and month pages have covers" test "$imgs" -gt 0
# and an artist page's top tracks, the first artist of the year's
art=$(grep -o 'href="artist-[A-Za-z0-9]*\.html"' "$T/site/year-$YEAR.html" | head -1 | sed 's/^href="//; s/"$//')
check "site: the year's first artist has a page ($art)" test -s "$T/site/$art"
check "site: its top tracks show covers or tiles" \
	grep -qE '<h2>Top tracks</h2>.*<li>.*(<img class="thumb" src="covers/[A-Za-z0-9]*\.[a-z]*"|<span class="tile thumb")' "$T/site/$art"
check "site: no image points at the CDN" sh -c "! grep -l 'src=\"http' '$T/site/'*.html"
done_testing
