#!/usr/bin/env bash
# Imports of other services' histories (sources/lastfm_csv.c,
# sources/listenbrainz.c): Last.fm CSV in the export tools' layouts (the
# headerless artist,album,track,date of lastfm-to-csv with Last.fm's
# "31 Jan 2021 14:05" UTC dates; lastfm.ghan.nl's header
# uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid), and
# ListenBrainz's export (JSONL listens, one a line, as in the ZIP's
# listens/YYYY/M.jsonl). Bad input named by file:line and field with the
# store unchanged; 20,000 Last.fm rows and 10,000 ListenBrainz listens
# whose overlap with a Spotify export is merged, counted against an
# independent count made by the generator.
. "$(dirname "$0")/lib.sh"
db() { sqlite3 "$DATA/spinlog.db" "$1"; }

# ---- small files in the real shapes ----
printf '%s\n' 'Kate Bush,Hounds of Love,Cloudbusting,31 Jan 2021 14:05' \
	'"Crosby, Stills & Nash",CSN,"Suite: ""Judy Blue Eyes""",1 Feb 2021 09:00' >"$T/lastfm-to-csv.csv"
printf '%s\n' 'uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid' \
	'1612101900,"31 Jan 2021, 14:05",Kate Bush,4b585938-f271-45e2-b19a-91c634b5e396,Hounds of Love,,Cloudbusting,' \
	'1612170000,"1 Feb 2021, 09:00",Björk,,Post,,Hyperballad,' >"$T/ghan.csv"
sl import --account a "$T/lastfm-to-csv.csv" "$T/ghan.csv" >"$T/out" 2>&1
check "both layouts: 4 records, 3 new, 1 duplicate (the same scrobble in both)" \
	grep -q '^2 files, 4 records, 3 new events, 0 merged, 1 duplicate dropped' "$T/out"
is "names, quotes and times as written" \
	"$(db "SELECT played_ms / 1000, artist_name, coalesce(album_name, '-'), track_name, coalesce(CAST(ms_played AS TEXT), '-'), sources FROM plays ORDER BY played_ms")" \
"1612101900|Kate Bush|Hounds of Love|Cloudbusting|-|32
1612170000|Crosby, Stills & Nash|CSN|Suite: \"Judy Blue Eyes\"|-|32
1612170000|Björk|Post|Hyperballad|-|32"
is "a scrobble's skipped, shuffle, offline and incognito are unknown, not false" \
	"$(db "SELECT count(*) FROM plays WHERE skipped IS NULL AND shuffle IS NULL AND offline IS NULL AND incognito IS NULL")" 3
sqlite3 "$DATA/spinlog.db" 'SELECT * FROM plays ORDER BY id' >"$T/before"
printf '%s\n' 'A,B,C,31 Jan 2021 14:05' 'A,B,D,31 Feb 2021 14:05' >"$T/bad.csv"
sl import --account a "$T/bad.csv" >/dev/null 2>"$T/err"
is "an impossible date: file, line, field" "$(cat "$T/err")" \
	"spinlog: import: $T/bad.csv:2: \"date\" is not a date like \"31 Jan 2021 14:05\", \"2021-01-31 14:05\" or unix seconds (\"31 Feb 2021 14:05\"); nothing was imported (with --skip-invalid the other records are imported and the refused ones listed)"
printf '%s\n' 'uts,artist,track,track_mbid' '1612101900,A,B,nope' >"$T/mbid.csv"
sl import --account a "$T/mbid.csv" >/dev/null 2>"$T/err"
is "a bad MBID named" "$(cat "$T/err")" \
	"spinlog: import: $T/mbid.csv:2: \"track_mbid\" is not a MusicBrainz id (36 characters) (\"nope\"); nothing was imported (with --skip-invalid the other records are imported and the refused ones listed)"
printf '%s\n' 'A,B,C,01 Jan 1970 00:00' >"$T/old.csv"
sl import --account a "$T/old.csv" >/dev/null 2>"$T/err"
check "a 1970 date refused" grep -q 'old.csv:1: "date" is not a plausible time' "$T/err"
printf '%s\n' '{"listened_at":1612101900,"track_metadata":{"artist_name":"A","track_name":"B"}}' \
	'{"listened_at":1612101900,"track_metadata":{"artist_name":"A"}}' >"$T/bad.jsonl"
