#!/usr/bin/env bash
# Issue 11, the share card: /card-YYYY.png (and the site's card-YYYY.png, and
# 'spinlog card') is a 1080x1350 PNG; the figures it draws (/api/card, made
# from the same struct) are the year's (the summary, and plays counted here
# from the store); the year page links it and names it as its og:image; and
# a hostile name (markup, 20,000 characters, right to left) stays text
# inside the card: the server does not crash (ASan) and nothing is drawn in
# the card's side margins.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-etl.sh"

dashboard_store
YEAR=$(curl -s "$URL/api/years" | jq '.years[-1]')
check "a year with plays" test "$YEAR" -gt 2000
for _ in $(seq 1 100); do # the background cover download (bounded)
	[ "$(ls "$DATA/covers" 2>/dev/null | wc -l)" -gt 3 ] && break
	sleep 0.1
done
sleep 0.3

# png FILE: "WIDTHxHEIGHT" of a whole PNG (signature, IHDR first, IEND last), else "bad".
png() { python3 - "$1" <<'PY'
import struct, sys
b = open(sys.argv[1], "rb").read()
ok = b[:8] == b"\x89PNG\r\n\x1a\n" and b[12:16] == b"IHDR" and b[-8:-4] == b"IEND"
print("%dx%d" % struct.unpack(">II", b[16:24]) if ok else "bad")
PY
}
# margins FILE Y0 Y1: pixels brighter than 200 in the 40 px side margins of rows Y0..Y1.
margins() { python3 - "$ROOT/tests/tools" "$@" <<'PY'
import sys
sys.path.insert(0, sys.argv.pop(1)); import pngrows
rows = pngrows.rows(sys.argv[1])
w = len(rows[0])
bright = 0
for y in range(int(sys.argv[2]), int(sys.argv[3])):
    for x in list(range(0, 40)) + list(range(w - 40, w)):
        if min(rows[y][x]) > 200:
            bright += 1
print(bright)
PY
}

curl -s -o "$T/card.png" -w '%{http_code} %{content_type}' "$URL/card-$YEAR.png" >"$T/card.st"
is "the card is served as a PNG" "$(cat "$T/card.st")" "200 image/png"
is "the card is 1080x1350" "$(png "$T/card.png")" 1080x1350
curl -s "$URL/api/card?year=$YEAR" >"$T/card.json"
curl -s "$URL/api/summary?year=$YEAR" >"$T/sum.json"
is "card: minutes are the year's time, in whole minutes" "$(jq .minutes "$T/card.json")" "$(jq '.ms / 60000 | floor' "$T/sum.json")"
is "card: plays, artists, tracks are the summary's" "$(jq -c '[.plays, .artists, .tracks]' "$T/card.json")" \
	"$(jq -c '[.plays, .distinct_artists, .distinct_tracks]' "$T/sum.json")"
is "card: plays counted from the store" "$(jq .plays "$T/card.json")" "$(music_plays)"
is "card: the top artist" "$(jq -c '[.top_artist.name, .top_artist.plays]' "$T/card.json")" \
	"$(jq -c '[.top_artists[0].name, .top_artists[0].plays]' "$T/sum.json")"
is "card: the top track" "$(jq -c '[.top_track.name, .top_track.plays]' "$T/card.json")" \
	"$(jq -c '[.top_tracks[0].name, .top_tracks[0].plays]' "$T/sum.json")"
want=""
for t in $(jq -r '.top_tracks[].key' "$T/sum.json"); do
	a=$(sqlite3 "$DATA/spinlog.db" "SELECT album_id FROM tracks WHERE id = '$t'")
	case " $want " in *" $a "*) ;; *) [ "$(echo $want | wc -w)" -lt 5 ] && want="$want $a" ;; esac
done
is "card: the covers of the top tracks' albums, each once" "$(jq -r '.covers | join(" ")' "$T/card.json")" "${want# }"
is "card: nothing drawn in its side margins" "$(margins "$T/card.png" 0 1350)" 0

