#!/usr/bin/env bash
# Economy: a run with repeated tracks asks exactly the minimum (artists in
# batches of 50, features in batches of 100, one analysis per new track,
# never /v1/tracks); a second etl asks nothing; --rebuild asks nothing and
# the export is byte-identical. The minimum is computed here from the
# landed pages themselves.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-etl.sh"

start_sim --seed 23
check "auth" authorize main
check "two days of collecting" collect_days 2
sim_post /_sim/requests/reset >/dev/null

pages=$(find "$DATA/landing/recently-played" -name '*.json' | sort)
T_IDS=$(cat $pages | jq -r '.items[].track.id' | sort -u | wc -l)
A_IDS=$(cat $pages | jq -r '.items[].track | (.artists[].id, .album.artists[].id)' | sort -u | wc -l)
PLAYS=$(cat $pages | jq -r '.items[] | .track.id + " " + .played_at' | sort -u | wc -l)
echo "# plays $PLAYS, tracks $T_IDS, artists $A_IDS"
check "tracks repeat" test "$PLAYS" -gt "$T_IDS"

sl etl >"$T/etl1.out"
check "etl runs" test $? -eq 0
sed 's/^/# /' "$T/etl1.out"
is "artists: ceil(new artists / 50) batch requests" "$(requests 'GET /v1/artists')" $(( (A_IDS + 49) / 50 ))
is "artists: no single requests" "$(requests 'GET /v1/artists/{id}')" 0
is "audio-features: ceil(new tracks / 100)" "$(requests 'GET /v1/audio-features')" $(( (T_IDS + 99) / 100 ))
is "audio-analysis: one per new track" "$(requests 'GET /v1/audio-analysis/{id}')" "$T_IDS"
is "tracks come from the pages, never fetched" "$(requests 'GET /v1/tracks/{id}')/$(requests 'GET /v1/tracks')" "0/0"
is "reccobeats not needed" "$(requests 'GET /reccobeats/v1/audio-features')" 0
check "the summary names the requests" grep -q "audio-analysis $T_IDS," "$T/etl1.out"
check "the summary ends with pending" grep -q "pending: 0" "$T/etl1.out"
is "every enrichment answer landed" \
	"$(find "$DATA/landing/enrich/audio-analysis" -name '*.json' | wc -l)/$(find "$DATA/landing/enrich/audio-features" -name '*.json' | wc -l)/$(find "$DATA/landing/enrich/artists" -name '*.json' | wc -l)" \
	"$T_IDS/$T_IDS/$A_IDS"

sim_post /_sim/requests/reset >/dev/null
sl etl >"$T/etl2.out"
is "a second etl makes no request" "$(sim_get /_sim/requests | jq '[to_entries[] | select(.key != "early_calls") | .value] | add // 0')" 0

sl export --format jsonl --utc --extended --with-provenance >"$T/before.jsonl"
sl export --format csv >"$T/before.csv"
sim_post /_sim/requests/reset >/dev/null
sl etl --rebuild >"$T/etl3.out"
check "rebuild runs" test $? -eq 0
sed 's/^/# /' "$T/etl3.out"
is "a rebuild makes no request" "$(sim_get /_sim/requests | jq '[to_entries[] | select(.key != "early_calls") | .value] | add // 0')" 0
sl export --format jsonl --utc --extended --with-provenance >"$T/after.jsonl"
sl export --format csv >"$T/after.csv"
check "export is byte-identical after the rebuild (jsonl)" cmp -s "$T/before.jsonl" "$T/after.jsonl"
check "export is byte-identical after the rebuild (csv)" cmp -s "$T/before.csv" "$T/after.csv"
is "the rebuilt catalog is complete" "$(sqlite3 "$DATA/spinlog.db" "SELECT count(*) FROM audio_analysis")/$(sqlite3 "$DATA/spinlog.db" "SELECT count(*) FROM artists WHERE enriched_ms IS NOT NULL")" "$T_IDS/$A_IDS"

# more days: only what is new is asked
check "another day" collect_days 1
sim_post /_sim/requests/reset >/dev/null
new=$(sqlite3 "$DATA/spinlog.db" "SELECT count(DISTINCT track_id) FROM plays WHERE track_id IS NOT NULL AND track_id NOT IN (SELECT id FROM tracks)")
sl etl >"$T/etl4.out"
sed 's/^/# /' "$T/etl4.out"
is "next run: one analysis per new track only" "$(requests 'GET /v1/audio-analysis/{id}')" "$new"
is "next run: one features batch" "$(requests 'GET /v1/audio-features')" $(( (new + 99) / 100 ))

# a failed run changes nothing: a landed page gone from the landing store
# stops the run (a page that does not parse is set aside instead: t1011),
# and the catalog stays
check "another day" collect_days 1
last=$(sqlite3 "$DATA/spinlog.db" "SELECT key FROM pages ORDER BY id DESC LIMIT 1")
before=$(sqlite3 "$DATA/spinlog.db" "SELECT count(*) FROM tracks")
mv "$DATA/landing/$last" "$T/moved.json"
sl etl >/dev/null 2>"$T/etl5.err"
is "etl fails on a page missing from the landing store" "$?" 1
check "and names the page" grep -q "$last" "$T/etl5.err"
is "the catalog did not change" "$(sqlite3 "$DATA/spinlog.db" "SELECT count(*) FROM tracks")" "$before"
done_testing
