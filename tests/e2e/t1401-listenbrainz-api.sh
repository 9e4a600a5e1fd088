#!/usr/bin/env bash
# serve's ListenBrainz-compatible API (web/listenbrainz.c, doc/listenbrainz.md):
# a token from 'spinlog token create', every payload submitted both with curl
# and with a small client of the test's own (Python, urllib), every kind of invalid payload
# answered with ListenBrainz's status and exact error body (strings from
# listenbrainz-server's webserver/views/api.py and api_tools.py), the limits
# at their boundaries (1000 listens, 10240 bytes a listen), read-backs with
# additional_info as submitted, playing-now expiring after its duration, and
# a listen of a Spotify play already imported stored once with both sources.
. "$(dirname "$0")/lib.sh"
db() { sqlite3 "$DATA/spinlog.db" "$1"; }
NOW=$(date +%s)
T0=$((NOW - 86400))

sl token create --account alice >"$T/tok" 2>"$T/tok.err"
check "token create succeeds" test $? -eq 0
TOK=$(cat "$T/tok")
check "the token is alone on its line" test "$(wc -l <"$T/tok")" -eq 1
check "only its hash is stored" test "$(db "SELECT count(*) FROM lb_tokens WHERE hash LIKE '%$TOK%' OR prefix = '$TOK'")" -eq 0
is "the stored hash is its SHA-256" "$(db 'SELECT hash FROM lb_tokens')" \
	"$(printf %s "$TOK" | sha256sum | cut -d' ' -f1)"
sl token create --account bob >"$T/tok2" 2>/dev/null
check "token list shows both, by account" test "$(sl token list | cut -f2 | tr '\n' ' ')" = "alice bob "

start_serve --no-covers --threads 2
post() { curl -s -o "$T/body" -w '%{http_code}' -X POST -H "Authorization: Token $TOK" \
	--data-binary "@$1" "$URL/1/submit-listens"; }
# the test's own client: "file F" posts F's bytes as they are; "bulk N T0"
# N listens in one import; "size N T0" one listen padded to a request of N bytes
cat >"$T/client.py" <<'PY'
import json, sys, urllib.request, urllib.error
url, token, mode = sys.argv[1], sys.argv[2], sys.argv[3]
if mode != "file":
    n, t0 = int(sys.argv[4]), int(sys.argv[5])
def listen(i, pad=0):
    l = {"listened_at": t0 + 400 * i, "track_metadata": {"artist_name": "Client %d" % i,
         "track_name": "Song %d" % i, "additional_info": {"duration_ms": 180000}}}
    if pad:
        l["track_metadata"]["additional_info"]["note"] = "x" * pad
    return l
if mode == "file":
    body = open(sys.argv[4], "rb").read().decode("utf-8", "surrogateescape")
elif mode == "bulk":
    body = json.dumps({"listen_type": "import", "payload": [listen(i) for i in range(n)]})
else:  # one listen padded so that the whole request is n bytes
    base = json.dumps({"listen_type": "single", "payload": [listen(0, 1)]})
    body = json.dumps({"listen_type": "single", "payload": [listen(0, 1 + n - len(base))]})
    assert len(body) == n, len(body)
req = urllib.request.Request(url + "/1/submit-listens", data=body.encode("utf-8", "surrogateescape"),
      headers={"Authorization": "Token " + token, "Content-Type": "application/json"})
try:
    r = urllib.request.urlopen(req); print(r.status, r.read().decode())
except urllib.error.HTTPError as e:
    print(e.code, e.read().decode())
