#!/usr/bin/env bash
# A 7-day run against a legacy-mode app: for every play, the exported
# song record equals the record this test builds itself from the
# simulator's own answers (/v1/tracks/{id}, /v1/audio-features/{id},
# /v1/audio-analysis/{id}) following song-record.md, field by field.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-etl.sh"

start_sim --seed 31
check "auth" authorize main
check "seven days of collecting" collect_days 7
check "etl runs" sl etl
sl export --format jsonl --utc >"$T/out.jsonl"
check "export runs" test -s "$T/out.jsonl"
is "one record per music play" "$(wc -l <"$T/out.jsonl" | tr -d ' ')" "$(music_plays)"

sim_login
sim_get "/_sim/truth?user=user1" >"$T/truth.json"
python3 - "$T/out.jsonl" "$T/truth.json" "$SIM_URL" "$ACCESS" >"$T/cmp.out" 2>&1 <<'PY'
import json, sys, urllib.request
out, truth, base, token = sys.argv[1:5]
def get(path):
    req = urllib.request.Request(base + path, headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(req) as r:
        return json.load(r)
def fl(x): return None if x is None else float(x)
def it(x): return None if x is None else int(x)
def mean2(xs): return round(sum(xs) / len(xs), 2) if xs else None
KEYS = ["track_id", "track_name", "track_artist", "played_at", "explicit", "popularity", "album",
        "album_cover", "album_cover_height", "album_cover_width", "duration", "loudness", "tempo",
        "key", "time_signature", "mode", "acousticness", "danceability", "energy",
        "instrumentalness", "speechiness", "valence", "sections", "section_duration_avg",
        "loudness_avg", "tempo_avg", "start_sequence", "loudness_sequence", "tempo_sequence",
        "key_sequence", "mode_sequence", "time_signature_sequence"]
cache = {}
def expected(tid):
    if tid in cache: return cache[tid]
    t = get("/v1/tracks/" + tid); f = get("/v1/audio-features/" + tid); a = get("/v1/audio-analysis/" + tid)
    img = t["album"]["images"][0] if t["album"]["images"] else {}
    s = a["sections"]; at = a["track"]
    rec = {"track_id": t["id"], "track_name": t["name"],
           "track_artist": ", ".join(x["name"] for x in t["artists"]),
           "explicit": t["explicit"], "popularity": t.get("popularity"), "album": t["album"]["name"],
           "album_cover": img.get("url"), "album_cover_height": img.get("height"),
           "album_cover_width": img.get("width"),
           "duration": fl(at["duration"]), "loudness": fl(at["loudness"]), "tempo": fl(at["tempo"]),
           "key": it(at["key"]), "time_signature": it(at["time_signature"]), "mode": it(at["mode"])}
    for k in ["acousticness", "danceability", "energy", "instrumentalness", "speechiness", "valence"]:
        rec[k] = fl(f[k])
    rec["sections"] = len(s)
    rec["section_duration_avg"] = mean2([float(x["duration"]) for x in s])
    rec["loudness_avg"] = mean2([float(x["loudness"]) for x in s])
    rec["tempo_avg"] = mean2([float(x["tempo"]) for x in s])
    rec["start_sequence"] = [fl(x["start"]) for x in s]
    rec["loudness_sequence"] = [fl(x["loudness"]) for x in s]
    rec["tempo_sequence"] = [fl(x["tempo"]) for x in s]
    rec["key_sequence"] = [it(x["key"]) for x in s]
    rec["mode_sequence"] = [it(x["mode"]) for x in s]
    rec["time_signature_sequence"] = [it(x["time_signature"]) for x in s]
    cache[tid] = rec
    return rec
def same(a, b):
    if type(a) is not type(b): return False
    if isinstance(a, list): return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b
listed = {(p["track_id"], p["ended_at"]) for p in json.load(open(truth))
          if p["kind"] == "music" and p["listed"]}
bad = order = unknown_play = n = 0
seen = set()
for line in open(out):
    got = json.loads(line); n += 1
    if list(got.keys()) != KEYS:
        order += 1; print("key order:", list(got.keys())); continue
    if (got["track_id"], got["played_at"]) not in listed:
        unknown_play += 1; print("not a play of the simulator:", got["track_id"], got["played_at"])
    seen.add((got["track_id"], got["played_at"]))
    exp = expected(got["track_id"])
    for k in KEYS:
        if k == "played_at": continue
        if not same(got[k], exp[k]):
            bad += 1
            if bad <= 10: print("field %s of %s: got %r want %r" % (k, got["track_id"], got[k], exp[k]))
first = min(p for _, p in seen) if seen else ""
missed = [p for p in listed if p[1] >= first and p not in seen]
print("records=%d tracks=%d badfields=%d badorder=%d strangers=%d missed=%d" %
      (n, len(cache), bad, order, unknown_play, len(missed)))
PY
cat "$T/cmp.out" | sed 's/^/# /'
summary=$(tail -1 "$T/cmp.out")
check "records checked (more than 30 plays)" test "$(printf %s "$summary" | sed -n 's/^records=\([0-9]*\).*/\1/p')" -gt 30 2>/dev/null
is "some tracks repeat" "$(printf %s "$summary" | awk '{split($1,a,"=");split($2,b,"="); print (a[2]>b[2])}')" 1
is "every key in the record's order" "$(printf %s "$summary" | grep -o 'badorder=[0-9]*')" "badorder=0"
is "every field equals the simulator's answer" "$(printf %s "$summary" | grep -o 'badfields=[0-9]*')" "badfields=0"
is "every record is a play the simulator made" "$(printf %s "$summary" | grep -o 'strangers=[0-9]*')" "strangers=0"
is "every listed play since the first is exported" "$(printf %s "$summary" | grep -o 'missed=[0-9]*')" "missed=0"
# records are oldest first
is "oldest first" "$(jq -r .played_at "$T/out.jsonl" | sort -c 2>&1 && echo sorted)" "sorted"
# CSV: header plus one row per play
sl export --format csv -o "$T/out.csv"
is "csv: header and one row per play" "$(python3 -c 'import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], newline=""))))' "$T/out.csv")" "$(( $(music_plays) + 1 ))"
done_testing
