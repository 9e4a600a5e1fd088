#!/usr/bin/env bash
# Issue 13's speed figures, printed, never asserted: `spinlog analyze` on
# whole tracks the simulator renders (22050 Hz stereo FLAC), one file at a
# time on one core (--jobs 1): CPU seconds (user + sys, not wall: the
# machine is shared) per hour of audio, decode included, and the real-time
# factor per core (target >= 100x: an hour in under 36 s). Then the peak
# memory for the longest file alone against the whole folder: it should be
# bounded by the longest file, not the folder.
#   BUILD_DIR (default build), N tracks (default 12, about 50 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
N=${N:-12}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/time -f "%U %S" -o "$W/render.t" "$BUILD_DIR/spotify-sim" --seed 13 --write-audio "$W" --audio-tracks "$N"
audio=$(jq -s 'map(.duration) | add' "$W"/*.json)
longest=$(jq -rs 'max_by(.duration) | .id' "$W"/*.json)
echo "rendered $N tracks, $(printf '%.0f' "$audio") s of audio, in $(awk '{ print $1 + $2 }' "$W/render.t") s CPU"
run() { /usr/bin/time -f "%U %S %M" -o "$W/t" "$BUILD_DIR/spinlog" --data-dir "$W/data" analyze --no-store --jobs 1 --format jsonl "$@" >/dev/null 2>&1; cat "$W/t"; }
read -r u s rss <<<"$(run "$W")"
cpu=$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }')
awk -v a="$audio" -v c="$cpu" -v r="$rss" 'BEGIN {
	printf "analyze --jobs 1: %.1f s CPU for %.0f s of audio: %.1f s CPU per hour, %.0fx real time per core; peak RSS %.0f MB\n",
		c, a, c * 3600 / a, a / c, r / 1024 }'
read -r u s rss1 <<<"$(run "$W/$longest.flac")"
d=$(jq .duration "$W/$longest.json")
awk -v d="$d" -v r="$rss1" -v R="$rss" 'BEGIN {
	printf "the longest file alone (%.0f s): peak RSS %.0f MB (the folder: %.0f MB)\n", d, r / 1024, R / 1024 }'
