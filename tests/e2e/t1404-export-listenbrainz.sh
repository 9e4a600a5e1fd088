#!/usr/bin/env bash
# spinlog export --format listenbrainz (cmd/export_lb.c): a store made of
# every source (collected API plays with millisecond end times and no
# ms_played, the extended export with ms_played in ms and a podcast, account
# data, Last.fm CSV, maloja) is exported; the file re-imports into a fresh
# store with identical plays: the same end time to the millisecond, ms_played
# (null stays null, 0 stays 0), Spotify id, track, artist and album names,
# kind and account, in the same number (only the sources differ: they are
# now "listenbrainz"), and that store exports the same bytes again. Each
# line is a listen ListenBrainz takes: only listened_at and track_metadata,
# and serve's endpoint (ListenBrainz's validation) accepts all of them in
# import batches of 1000.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-etl.sh"
DATA2="$T/data2"
sl2() { "$SPINLOG" --data-dir "$DATA2" "$@"; }
if on_postgres; then # the fresh store is a database of its own there
	URL2=$(pg_createdb "t2_$$_$RANDOM") || { echo "not ok - cannot create a database"; exit 1; }
	sl2() { SPINLOG_STORE_URL=$URL2 "$SPINLOG" --data-dir "$DATA2" "$@"; }
fi

start_sim --seed 14
check "auth" authorize main
check "a day of collecting" collect_days 1
check "etl runs" sl etl
API=$(sl log --format jsonl -n 1000000 | grep -c '"sources":\["api"\]')
check "collected plays ($API) with no ms_played" test "$API" -gt 10

