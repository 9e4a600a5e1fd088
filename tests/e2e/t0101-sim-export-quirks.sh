#!/usr/bin/env bash
# The simulator's privacy export with the quirks of real files (quirks=1:
# shuffled records, exact duplicates, music rows in Video files, null
# "skipped", empty "reason_start", an extra PDF) and the old endsong schema,
# plus the two transport faults t0100 does not cover (reset, truncate).
set -eu
. "$(dirname "$0")/lib.sh"
set +e

X="Spotify Extended Streaming History"

# export NAME QUERY: fetches user1's extended export with QUERY into $T/NAME.zip, unpacked in $T/NAME/.
export_to() {
	curl -sf -o "$T/$1.zip" "$SIM_URL/_sim/export?user=user1&package=extended$2" &&
		mkdir -p "$T/$1" && (cd "$T/$1" && unzip -q "$T/$1.zip")
}

# py SCRIPT ARGS...: runs a python3 snippet that reads the unpacked exports.
py() { local s=$1; shift; python3 -c "$s" "$@"; }

# The helpers every snippet starts with: records(dir) loads every
# Streaming_History_*.json / endsong_*.json record of an unpacked export.
PYLIB='
import glob, json, os, re, sys
def files(d, pat="Streaming_History_*.json"):
    return sorted(glob.glob(os.path.join(d, "*", pat)))
def records(d, pat="Streaming_History_*.json"):
    out = []
    for f in files(d, pat):
        out += json.load(open(f, encoding="utf-8"))
    return out
def canon(r):
    return json.dumps(r, sort_keys=True, ensure_ascii=False)
def strip(r):
    return canon({k: v for k, v in r.items() if k not in ("skipped", "reason_start")})
'

start_sim --seed 3 --users 2
advance $((60 * 24 * 14))
sim_get "/_sim/truth?user=user1" >"$T/truth.json"

check "the plain export answers 200" export_to plain ""
check "the export with quirks=1 answers 200" export_to quirks "&quirks=1"
export_to quirks2 "&quirks=1"
export_to zero "&quirks=0"
unzip -Z1 "$T/quirks.zip" >"$T/quirks.list"

is "the plain export has one distinct record per play" \
	"$(py "$PYLIB"'
r = records(sys.argv[1])
print(len(r), len({canon(x) for x in r}))' "$T/plain")" "$(jq length "$T/truth.json") $(jq length "$T/truth.json")"

# Every distinct quirky record is a plain one, byte for byte, except that
# "skipped" may be null and "reason_start" may be "" (those map back on the
# other keys); and every plain record appears.
is "with quirks the distinct records are the plain ones (null skipped, \"\" reason_start aside)" \
	"$(py "$PYLIB"'
plain = records(sys.argv[1]); quirky = records(sys.argv[2])
by = {}
for p in plain:
    by.setdefault(strip(p), []).append(p)
distinct = {canon(q): q for q in quirky}
bad = 0; seen = set()
for c, q in distinct.items():
    ps = by.get(strip(q), [])
    if len(ps) != 1:
        bad += 1; continue
    p = ps[0]
    if q["skipped"] not in (p["skipped"], None) or q["reason_start"] not in (p["reason_start"], ""):
        bad += 1
    seen.add(canon(p))
print("distinct", len(distinct), "unmatched", bad, "plain", len(plain), "covered", len(seen))' "$T/plain" "$T/quirks")" \
	"distinct $(jq length "$T/truth.json") unmatched 0 plain $(jq length "$T/truth.json") covered $(jq length "$T/truth.json")"

is "records with neither quirk are byte-identical in both exports" \
	"$(py "$PYLIB"'
plain = {canon(p) for p in records(sys.argv[1])}
q = [x for x in records(sys.argv[2]) if x["skipped"] is not None and x["reason_start"] != ""]
print(len(q) > 0, sum(canon(x) not in plain for x in q))' "$T/plain" "$T/quirks")" "True 0"

