#!/usr/bin/env bash
# issue 10: --skip-invalid. An extended export of 100,000 records, 3 of them
# bad (a time before Spotify's launch less its margin, an id that is not a
# Spotify id, ms_played not a number), spread over two files. Without the
# flag nothing is imported and the message names the flag; with it 99,997
# plays are stored and the 3 are listed in rejected-<import>.jsonl with
# file, record and reason. The truth is the generator's own list of bad
# records, not spinlog's output.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/in"
python3 - "$T/in" >"$T/bad.want" <<'PY'
import json, sys
out = sys.argv[1]
ids = "".join(chr(c) for c in range(48, 58)) + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
def tid(i):
    s = ""
    for _ in range(22):
        s += ids[i % 62]; i //= 62
    return s
t0 = 1577836800  # 2020-01-01
bad = {("Streaming_History_Audio_2020_0.json", 17): ("ts", "2005-06-01T10:00:00Z"),
       ("Streaming_History_Audio_2020_1.json", 20000): ("spotify_track_uri", "spotify:track:<script>"),
       ("Streaming_History_Audio_2020_1.json", 49999): ("ms_played", "lots")}
n = 0
for f in range(2):
    name = "Streaming_History_Audio_2020_%d.json" % f
    recs = []
    for r in range(50000):
        ts = t0 + n * 200
        rec = {"ts": __import__("time").strftime("%Y-%m-%dT%H:%M:%SZ", __import__("time").gmtime(ts)),
               "platform": "linux", "ms_played": 180000 + n % 1000, "conn_country": "SE",
               "master_metadata_track_name": "Song %d" % (n % 5000),
               "master_metadata_album_artist_name": "Artist %d" % (n % 300),
               "master_metadata_album_album_name": "Album %d" % (n % 700),
               "spotify_track_uri": "spotify:track:" + tid(n % 5000 + 1000),
               "episode_name": None, "episode_show_name": None, "spotify_episode_uri": None,
               "reason_start": "trackdone", "reason_end": "trackdone", "shuffle": False,
               "skipped": False, "offline": False, "offline_timestamp": None, "incognito_mode": False}
        k = bad.get((name, r))
        if k:
            rec[k[0]] = k[1]
            print("%s %d %s" % (name, r, k[0]))
        recs.append(rec)
        n += 1
    json.dump(recs, open("%s/%s" % (out, name), "w"))
PY
is "the generator made 3 bad records" "$(wc -l <"$T/bad.want" | tr -d ' ')" 3

sl import "$T/in" >"$T/o1" 2>"$T/e1"
is "without --skip-invalid the import fails" $? 1
check "the message names the first bad record" \
	grep -q 'Streaming_History_Audio_2020_0.json: record 17: "ts" is not a plausible time (before 2007-10-07' "$T/e1"
check "and the flag" grep -q -- '--skip-invalid' "$T/e1"
check "and that nothing was imported" grep -q 'nothing was imported' "$T/e1"
sed 's/^/# /' "$T/e1"
is "nothing is stored" "$(sqlite3 "$DATA/spinlog.db" 'SELECT count(*) FROM plays')" 0
is "no list is written" "$(ls "$DATA" | grep -c '^rejected-')" 0

sl import --skip-invalid "$T/in" >"$T/o2" 2>"$T/e2"
is "with --skip-invalid it succeeds" $? 0
sed 's/^/# /' "$T/o2" "$T/e2"
is "99,997 plays are stored" "$(sqlite3 "$DATA/spinlog.db" 'SELECT count(*) FROM plays')" 99997
check "the summary says 99997 records" grep -q '2 files, 99997 records, 99997 new events' "$T/o2"
check "and 3 skipped" grep -q '3 invalid records skipped' "$T/o2"
id=$(sqlite3 "$DATA/spinlog.db" 'SELECT max(id) FROM imports')
list="$DATA/rejected-$id.jsonl"
check "the list is rejected-$id.jsonl" test -f "$list"
check "stderr names the list" grep -qF "3 invalid records skipped, listed with file, record and reason in \"$list\"" "$T/e2"
is "it lists 3 records" "$(wc -l <"$list" | tr -d ' ')" 3
jq -r '"\(.file | sub(".*/"; "")) \(.record) \(.reason | capture("^\"(?<k>[a-z_]+)\"").k)"' "$list" >"$T/bad.got"
is "the records listed are the bad ones, with the field in the reason" \
	"$(diff "$T/bad.want" "$T/bad.got" >/dev/null && echo same || { diff "$T/bad.want" "$T/bad.got" | sed 's/^/# /'; echo differ; })" same
check "each reason says why" test "$(jq -r 'select(.record == 20000) | .reason' "$list")" = \
	'"spotify_track_uri" does not end in a Spotify id (22 letters and digits) ("spotify:track:<script>")'
check "a bad record's neighbours are stored" test "$(sqlite3 "$DATA/spinlog.db" \
	"SELECT count(*) FROM plays WHERE played_ms IN ($(( (1577836800 + 16*200) * 1000 )), $(( (1577836800 + 18*200) * 1000 )))")" = 2
is "the bad record's time is not" "$(sqlite3 "$DATA/spinlog.db" \
	"SELECT count(*) FROM plays WHERE played_ms = $(( (1577836800 + 17*200) * 1000 ))")" 0

sl import --skip-invalid "$T/in" >"$T/o3" 2>"$T/e3"
is "the same files again add nothing" "$(sqlite3 "$DATA/spinlog.db" 'SELECT count(*) FROM plays')" 99997

# a line format too (the mechanism is the pipeline's, not the format's)
printf '#AUDIOSCROBBLER/1.1\n#TZ/UTC\n#CLIENT/test\nA\tAl\tT1\t1\t200\tL\t1600000000\t\nA\tAl\tT2\t2\t200\tL\tnope\t\nA\tAl\tT3\t3\t200\tL\t1600000500\t\n' >"$T/x.scrobbler.log"
sl import --account logs --skip-invalid "$T/x.scrobbler.log" >"$T/o4" 2>"$T/e4"
is "a scrobbler log with a bad line imports the rest" $? 0
check "2 records" grep -q '1 file, 2 records' "$T/o4"
check "line 5 is listed" grep -q 'x.scrobbler.log: record 5: "timestamp"' "$T/e4"
done_testing
