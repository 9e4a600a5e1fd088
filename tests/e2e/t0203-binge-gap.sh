#!/usr/bin/env bash
# A binge of 80 plays between two polls overflows the 50-play window: the
# 50 newest are stored and one gap is recorded from the newest play stored
# before it to the oldest of those 50.
. "$(dirname "$0")/lib.sh"
start_sim --seed 5
authorize main user1
# Poll hourly until the account has plays (the simulated user sleeps).
for i in $(seq 1 24); do
	advance 60
	sl collect >"$T/c1.out" 2>"$T/c1.err"
	rc=$?
	[ -n "$(sl log -n 1)" ] && break
done
is "first polls succeed" "$rc" 0
is "the first poll records no gap" "$(sl gaps --format jsonl | wc -l)" 0
before=$(sl log --format jsonl -n 1 | jq -r .played_at)
check "plays were stored before the binge ($before)" test -n "$before"
nbefore=$(sl log --format jsonl -n 1000000 | wc -l)

sim_post "/_sim/binge?user=user1&plays=80" >/dev/null
advance 400
sl collect >"$T/c2.out" 2>"$T/c2.err"
is "the poll after the binge succeeds" "$?" 0
check "the gap is warned about" grep -q "gap" "$T/c2.err"

sim_get "/_sim/truth?user=user1" >"$T/truth.json"
jq -r --arg b "$before" '.[] | select(.listed and .ended_at > $b) | "\(.ended_at) \(.track_id)"' "$T/truth.json" | sort >"$T/after"
check "more than 50 plays were listed since the last poll ($(wc -l <"$T/after"))" test "$(wc -l <"$T/after")" -gt 50
tail -n 50 "$T/after" >"$T/want"
sl log --format jsonl -n 1000000 | jq -r --arg b "$before" 'select(.played_at > $b) | "\(.played_at) \(.track_id)"' | sort >"$T/got"
is "the 50 newest plays are stored" "$(diff "$T/want" "$T/got" | head -5)" ""
is "nothing older was invented" "$(sl log --format jsonl -n 1000000 | wc -l)" "$((nbefore + 50))"

sl gaps --format jsonl >"$T/gaps.jsonl"
is "one gap" "$(wc -l <"$T/gaps.jsonl")" 1
is "the gap starts at the newest play stored before it" "$(jq -r .from "$T/gaps.jsonl")" "$before"
is "the gap ends at the oldest of the 50" "$(jq -r .to "$T/gaps.jsonl")" "$(head -n 1 "$T/want" | cut -d' ' -f1)"
is "the gap is open" "$(jq -r .state "$T/gaps.jsonl")" open
sl gaps >"$T/gaps.txt"
check "text listing names the account and says open" grep -q "^main .* open" "$T/gaps.txt"
sl status >"$T/status.txt"
check "status counts the open gap" grep -q "gaps: *1 open" "$T/status.txt"

# Polling again records no second gap and stores nothing twice.
advance 20
sl collect >/dev/null 2>&1
is "still one gap after the next poll" "$(sl gaps --format jsonl | wc -l)" 1
is "no play stored twice" "$(sl log --format jsonl -n 1000000 | jq -r '"\(.played_at) \(.track_id)"' | sort | uniq -d | wc -l)" 0
done_testing