sl import --account a "$T/bad.jsonl" >/dev/null 2>"$T/err"
is "a listen without track_name named" "$(cat "$T/err")" \
	"spinlog: import: $T/bad.jsonl:2: \"track_name\" is missing; nothing was imported (with --skip-invalid the other records are imported and the refused ones listed)"
sqlite3 "$DATA/spinlog.db" 'SELECT * FROM plays ORDER BY id' >"$T/after"
check "the store is unchanged by the rejected files" cmp -s "$T/before" "$T/after"

# ---- at scale, merged with a Spotify export ----
python3 - "$T" "$ROOT/tests/tools" <<'PY'
import json, random, sys, datetime
sys.path.insert(0, sys.argv[2]); import extended_history
t = sys.argv[1]; r = random.Random(14)
base = 1640995200  # 2022-01-01
spot, lfm, lbz = [], [], []
both_l = both_b = 0
for i in range(8000):            # Spotify plays: end = start + ms_played
    start = base + i * 900
    ms = r.randint(120, 360) * 1000
    spot.append((start, ms, "Artist %d" % (i % 700), "Song %d" % i))
extended_history.write(t + "/Streaming_History_Audio_2022.json", spot)
# Last.fm: 20,000 scrobbles; those of Spotify plays 0..4999 start within a second of it
with open(t + "/scrobbles.csv", "w") as f:
    f.write("uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid\n")
    for i in range(20000):
        if i < 5000:
            s, ms, ar, tr = spot[i]; s += r.randint(0, 1); both_l += 1
        else:
            s, ar, tr = base - 86400 * 400 + i * 600, "Other %d" % i, "Tune %d" % i
        d = datetime.datetime.fromtimestamp(s, datetime.timezone.utc)
        f.write('%d,"%s",%s,,Album,,"%s",\n' % (s, d.strftime("%d %b %Y, %H:%M"), ar, tr))
# ListenBrainz: 10,000 listens; those of Spotify plays 5000..7999 overlap
with open(t + "/1.jsonl", "w") as f:
    for i in range(10000):
        if i < 3000:
            s, ms, ar, tr = spot[5000 + i]; both_b += 1
            ai = {"duration_ms": ms}
        else:
            s, ar, tr, ai = base + 86400 * 400 + i * 500, "LB %d" % i, "Track %d" % i, {}
        f.write(json.dumps({"inserted_at": s + 5, "listened_at": s, "recording_msid": "x",
          "track_metadata": {"artist_name": ar, "track_name": tr, "release_name": "Album",
          "additional_info": ai}, "user_name": "u"}) + "\n")
open(t + "/expect", "w").write("%d %d\n" % (both_l, both_b))
PY
read -r BOTH_L BOTH_B <"$T/expect"
sl import --account big "$T/Streaming_History_Audio_2022.json" >/dev/null 2>&1
sl import --account big "$T/scrobbles.csv" >"$T/out" 2>&1
check "20,000 Last.fm rows: $BOTH_L merged with Spotify's, the rest new" \
	grep -q "^1 file, 20000 records, $((20000 - BOTH_L)) new events, $BOTH_L merged, 0 duplicates" "$T/out"
mkdir -p "$T/lb/listens/2022" && cp "$T/1.jsonl" "$T/lb/listens/2022/" && printf '{"user_name":"u"}' >"$T/lb/user.json"
(cd "$T/lb" && zip -qr "$T/export.zip" .)
sl import --account big "$T/export.zip" >"$T/out" 2>&1
check "10,000 ListenBrainz listens from the ZIP: $BOTH_B merged" \
	grep -q "^1 file, 10000 records, $((10000 - BOTH_B)) new events, $BOTH_B merged, 0 duplicates dropped, 1 ignored" "$T/out"
is "plays with both sources: as generated" \
	"$(db "SELECT sum(CASE WHEN sources = 34 THEN 1 ELSE 0 END), sum(CASE WHEN sources = 18 THEN 1 ELSE 0 END) FROM plays p JOIN accounts a ON a.id = p.account_id WHERE a.name = 'big'")" \
	"$BOTH_L|$BOTH_B"
is "all plays of the account" "$(db "SELECT count(*) FROM plays p JOIN accounts a ON a.id = p.account_id WHERE a.name = 'big'")" \
	$((8000 + 20000 - BOTH_L + 10000 - BOTH_B))
sl import --account big "$T/scrobbles.csv" "$T/export.zip" >"$T/out" 2>&1
check "both again: all duplicates" grep -q "^2 files, 30000 records, 0 new events, 0 merged, 30000 duplicates" "$T/out"
done_testing
