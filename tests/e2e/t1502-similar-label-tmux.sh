#!/usr/bin/env bash
# Issue 15: 'spinlog similar label' driven through tmux: the keys store the
# labels of the pairs shown, u undoes the newest, k stores nothing, q ends
# the session keeping what was labelled.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-etl.sh"
. "$(dirname "$0")/lib-similar.sh"

if ! command -v tmux >/dev/null; then
	not_ok "tmux is installed (scripts/install-deps)"
	done_testing
	exit 1
fi
similar_library 16 2
db="$DATA/spinlog.db"
sock="$T/tmux.sock"
tm() { tmux -S "$sock" "$@"; }
screen() { tm capture-pane -p -t lab; }
# shown: the pair on screen now, "A B" (the [id] of each track line).
shown() { screen | sed -n 's/^[AB]  .*\[\([0-9A-Za-z]\{22\}\)\].*/\1/p' | tr '\n' ' ' | sed 's/ $//'; }
# wait_for TEXT: until the screen shows it (5 s at most).
wait_for() {
	local i
	for i in $(seq 1 100); do screen | grep -q "$1" && return 0; sleep 0.05; done
	return 1
}
# press KEY: sends it and waits until the screen changed.
press() {
	local before
	before=$(screen)
	tm send-keys -t lab "$1"
	for _ in $(seq 1 100); do [ "$(screen)" != "$before" ] && return 0; sleep 0.05; done
	return 1
}
labels() { sqlite3 "$db" "SELECT track_a || ' ' || track_b || ' ' || \"similar\" FROM similar_labels ORDER BY id"; }

tm new-session -d -s lab -x 160 -y 40 \
	"'$SPINLOG' --data-dir '$DATA' similar label --seed 7; echo EXITED \$?; sleep 60"
check "the session starts" wait_for "\[s\] similar"
check "both tracks' names, artists and key features are shown" \
	sh -c "screen() { tmux -S '$sock' capture-pane -p -t lab; }; screen | grep -q '^A  .* — .*\[' && screen | grep -q '^B  ' && screen | grep -q 'energy .* danceability' && screen | grep -q 'tempo .* BPM'"
p1=$(shown)
check "a pair of two tracks is shown ($p1)" test "$(echo $p1 | wc -w)" = 2
press s
p2=$(shown)
is "s stores the pair shown as similar" "$(labels)" "$p1 1"
check "a new pair is shown" test "$p2" != "$p1"
press d
p3=$(shown)
is "d stores it as different" "$(labels | tail -1)" "$p2 0"
press k
p4=$(shown)
is "k stores nothing" "$(labels | wc -l)" 2
check "k shows another pair" test "$p4" != "$p3"
press u
is "u deletes the newest label" "$(labels)" "$p1 1"
is "and shows its pair again" "$(shown)" "$p2"
press s
is "that pair relabelled similar" "$(labels | tail -1)" "$p2 1"
press s
tm send-keys -t lab q
check "q ends the session" wait_for "EXITED 0"
check "it says what it kept" wait_for "3 labels stored this session, 3 in all"
is "q keeps what was labelled" "$(labels | wc -l)" 3
is "the labels belong to the account, with their time and source" \
	"$(sqlite3 "$db" "SELECT count(*) FROM similar_labels l JOIN accounts a ON a.id = l.account_id WHERE a.name = 'main' AND labelled_ms > 1500000000000 AND source = 'label'")" 3
tm kill-server 2>/dev/null
sock="$T/tmux2.sock"

# A second session (on a tmux server of its own: the first may still be
# going away) never shows a labelled pair first, and an undo with nothing
# of its own to undo says so.
tm new-session -d -s lab -x 160 -y 40 "'$SPINLOG' --data-dir '$DATA' similar label --seed 7; echo EXITED \$?; sleep 60"
check "the second session starts" wait_for "3 labels stored"
q1=$(shown)
check "a pair is shown ($q1)" test "$(echo $q1 | wc -w)" = 2
check "a labelled pair is not shown again" sh -c "! sqlite3 '$db' \"SELECT track_a || ' ' || track_b FROM similar_labels UNION SELECT track_b || ' ' || track_a FROM similar_labels\" | grep -qx '$q1'"
press u
check "nothing to undo in a fresh session" wait_for "nothing to undo"
tm send-keys -t lab q
check "q with no label ends cleanly" wait_for "EXITED 0"
tm kill-server 2>/dev/null
done_testing
