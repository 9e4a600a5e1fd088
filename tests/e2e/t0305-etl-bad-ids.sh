#!/usr/bin/env bash
# Plays whose track id is not a Spotify id ("a b", "<script>...",
# "../../etc/passwd") or that no provider knows sit between good ones (the
# plays are written with sqlite3, as an import of an old build or a
# hand-edited store would leave them). The ETL enriches every good track,
# sets each bad one aside with its reason, says so, leaves nothing pending,
# and a second run asks no provider for them.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-etl.sh"

DB="$DATA/spinlog.db"
# a track id of letters and digits only, in each engine's SQL
if on_postgres; then ALNUM="track_id ~ '^[0-9A-Za-z]*\$'"; else ALNUM="track_id NOT GLOB '*[^0-9A-Za-z]*'"; fi
start_sim --seed 11
advance 8640
check "auth" authorize main
sim_get "/_sim/truth?user=user1" >"$T/truth.json"
ACC=$(sqlite3 "$DB" "SELECT id FROM accounts WHERE name = 'main'")
# Unknown: 22 base-62 characters the simulator has no track for.
UNKNOWN=0000000000000000000000
python3 - "$T/truth.json" "$ACC" "$UNKNOWN" >"$T/plays.sql" <<'PY'
import json, sys, datetime
truth, acc, unknown = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
def ms(iso):
    d = datetime.datetime.strptime(iso.replace("Z", "+0000"), "%Y-%m-%dT%H:%M:%S.%f%z")
    return int(d.timestamp() * 1000)
bad = ["a b", "<script>alert(1)</script>", "../../etc/passwd", unknown]
rows = [(ms(p["ended_at"]), p["track_id"]) for p in truth if p["kind"] == "music"]
# a bad id next to every 20th good play, so each batch of 50 meets one
for i, b in enumerate(bad):
    rows.append((rows[i * 20][0] + 1, b))
print("BEGIN;")
for t, tid in rows:
    print("INSERT INTO plays (account_id, played_ms, precision_ms, kind, track_id, track_name, sources) "
          "VALUES (%s, %d, 1000, 'music', '%s', 'x', 2);" % (acc, t, tid.replace("'", "''")))
print("COMMIT;")
PY
check "plays written" sqlite3 "$DB" ".read $T/plays.sql"
GOOD=$(sqlite3 "$DB" "SELECT count(DISTINCT track_id) FROM plays WHERE track_id NOT IN ('a b', '<script>alert(1)</script>', '../../etc/passwd', '$UNKNOWN')")
echo "# good tracks: $GOOD"
check "more good tracks than one batch of 50" test "$GOOD" -gt 100

sim_post /_sim/requests/reset >/dev/null
sl etl >"$T/etl1.out" 2>"$T/etl1.err"
is "etl exits 0" "$?" 0
sed 's/^/# /' "$T/etl1.out" "$T/etl1.err"
sim_get /_sim/requests | sed 's/^/# /'; echo
is "every good track is enriched" "$(sqlite3 "$DB" 'SELECT count(*) FROM tracks')" "$GOOD"
is "every good track has audio features" "$(sqlite3 "$DB" 'SELECT count(*) FROM audio_features')" "$GOOD"
is "every good track has an analysis" "$(sqlite3 "$DB" 'SELECT count(*) FROM audio_analysis')" "$GOOD"
check "nothing is pending" grep -q "pending: 0;" "$T/etl1.out"
check "no 'asked again' left over" sh -c "! grep -q 'asked again' '$T/etl1.out'"
check "the summary counts the set-aside tracks" grep -q "set aside 4 tracks: " "$T/etl1.out"
for why in "'a b': not a Spotify id" "'<script>alert(1)</script>': not a Spotify id" \
	"'../../etc/passwd': not a Spotify id" "'$UNKNOWN': not found at spotify (tracks)"; do
	check "the summary says $why" grep -qF "$why" "$T/etl1.out"
done
check "no libcurl URL warning" sh -c "! grep -qi 'illegal format\|bad/illegal' '$T/etl1.err'"
is "the set-aside table holds each with its kind and reason" \
	"$(sqlite3 "$DB" "SELECT kind || '|' || id || '|' || reason FROM set_aside ORDER BY id")" \
	"track|../../etc/passwd|not a Spotify id
track|$UNKNOWN|not found at spotify (tracks)
track|<script>alert(1)</script>|not a Spotify id
track|a b|not a Spotify id"
is "tracks asked in batches of 50, none one by one" \
	"$(requests 'GET /v1/tracks')/$(requests 'GET /v1/tracks/{id}')" "$(( (GOOD + 1 + 49) / 50 ))/0"
is "one analysis per good track, none for a set-aside one" "$(requests 'GET /v1/audio-analysis/{id}')" "$GOOD"
is "no bad id landed" "$(find "$DATA/landing/enrich" -name '*.json' | grep -vcE '/[0-9A-Za-z]{22}\.json$')" 0

sim_post /_sim/requests/reset >/dev/null
sl etl >"$T/etl2.out" 2>"$T/etl2.err"
sed 's/^/# /' "$T/etl2.out" "$T/etl2.err"
is "a second run asks no provider" \
	"$(sim_get /_sim/requests | jq '[to_entries[] | select(.key != "early_calls") | .value] | add // 0')" 0
check "and says they were set aside earlier" grep -q "4 set aside earlier" "$T/etl2.out"
check "still nothing pending" grep -q "pending: 0;" "$T/etl2.out"

sl status >"$T/status.out"
check "status lists the set-aside ids with reasons" grep -qF "'../../etc/passwd': not a Spotify id" "$T/status.out"
check "status counts them" grep -q "set aside by the etl: 4" "$T/status.out"
sl export --format jsonl --utc >"$T/out.jsonl"
is "export: one record per play with a good track id" "$(wc -l <"$T/out.jsonl" | tr -d ' ')" \
	"$(sqlite3 "$DB" "SELECT count(*) FROM plays WHERE length(track_id) = 22 AND $ALNUM")"

# Forgetting them tries them again: the bad ids are set aside with no
# request, the unknown one costs one batch request.
sim_post /_sim/requests/reset >/dev/null
sl etl --retry-set-aside >"$T/etl3.out" 2>"$T/etl3.err"
is "retry exits 0" "$?" 0
check "retry sets them aside again" grep -q "set aside 4 tracks: " "$T/etl3.out"
is "retry asks for the unknown id only" "$(requests 'GET /v1/tracks')/$(requests 'GET /v1/audio-analysis/{id}')" "1/0"
done_testing
