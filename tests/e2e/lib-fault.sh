# Shared by the fault-injection tests (t08*): source after lib.sh.
# tests/fault/shim.c (LD_PRELOAD) counts the calls that put data on disk,
# or with SPINLOG_FAULT_ALLOC=1 the allocations, and fails call number
# SPINLOG_FAULT_FAIL. A walk counts the calls of a run that succeeds, then
# fails each point in turn from the same starting state ($T/base) and
# checks what every failure left.
SHIM="$BUILD_DIR/tests/fault/libfault-shim.so"
db() { sqlite3 "$DATA/spinlog.db" "$@"; }
SL=("$SPINLOG" --data-dir "$DATA") # sl as a program, for timeout and env

# fault_skip_asan DESCRIPTION...: a TAP SKIP for each walk when the shim
# cannot run (ASan intercepts the same calls and must be loaded first),
# then exits.
fault_skip_asan() {
	if [ -n "${SPINLOG_ASAN:-}" ] || [ ! -f "$SHIM" ]; then
		for d in "$@"; do skip "$d" "needs the normal build, not ASan"; done
		done_testing
		exit
	fi
}

# What the store holds, without ids and wall-clock times; "digest plays"
# leaves out the count of pages and imports (a rerun may add an empty page).
digest() {
	local q="SELECT account_id, played_ms, precision_ms, kind, track_id, episode_id,
			track_name, artist_name, album_name, ms_played, context_uri, reason_start,
			reason_end, skipped, shuffle, offline, offline_ms, incognito, platform,
			country, sources, name_key,
			(SELECT group_concat(source || ':' || fp) FROM (SELECT source, fp
				FROM play_fps WHERE play_id = plays.id ORDER BY source))
			FROM plays ORDER BY account_id, played_ms, track_id, episode_id, sources;
		SELECT account_id, from_ms, to_ms, healed_ms IS NULL FROM gaps ORDER BY 1, 2, 3;"
	[ "${1:-}" != plays ] && q="$q
		SELECT count(*), coalesce(sum(items), 0) FROM pages;
		SELECT count(*), coalesce(sum(records), 0) FROM imports WHERE finished_ms IS NOT NULL;"
	db "$q" | sha256sum | cut -c1-16
}

# Hooks a walk calls around each faulted run; a test may redefine them.
# fault_prepare: before the run, after $DATA was restored from $T/base.
# fault_verdict: after the run and before the rerun; prints a problem, if
# any, and is called again after the rerun with "rerun" as its argument.
fault_prepare() { :; }
fault_verdict() { :; }

# What xmalloc prints before its abort, or db_prepare on SQLITE_NOMEM.
OOM_MESSAGE='^fatal: out of memory (allocating [0-9]+ bytes|in sqlite preparing a statement)$'

# fault_judge NAME N TOTAL RC: sorts one faulted run (stderr in $T/err)
# into late (exit 0, store complete), failed (clean failure) or bad, with
# the reason on stdout for bad; "oom" as 5th argument also accepts
# xmalloc's abort (exit 134 after "fatal: out of memory").
fault_judge() {
	local name=$1 n=$2 total=$3 rc=$4 mode=${5:-} got
	if [ "$rc" -eq 124 ]; then
		echo "bad: hung (killed after ${FAULT_TIMEOUT}s)"; return
	fi
	if grep -q -E 'Sanitizer|runtime error' "$T/err"; then
		echo "bad: sanitizer report (exit $rc)"; return
	fi
	if [ "$rc" -ge 128 ] && ! { [ "$mode" = oom ] && [ "$rc" -eq 134 ] &&
		grep -q -E "$OOM_MESSAGE" "$T/err"; }; then
		echo "bad: crashed (exit $rc): $(tail -c 200 "$T/err")"; return
	fi
	if [ "$(db 'PRAGMA integrity_check')" != ok ]; then
		echo "bad: integrity_check failed"; return
	fi
	got=$(digest)
	# Exit 0 is right only when the fault came after the commit (the
	# checkpoint when the store is closed: the WAL keeps the data), or
	# where a failed allocation was retried or worked around.
	if [ "$rc" -eq 0 ] && [ "$got" = "$complete" ]; then
		echo late
	elif [ "$rc" -eq 0 ]; then
		echo "bad: exit 0 but the store is not complete"
	elif [ ! -s "$T/err" ]; then
		echo "bad: exit $rc without a message"
	elif [ "$got" != "$before" ] && [ "$got" != "$complete" ]; then
		echo "bad: half-written store; $(head -c 200 "$T/err")"
	elif [ "$rc" -eq 134 ]; then
		echo aborted
	else
		echo failed
	fi
}

# fault_points TOTAL: the points a walk fails: all when WALK_EVERY is
# unset, else every one of 1..WALK_EVERY, then WALK_SAMPLES more evenly
# spread over the rest (an odd stride, so it does not beat with a loop's
# period), and always the last 10.
fault_points() {
	local total=$1 every=${WALK_EVERY:-} samples=${WALK_SAMPLES:-0} stride n
	if [ -z "$every" ] || [ "$total" -le "$every" ]; then
		seq 1 "$total"; return
	fi
	stride=$(((total - every) / (samples + 1) | 1))
	[ "$stride" -lt 1 ] && stride=1
	{
		seq 1 "$every"
		for ((n = every + stride; n <= total; n += stride)); do echo "$n"; done
		seq $((total > every + 10 ? total - 9 : every + 1)) "$total"
	} | sort -n -u
}

