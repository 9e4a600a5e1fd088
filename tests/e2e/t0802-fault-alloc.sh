#!/usr/bin/env bash
# Fault injection of allocations over an import and a collect, the way
# SQLite and curl test themselves: the shim (SPINLOG_FAULT_ALLOC=1) counts
# malloc, calloc, realloc and posix_memalign from main on, in every
# library, and fails number N. spinlog's own allocations go through
# xmalloc, which aborts by design with "fatal: out of memory allocating N
# bytes" (exit 134, accepted only with that message); SQLite's answer
# SQLITE_NOMEM, cJSON's and libcurl's NULL, and these must end in a clean
# error. For each point: no other signal, no sanitizer report, no hang
# (30 s), integrity_check ok, the store before or complete, and a rerun
# without the fault completes. An import makes ~2,200 allocations and a
# collect ~35,000 (most of them cJSON parsing the pages); walking all
# would take about an hour here, so each walk fails every one of the
# first WALK_EVERY (store open, schema, account and config loading), then
# WALK_SAMPLES spread evenly over the rest, and the last 10 (commit and
# close). The output says how many of how many were walked.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-fault.sh"
sqlite_only "the walk restores the store by copying the data directory; a server database is not in it"
fault_skip_asan "fault injection walks the allocations of an import" \
	"fault injection walks the allocations of a collect"
export FAULT_MODE=alloc WALK_EVERY=${WALK_EVERY:-100} WALK_SAMPLES=${WALK_SAMPLES:-100}

fault_import_walk
check "some import allocations failed cleanly ($FAILED) and some ended in the abort ($ABORTED)" \
	test "$FAILED" -gt 0 -a "$ABORTED" -gt 0

sim_post "/_sim/binge?user=user1&plays=30" >/dev/null
advance 20
rm -rf "$T/base" && cp -a "$DATA" "$T/base"
faulted "collect" "$(DATA=$T/base digest)" "${SL[@]}" collect
check "some collect allocations failed cleanly ($FAILED) and some ended in the abort ($ABORTED)" \
	test "$FAILED" -gt 0 -a "$ABORTED" -gt 0
done_testing
