#!/usr/bin/env bash
# Seven simulated days polled every 20 simulated minutes (504 polls), with
# 5xx and 429 faults and access tokens that expire every simulated hour:
# the stored API plays equal the simulator's listed plays exactly, and no
# call was made during a rate-limit penalty.
. "$(dirname "$0")/lib.sh"
start_sim --seed 11 --faults 'rate_5xx=0.05&rate_429=0.02&retry_after=1' --token-ttl 3600
authorize main user1
is "auth succeeds despite faults" "$?" 0

fails=0 polls=0
for day in 1 2 3 4 5 6 7; do
	for i in $(seq 1 72); do
		advance 20
		sl collect >>"$T/collect.out" 2>>"$T/collect.err" || fails=$((fails + 1))
		polls=$((polls + 1))
	done
done
is "504 polls ran" "$polls" 504
is "no poll failed" "$fails" 0

sim_get "/_sim/truth?user=user1" >"$T/truth.json"
jq -r '.[] | select(.listed) | "\(.ended_at) \(.track_id)"' "$T/truth.json" | sort >"$T/want"
sl log --format jsonl -n 1000000 >"$T/log.jsonl"
jq -r 'select(.sources | index("api")) | "\(.played_at) \(.track_id)"' "$T/log.jsonl" | sort >"$T/got"
n=$(wc -l <"$T/want")
check "the simulator listed plays in the week (got $n)" test "$n" -gt 100
is "stored API plays equal the listed truth" "$(diff "$T/want" "$T/got" | head -5)" ""
is "no play stored twice" "$(uniq -d "$T/got" | wc -l)" 0
reqs=$(sim_get /_sim/requests)
is "no call during a rate-limit penalty" "$(echo "$reqs" | jq '.early_calls')" 0
check "faults were actually met (some retries happened)" test "$(echo "$reqs" | jq '."GET /v1/me/player/recently-played"')" -gt 504
check "tokens were refreshed (expired every hour)" test "$(echo "$reqs" | jq '."POST /api/token"')" -gt 100
is "no gap was recorded" "$(sl gaps --format jsonl | wc -l)" 0
echo "# requests: $reqs"
done_testing