curl -s "$URL/year-$YEAR.html" >"$T/year.html"
check "the year page names the card as its og:image" grep -q "<meta property=\"og:image\" content=\"card-$YEAR.png\">" "$T/year.html"
check "the year page links the card" grep -q "id=\"share-card\" href=\"card-$YEAR.png\"" "$T/year.html"

# Hostile names: the top artist 20,000 characters of markup and Hebrew, the top track Arabic.
art=$(jq -r '.top_artists[0].key' "$T/sum.json")
trk=$(jq -r '.top_tracks[0].key' "$T/sum.json")
long=$(python3 -c 'print(("<b>שלום עולם</b> " * 1200)[:20000])')
sqlite3 "$DATA/spinlog.db" "UPDATE artists SET name = '$long' WHERE id = '$art';
	UPDATE tracks SET name = 'حبيبي يا نور العين ' || $(on_postgres && echo chr || echo char)(8238) || 'ABC <script>x</script>' WHERE id = '$trk'"
sleep 0.3
curl -s -o "$T/hostile.png" -w '%{http_code}' "$URL/card-$YEAR.png" >"$T/hostile.st"
is "a hostile name: the card is still drawn" "$(cat "$T/hostile.st")" 200
is "a hostile name: still 1080x1350" "$(png "$T/hostile.png")" 1080x1350
check "a hostile name: the card changed" sh -c "! cmp -s '$T/card.png' '$T/hostile.png'"
is "a hostile name: the long name stays inside the card" "$(margins "$T/hostile.png" 0 1350)" 0
is "a hostile name: the API has it whole, as text" "$(curl -s "$URL/api/card?year=$YEAR" | jq '.top_artist.name | length')" 20000
check "the server survived" sh -c "curl -sf '$URL/api/years' >/dev/null"
kill "$SERVE_PID"

sl card --year "$YEAR" -o "$T/cmd.png" --no-covers >"$T/cmd.out" 2>&1
check "spinlog card writes the card" test $? -eq 0
is "spinlog card: 1080x1350" "$(png "$T/cmd.png")" 1080x1350
check "spinlog card: the same card as the server's" cmp -s "$T/cmd.png" "$T/hostile.png"
sl card --year "$YEAR" -o "$T/cmd.svg" --no-covers >"$T/svg.out" 2>&1
check "spinlog card -o card.svg writes an SVG" test $? -eq 0
# svg FILE: "WIDTHxHEIGHT glyphs" of a well-formed SVG document, else why not
svg() { python3 - "$1" <<'PY'
import re, sys, xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except Exception as e:
    print("not XML:", e); sys.exit()
if not root.tag.endswith("}svg"):
    print("root is", root.tag); sys.exit()
num = lambda v: re.sub(r"(pt|px)$", "", v or "")
glyphs = sum(1 for e in root.iter() if e.tag.endswith("}path") or e.tag.endswith("}use"))
print("%sx%s %s" % (num(root.get("width")), num(root.get("height")), "glyphs" if glyphs > 50 else "no glyphs"))
PY
}
is "spinlog card: the SVG is 1080x1350, drawn" "$(svg "$T/cmd.svg")" "1080x1350 glyphs"
check "spinlog card: the hostile name is no markup in the SVG (no script, no text element)" \
	sh -c "! grep -qE '<script|</script>|<text' '$T/cmd.svg'"
check "spinlog card: it says it wrote the SVG" grep -q "^spinlog: card: wrote $T/cmd.svg ($YEAR, " "$T/svg.out"
is "spinlog card: a year without plays is an error" "$(sl card --year 1999 --no-covers -o "$T/x.png" 2>&1 >/dev/null; echo $?)" "spinlog: card: no plays in that year
1"
is "spinlog card: a bad year is a usage error" "$(sl card --year 19 >/dev/null 2>&1; echo $?)" 2
sl site --out "$T/site" --no-covers >/dev/null 2>&1
is "site: card-$YEAR.png is the card" "$(png "$T/site/card-$YEAR.png")" 1080x1350
is "site: the card is world-readable" "$(stat -c %a "$T/site/card-$YEAR.png")" 644
check "site: the year page's card exists" sh -c "grep -q 'src=\"card-$YEAR.png\"' '$T/site/year-$YEAR.html'"
done_testing