PY
client() { python3 "$T/client.py" "$URL" "$TOK" "$@"; }
# expect NAME JSONFILE STATUS BODY: curl, then the client, post the same bytes
expect() {
	local st; st=$(post "$2")
	is "$1: status" "$st" "$3"
	is "$1: body" "$(cat "$T/body")" "$4"
	is "$1: the client's answer" "$(client file "$2")" "$3 $4"
}
j() { printf '%s' "$1" >"$T/req.json"; }
L1='{"listened_at":'$T0',"track_metadata":{"artist_name":"Kate Bush","track_name":"Running Up That Hill","release_name":"Hounds of Love","additional_info":{"duration_ms":298000,"tags":["art pop"],"recording_mbid":"8a5e2b48-5ad1-4b7e-8d3a-6a3b2f3d4e10","submission_client":"t1401"}}}'

# ---- auth ----
is "no Authorization header" "$(curl -s -w ' %{http_code}' -X POST -d '{}' "$URL/1/submit-listens")" \
	'{"code": 401, "error": "You need to provide an Authorization header."} 401'
is "a header of one word" "$(curl -s -w ' %{http_code}' -X POST -H 'Authorization: Token' -d '{}' "$URL/1/submit-listens")" \
	'{"code": 401, "error": "Provided Authorization header is invalid."} 401'
is "an unknown token" "$(curl -s -w ' %{http_code}' -X POST -H 'Authorization: Token nope' -d '{}' "$URL/1/submit-listens")" \
	'{"code": 401, "error": "Invalid authorization token."} 401'
is "validate-token, valid" "$(curl -s -H "Authorization: Token $TOK" "$URL/1/validate-token")" \
	'{"code": 200, "message": "Token valid.", "valid": true, "user_name": "alice"}'
is "validate-token, ?token= invalid" "$(curl -s "$URL/1/validate-token?token=x")" \
	'{"code": 200, "message": "Token invalid.", "valid": false}'
is "validate-token, none" "$(curl -s -w ' %{http_code}' "$URL/1/validate-token")" \
	'{"code": 400, "error": "You need to provide an Authorization token."} 400'
is "GET on submit-listens" "$(curl -s -o /dev/null -w '%{http_code}' "$URL/1/submit-listens")" 405

# ---- the request ----
j 'nope'; st=$(post "$T/req.json")
is "not JSON: 400" "$st" 400
check "not JSON: says so" grep -q '^{"code": 400, "error": "Cannot parse JSON document: ' "$T/body"
j '[]'; expect "top level not an object" "$T/req.json" 400 \
	'{"code": 400, "error": "Invalid JSON document submitted. Top level of JSON document should be a json object."}'
j '{"listen_type":"single"}'; expect "no payload" "$T/req.json" 400 '{"code": 400, "error": "Invalid JSON document submitted."}'
j '{"listen_type":"single","payload":{}}'; expect "payload not a list" "$T/req.json" 400 \
	'{"code": 400, "error": "The payload in the JSON document should be a list of listens."}'
j '{"listen_type":"single","payload":[]}'; expect "no listens" "$T/req.json" 400 \
	'{"code": 400, "error": "JSON document does not contain any listens"}'
j '{"listen_type":"solo","payload":['"$L1"']}'; expect "bad listen_type" "$T/req.json" 400 \
	'{"code": 400, "error": "JSON document requires a valid listen_type key."}'
j '{"payload":['"$L1"']}'; expect "no listen_type" "$T/req.json" 400 '{"code": 400, "error": "Invalid JSON document submitted."}'
j '{"listen_type":"single","payload":['"$L1,$L1"']}'; expect "two listens as single" "$T/req.json" 400 \
	'{"code": 400, "error": "JSON document contains more than listen for a single/playing_now. It should contain only one."}'

# ---- one listen ----
bad_listen() { # NAME LISTEN-JSON ERROR [TYPE]
	j '{"listen_type":"'"${4:-single}"'","payload":['"$2"']}'
	expect "$1" "$T/req.json" 400 "{\"code\": 400, \"error\": \"$3\"}"
}
TM='"track_metadata":{"artist_name":"A","track_name":"B"}'
bad_listen "no listened_at" "{$TM}" "JSON document must contain the key listened_at at the top level."
bad_listen "listened_at not an int" "{\"listened_at\":\"soon\",$TM}" "JSON document must contain an int value for listened_at."
bad_listen "listened_at too high" "{\"listened_at\":$((NOW + 3700)),$TM}" "Value for key listened_at is too high."
bad_listen "listened_at before 2002-10-01" "{\"listened_at\":1033430399,$TM}" \
	"Value for key listened_at is too low. listened_at timestamp should be greater than 1033410600 (2002-10-01 00:00:00 UTC)."
