#!/usr/bin/env bash
# issue 12, round 6: fingerprints (play_fps) carry no account, so one
# listener's import must never merge into another's plays of the same
# moment and track. The same extended history and account data imported
# into two accounts of one store: each account has every play, as it has
# alone, and importing again adds nothing to either. Truth: the same files
# imported alone into a fresh store.
. "$(dirname "$0")/lib.sh"

GEN=$ROOT/tests/tools/accounts_gen.py
python3 "$GEN" "$T/exp" 600 7 x || not_ok "generate the export"
AD=/work/shared/fixtures/real/StreamingHistory0.json
[ -f "$AD" ] || AD="$(dirname "$0")/../../../shared/fixtures/real/StreamingHistory0.json"
jq '.[0:400]' "$AD" >"$T/exp/StreamingHistory_music_0.json"

alone() { env -u SPINLOG_STORE_URL "$SPINLOG" --data-dir "$T/alone" "$@"; }
check "the files import alone" alone import --account one "$T"/exp/*.json
want=$(alone log -n 1000000 | wc -l)
check "alone: there are plays ($want)" test "$want" -gt 500

for a in one two; do
	check "$a imports the same files" sl import --account "$a" "$T"/exp/*.json
done
for a in one two; do
	is "$a has every play, as alone" "$(sl log -n 1000000 --account "$a" | wc -l)" "$want"
done
is "the store has both accounts' plays" "$(sqlite3 "$DATA/spinlog.db" 'SELECT count(*) FROM plays')" $((2 * want))
sl import --account two "$T"/exp/*.json >"$T/again" 2>&1
check "importing again into two adds nothing" grep -q ' 0 new events' "$T/again"
for a in one two; do
	is "$a still has every play" "$(sl log -n 1000000 --account "$a" | wc -l)" "$want"
	sl wrapped --account "$a" --year 2023 >"$T/w.$a" 2>&1
done
alone wrapped --year 2023 >"$T/w.alone" 2>&1
check "one's wrapped 2023 is as alone" cmp -s "$T/w.one" "$T/w.alone"
check "two's wrapped 2023 is as alone" cmp -s "$T/w.two" "$T/w.alone"
done_testing