python3 - "$T" <<'PY'
import json, random, sys, datetime
t = sys.argv[1]; r = random.Random(1404)
base = 1640995200  # 2022-01-01
def iso(s): return datetime.datetime.fromtimestamp(s, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
rows = []
for i in range(600):
    ms = r.choice([0, 999, 30000, r.randint(1, 400000), r.randint(1, 400000)])
    rows.append({"ts": iso(base + i * 400 + r.randint(0, 59)), "ms_played": ms, "platform": "linux",
      "master_metadata_track_name": "Song %d" % (i % 80), "master_metadata_album_artist_name": "Artist %d" % (i % 9),
      "master_metadata_album_album_name": None if i % 7 == 0 else "Album %d" % (i % 5),
      "spotify_track_uri": "spotify:track:%022d" % (i % 80), "reason_start": "trackdone", "reason_end": "trackdone",
      "shuffle": False, "skipped": False, "offline": False, "offline_timestamp": None, "incognito_mode": False,
      "conn_country": "GB"})
rows.append(dict(rows[0], ts=iso(base - 3600), master_metadata_track_name=None, master_metadata_album_artist_name=None,
  master_metadata_album_album_name=None, spotify_track_uri=None, episode_name="Ep", episode_show_name="Show",
  spotify_episode_uri="spotify:episode:%022d" % 1))
# two plays of one song ending in the same second: they stay two
rows.append(dict(rows[5], ts=iso(base + 900000), ms_played=1200))
rows.append(dict(rows[5], ts=iso(base + 900000), ms_played=2400))
json.dump(rows, open(t + "/Streaming_History_Audio_2022.json", "w"))
acct = [{"endTime": datetime.datetime.fromtimestamp(base + 86400 * 30 + i * 300, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M"),
         "artistName": "Names Only %d" % (i % 4), "trackName": "Tune %d" % i, "msPlayed": r.randint(0, 300000)} for i in range(100)]
json.dump(acct, open(t + "/StreamingHistory_music_0.json", "w"))
with open(t + "/scrobbles.csv", "w") as f:
    f.write("uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid\n")
    for i in range(100):
        f.write('%d,"",Scrobbler %d,,"Rec, %d",,"Track ""%d""",\n' % (base + 86400 * 40 + i * 250, i % 3, i, i))
json.dump({"scrobbles": [{"time": base + 86400 * 50 + i * 500, "track": {"artists": ["Mal %d" % i, "B"],
  "title": "Ünïcode ✓ %d" % i, "album": None, "length": 200 if i % 2 else None}, "duration": None, "origin": "x"}
  for i in range(50)]}, open(t + "/maloja.json", "w"), indent=3)
PY
sl import --account main "$T/Streaming_History_Audio_2022.json" "$T/StreamingHistory_music_0.json" \
	"$T/scrobbles.csv" "$T/maloja.json" >"$T/imp.out" 2>&1
check "the other sources import" grep -q '^4 files' "$T/imp.out"
sl log --format jsonl -n 10000000 >"$T/orig.log"
MUSIC=$(grep -c '"kind":"music"' "$T/orig.log")

sl export --format listenbrainz -o "$T/lb.jsonl" 2>"$T/exp.err"
is "export: every music play, the podcast left out" "$(cat "$T/exp.err")" \
	"spinlog: export: $MUSIC listens written; 1 play that is not music left out"
is "one line per music play" "$(wc -l <"$T/lb.jsonl")" "$MUSIC"
is "only ListenBrainz's two top-level keys" \
	"$(python3 -c 'import json,sys; print(sorted({",".join(sorted(json.loads(l))) for l in open(sys.argv[1])}))' "$T/lb.jsonl")" \
	"['listened_at,track_metadata']"
is "listened_at is the start: the end less ms_played, in seconds" \
	"$(python3 - "$T/orig.log" "$T/lb.jsonl" <<'PY'
import json, sys, datetime
def ms(s): return round(datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc).timestamp() * 1000)
want = sorted((ms(p["played_at"]) - (p["ms_played"] or 0)) // 1000 for p in map(json.loads, open(sys.argv[1])) if p["kind"] == "music")
got = sorted(json.loads(l)["listened_at"] for l in open(sys.argv[2]))
print("same" if want == got else "differ: %s" % [(a, b) for a, b in zip(want, got) if a != b][:3])
PY
)" same

sl2 import --account main "$T/lb.jsonl" >"$T/imp2.out" 2>&1
check "re-imported into a fresh store: every listen new" grep -q "^1 file, $MUSIC records, $MUSIC new events, 0 merged, 0 duplicates" "$T/imp2.out"
sl2 log --format jsonl -n 10000000 >"$T/back.log"
# identical plays: every field of log but the sources (now listenbrainz) and
# artists (the first store's catalog lists each API track's artists; the
# fresh store has no catalog yet: the play's own artist name is compared
# through the export's bytes below)
strip() { python3 -c '
import json, sys
for l in open(sys.argv[1]):
    p = json.loads(l)
    if p["kind"] != "music": continue
    p.pop("sources"); p.pop("artists"); print(json.dumps(p, sort_keys=True))' "$1" | sort; }
strip "$T/orig.log" >"$T/a"; strip "$T/back.log" >"$T/b"
is "identical plays: end ms, ms_played, id, names, kind, account" "$(diff "$T/a" "$T/b" | head -6)" ""
is "as many plays" "$(wc -l <"$T/b")" "$MUSIC"
is "ms_played null stays null, 0 stays 0" \
	"$(grep -c '"ms_played": null' "$T/a") $(grep -c '"ms_played": 0,' "$T/a")" \
	"$(grep -c '"ms_played": null' "$T/b") $(grep -c '"ms_played": 0,' "$T/b")"
check "the two plays of one second are both there" test "$(grep -c '"ms_played": 1200\|"ms_played": 2400' "$T/b")" -eq 2
is "every play is listenbrainz's now" "$(grep -c '"sources":\["listenbrainz"\]' "$T/back.log")" "$MUSIC"
sl2 export --format listenbrainz -o "$T/lb2.jsonl" 2>/dev/null
is "the fresh store exports the same bytes" "$(cmp "$T/lb.jsonl" "$T/lb2.jsonl" 2>&1; diff "$T/lb.jsonl" "$T/lb2.jsonl" | head -4)" ""
sl2 import --account main "$T/lb.jsonl" >"$T/imp3.out" 2>&1
check "importing it again: all duplicates" grep -q "^1 file, $MUSIC records, 0 new events, 0 merged, $MUSIC duplicates" "$T/imp3.out"

# ListenBrainz's own validation (serve's endpoint) takes every line
sl token create --account lbcheck >"$T/tok" 2>/dev/null
start_serve --no-covers
python3 - "$URL" "$(cat "$T/tok")" "$T/lb.jsonl" >"$T/submit.out" <<'PY'
import json, sys, urllib.request, urllib.error
url, tok, path = sys.argv[1:4]
lines = [json.loads(l) for l in open(path)]
for i in range(0, len(lines), 1000):
    body = json.dumps({"listen_type": "import", "payload": lines[i:i + 1000]}).encode()
    req = urllib.request.Request(url + "/1/submit-listens", data=body, headers={"Authorization": "Token " + tok})
    try:
        r = urllib.request.urlopen(req); print(r.status)
    except urllib.error.HTTPError as e:
        print(e.code, e.read().decode())
PY
is "every batch accepted" "$(sort -u "$T/submit.out")" 200
is "listen-count of the account they went to" "$(curl -s "$URL/1/user/lbcheck/listen-count")" "{\"payload\": {\"count\": $MUSIC}}"
done_testing
