#!/usr/bin/env bash
# issue 14: `spinlog import` of a generated Last.fm CSV (lastfm.ghan.nl's
# layout) of ROWS scrobbles into a fresh store, interleaved BASE then NEW,
# RUNS times: wall, user and system CPU, peak RSS (/usr/bin/time). The
# history is shaped like a listener's: DISTINCT songs (default ROWS/5) by
# ROWS/50 artists, played with a power-law skew. DISTINCT=ROWS makes every
# row a new song (the worst case: one new track and name row per play).
#   BASE=/path/to/old/spinlog NEW=build/spinlog RUNS=3 ROWS=100000
set -euo pipefail
cd "$(dirname "$0")/.."
NEW=${NEW:-build/spinlog}
BASE=${BASE:-}
RUNS=${RUNS:-3} ROWS=${ROWS:-100000}
DISTINCT=${DISTINCT:-$((ROWS / 5))}
W=$(mktemp -d /tmp/lastfm-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT
export HOME="$W/home"
python3 - "$W/scrobbles.csv" "$ROWS" "$DISTINCT" <<'PY'
import datetime, random, sys
path, rows, distinct = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
r = random.Random(14); base = 1500000000; artists = max(1, rows // 50)
with open(path, "w") as f:
    f.write("uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid\n")
    for i in range(rows):
        s = base + i * 240
        song = min(distinct - 1, int(r.paretovariate(1.1)) - 1) if distinct < rows else i
        if distinct < rows:
            song = (song * 7919 + r.randrange(distinct) * (r.random() < 0.5)) % distinct
        a = song % artists
        d = datetime.datetime.fromtimestamp(s, datetime.timezone.utc)
        f.write('%d,"%s",Artist %d,,Album %d,,"Song %d",\n' % (s, d.strftime("%d %b %Y, %H:%M"), a, a % 997, song))
PY
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; ROWS=$ROWS DISTINCT=$DISTINCT"
one() {
	rm -rf "$W/d"
	/usr/bin/time -f "$2 %e s wall, %U s user, %S s sys, %M KB" "$1" --data-dir "$W/d" import \
		"$W/scrobbles.csv" 2>&1 >/dev/null | tail -1
}
for r in $(seq "$RUNS"); do
	[ -n "$BASE" ] && one "$BASE" base
	one "$NEW" new
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
