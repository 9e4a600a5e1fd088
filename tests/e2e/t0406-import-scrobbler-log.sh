#!/usr/bin/env bash
# A portable player's .scrobbler.log (Audioscrobbler 1.1, as Rockbox writes
# it): plays with names and times, 'S' rows kept as skipped, a bad line
# named by file:line and field with the store unchanged, re-imports dropped
# as duplicates, and an account-data import of the same plays merged by
# names (sources/scrobbler_log.c, doc/import.md).
. "$(dirname "$0")/lib.sh"
L="$T/.scrobbler.log"
db() { sqlite3 "$DATA/spinlog.db" "$1"; }
T0=1600000000 # 2020-09-13 12:26:40 UTC

printf '#AUDIOSCROBBLER/1.1\n#TZ/UTC\n#CLIENT/Rockbox ipodvideo $Revision$\n' >"$L"
printf 'Metallica\tMetallica\tEnter Sandman\t1\t365\tL\t%s\t62c2e20a-559e-422f-a44c-9afa7882f0c4\n' $T0 >>"$L"
printf 'Portishead\tDummy\tCowboys\t2\t300\tS\t%s\t\n' $((T0 + 400)) >>"$L"
printf 'Björk\t\tHyperballad\t\t341\tL\t%s\n' $((T0 + 500)) >>"$L"

# a bad line first: the store (empty) stays as it was
cp "$L" "$T/bad.scrobbler.log"
printf 'Nobody\tNothing\tNever\t\tlong\tL\t%s\n' $((T0 + 900)) >>"$T/bad.scrobbler.log"
sl import "$T/bad.scrobbler.log" >"$T/out" 2>"$T/err"
check "bad line: exit status is non-zero" test $? -ne 0
is "bad line: file:line and field" "$(cat "$T/err")" \
	"spinlog: import: $T/bad.scrobbler.log:7: \"duration\" is not a number of seconds (0 to 86400) (\"long\"); nothing was imported (with --skip-invalid the other records are imported and the refused ones listed)"
is "bad line: no plays stored" "$(db 'SELECT count(*) FROM plays' 2>/dev/null || echo 0)" 0
printf '#AUDIOSCROBBLER/1.1\n#TZ/UTC\nA\tB\tC\t\t100\tX\t%s\n' $T0 >"$T/rating.scrobbler.log"
sl import "$T/rating.scrobbler.log" >/dev/null 2>"$T/err"
is "bad rating named" "$(cat "$T/err")" \
	"spinlog: import: $T/rating.scrobbler.log:3: \"rating\" is neither 'L' (listened) nor 'S' (skipped) (\"X\"); nothing was imported (with --skip-invalid the other records are imported and the refused ones listed)"

sl import "$L" >"$T/out" 2>&1
check "import succeeds" test $? -eq 0
check "counts: 3 records, 3 new" grep -q '^1 file, 3 records, 3 new events, 0 merged, 0 duplicates' "$T/out"
is "rows: end times, names, skipped, source, precision" \
	"$(db "SELECT played_ms / 1000 - $T0, precision_ms, kind, artist_name, coalesce(album_name, '-'), track_name, coalesce(CAST(ms_played AS TEXT), '-'), skipped, sources FROM plays ORDER BY played_ms")" \
"365|1000|music|Metallica|Metallica|Enter Sandman|365000|0|8
400|1000|music|Portishead|Dummy|Cowboys|-|1|8
841|1000|music|Björk|-|Hyperballad|341000|0|8"
is "the source is named once, in the sources table" "$(db 'SELECT name FROM sources WHERE id = 3')" scrobbler_log
sqlite3 "$DATA/spinlog.db" .dump >"$T/before"

# the same log again (by its folder): exact duplicates, nothing new
mkdir -p "$T/player" && cp "$L" "$T/player/.scrobbler.log"
sl import "$T/player" >"$T/out" 2>&1
check "re-import: 3 duplicates dropped" grep -q '3 records, 0 new events, 0 merged, 3 duplicates' "$T/out"
is "re-import: still 3 plays" "$(db 'SELECT count(*) FROM plays')" 3

# account data of the same plays (to the minute): merged by names
cat >"$T/StreamingHistory_music_0.json" <<JSON
[
 {"endTime": "2020-09-13 12:32", "artistName": "Metallica", "trackName": "Enter Sandman", "msPlayed": 365000},
 {"endTime": "2020-09-13 12:34", "artistName": "Portishead", "trackName": "Cowboys", "msPlayed": 20000},
 {"endTime": "2020-09-13 12:41", "artistName": "Björk", "trackName": "Hyperballad", "msPlayed": 341000},
 {"endTime": "2020-09-13 13:00", "artistName": "Other", "trackName": "Song", "msPlayed": 1000}
]
JSON
sl import "$T/StreamingHistory_music_0.json" >"$T/out" 2>&1
check "account data: 3 merged, 1 new" grep -q '4 records, 1 new event, 3 merged, 0 duplicates' "$T/out"
is "merged plays keep the log's second and carry both sources" \
	"$(db "SELECT played_ms / 1000 - $T0, precision_ms, sources, coalesce(CAST(ms_played AS TEXT), '-') FROM plays ORDER BY played_ms")" \
"365|1000|12|365000
400|1000|12|20000
841|1000|12|341000
2000|60000|4|1000"

# each source keeps its own fingerprint (play_fps), so neither file is new again
is "merged plays keep a fingerprint of each source" \
	"$(db "SELECT group_concat(n) FROM (SELECT count(*) AS n FROM play_fps GROUP BY play_id ORDER BY play_id) sub")" "2,2,2,1"
sl import "$T/StreamingHistory_music_0.json" >"$T/out" 2>&1
check "account data again: 4 duplicates" grep -q '4 records, 0 new events, 0 merged, 4 duplicates' "$T/out"
sl import "$L" >"$T/out" 2>&1
check "the log again: 3 duplicates" grep -q '3 records, 0 new events, 0 merged, 3 duplicates' "$T/out"
is "still 4 plays" "$(db 'SELECT count(*) FROM plays')" 4

# the other order: the log merged into account-data plays, then both again
DATA="$T/data2"
store_reset # (on postgresql: a new database too)
sl import "$T/StreamingHistory_music_0.json" >/dev/null 2>&1
sl import "$L" >"$T/out" 2>&1
check "log after account data: 3 merged" grep -q '3 records, 0 new events, 3 merged, 0 duplicates' "$T/out"
sl import "$T/StreamingHistory_music_0.json" >"$T/out" 2>&1
check "then account data again: 4 duplicates" grep -q '4 records, 0 new events, 0 merged, 4 duplicates' "$T/out"
sl import "$L" >"$T/out" 2>&1
check "then the log again: 3 duplicates" grep -q '3 records, 0 new events, 0 merged, 3 duplicates' "$T/out"
is "other order: 4 plays of both sources" \
	"$(db "SELECT group_concat(sources) FROM (SELECT sources FROM plays ORDER BY played_ms) s")" "12,12,12,4"
done_testing