bad_listen "no track_metadata" "{\"listened_at\":$T0}" "JSON document must contain the key track_metadata at the top level."
bad_listen "an extra key" "{\"listened_at\":$T0,$TM,\"x\":1}" "JSON document may only contain listened_at and track_metadata top level keys"
bad_listen "null track_metadata" "{\"listened_at\":$T0,\"track_metadata\":null}" "JSON document may not have track_metadata with null value."
bad_listen "no track_name" "{\"listened_at\":$T0,\"track_metadata\":{\"artist_name\":\"A\"}}" \
	"JSON document does not contain required field track_metadata.track_name."
bad_listen "blank artist_name" "{\"listened_at\":$T0,\"track_metadata\":{\"artist_name\":\"  \",\"track_name\":\"B\"}}" \
	"field track_metadata.artist_name is empty."
bad_listen "artist_name a list" "{\"listened_at\":$T0,\"track_metadata\":{\"artist_name\":[\"A\"],\"track_name\":\"B\"}}" \
	"track_metadata.artist_name must be a single string."
AI() { echo "{\"listened_at\":$T0,\"track_metadata\":{\"artist_name\":\"A\",\"track_name\":\"B\",\"additional_info\":$1}}"; }
bad_listen "both durations" "$(AI '{"duration":1,"duration_ms":1000}')" "JSON document should not contain both duration and duration_ms."
bad_listen "duration 0" "$(AI '{"duration":0}')" "Value for duration is invalid, should be a positive integer."
bad_listen "duration_ms over 24 days" "$(AI '{"duration_ms":2073600001}')" "Value for duration_ms is too large, max permitted value is 2073600000"
bad_listen "a bad recording_mbid" "$(AI '{"recording_mbid":"not-a-uuid"}')" "recording_mbid MBID format invalid."
bad_listen "a bad artist_mbids item" "$(AI '{"artist_mbids":["8a5e2b48-5ad1-4b7e-8d3a-6a3b2f3d4e10","x"]}')" "artist_mbids MBID format invalid."
T65=$(printf 'x%.0s' $(seq 65)); T64=${T65:1}
bad_listen "a tag of 65 characters" "$(AI "{\"tags\":[\"$T65\"]}")" \
	"JSON document may not contain track_metadata.additional_info.tags longer than 64 characters."
TAGS51=$(seq 51 | sed 's/.*/"t&"/' | paste -sd,)
bad_listen "51 tags" "$(AI "{\"tags\":[$TAGS51]}")" \
	"JSON document may not contain more than 50 items in track_metadata.additional_info.tags."
bad_listen "a unicode NUL" "$(AI '{"comment":"a\u0000b"}')" 'a\u0000b contains a unicode null'
bad_listen "playing_now with listened_at" "{\"listened_at\":$T0,$TM}" \
	"JSON document must not contain listened_at while submitting playing_now." playing_now
check "no invalid listen was stored" test "$(db 'SELECT count(*) FROM plays')" -eq 0

