#!/usr/bin/env bash
# Fault injection over an import and a collect, the way SQLite and curl test
# themselves: tests/fault/shim.c (LD_PRELOAD) counts the calls that put data
# on disk (write, pwrite, writev, fsync, fdatasync, ftruncate on regular
# files) in a run that succeeds, then every one of them is made to fail in
# turn, from the same starting state. Each failing run must exit non-zero
# with a message and no crash, leave a store that passes integrity_check and
# holds either the state before the command or the complete one, and a rerun
# without the fault must reach the complete state.
. "$(dirname "$0")/lib.sh"
SHIM="$BUILD_DIR/tests/fault/libfault-shim.so"
db() { sqlite3 "$DATA/spinlog.db" "$@"; }
if [ -n "${SPINLOG_ASAN:-}" ] || [ ! -f "$SHIM" ]; then
	# ASan intercepts the same calls and must be loaded first.
	skip "fault injection walks every write of an import" "needs the normal build, not ASan"
	skip "fault injection walks every write of a collect" "needs the normal build, not ASan"
	done_testing
	exit
fi

# What the store holds, without ids and wall-clock times; "digest plays"
# leaves out the count of pages and imports (a rerun may add an empty page).
digest() {
	{
		db "SELECT account_id, played_ms, precision_ms, kind, track_id, episode_id,
			track_name, artist_name, album_name, ms_played, context_uri, reason_start,
			reason_end, skipped, shuffle, offline, offline_ms, incognito, platform,
			country, sources, export_fp, account_fp, name_key
			FROM plays ORDER BY account_id, played_ms, track_id, episode_id, sources"
		db "SELECT account_id, from_ms, to_ms, healed_ms IS NULL FROM gaps ORDER BY 1, 2, 3"
		if [ "${1:-}" != plays ]; then
			db "SELECT count(*), coalesce(sum(items), 0) FROM pages"
			db "SELECT count(*), coalesce(sum(records), 0) FROM imports WHERE finished_ms IS NOT NULL"
		fi
	} | sha256sum | cut -c1-16
}

# faulted NAME BEFORE COMMAND...: counts the command's disk calls from the
# state in $T/base, then fails each in turn; reports what was not survived.
faulted() {
	local name=$1 before=$2 total complete complete_plays n rc got bad=0 late=0 failed=0 skipped=0
	shift 2
	rm -rf "$DATA" && cp -a "$T/base" "$DATA"
	SPINLOG_FAULT_REPORT="$T/count" LD_PRELOAD="$SHIM" "$@" >/dev/null 2>"$T/err"
	rc=$?
	total=$(cut -d' ' -f1 "$T/count")
	complete=$(digest) complete_plays=$(digest plays)
	is "$name succeeds under the shim" "$rc" 0
	check "$name: the complete state differs from the state before" test "$complete" != "$before"
	echo "# $name: $total write/fsync points"
	for n in $(seq 1 "$total"); do
		rm -rf "$DATA" && cp -a "$T/base" "$DATA"
		SPINLOG_FAULT_FAIL=$n SPINLOG_FAULT_REPORT="$T/count" LD_PRELOAD="$SHIM" \
			"$@" >/dev/null 2>"$T/err"
		rc=$?
		got=$(digest)
		if [ "$(cut -d' ' -f2 "$T/count")" != 1 ]; then
			skipped=$((skipped + 1)) # another path, ended before point n
			continue
		fi
		if [ "$rc" -ge 128 ] || grep -q -E 'Sanitizer|runtime error' "$T/err"; then
			bad=$((bad + 1)); echo "# $name: fault $n/$total: crashed (exit $rc)"
			continue
		fi
		if [ "$(db 'PRAGMA integrity_check')" != ok ]; then
			bad=$((bad + 1)); echo "# $name: fault $n/$total: integrity_check failed"
			continue
		fi
		# Exit 0 is right only when the fault came after the commit: the
		# checkpoint when the store is closed (the WAL keeps the data).
		if [ "$rc" -eq 0 ] && [ "$got" = "$complete" ]; then
			late=$((late + 1))
		elif [ "$rc" -eq 0 ]; then
			bad=$((bad + 1)); echo "# $name: fault $n/$total: exit 0 but the store is not complete"
			continue
		elif [ ! -s "$T/err" ]; then
			bad=$((bad + 1)); echo "# $name: fault $n/$total: exit $rc without a message"
			continue
		elif [ "$got" != "$before" ] && [ "$got" != "$complete" ]; then
			bad=$((bad + 1)); echo "# $name: fault $n/$total: half-written store; $(head -c 200 "$T/err")"
			continue
		else
			failed=$((failed + 1))
			sort -u "$T/err" >>"$T/messages.$name"
		fi
		if ! "$@" >/dev/null 2>"$T/err2" || [ "$(digest plays)" != "$complete_plays" ]; then
			bad=$((bad + 1)); echo "# $name: fault $n/$total: a rerun does not complete: $(head -c 200 "$T/err2")"
		fi
	done
	sort "$T/messages.$name" 2>/dev/null | uniq -c | sed "s/^/# $name message: /"
	echo "# $name: $failed faults failed the command cleanly, $late came after the commit (exit 0, store complete), $skipped not reached"
	is "$name: every fault point was reached (the shim injects)" "$skipped" 0
	is "$name: every one of $total failed writes/fsyncs is survived" "$bad" 0
}

# The import: a small extended history into a store that has an account.
start_sim --seed 5
authorize main user1
jq '.[0:30]' "$FIXTURES/Streaming_History_Audio_2024-2025_3.json" >"$T/Streaming_History_Audio_2024_0.json"
sl status >/dev/null 2>&1
cp -a "$DATA" "$T/base"
faulted "import" "$(DATA=$T/base digest)" sl import "$T/Streaming_History_Audio_2024_0.json"

# The collect: plays waiting in the simulator, the access token still valid
# (so no refresh: a refresh token is single-use and the state is replayed).
sim_post "/_sim/binge?user=user1&plays=30" >/dev/null
advance 20
rm -rf "$T/base" && cp -a "$DATA" "$T/base"
rm -rf "$DATA" && cp -a "$T/base" "$DATA"
faulted "collect" "$(DATA=$T/base digest)" sl collect
done_testing
