#!/usr/bin/env bash
# Fault injection over an import and a collect, the way SQLite and curl test
# themselves: tests/fault/shim.c (LD_PRELOAD) counts the calls that put data
# on disk (write, pwrite, writev, fsync, fdatasync, ftruncate on regular
# files, fsync of folders) in a run that succeeds, then every one of them is
# made to fail in turn, from the same starting state. Each failing run must
# exit non-zero with a message and no crash, leave a store that passes
# integrity_check and holds either the state before the command or the
# complete one, and a rerun without the fault must reach the complete state.
# (t0802 fails allocations, t0803 a collect that refreshes its token.)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-fault.sh"
sqlite_only "the shim fails the writes of spinlog.db; a server store is written by the server"
fault_skip_asan "fault injection walks every write of an import" \
	"fault injection walks every write of a collect"

# The import: a small extended history into a store that has an account.
fault_import_walk

# The collect: plays waiting in the simulator, the access token still valid
# (so no refresh: a refresh token is single-use and the state is replayed).
sim_post "/_sim/binge?user=user1&plays=30" >/dev/null
advance 20
rm -rf "$T/base" && cp -a "$DATA" "$T/base"
faulted "collect" "$(DATA=$T/base digest)" "${SL[@]}" collect
done_testing
