#!/usr/bin/env bash
# 14 simulated days collected from recently-played, with a binge that
# overflows the 50-play window (a gap), then the simulator's privacy export
# (extended history + account data) imported on top: the stored events equal
# the simulator's truth exactly, nothing is stored twice across sources, and
# the gap is healed.
. "$(dirname "$0")/lib.sh"
db() { sqlite3 "$DATA/spinlog.db" "$@"; }
start_sim --seed 7
authorize main
check "collect works" sl collect
for day in $(seq 1 14); do
	if [ "$day" -eq 7 ]; then
		sim_post "/_sim/binge?user=user1&plays=80" >/dev/null
		advance 240
		sl collect >/dev/null 2>&1
	fi
	for h in $(seq 1 12); do
		advance 120
		sl collect >/dev/null 2>&1 || echo "# collect failed on day $day"
	done
done
collected=$(db 'SELECT count(*) FROM plays')
check "the collector stored plays ($collected)" test "$collected" -gt 0
check "the binge left an open gap" test "$(db 'SELECT count(*) FROM gaps WHERE healed_ms IS NULL')" -ge 1

curl -sf "$SIM_URL/_sim/export?user=user1" -o "$T/export.zip"
check "the simulator wrote an export" test -s "$T/export.zip"
sl import "$T/export.zip" >"$T/out" 2>"$T/err"
check "the export imports" test $? -eq 0
echo "# $(cat "$T/out")"

# Truth and store as sorted "kind|id|end second|ms_played" lines.
sim_get "/_sim/truth?user=user1" | python3 -c '
import json, sys, datetime
for p in json.load(sys.stdin):
    t = datetime.datetime.strptime(p["ended_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    print("%s|%s|%d|%d" % (p["kind"], p["track_id"] or p["episode_id"], int(t.timestamp()), p["ms_played"]))
' | sort >"$T/truth"
db "SELECT kind || '|' || coalesce(track_id, episode_id, '?') || '|' || (played_ms / 1000) || '|' || coalesce(ms_played, -1) FROM plays" |
	sort >"$T/stored"
check "the truth has plays ($(wc -l <"$T/truth"))" test -s "$T/truth"
if cmp -s "$T/truth" "$T/stored"; then ok "stored events equal the truth"; else
	not_ok "stored events equal the truth"; diff "$T/truth" "$T/stored" | head -20 | sed 's/^/#   /'; fi
is "no event without an id (account data merged into the export)" \
	"$(db 'SELECT count(*) FROM plays WHERE track_id IS NULL AND episode_id IS NULL')" 0
is "every collected play merged with its export record" \
	"$(db 'SELECT count(*) FROM plays WHERE (sources & 1) != 0 AND (sources & 2) = 0')" 0
is "collected plays were not stored again" "$(db 'SELECT count(*) FROM plays WHERE (sources & 1) != 0')" "$collected"
is "listed plays keep the API's millisecond time" \
	"$(db 'SELECT count(*) FROM plays WHERE (sources & 1) != 0 AND precision_ms != 1')" 0
is "no open gap is left" "$(db 'SELECT count(*) FROM gaps WHERE healed_ms IS NULL')" 0
check "'spinlog gaps' shows the gap healed by the import" sh -c "'$SPINLOG' --data-dir '$DATA' gaps | grep -q 'import #'"

# Importing again, and collecting again, change nothing.
# (plays is a view over play_rows: every column of every play, in id order)
db 'SELECT * FROM plays ORDER BY id' >"$T/p1d"
sl import "$T/export.zip" >/dev/null 2>&1
sl collect >/dev/null 2>&1
db 'SELECT * FROM plays ORDER BY id' >"$T/p2d"
check "a second import and collect store no play again" cmp -s "$T/p1d" "$T/p2d"

# The other order: the export first, then the collector sees the newest 50
# plays; they merge into the imported rows instead of being stored again.
DATA="$T/data2"
sl import "$T/export.zip" >/dev/null 2>&1
before=$(db 'SELECT count(*) FROM plays')
is "import into an empty store: one event per true play" "$before" "$(wc -l <"$T/truth")"
authorize main
sl collect >/dev/null 2>&1
is "collecting after the import adds no play" "$(db 'SELECT count(*) FROM plays')" "$before"
api=$(db 'SELECT count(*) FROM plays WHERE (sources & 1) != 0')
check "the collected plays ($api) merged into imported rows" test "$api" -gt 0
is "merged rows took the API's millisecond time" \
	"$(db 'SELECT count(*) FROM plays WHERE sources = 7 AND precision_ms = 1')" "$api"
db "SELECT kind || '|' || coalesce(track_id, episode_id, '?') || '|' || (played_ms / 1000) || '|' || coalesce(ms_played, -1) FROM plays" |
	sort >"$T/stored2"
check "stored events still equal the truth" cmp -s "$T/truth" "$T/stored2"
done_testing
