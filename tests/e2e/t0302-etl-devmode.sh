#!/usr/bin/env bash
# A development-mode app: audio-features and audio-analysis answer 403,
# once each, and are not asked again on a later run (a provider block);
# batch artists answer 403 and artists are asked one by one; ReccoBeats
# fills the features; the record after the 403 (song-record.md, "When the
# analysis is missing"): duration from the track object, tempo, key, mode
# and loudness from ReccoBeats, time_signature and the section fields null,
# popularity null; every play is still exported.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-etl.sh"

start_sim --seed 12 --app-mode development
check "auth" authorize main
check "a day of collecting" collect_days 1
sl etl >"$T/etl1.out" 2>"$T/etl1.err"
check "etl runs" test $? -eq 0
sed 's/^/# /' "$T/etl1.out" "$T/etl1.err"
tracks=$(sqlite3 "$DATA/spinlog.db" "SELECT count(DISTINCT track_id) FROM plays WHERE track_id IS NOT NULL")
artists=$(sqlite3 "$DATA/spinlog.db" "SELECT count(*) FROM artists")
is "audio-features asked once (403)" "$(requests 'GET /v1/audio-features')" 1
is "audio-analysis asked once (403)" "$(requests 'GET /v1/audio-analysis/{id}')" 1
is "artists: the batch form once (403)" "$(requests 'GET /v1/artists')" 1
is "artists: then one by one" "$(requests 'GET /v1/artists/{id}')" "$artists"
is "reccobeats in batches of 40" "$(requests 'GET /reccobeats/v1/audio-features')" $(( (tracks + 39) / 40 ))
is "tracks never fetched" "$(requests 'GET /v1/tracks/{id}')$(requests 'GET /v1/tracks')" "00"
check "the run says what is blocked" grep -q "audio-analysis blocked until" "$T/etl1.out"
is "the 403 is logged once per endpoint" "$(grep -c "answered 403" "$T/etl1.err")" 3

check "another day" collect_days 1
sl etl >"$T/etl2.out" 2>"$T/etl2.err"
check "second etl runs" test $? -eq 0
sed 's/^/# /' "$T/etl2.out"
tracks2=$(sqlite3 "$DATA/spinlog.db" "SELECT count(DISTINCT track_id) FROM plays WHERE track_id IS NOT NULL")
check "the second day brought new tracks" test "$tracks2" -gt "$tracks"
is "audio-features not asked again" "$(requests 'GET /v1/audio-features')" 1
is "audio-analysis not asked again" "$(requests 'GET /v1/audio-analysis/{id}')" 1
is "batch artists not asked again" "$(requests 'GET /v1/artists')" 1
is "nothing logged as 403 again" "$(grep -c "answered 403" "$T/etl2.err")" 0
is "provider blocks stored for the account" \
	"$(sqlite3 "$DATA/spinlog.db" "SELECT group_concat(provider, ' ') FROM (SELECT provider FROM provider_blocks ORDER BY provider) sub")" \
	"spotify:audio-analysis spotify:audio-features spotify:batch"

sl export --format jsonl --utc --with-provenance >"$T/out.jsonl"
n=$(music_plays)
is "every play exported" "$(wc -l <"$T/out.jsonl" | tr -d ' ')" "$n"
is "popularity null everywhere" "$(jq -s 'map(select(.popularity != null)) | length' "$T/out.jsonl")" 0
is "analysis-only fields null everywhere" \
	"$(jq -s 'map(select(.time_signature != null or .sections != null or .section_duration_avg != null or .loudness_avg != null or .tempo_avg != null or .start_sequence != null or .loudness_sequence != null or .tempo_sequence != null or .key_sequence != null or .mode_sequence != null or .time_signature_sequence != null)) | length' "$T/out.jsonl")" 0
is "duration, tempo, key, mode, loudness filled everywhere" \
	"$(jq -s 'map(select(.duration != null and .tempo != null and .key != null and .mode != null and .loudness != null)) | length' "$T/out.jsonl")" "$n"
is "provenance: duration from the track, no analysis" \
	"$(jq -s 'map(select(.duration_source == "track" and .analysis_source == null)) | length' "$T/out.jsonl")" "$n"
is "features from reccobeats everywhere" \
	"$(jq -s 'map(select(.features_source == "reccobeats" and .danceability != null and .analysis_source == null)) | length' "$T/out.jsonl")" "$n"
is "album covers still there" "$(jq -s 'map(select(.album_cover == null)) | length' "$T/out.jsonl")" 0
# the features equal ReccoBeats' own answer for one track
id=$(head -1 "$T/out.jsonl" | jq -r .track_id)
want=$(curl -s "$SIM_URL/reccobeats/v1/audio-features?ids=$id" | jq -c '.content[0] | [.acousticness,.danceability,.energy,.instrumentalness,.speechiness,.valence]')
got=$(head -1 "$T/out.jsonl" | jq -c '[.acousticness,.danceability,.energy,.instrumentalness,.speechiness,.valence]')
is "features equal ReccoBeats' answer" "$got" "$want"
want=$(curl -s "$SIM_URL/reccobeats/v1/audio-features?ids=$id" | jq -c '.content[0] | [.tempo,.key,.mode,.loudness]')
got=$(head -1 "$T/out.jsonl" | jq -c '[.tempo,.key,.mode,.loudness]')
is "tempo, key, mode, loudness equal ReccoBeats' answer" "$got" "$want"
sim_login
want=$(curl -s -H "Authorization: Bearer $ACCESS" "$SIM_URL/v1/tracks/$id" | jq '.duration_ms / 1000')
is "duration is the track's duration_ms / 1000" "$(head -1 "$T/out.jsonl" | jq .duration)" "$want"
done_testing
