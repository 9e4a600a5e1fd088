#!/usr/bin/env bash
# The PostgreSQL engine (issue 12) gives the same answers as SQLite: the
# real fixtures imported, and the simulator's pipeline (auth, two days of
# collecting, etl) run twice on the same seed, once on each engine; then
# 'export' (every field) and 'wrapped' must be the same bytes. Always runs
# on a private PostgreSQL cluster (tests/e2e/lib-pg.sh), whatever
# SPINLOG_TEST_STORE says.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-etl.sh"
. "$(dirname "$0")/lib-pg.sh"

if ! pg_available; then
	not_ok "PostgreSQL 15 is installed ($PG_BIN; scripts/install-deps)"
	done_testing
	exit 1
fi
unset SPINLOG_STORE_URL
check "a private cluster starts" pg_start
PGF=$(pg_createdb fixtures)
PGS=$(pg_createdb pipeline)

# sl_on ENGINE DIR ARGS...: spinlog on the data directory DIR, its store
# the SQLite file in DIR (sqlite) or the database URL (anything else).
sl_on() {
	local url=$1 dir=$2
	shift 2
	if [ "$url" = sqlite ]; then
		"$SPINLOG" --data-dir "$dir" "$@"
	else
		"$SPINLOG" --data-dir "$dir" --set "store.url=$url" "$@"
	fi
}

# same_output WHAT URL_A DIR_A URL_B DIR_B ARGS...: the command's stdout
# is the same bytes on both stores (and not empty).
same_output() {
	local what=$1 ua=$2 da=$3 ub=$4 db=$5
	shift 5
	# the simulators' ports differ (cover urls)
	sl_on "$ua" "$da" "$@" 2>"$T/a.err" | sed 's/127\.0\.0\.1:[0-9]*/127.0.0.1:PORT/g' >"$T/a.out"
	sl_on "$ub" "$db" "$@" 2>"$T/b.err" | sed 's/127\.0\.0\.1:[0-9]*/127.0.0.1:PORT/g' >"$T/b.out"
	if [ -s "$T/a.out" ] && cmp -s "$T/a.out" "$T/b.out"; then
		ok "$what: the same $(wc -c <"$T/a.out") bytes"
	else
		not_ok "$what"
		diff "$T/a.out" "$T/b.out" | head -10 | sed 's/^/#   /'
		sed 's/^/#   a: /' "$T/a.err" | head -3
		sed 's/^/#   b: /' "$T/b.err" | head -3
	fi
}

FIX=$(ls "$FIXTURES"/Streaming_History_Audio_*.json "$FIXTURES"/StreamingHistory*.json)
for e in sqlite "$PGF"; do
	d=$T/fix-$([ "$e" = sqlite ] && echo sq || echo pg)
	check "import of the real fixtures ($([ "$e" = sqlite ] && echo sqlite || echo postgresql))" \
		sl_on "$e" "$d" import $FIX
done
check "the database holds the plays" test "$(pg_psql fixtures 'SELECT count(*) FROM play_rows')" -gt 1000
check "names are stored once" test "$(pg_psql fixtures 'SELECT count(*) FROM items')" -lt \
	"$(pg_psql fixtures 'SELECT count(*) FROM play_rows')"
same_output "export of the fixtures" sqlite "$T/fix-sq" "$PGF" "$T/fix-pg" \
	export --utc --extended --with-provenance
same_output "export of the fixtures as csv" sqlite "$T/fix-sq" "$PGF" "$T/fix-pg" \
	export --format csv
YEAR=$(sl_on sqlite "$T/fix-sq" export --utc | tail -1 | jq -r '.played_at[0:4]')
same_output "wrapped $YEAR of the fixtures" sqlite "$T/fix-sq" "$PGF" "$T/fix-pg" wrapped --year "$YEAR"
same_output "log of the fixtures" sqlite "$T/fix-sq" "$PGF" "$T/fix-pg" log
sl_on "$PGF" "$T/fix-pg" import $FIX >"$T/again.out" 2>&1
check "importing the same files again adds nothing (postgresql)" grep -q ' 0 new events' "$T/again.out"
sed 's/^/# /' "$T/again.out"
same_output "export after the second import" sqlite "$T/fix-sq" "$PGF" "$T/fix-pg" export --utc

# The pipeline, once per engine, on simulators of the same seed.
for e in sqlite "$PGS"; do
	DATA=$T/sim-$([ "$e" = sqlite ] && echo sq || echo pg)
	if [ "$e" = sqlite ]; then unset SPINLOG_STORE_URL; else export SPINLOG_STORE_URL=$e; fi
	start_sim --seed 7
	check "auth ($e)" authorize main
	check "two days of collecting ($e)" collect_days 2
	check "etl ($e)" sl etl
	kill "$SIM_PID" 2>/dev/null
	wait "$SIM_PID" 2>/dev/null
done
unset SPINLOG_STORE_URL
check "the pipeline stored plays in postgresql" test "$(pg_psql pipeline 'SELECT count(*) FROM play_rows')" -gt 10
check "and catalog rows" test "$(pg_psql pipeline 'SELECT count(*) FROM tracks')" -gt 5
same_output "export of the pipeline" sqlite "$T/sim-sq" "$PGS" "$T/sim-pg" \
	export --utc --extended --with-provenance
YEAR=$(sl_on sqlite "$T/sim-sq" export --utc | tail -1 | jq -r '.played_at[0:4]')
same_output "wrapped of the pipeline" sqlite "$T/sim-sq" "$PGS" "$T/sim-pg" wrapped --year "$YEAR"
same_output "log of the pipeline" sqlite "$T/sim-sq" "$PGS" "$T/sim-pg" log -n 200

# A call the engine lacks fails with a message, not a crash (store.c).
sl_on "$PGS" "$T/sim-pg" token list >/dev/null 2>"$T/lb.err"
check "a call postgresql lacks fails" test $? -eq 1
check "and says what is missing" grep -q \
	"^spinlog: token: listenbrainz is not supported by the postgresql engine yet$" "$T/lb.err"

# What a user meets when the server is not there: the url, masked, and what to do.
sl_on "postgresql://bob:hunter2@127.0.0.1:1/none" "$T/x" status >/dev/null 2>"$T/conn.err"
check "a connection error says what to do" grep -q \
	"cannot connect to postgresql://bob:\*\*\*\*\*\*\*\*@127.0.0.1:1/none: .*; is the server running?" "$T/conn.err"
check "and never shows the password" sh -c "! grep -q hunter2 '$T/conn.err'"
sl_on "postgresql://bob:hunter2@127.0.0.1:1/none" "$T/x" config >"$T/config.out"
check "'spinlog config' masks the password" sh -c \
	"grep -q 'store.url = postgresql://bob:\*\*\*\*\*\*\*\*@127.0.0.1:1/none' '$T/config.out' && ! grep -q hunter2 '$T/config.out'"
done_testing
