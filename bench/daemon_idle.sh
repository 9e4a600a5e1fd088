#!/usr/bin/env bash
# Measures 'spinlog daemon' against the simulator: resident memory while
# idle between polls (goal < 8 MB) and CPU time (utime+stime) per poll.
# Polls are sped up (collect.interval_min=1 s, interval_max=2 s) and the
# simulated clock moves 20 minutes between polls. Prints figures; asserts
# nothing. POLLS=N sets the number of polls measured (default 20).
. "$(dirname "$0")/../tests/e2e/lib.sh"
POLLS=${POLLS:-20}
start_sim --seed 21
authorize main user1 >/dev/null 2>&1 || { echo "auth failed"; exit 1; }
for i in $(seq 1 6); do advance 60; done
"$SPINLOG" --data-dir "$DATA" --set collect.interval_min=1 --set collect.interval_max=2 \
	--set etl.schedule=never daemon 2>"$T/daemon.log" &
pid=$!
_pids="$_pids $pid"
polls() { grep -c "poll 'main'" "$T/daemon.log"; }
for i in $(seq 1 200); do [ "$(polls)" -ge 1 ] && break; sleep 0.05; done
tck=$(getconf CLK_TCK)
# utime+stime of the daemon and of the rounds it has waited for (each
# round of polls runs in a child process)
cpu() { awk '{print $14 + $15 + $16 + $17}' "/proc/$pid/stat"; }
c0=$(cpu) p0=$(polls)
while [ "$(polls)" -lt $((p0 + POLLS)) ]; do
	advance 20
	sleep 0.3
done
c1=$(cpu) p1=$(polls)
sleep 0.5 # idle: between two polls
rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
pss=$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup")
priv=$(awk '/^Private_(Clean|Dirty):/ {s += $2} END {print s}' "/proc/$pid/smaps_rollup")
kill -TERM "$pid"
wait "$pid"
rc=$?
n=$((p1 - p0))
echo "daemon polls measured:    $n"
awk -v c=$((c1 - c0)) -v n="$n" -v t="$tck" 'BEGIN { printf "CPU per poll:             %.2f ms (utime+stime incl. rounds, %d ticks over %d polls)\n", c * 1000 / t / n, c, n }'
echo "idle RSS:                 $rss kB (goal < 8192 kB)"
echo "peak RSS (VmHWM):         $hwm kB"
echo "idle PSS:                 $pss kB (shared library pages counted pro rata)"
echo "idle private memory:      $priv kB (the rest of RSS is shared library text)"
echo "exit status on SIGTERM:   $rc"
