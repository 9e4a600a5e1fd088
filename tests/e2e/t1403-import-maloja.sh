#!/usr/bin/env bash
# maloja's JSON export (sources/maloja.c): {"scrobbles": [...]} as maloja's
# `export` writes it (Python's json.dump, indent=3; each scrobble's "time",
# "track" {"artists", "title", "album" {"artists", "albumtitle"} | null,
# "length"}, "duration", "origin"), recognised by content whatever the
# file's name, duplicates dropped, --dry-run writing nothing, bad scrobbles
# named by file and record with the store unchanged, and 6,000 scrobbles
# whose overlap with a Spotify export is merged, counted against the
# generator's own count.
. "$(dirname "$0")/lib.sh"
db() { sqlite3 "$DATA/spinlog.db" "$1"; }
MALOJA=64 # SOURCE_BIT(SOURCE_MALOJA)

# ---- the shapes ----
python3 - "$T" <<'PY'
import json, sys
t = sys.argv[1]
def sc(time, artists, title, album, length, duration, origin="client:navidrome"):
    return {"time": time, "track": {"artists": artists, "title": title, "album": album,
            "length": length}, "duration": duration, "origin": origin}
s = [sc(1612101900, ["Kate Bush"], "Cloudbusting", {"artists": ["Kate Bush"], "albumtitle": "Hounds of Love"}, 260, 255),
     sc(1612102300, ["Crosby", "Stills", "Nash"], "Suite: \"Judy Blue Eyes\"", None, 444, None),
     sc(1612103000, ["Björk"], "Hyperballad", {"name": "Post"}, None, None, "generic"),
     sc(1612104000, ["Portishead"], "Roads", {"artists": None, "albumtitle": "Dummy"}, None, 0)]
json.dump({"scrobbles": s}, open(t + "/maloja_export_2021_02_01_12_00_00.json", "w"), indent=3)
json.dump({"scrobbles": [sc(1612200000, ["Low"], "Lullaby", None, 300, 300)]}, open(t + "/renamed.dat", "w"), indent=3)
PY
sl import --account a "$T/maloja_export_2021_02_01_12_00_00.json" >"$T/out" 2>&1
check "4 scrobbles, 4 new" grep -q '^1 file, 4 records, 4 new events, 0 merged, 0 duplicates dropped' "$T/out"
is "names, albums, times and durations as written" \
	"$(db "SELECT played_ms / 1000, artist_name, coalesce(album_name, '-'), track_name, coalesce(CAST(ms_played AS TEXT), '-'), sources FROM plays ORDER BY played_ms")" \
"$((1612101900 + 255))|Kate Bush|Hounds of Love|Cloudbusting|255000|$MALOJA
$((1612102300 + 444))|Crosby|-|Suite: \"Judy Blue Eyes\"|444000|$MALOJA
1612103000|Björk|Post|Hyperballad|-|$MALOJA
1612104000|Portishead|Dummy|Roads|-|$MALOJA"
is "log says maloja" "$(sl log --format jsonl -n 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["sources"])')" "['maloja']"
sl import --account a "$T/maloja_export_2021_02_01_12_00_00.json" >"$T/out" 2>&1
check "the same file again: 4 duplicates" grep -q '^1 file, 4 records, 0 new events, 0 merged, 4 duplicates dropped' "$T/out"
sqlite3 "$DATA/spinlog.db" 'SELECT * FROM plays ORDER BY id' >"$T/before"
sl import --account a --dry-run "$T/renamed.dat" >"$T/out" 2>&1
check "a renamed export is recognised by content (dry run)" grep -q '^dry run: 1 file, 1 record, 1 new event' "$T/out"
sqlite3 "$DATA/spinlog.db" 'SELECT * FROM plays ORDER BY id' >"$T/after"
check "--dry-run writes nothing" cmp -s "$T/before" "$T/after"
mkdir -p "$T/z" && cp "$T/renamed.dat" "$T/z/maloja_export_2021.json" && printf 'notes\n' >"$T/z/README.txt"
(cd "$T/z" && zip -q "$T/m.zip" maloja_export_2021.json README.txt)
sl import --account a "$T/m.zip" >"$T/out" 2>&1
check "in a ZIP, beside another file" grep -q '^1 file, 1 record, 1 new event, 0 merged, 0 duplicates dropped, 1 ignored' "$T/out"
sqlite3 "$DATA/spinlog.db" 'SELECT * FROM plays ORDER BY id' >"$T/before"