# Duplicates: the same record text twice, not merely equal JSON.
dups=$(py "$PYLIB"'
from collections import Counter
c = Counter()
for f in files(sys.argv[1]):
    c.update(re.findall(r"\n  \{\n.*?\n  \}", open(f, encoding="utf-8").read(), re.S))
n = sum(c.values())
d = sum(v - 1 for v in c.values() if v > 1)
print(d, n)' "$T/quirks")
check "about 1% of the records are byte-identical duplicates ($dups)" \
	py 'import sys; d, n = map(int, sys.argv[1:]); sys.exit(not (d >= 1 and d <= n * 0.05))' $dups

is "some records have a null skipped and some an empty reason_start" \
	"$(py "$PYLIB"'
r = records(sys.argv[1])
print(any(x["skipped"] is None for x in r), any(x["reason_start"] == "" for x in r))' "$T/quirks")" "True True"

audio="$T/quirks/$X/Streaming_History_Audio_2026_0.json"
is "the records of the Audio file are out of time order" \
	"$(jq '[.[].ts] as $t | [range(1; $t|length) | select($t[.] < $t[. - 1])] | length > 0' "$audio")" true
is "and in another order than the same records in the plain export" \
	"$(py "$PYLIB"'
q = []
for x in json.load(open(sys.argv[2], encoding="utf-8")):
    if strip(x) not in q:
        q.append(strip(x))
keep = set(q)
p = [strip(x) for x in records(sys.argv[1]) if strip(x) in keep]
print(len(q) == len(p) and len(q) > 0, q != p, sorted(q) == sorted(p))' "$T/plain" "$audio")" "True True True"

video="$T/quirks/$X/Streaming_History_Video_2026_0.json"
check "a Streaming_History_Video_2026_0.json file exists" grep -qx "$X/Streaming_History_Video_2026_0.json" "$T/quirks.list"
is "the Video file holds only music rows, and some" \
	"$(jq '[length > 0, all(.[]; .spotify_track_uri != null and .spotify_episode_uri == null)] | all' "$video" 2>/dev/null)" true
is "Video rows are moved out of the Audio files, not copied" \
	"$(py "$PYLIB"'
a = {canon(x) for x in records(sys.argv[1], "Streaming_History_Audio_*.json")}
v = {canon(x) for x in records(sys.argv[1], "Streaming_History_Video_*.json")}
print(len(v) > 0, len(a & v))' "$T/quirks")" "True 0"

check "the extra ReadMeFirst_ExtendedStreamingHistory.pdf is in the ZIP" \
	grep -qx "$X/ReadMeFirst_ExtendedStreamingHistory.pdf" "$T/quirks.list"
check "the plain export has no Video file and no PDF" sh -c "! unzip -Z1 '$T/plain.zip' | grep -q 'Video\|\.pdf'"

check "quirks are deterministic: a second export is identical" diff -r "$T/quirks" "$T/quirks2"
check "quirks=0 is the plain export" diff -r "$T/plain" "$T/zero"
curl -sf -o "$T/u2q.zip" "$SIM_URL/_sim/export?user=user2&package=extended&quirks=1" && mkdir -p "$T/u2q" && (cd "$T/u2q" && unzip -q "$T/u2q.zip")
is "another user's quirks follow their own draw" \
	"$(py "$PYLIB"'
r = records(sys.argv[1])
print(len(r) > 0, len(r) > len({canon(x) for x in r}) or any(x["skipped"] is None for x in r))' "$T/u2q")" "True True"
is "a bad quirks value gives 400" \
	"$(curl -s -o /dev/null -w '%{http_code}' "$SIM_URL/_sim/export?user=user1&quirks=yes")" 400
is "a bad schema value gives 400" \
	"$(curl -s -o /dev/null -w '%{http_code}' "$SIM_URL/_sim/export?user=user1&schema=2019")" 400

# --- the old endsong schema ------------------------------------------------------
check "the export with schema=endsong answers 200" export_to endsong "&schema=endsong"
is "endsong files are MyData/endsong_N.json, nothing else" "$(unzip -Z1 "$T/endsong.zip" | grep -v '/$' | paste -sd' ')" \
	"MyData/endsong_0.json"
is "endsong records have the old key set, in order" \
	"$(jq -c '[.[]|keys_unsorted]|unique' "$T/endsong/MyData/endsong_0.json")" \
	'[["ts","username","platform","ms_played","conn_country","ip_addr_decrypted","user_agent_decrypted","master_metadata_track_name","master_metadata_album_artist_name","master_metadata_album_album_name","spotify_track_uri","episode_name","episode_show_name","spotify_episode_uri","reason_start","reason_end","shuffle","skipped","offline","offline_timestamp","incognito_mode"]]'
is "endsong holds the same plays, offline_timestamp in ms" \
	"$(py "$PYLIB"'
plain = records(sys.argv[1]); old = records(sys.argv[1].replace("plain", "endsong"), "endsong_*.json")
same = ("ts", "platform", "ms_played", "spotify_track_uri", "spotify_episode_uri", "skipped", "reason_start")
key = lambda r: tuple(r[k] for k in same)
ok = sorted(map(key, plain)) == sorted(map(key, old))
ms = all(o["offline_timestamp"] // 1000 == p["offline_timestamp"] and o["offline_timestamp"] > 10**12
         for o, p in zip(sorted(old, key=key), sorted(plain, key=key)))
print(len(old), ok, ms)' "$T/plain")" "$(jq length "$T/truth.json") True True"
check "the export with schema=endsong&quirks=1 answers 200" export_to endsongq "&schema=endsong&quirks=1"
is "endsong with quirks: no Video file, the PDF" "$(unzip -Z1 "$T/endsongq.zip" | grep -v '/$' | paste -sd' ')" \
	"MyData/endsong_0.json MyData/ReadMeFirst_ExtendedStreamingHistory.pdf"
is "endsong with quirks: shuffled, with duplicates, the same distinct plays" \
	"$(py "$PYLIB"'
plain = records(sys.argv[1], "endsong_*.json"); q = records(sys.argv[2], "endsong_*.json")
print(len(q) > len(plain), [x["ts"] for x in q] != sorted(x["ts"] for x in q),
      {strip(x) for x in q} == {strip(x) for x in plain})' "$T/endsong" "$T/endsongq")" "True True True"

# --- transport faults ------------------------------------------------------------
TID=$(jq -r '[.[]|select(.kind=="music")][0].track_id' "$T/truth.json")
RB="$SIM_URL/reccobeats/v1/audio-features?ids=$TID"
check "without faults reccobeats answers 200" test "$(curl -s -o /dev/null -w '%{http_code}' "$RB")" = 200
sim_post "/_sim/faults?rate_reset=1" >/dev/null
curl -s -o /dev/null -w '%{http_code}' "$RB" >"$T/reset.code"
rc=$?
check "rate_reset=1: the connection closes with no HTTP answer (curl exit $rc, code $(cat "$T/reset.code"))" \
	sh -c "{ test $rc = 52 || test $rc = 56; } && test \"\$(cat '$T/reset.code')\" = 000"
sim_post "/_sim/faults?rate_truncate=1" >/dev/null
curl -s -D "$T/trunc.h" -o "$T/trunc.body" "$RB"
rc=$?
clen=$(tr -d '\r' <"$T/trunc.h" | sed -n 's/^[Cc]ontent-[Ll]ength: *//p' | tail -1)
got=$(stat -c %s "$T/trunc.body" 2>/dev/null || echo 0)
check "rate_truncate=1: curl reports a partial transfer (exit $rc)" test "$rc" = 18
check "rate_truncate=1: the body ($got bytes) is shorter than Content-Length ($clen)" \
	test -n "$clen" -a "${clen:-0}" -gt 0 -a "$got" -lt "${clen:-0}"
sim_post "/_sim/faults" >/dev/null
check "with faults cleared reccobeats answers 200 again" test "$(curl -s -o /dev/null -w '%{http_code}' "$RB")" = 200

done_testing
