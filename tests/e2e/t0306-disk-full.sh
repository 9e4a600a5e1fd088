#!/usr/bin/env bash
# A full disk, for real: the data directory is on a small tmpfs that a
# filler file fills up. import, etl and collect fail with exit 1 and say
# "disk full while writing '<path>'", what was kept and what to do; the
# store is unchanged (same dump) once space is back, and the same commands
# then succeed. Mounting needs root: without it the test says so and skips.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-etl.sh"
sqlite_only "the store is on the server, not in the data directory a full tmpfs fills"

MNT="$T/mnt"
mkdir -p "$MNT"
if ! mount -t tmpfs -o size=48m tmpfs "$MNT" 2>/dev/null; then
	skip "disk full" "cannot mount a tmpfs (needs root)"
	done_testing
	exit
fi
_umount() { rm -f "$MNT/fill"; umount "$MNT" 2>/dev/null; _cleanup; }
trap _umount EXIT
DATA="$MNT/data"
DB="$DATA/spinlog.db"
EXPORT="$FIXTURES/Streaming_History_Audio_2024-2025_3.json"

# fill [KB]: fills the tmpfs, leaving about KB kilobytes free.
fill() {
	rm -f "$MNT/fill"
	dd if=/dev/zero of="$MNT/fill" bs=4k 2>/dev/null
	[ "${1:-0}" -gt 0 ] && truncate -s -"$1"K "$MNT/fill"
	return 0
}
unfill() { rm -f "$MNT/fill"; }
dump() { sqlite3 "$DB" .dump | sha256sum; }

start_sim --seed 7
check "auth" authorize main
check "a day of collecting" collect_days 1
check "etl" sl etl
before=$(dump)
plays=$(sqlite3 "$DB" "SELECT count(*) FROM plays")

# Not even room to open the store (its -wal and -shm files).
fill 0
sl import "$EXPORT" >"$T/imp1.out" 2>"$T/imp1.err"
is "import on a full disk exits 1" "$?" 1
sed 's/^/# /' "$T/imp1.err"
check "it says disk full, the path, nothing imported, what to do" grep -qxF \
	"spinlog: import: disk full while writing '$DB'; nothing was imported; free space and run again" "$T/imp1.err"
check "no 'disk I/O error'" sh -c "! grep -q 'disk I/O error' '$T/imp1.err'"
unfill
is "the store is unchanged" "$(dump)" "$before"

# Room to open it, not to write the 2 MB export's plays.
fill 256
sl import "$EXPORT" >"$T/imp2.out" 2>"$T/imp2.err"
is "import that runs out of space midway exits 1" "$?" 1
sed 's/^/# /' "$T/imp2.err"
check "it says disk full, the path, nothing imported, what to do" grep -qxF \
	"spinlog: import: disk full while writing '$DB'; nothing was imported; free space and run again" "$T/imp2.err"
unfill
is "the store is unchanged" "$(dump)" "$before"
is "no play was added" "$(sqlite3 "$DB" "SELECT count(*) FROM plays")" "$plays"

# etl and collect say what was kept.
advance 120
fill 0
sl collect >"$T/col.out" 2>"$T/col.err"
is "collect on a full disk exits 1" "$?" 1
sed 's/^/# /' "$T/col.err"
check "collect says disk full with a path and what was kept" grep -qE \
	"^spinlog: collect: disk full while writing '$MNT/data/[^']+'; what was stored before is kept; free space and run again$" "$T/col.err"
unfill
is "the store is unchanged" "$(dump)" "$before"
check "collect works once space is back" sl collect
before=$(dump)
fill 0
sl etl >"$T/etl.out" 2>"$T/etl.err"
is "etl on a full disk exits 1" "$?" 1
sed 's/^/# /' "$T/etl.err"
check "etl says disk full with the path and what was kept" grep -qxF \
	"spinlog: etl: disk full while writing '$DB'; what was stored before is kept; free space and run again" "$T/etl.err"
unfill
is "the store is unchanged" "$(dump)" "$before"
check "etl works once space is back" sl etl
check "import works once space is back" sl import "$EXPORT"
check "and it added plays" test "$(sqlite3 "$DB" "SELECT count(*) FROM plays")" -gt "$plays"
done_testing