# ---- bad scrobbles: file, record, field; nothing imported ----
bad() { # NAME PYTHON-EXPR-FOR-SCROBBLE-1 ERROR
	python3 -c '
import json, sys
good = {"time": 1612300000, "track": {"artists": ["A"], "title": "B", "album": None, "length": None}, "duration": None, "origin": "x"}
bad = json.loads(json.dumps(good)); exec(sys.argv[2])
json.dump({"scrobbles": [good, bad]}, open(sys.argv[1], "w"), indent=3)' "$T/bad.json" "$2"
	sl import --account a "$T/bad.json" >/dev/null 2>"$T/err"
	is "$1" "$(cat "$T/err")" "spinlog: import: $T/bad.json: record 1: $3; nothing was imported"
}
bad "no time" 'del bad["time"]' '"time" is not a unix time in seconds from 2002-10-01 to now'
bad "time a string" 'bad["time"] = "yesterday"' '"time" is not a unix time in seconds from 2002-10-01 to now'
bad "time in 1970" 'bad["time"] = 0' '"time" is not a unix time in seconds from 2002-10-01 to now'
bad "time a fraction" 'bad["time"] = 1612300000.5' '"time" is not a unix time in seconds from 2002-10-01 to now'
bad "time out of any range" 'bad["time"] = 1e300' '"time" is not a unix time in seconds from 2002-10-01 to now'
bad "no track" 'del bad["track"]' '"track" is not an object'
bad "no artists" 'bad["track"]["artists"] = []' '"artists" is not a list of artist names'
bad "artists a string" 'bad["track"]["artists"] = "A"' '"artists" is not a list of artist names'
bad "no title" 'del bad["track"]["title"]' '"title" is not a track title'
bad "album a string" 'bad["track"]["album"] = "X"' '"album" is not an album object or null'
bad "a negative duration" 'bad["duration"] = -5' '"duration" is not a whole number of seconds (0 to 24 days) or null'
bad "length a string" 'bad["track"]["length"] = "3:00"' '"length" is not a whole number of seconds (0 to 24 days) or null'
bad "a scrobble that is not an object" 'bad = [1]' '"scrobble" is not an object'
head -c 300 "$T/maloja_export_2021_02_01_12_00_00.json" >"$T/cut.json"
sl import --account a "$T/cut.json" >/dev/null 2>"$T/err"
is "a truncated export" "$(cat "$T/err")" "spinlog: import: $T/cut.json: not a maloja export (invalid or truncated JSON); nothing was imported"
sqlite3 "$DATA/spinlog.db" 'SELECT * FROM plays ORDER BY id' >"$T/after"
check "the store is unchanged by the rejected files" cmp -s "$T/before" "$T/after"

# ---- at scale, merged with a Spotify export ----
python3 - "$T" "$ROOT/tests/tools" <<'PY'
import json, random, sys, datetime
sys.path.insert(0, sys.argv[2]); import extended_history
t = sys.argv[1]; r = random.Random(1403)
base = 1640995200  # 2022-01-01
spot, mal = [], []
both = 0
for i in range(4000):            # Spotify plays: end = start + ms_played
    spot.append((base + i * 900, r.randint(120, 360) * 1000, "Artist %d" % (i % 300), "Song %d" % i))
extended_history.write(t + "/Streaming_History_Audio_2022.json", spot)
# maloja: 6,000 scrobbles; 1 in 2 of Spotify's plays 0..3999 scrobbled too, a
# second or two late, with maloja's list of artists (the first is Spotify's)
for i in range(6000):
    if i < 4000 and i % 2 == 0:
        s, ms, ar, tr = spot[i]; both += 1
        mal.append({"time": s + r.randint(0, 2), "track": {"artists": [ar, "Guest %d" % i], "title": tr,
            "album": {"artists": [ar], "albumtitle": "Album"}, "length": ms // 1000}, "duration": ms // 1000,
            "origin": "client:multi-scrobbler"})
    else:
        mal.append({"time": base - 86400 * 300 + i * 700, "track": {"artists": ["Band %d" % (i % 90)],
            "title": "Tune %d" % i, "album": None, "length": None}, "duration": None, "origin": "generic"})
r.shuffle(mal)
json.dump({"scrobbles": mal}, open(t + "/maloja_export_2022_12_31.json", "w"), indent=3)
open(t + "/expect", "w").write("%d\n" % both)
PY
read -r BOTH <"$T/expect"
sl import --account big "$T/Streaming_History_Audio_2022.json" >/dev/null 2>&1
sl import --account big "$T/maloja_export_2022_12_31.json" >"$T/out" 2>&1
check "6,000 scrobbles: $BOTH merged with Spotify's plays, the rest new" \
	grep -q "^1 file, 6000 records, $((6000 - BOTH)) new events, $BOTH merged, 0 duplicates" "$T/out"
is "plays with both sources, and maloja's alone: as generated" \
	"$(db "SELECT sum(CASE WHEN sources = 2 + $MALOJA THEN 1 ELSE 0 END), sum(CASE WHEN sources = $MALOJA THEN 1 ELSE 0 END), count(*) FROM plays p JOIN accounts a ON a.id = p.account_id WHERE a.name = 'big'")" \
	"$BOTH|$((6000 - BOTH))|$((4000 + 6000 - BOTH))"
sl import --account big "$T/maloja_export_2022_12_31.json" >"$T/out" 2>&1
check "again: all duplicates" grep -q "^1 file, 6000 records, 0 new events, 0 merged, 6000 duplicates" "$T/out"
done_testing
