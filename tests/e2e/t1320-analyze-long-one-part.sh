#!/usr/bin/env bash
# spinlog analyze (issue 13): a 300 s file in one part is one section. Round 2
# saw a false second boundary in a 300 s one-part file (a long file gives the
# novelty curve more room for a drift to look like a change); these are four
# such files rendered by tests/tools/audiogen (chords in A minor 4/4 at 100,
# E major 4/4 at 90, a D major waltz at 120, and a bare 4/4 click at 120).
. "$(dirname "$0")/lib.sh"
GEN="$BUILD_DIR/tests/audiogen"
A="$T/audio"
mkdir -p "$A" "$DATA"
"$GEN" "$A/aminor.wav" music:300:100:4:9:0:5
"$GEN" "$A/emajor.flac" music:300:90:4:4:1:8
"$GEN" "$A/waltz.flac" music:300:120:3:2:1:3
"$GEN" "$A/click.wav" click:300:120:4
"$SPINLOG" --data-dir "$DATA" analyze --no-store --format jsonl --jobs 2 "$A" >"$T/out.jsonl" 2>"$T/err"
is "analyze exits 0" "$?" 0
field() { jq -r --arg p "$1" "select(.path | endswith(\$p)) | $2" "$T/out.jsonl"; }
near() { awk -v v="$1" -v t="$2" -v e="$3" 'BEGIN { exit !(v != "null" && v - t <= e && t - v <= e) }'; }
for f in aminor.wav:100:9:0:4 emajor.flac:90:4:1:4 waltz.flac:120:2:1:3 click.wav:120:-1:0:4; do
	IFS=: read -r name tempo key mode ts <<<"$f"
	is "$name: one section (starts: $(field "$name" '[.sections[].start] | map(tostring) | join(" ")'))" "$(field "$name" '.sections | length')" 1
	is "$name: the section tiles the file" "$(field "$name" '.sections[0] | .start + .duration')" 300
	t=$(field "$name" '.sections[0].tempo')
	check "$name: section tempo within 2% of $tempo (got $t)" near "$t" "$tempo" "$(echo "$tempo * 0.02" | bc -l)"
	is "$name: time signature" "$(field "$name" .time_signature)" "$ts"
	if [ "$key" -ge 0 ]; then
		is "$name: key and mode" "$(field "$name" '"\(.key) \(.mode)"')" "$key $mode"
	fi
done
done_testing
