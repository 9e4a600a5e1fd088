#!/usr/bin/env bash
# Issue 11, the share card draws CJK and emoji names as glyphs, not tofu:
# a year whose top artist is "坂本龍一" and whose top track is "🔥 Fire 🎶💃"
# (imported), drawn by 'spinlog card' with the system's fonts (fonts-noto-cjk,
# fonts-noto-color-emoji from scripts/install-deps) and again with a
# fontconfig that knows only DejaVu, whose missing glyphs pango draws as
# hex boxes. The emoji must be drawn in colour (the boxes are white), and
# the CJK name must not look like its boxes.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/in"
python3 - "$T/in/Streaming_History_Audio_2024.json" <<'PY'
import json, sys
recs = []
def rec(ts, art, trk, uri):
    return {"ts": ts, "platform": "linux", "ms_played": 200000, "conn_country": "DE",
            "ip_addr": None, "master_metadata_track_name": trk,
            "master_metadata_album_artist_name": art,
            "master_metadata_album_album_name": "Album " + art, "spotify_track_uri": uri,
            "episode_name": None, "episode_show_name": None, "spotify_episode_uri": None,
            "audiobook_title": None, "audiobook_uri": None, "audiobook_chapter_uri": None,
            "audiobook_chapter_title": None, "reason_start": "clickrow",
            "reason_end": "trackdone", "shuffle": False, "skipped": False, "offline": False,
            "offline_timestamp": None, "incognito_mode": False}
for i in range(30):
    recs.append(rec("2024-03-%02dT10:%02d:00Z" % (1 + i % 28, i), "坂本龍一", "🔥 Fire 🎶💃",
                    "spotify:track:4uLU6hMCjMI75M1A2tKUQC"))
    if i % 3 == 0:
        recs.append(rec("2024-03-%02dT12:%02d:00Z" % (1 + i % 28, i), "Other Band",
                        "Plain Song", "spotify:track:1uLU6hMCjMI75M1A2tKUQD"))
json.dump(recs, open(sys.argv[1], "w"))
PY
check "the fonts are installed" sh -c "fc-list | grep -q 'Noto Sans CJK' && fc-list | grep -q 'Noto Color Emoji'"
sl import "$T/in" >"$T/import.out" 2>&1
check "import" test $? -eq 0
sl card --year 2024 -o "$T/card.png" --no-covers >"$T/card.out" 2>&1
check "the card is drawn" test $? -eq 0
mkdir -p "$T/fc"
cat >"$T/fc/fonts.conf" <<XML
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig><dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>$T/fc/cache</cachedir></fontconfig>
XML
FONTCONFIG_FILE="$T/fc/fonts.conf" sl card --year 2024 -o "$T/tofu.png" --no-covers >"$T/tofu.out" 2>&1
check "the DejaVu-only reference is drawn" test $? -eq 0

# px A [B] Y0 Y1: "ink colour diff" over rows Y0..Y1: pixels brighter than the
# background, pixels of a colour (channels apart by more than 80), and pixels
# that differ from B's by more than 60 in a channel.
px() { python3 - "$ROOT/tests/tools" "$@" <<'PY'
import sys
sys.path.insert(0, sys.argv.pop(1)); from pngrows import rows
args = sys.argv[1:]
a = rows(args[0])
b = rows(args[1]) if len(args) == 4 else None
y0, y1 = int(args[-2]), int(args[-1])
ink = colour = diff = 0
for y in range(y0, y1):
    for x, p in enumerate(a[y]):
        ink += max(p) > 120
        colour += max(p) - min(p) > 80
        if b is not None:
            diff += max(abs(p[k] - b[y][x][k]) for k in range(3)) > 60
print(ink, colour, diff)
PY
}
# the top artist's line (y 922, 52 px) and the top track's (y 1034, 44 px)
read -r a_ink _ a_diff <<<"$(px "$T/card.png" "$T/tofu.png" 915 1000)"
read -r t_ink t_col _ <<<"$(px "$T/card.png" 1028 1090)"
read -r _ r_col _ <<<"$(px "$T/tofu.png" 1028 1090)"
echo "# artist line: ink $a_ink, differs from the boxes in $a_diff px; track line: ink $t_ink, colour $t_col (boxes: $r_col)"
check "the CJK name is drawn" test "$a_ink" -gt 1000
check "the CJK name is not the boxes a font without it draws" test "$a_diff" -gt 1000
check "the emoji are drawn in colour" test "$t_col" -gt 300
check "the reference draws them as white boxes (the check above can fail)" test "$r_col" -lt 30
done_testing