# faulted NAME BEFORE COMMAND...: counts the command's calls from the
# state in $T/base, then fails each chosen point in turn; FAULT_MODE=alloc
# fails allocations instead of writes. Reports what was not survived.
# COMMAND must be a program, not a shell function: "${SL[@]}", not sl.
faulted() {
	local name=$1 total rc n verdict problem points walked=0
	local bad=0 late=0 failed=0 aborted=0 skipped=0 mode=${FAULT_MODE:-write} alloc=""
	before=$2
	shift 2
	[ "$mode" = alloc ] && alloc=1
	FAULT_TIMEOUT=${FAULT_TIMEOUT:-30}
	rm -rf "$DATA" && cp -a "$T/base" "$DATA"
	fault_prepare
	SPINLOG_FAULT_ALLOC=$alloc SPINLOG_FAULT_REPORT="$T/count" LD_PRELOAD="$SHIM" "$@" >/dev/null 2>"$T/err"
	rc=$?
	total=$(cut -d' ' -f1 "$T/count")
	complete=$(digest) complete_plays=$(digest plays)
	is "$name succeeds under the shim" "$rc" 0
	check "$name: the complete state differs from the state before" test "$complete" != "$before"
	points=$(fault_points "$total")
	for n in $points; do
		walked=$((walked + 1))
		rm -rf "$DATA" && cp -a "$T/base" "$DATA"
		fault_prepare
		rm -f "$T/count"
		# env after timeout: the shim must not be in timeout itself; the
		# subshell keeps bash's "Aborted" notice out of the test's output
		rc=$( (timeout "$FAULT_TIMEOUT" env SPINLOG_FAULT_ALLOC=$alloc SPINLOG_FAULT_FAIL=$n \
			SPINLOG_FAULT_REPORT="$T/count" LD_PRELOAD="$SHIM" "$@" >/dev/null 2>"$T/err"
			echo $?) 2>/dev/null)
		if [ "$(cut -d' ' -f2 "$T/count" 2>/dev/null)" != 1 ]; then
			skipped=$((skipped + 1)) # another path, ended before point n
			continue
		fi
		verdict=$(fault_judge "$name" "$n" "$total" "$rc" "${alloc:+oom}")
		problem=$(fault_verdict)
		[ -n "$problem" ] && verdict="bad: $problem"
		case $verdict in
		bad:*) bad=$((bad + 1)); echo "# $name: fault $n/$total: ${verdict#bad: }"; continue ;;
		late) late=$((late + 1)) ;;
		aborted) aborted=$((aborted + 1)); grep -E "$OOM_MESSAGE" "$T/err" | sed 's/[0-9]* bytes/N bytes/' >>"$T/messages.$name" ;;
		*) failed=$((failed + 1)); grep -v -E "$OOM_MESSAGE" "$T/err" | sort -u >>"$T/messages.$name" ;;
		esac
		if ! timeout "$FAULT_TIMEOUT" "$@" >/dev/null 2>"$T/err2" || [ "$(digest plays)" != "$complete_plays" ]; then
			bad=$((bad + 1)); echo "# $name: fault $n/$total: a rerun does not complete: $(head -c 200 "$T/err2")"
		elif problem=$(fault_verdict rerun) && [ -n "$problem" ]; then
			bad=$((bad + 1)); echo "# $name: fault $n/$total: after the rerun: $problem"
		fi
	done
	sort "$T/messages.$name" 2>/dev/null | uniq -c | sort -rn | head -12 | sed "s/^/# $name message: /"
	echo "# $name: walked $walked of $total $mode points${WALK_EVERY:+ (every one of 1..$WALK_EVERY, then an even sample and the last 10)}"
	echo "# $name: $failed failed the command cleanly, ${alloc:+$aborted ended in the out-of-memory abort, }$late exited 0 with the store complete, $skipped not reached"
	WALKED=$walked FAILED=$failed ABORTED=$aborted
	is "$name: every fault point was reached (the shim injects)" "$skipped" 0
	is "$name: every one of the $walked failed ${mode}s (of $total) is survived" "$bad" 0
}

# fault_import_walk: the import both walks begin with: a small extended
# history (30 plays) into a store that has an account, walked from $T/base.
fault_import_walk() {
	start_sim --seed 5
	authorize main user1
	jq '.[0:30]' "$FIXTURES/Streaming_History_Audio_2024-2025_3.json" >"$T/Streaming_History_Audio_2024_0.json"
	sl status >/dev/null 2>&1
	cp -a "$DATA" "$T/base"
	faulted "import" "$(DATA=$T/base digest)" "${SL[@]}" import "$T/Streaming_History_Audio_2024_0.json"
}