# ---- accepted ----
TAGS50=$(seq 50 | sed 's/.*/"t&"/' | paste -sd,)
j '{"listen_type":"single","payload":['"$(AI "{\"tags\":[$TAGS50,\"$T64\"],\"duration\":200,\"release_mbid\":\"\"}" | sed 's/"t50",//')"']}'
expect "50 tags, one of 64 characters, an empty mbid: accepted" "$T/req.json" 200 '{"status": "ok"}'
j '{"listen_type":"single","payload":['"$L1"']}'; expect "a single listen" "$T/req.json" 200 '{"status": "ok"}'
expect "the same listen again" "$T/req.json" 200 '{"status": "ok"}'
is "stored once, as a listenbrainz play of alice" \
	"$(db "SELECT a.name, p.artist_name, p.track_name, p.album_name, p.played_ms / 1000 - $T0, p.ms_played, p.sources FROM plays p JOIN accounts a ON a.id = p.account_id WHERE p.track_name LIKE 'Running%'")" \
	"alice|Kate Bush|Running Up That Hill|Hounds of Love|298|298000|16"
curl -s "$URL/1/user/alice/listens?count=1" >"$T/listens.json"
is "read-back: the listen as submitted, additional_info included" \
	"$(python3 -c 'import json,sys; l=json.load(open(sys.argv[1]))["payload"]; x=l["listens"][0]; print(l["count"], l["user_id"], x["listened_at"], x["user_name"], json.dumps(x["track_metadata"], sort_keys=True))' "$T/listens.json")" \
	"1 alice $T0 alice $(python3 -c 'import json,sys; print(json.dumps(json.loads(sys.argv[1])["track_metadata"], sort_keys=True))' "$L1")"
is "listen-count" "$(curl -s "$URL/1/user/alice/listen-count")" '{"payload": {"count": 2}}'
is "an unknown user" "$(curl -s -w ' %{http_code}' "$URL/1/user/carol/listen-count")" '{"code": 404, "error": "Cannot find user: carol"} 404'
is "bad count" "$(curl -s -w ' %{http_code}' "$URL/1/user/alice/listens?count=x")" '{"code": 400, "error": "Invalid count argument: x"} 400'
is "min_ts after max_ts" "$(curl -s "$URL/1/user/alice/listens?min_ts=5&max_ts=4")" '{"code": 400, "error": "max_ts should be greater than min_ts"}'
is "max_ts excludes the listen at it" "$(curl -s "$URL/1/user/alice/listens?max_ts=$T0" | python3 -c 'import json,sys; print(json.load(sys.stdin)["payload"]["count"])')" 0
is "min_ts excludes the listen at it" "$(curl -s "$URL/1/user/alice/listens?min_ts=$T0" | python3 -c 'import json,sys; print(json.load(sys.stdin)["payload"]["count"])')" 0
is "min_ts just before" "$(curl -s "$URL/1/user/alice/listens?min_ts=$((T0 - 1))" | python3 -c 'import json,sys; print(json.load(sys.stdin)["payload"]["count"])')" 2

# ---- limits, with the test's own client ----
is "1001 listens: refused" "$(client bulk 1001 $((T0 - 900000)))" \
	'400 {"code": 400, "error": "Too many listens. You may not submit more than 1000 listens at once."}'
is "1000 listens: accepted" "$(client bulk 1000 $((T0 - 900000)))" '200 {"status": "ok"}'
is "1000 listens stored" "$(db "SELECT count(*) FROM plays WHERE artist_name LIKE 'Client %'")" 1000
is "a listen of 10241 bytes: refused" "$(client size 10241 $((T0 - 950000)))" \
	'400 {"code": 400, "error": "JSON document is too large. Each listens may not be larger than 10240 bytes."}'
is "a listen of 10240 bytes: accepted" "$(client size 10240 $((T0 - 950000)))" '200 {"status": "ok"}'
head -c $((10240000 + 1)) /dev/zero | tr '\0' ' ' >"$T/huge.json"
expect "a request over 10240000 bytes" "$T/huge.json" 400 \
	'{"code": 400, "error": "Payload too large. Payload cannot exceed 10240000 bytes"}'

