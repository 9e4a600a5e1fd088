#!/usr/bin/env bash
# issue 14: serve's ListenBrainz endpoint on loopback, one keep-alive client
# (bench/lb_client.c), serve.rate=0. Each round starts a fresh store holding
# PRELOAD listens (imported from a generated JSONL, so the store is not
# empty), then measures
#   single-new     N single submissions of songs the store has not seen
#   single-repeat  the same N songs again (new listens of songs it has)
#   import         B batches of 1000 listens ("import")
# for each binary, interleaved (BASE then NEW, RUNS times). Prints requests/s
# and listens/s (wall) and the server's CPU per request (utime+stime from
# /proc, which a busy machine disturbs less than the wall time).
# LOOK=1 asks for the front page first, as a listener with the dashboard
# open would: the server then re-renders its pages after changes.
#   BASE=/path/to/old/spinlog NEW=build/spinlog RUNS=3 N=1000 B=10 PRELOAD=20000 LOOK=0
set -euo pipefail
cd "$(dirname "$0")/.."
NEW=${NEW:-build/spinlog}
BASE=${BASE:-}
CLIENT=${CLIENT:-build/bench/lb-client}
RUNS=${RUNS:-3} N=${N:-1000} B=${B:-10} PRELOAD=${PRELOAD:-20000} LOOK=${LOOK:-0}
W=$(mktemp -d /tmp/lb-bench.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$W"' EXIT
export HOME="$W/home"
T0=$(( $(date +%s) - 86400 * 600 ))
python3 - "$W/pre.jsonl" "$PRELOAD" "$T0" <<'PY'
import json, sys
path, n, t0 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(path, "w") as f:
    # songs the client never sends (it sends "Bench Song 0".."N-1"), so that
    # single-new submits new songs and single-repeat the same ones again
    for i in range(n):
        f.write(json.dumps({"listened_at": t0 - 86400 * 100 + 300 * i, "track_metadata": {
            "artist_name": "Bench Artist %d" % (i % 500), "track_name": "Bench Song %d" % (10**7 + i),
            "release_name": "Bench Album", "additional_info": {"duration_ms": 180000}}}) + "\n")
PY
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
one() { # BIN LABEL
	local bin=$1 d="$W/d.$2" tok port pid c0 c1 out
	rm -rf "$d"
	"$bin" --data-dir "$d" import --account main "$W/pre.jsonl" >/dev/null
	tok=$("$bin" --data-dir "$d" token create --account main 2>/dev/null)
	rm -f "$W/port"
	"$bin" --data-dir "$d" --set serve.rate=0 serve --listen 127.0.0.1:0 --port-file "$W/port" \
		--no-covers >"$W/serve.log" 2>&1 &
	pid=$!
	for _ in $(seq 100); do [ -s "$W/port" ] && break; sleep 0.05; done
	port=$(cat "$W/port")
	[ "$LOOK" = 1 ] && curl -sf -o /dev/null "http://127.0.0.1:$port/"
	for kind in single-new single-repeat import; do
		c0=$(cpu $pid)
		case $kind in
		single-new) out=$("$CLIENT" "$port" "$tok" single "$N" "$T0");;
		single-repeat) out=$("$CLIENT" "$port" "$tok" single "$N" $((T0 - 86400 * 100 + 150)));;
		import) out=$("$CLIENT" "$port" "$tok" import "$B" 1000 $((T0 + 400 * N * 2)));;
		esac
		c1=$(cpu $pid)
		reqs=$(echo "$out" | cut -d' ' -f1)
		printf '%-5s %-14s %s; server cpu %.2f ms/request\n' "$2" "$kind" "$out" \
			"$(echo "($c1 - $c0) * 10 / $reqs" | bc -l)"
	done
	kill $pid; wait $pid 2>/dev/null || true
}
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; PRELOAD=$PRELOAD N=$N B=$B LOOK=$LOOK"
for r in $(seq "$RUNS"); do
	[ -n "$BASE" ] && one "$BASE" base
	one "$NEW" new
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
