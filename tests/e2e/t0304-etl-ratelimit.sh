#!/usr/bin/env bash
# A run that meets a long rate-limit penalty keeps what it has, leaves the
# rest pending, says when it can go on, and asks nothing until then, in a
# later process too. Once the penalty is over, the next run finishes the
# work with no request asked twice.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-etl.sh"

start_sim --seed 31
check "auth" authorize main
check "a day of collecting" collect_days 1
T_IDS=$(find "$DATA/landing/recently-played" -name '*.json' -exec cat {} + | jq -r '.items[].track.id' | sort -u | wc -l)
sim_post /_sim/requests/reset >/dev/null

# Every answer is now a 429 asking for 4 s, longer than max_wait (1 s), so
# the penalty must be persisted rather than slept through.
export SPINLOG_SPOTIFY_MAX_WAIT=1
sim_post "/_sim/faults?rate_429=1&retry_after=4" >/dev/null
sl etl >"$T/etl1.out" 2>"$T/etl1.err"
rc=$?
sed 's/^/# /' "$T/etl1.out" "$T/etl1.err"
is "the first request met the penalty: one API call" \
	"$(sim_get /_sim/requests | jq '[to_entries[] | select(.key | startswith("GET /v1")) | .value] | add // 0')" 1
is "and one ReccoBeats call, which met its own penalty" \
	"$(requests 'GET /reccobeats/v1/audio-features')" 1
check "the run says work is pending" grep -qE "pending: [1-9]" "$T/etl1.out" "$T/etl1.err"
check "the run says when it can go on" grep -qiE "(after|until|not before|again at) [0-9]{4}-" "$T/etl1.out" "$T/etl1.err"
is "what the pages carry is kept: every track is in the catalog" \
	"$(sqlite3 "$DATA/spinlog.db" 'SELECT count(*) FROM tracks')" "$T_IDS"
is "no audio data yet" "$(sqlite3 "$DATA/spinlog.db" 'SELECT count(*) FROM audio_features')" 0
echo "# exit status $rc"

sim_post /_sim/faults >/dev/null
sim_post /_sim/requests/reset >/dev/null
sl etl >"$T/etl2.out" 2>"$T/etl2.err"
is "a later run asks nothing while the penalties last" \
	"$(sim_get /_sim/requests | jq '[to_entries[] | select(.key != "early_calls") | .value] | add // 0')" 0
is "and calls nothing early" "$(sim_get /_sim/requests | jq '.early_calls // 0')" 0
check "it still says work is pending" grep -qE "pending: [1-9]" "$T/etl2.out" "$T/etl2.err"

sleep 5 # the penalties end
sl etl >"$T/etl3.out" 2>"$T/etl3.err"
is "after the penalty the run finishes" "$?" 0
check "nothing is pending any more" grep -q "pending: 0" "$T/etl3.out"
is "every track has audio features" "$(sqlite3 "$DATA/spinlog.db" 'SELECT count(*) FROM audio_features')" "$T_IDS"
is "every track has an analysis" "$(sqlite3 "$DATA/spinlog.db" 'SELECT count(*) FROM audio_analysis')" "$T_IDS"
is "each analysis was asked once" "$(requests 'GET /v1/audio-analysis/{id}')" "$T_IDS"
done_testing