# ---- playing now ----
j '{"listen_type":"playing_now","payload":[{"track_metadata":{"artist_name":"Now","track_name":"Playing","additional_info":{"duration":2}}}]}'
expect "playing_now accepted" "$T/req.json" 200 '{"status": "ok"}'
is "playing-now while it lasts" "$(curl -s "$URL/1/user/alice/playing-now")" \
	'{"payload": {"count": 1, "listens": [{"playing_now": true, "track_metadata": {"artist_name":"Now","track_name":"Playing","additional_info":{"duration":2}}}], "playing_now": true, "user_id": "alice"}}'
check "playing_now is not a play" test "$(db "SELECT count(*) FROM plays WHERE artist_name = 'Now'")" -eq 0
sleep 2.5
is "playing-now after its duration" "$(curl -s "$URL/1/user/alice/playing-now")" \
	'{"payload": {"count": 0, "listens": [], "playing_now": true, "user_id": "alice"}}'

# ---- merged with Spotify ----
# a Spotify extended-history row ending at E after 212 s; a scrobbler's
# listen of it after the fact starts at E - 212 s (give or take a second)
E=$((T0 + 50000))
python3 - "$T/Streaming_History_Audio_2025.json" $E <<'PY'
import json, sys, datetime
e = datetime.datetime.fromtimestamp(int(sys.argv[2]), datetime.timezone.utc)
json.dump([{"ts": e.strftime("%Y-%m-%dT%H:%M:%SZ"), "platform": "linux", "ms_played": 212000,
  "conn_country": "GB", "master_metadata_track_name": "Wuthering Heights",
  "master_metadata_album_artist_name": "Kate Bush", "master_metadata_album_album_name": "The Kick Inside",
  "spotify_track_uri": "spotify:track:0BhLx5UDxZCRWKGOOe9Pce", "reason_start": "clickrow",
  "reason_end": "trackdone", "shuffle": False, "skipped": False, "offline": False,
  "offline_timestamp": None, "incognito_mode": False}], open(sys.argv[1], "w"))
PY
sl import --account alice "$T/Streaming_History_Audio_2025.json" >/dev/null 2>&1
check "the Spotify play is imported" test "$(db "SELECT count(*) FROM plays WHERE track_name = 'Wuthering Heights'")" -eq 1
j '{"listen_type":"import","payload":[{"listened_at":'$((E - 213))',"track_metadata":{"artist_name":"kate bush","track_name":"Wuthering  Heights","additional_info":{"duration_ms":218000,"music_service":"spotify.com"}}}]}'
expect "the same listen submitted after the fact" "$T/req.json" 200 '{"status": "ok"}'
is "stored once, with both sources, the export's time" \
	"$(db "SELECT count(*), group_concat(sources), max(played_ms) / 1000 - $E, max(ms_played) FROM plays WHERE track_name LIKE 'Wuthering%'")" "1|18|0|212000"
is "log shows both sources" "$(sl log --format jsonl --account alice | grep Wuthering | python3 -c 'import json,sys; print(json.load(sys.stdin)["sources"])')" \
	"['export', 'listenbrainz']"
is "listen-count counts it once" "$(curl -s "$URL/1/user/alice/listen-count")" '{"payload": {"count": 1004}}'
j '{"listen_type":"import","payload":[{"listened_at":'$((E - 213 + 600))',"track_metadata":{"artist_name":"Kate Bush","track_name":"Wuthering Heights","additional_info":{"duration_ms":218000}}}]}'
expect "the song again ten minutes later" "$T/req.json" 200 '{"status": "ok"}'
is "is another play" "$(db "SELECT count(*) FROM plays WHERE track_name LIKE 'Wuthering%'")" 2

# ---- tokens ----
ID=$(sl token list --account alice | cut -f1)
sl token revoke "$ID" --account alice 2>/dev/null
check "revoke succeeds" test $? -eq 0
j '{"listen_type":"single","payload":['"$L1"']}'
expect "a revoked token" "$T/req.json" 401 '{"code": 401, "error": "Invalid authorization token."}'
check "only bob's token is left" test "$(sl token list | cut -f2)" = bob
done_testing
