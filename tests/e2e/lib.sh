# Shared helpers for end-to-end tests: source it first.
#
# Each test runs the real binaries in a private temporary directory, with no
# user configuration and no network: HOME and the XDG folders point into the
# test directory, and spinlog talks only to a simulator on loopback.
# Checks print TAP lines ("ok N - ..." / "not ok N - ..."); the script exits
# non-zero when any check failed.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-build}
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR="$ROOT/$BUILD_DIR" ;; esac
SPINLOG="$BUILD_DIR/spinlog"
SIM="$BUILD_DIR/spotify-sim"
[ -x "$SIM" ] || SIM="$BUILD_DIR/sim/spotify-sim"
FIXTURES="$ROOT/../shared/fixtures/real"
T=$(mktemp -d "${TMPDIR:-/tmp}/spinlog-test.XXXXXX")
DATA="$T/data"
export HOME="$T/home" XDG_CONFIG_HOME="$T/home/.config" XDG_DATA_HOME="$T/home/.local/share"
mkdir -p "$HOME"
# The store the test runs on (issue 12): SPINLOG_TEST_STORE=postgres puts
# every spinlog call of the script on a new database of a private
# PostgreSQL cluster (tests/e2e/lib-pg.sh), through store.url.
_test_store=${SPINLOG_TEST_STORE:-sqlite} _test_pg_sock=${SPINLOG_TEST_PG_SOCK:-}
unset $(env | grep -o '^SPINLOG_[A-Z_]*' || true)
export SPINLOG_TIMEZONE=${SPINLOG_TIMEZONE:-UTC}
export SPINLOG_SPOTIFY_CLIENT_ID=spinlog-test-client
_n=0 _failed=0 _pids=""

_cleanup() {
	local p
	for p in $_pids; do kill "$p" 2>/dev/null; done
	for p in $_pids; do wait "$p" 2>/dev/null; done
	if [ "$_failed" -eq 0 ] || [ -z "${KEEP:-}" ]; then rm -rf "$T"; else echo "# kept $T"; fi
}
trap _cleanup EXIT

# on_postgres: true when the script's store is PostgreSQL. A script that reads
# spinlog.db with sqlite3 itself says so with 'sqlite_only' after sourcing.
on_postgres() { [ "$_test_store" = postgres ]; }
if on_postgres; then
	. "$ROOT/tests/e2e/lib-pg.sh"
	[ -n "$_test_pg_sock" ] && export SPINLOG_TEST_PG_SOCK=$_test_pg_sock
	pg_start || { echo "not ok 1 - cannot start PostgreSQL"; exit 1; }
	SPINLOG_STORE_URL=$(pg_createdb "t_$$_$RANDOM") || {
		echo "not ok 1 - cannot create a database"; exit 1; }
	export SPINLOG_STORE_URL
	# The scripts' own looks into the store ("sqlite3 $DATA/spinlog.db
	# SQL") go to the database: the engine's view plays has SQLite's
	# columns, so plain SQL reads the same. Output as sqlite3's list mode.
	sqlite3() {
		local sep='|' a
		[ "${1:-}" = -separator ] && { sep=$2; shift 2; }
		case "${1:-}" in *spinlog.db) shift ;; *) command sqlite3 "$@"; return ;; esac
		if [ "${1:-}" = .dump ]; then
			# the rows of every table, sorted (an UPDATE moves a row), as
			# the "store unchanged" checks need; not the change counter or
			# sequence positions, which SQLite's .dump has no word for
			pg_dump --data-only --no-owner --exclude-table-data=changes \
				-d "$SPINLOG_STORE_URL" | grep -v -e '^--' -e 'pg_catalog.setval' -e '^.restrict ' -e '^.unrestrict ' | LC_ALL=C sort
		elif a=${1:-} && [ "${a#.read }" != "$a" ]; then
			psql "$SPINLOG_STORE_URL" -XAtq -F "$sep" -v ON_ERROR_STOP=1 -f "${a#.read }"
		elif [ $# -gt 0 ]; then
			psql "$SPINLOG_STORE_URL" -XAtq -F "$sep" -v ON_ERROR_STOP=1 -c "$*"
		else
			psql "$SPINLOG_STORE_URL" -XAtq -F "$sep" -v ON_ERROR_STOP=1
		fi
	}
	# SQLite's group_concat, for the scripts' SQL (in the test's database
	# only; the engine does not use it)
	_pg_compat="
	  CREATE FUNCTION _gc(a text, b anyelement) RETURNS text LANGUAGE sql
	    IMMUTABLE AS \$\$ SELECT CASE WHEN b IS NULL THEN a WHEN a IS NULL
	    THEN b::text ELSE a || ',' || b::text END \$\$;
	  CREATE AGGREGATE group_concat(anyelement) (SFUNC = _gc, STYPE = text);
	  CREATE FUNCTION _gc2(a text, b anyelement, sep text) RETURNS text
	    LANGUAGE sql IMMUTABLE AS \$\$ SELECT CASE WHEN b IS NULL THEN a
	    WHEN a IS NULL THEN b::text ELSE a || sep || b::text END \$\$;
	  CREATE AGGREGATE group_concat(anyelement, text) (SFUNC = _gc2, STYPE = text);"
	psql "$SPINLOG_STORE_URL" -XAtq -v ON_ERROR_STOP=1 -c "$_pg_compat" \
		>/dev/null || { echo "not ok 1 - cannot add group_concat"; exit 1; }
fi
# store_reset: an empty store and data directory (rm -rf "$DATA" on SQLite;
# on PostgreSQL a new database, since the store is not in the directory).
store_reset() {
	rm -rf "$DATA"
	on_postgres || return 0
	SPINLOG_STORE_URL=$(pg_createdb "t_$$_$RANDOM") || {
		echo "not ok - cannot create a database"; exit 1; }
	export SPINLOG_STORE_URL
	psql "$SPINLOG_STORE_URL" -XAtq -v ON_ERROR_STOP=1 -c "$_pg_compat" >/dev/null
}
# sqlite_only: ends a script that only means something on SQLite (it reads
# the database file itself) with one skipped check when on PostgreSQL.
sqlite_only() {
	on_postgres || return 0
	skip "the store is PostgreSQL" "${1:-this script reads spinlog.db itself}"
	done_testing
	exit 0
}

ok() { _n=$((_n + 1)); echo "ok $_n - $*"; }
not_ok() { _n=$((_n + 1)); _failed=$((_failed + 1)); echo "not ok $_n - $*"; }
# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
# is DESCRIPTION GOT WANT: passes when the two strings are equal.
is() {
	if [ "$2" = "$3" ]; then ok "$1"; else
		not_ok "$1"; echo "#   got:  $(printf %s "$2" | head -c 600)"; echo "#   want: $(printf %s "$3" | head -c 600)"; fi
}
skip() { _n=$((_n + 1)); echo "ok $_n - $1 # SKIP ${2:-}"; }
# quiet CMD...: CMD with its output kept aside (its last lines shown when it
# fails), so that a check's own TAP line is never redirected with it.
quiet() {
	"$@" >"$T/quiet.out" 2>&1 && return 0
	local rc=$?
	tail -5 "$T/quiet.out" | sed 's/^/#   /'
	return $rc
}
done_testing() { echo "1..$_n"; [ "$_failed" -eq 0 ]; }

# start_sim [ARGS...]: starts the simulator, sets SIM_PORT and SIM_URL.
start_sim() {
	local pf="$T/sim.port.$RANDOM" i
	"$SIM" --port 0 --port-file "$pf" "$@" >"$T/sim.log" 2>&1 &
	_pids="$_pids $!"
	SIM_PID=$!
	for i in $(seq 1 200); do [ -s "$pf" ] && break; sleep 0.05; done
	SIM_PORT=$(cat "$pf")
	SIM_URL="http://127.0.0.1:$SIM_PORT"
	export SPINLOG_SPOTIFY_API_URL="$SIM_URL" SPINLOG_SPOTIFY_ACCOUNTS_URL="$SIM_URL"
	export SPINLOG_RECCOBEATS_URL="$SIM_URL/reccobeats"
}

# sim_post PATH: POST to the simulator's control API, print the answer.
sim_post() { curl -sf -X POST "$SIM_URL$1"; }
sim_get() { curl -sf "$SIM_URL$1"; }
advance() { sim_post "/_sim/advance?minutes=$1" >/dev/null; }

# sl ARGS...: runs spinlog on the test's data directory.
sl() { "$SPINLOG" --data-dir "$DATA" "$@"; }

# authorize ACCOUNT [SIM_USER]: runs 'spinlog auth' and lets the simulator
# approve it, as a browser would; returns auth's exit status.
authorize() {
	local acct=$1 user=${2:-user1} out="$T/auth.$1.out" url i pid
	rm -f "$out" # a second authorize must not read the first one's URL
	sl auth --account "$acct" --port 0 --no-browser </dev/null >"$out" 2>"$T/auth.$1.err" &
	pid=$!
	for i in $(seq 1 200); do grep -q '^http' "$out" 2>/dev/null && break; sleep 0.05; done
	url=$(grep -m1 '^http' "$out")
	curl -s -o /dev/null -L "$url&sim_user=$user"
	wait "$pid"
}

# serve_bg OPTIONS... -- ARGS...: 'spinlog OPTIONS serve ARGS' on a free
# loopback port in the background (spinlog itself, not a subshell, so kill
# stops it); waits for its port file, 30 s at most (a loaded machine), and
# sets URL and SERVE_PID.
serve_bg() {
	local g=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do g+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	rm -f "$T/serve.port"
	"$SPINLOG" "${g[@]}" serve --listen 127.0.0.1:0 --port-file "$T/serve.port" \
		"$@" >"$T/serve.out" 2>"$T/serve.err" &
	SERVE_PID=$!
	_pids="$_pids $SERVE_PID"
	for _ in $(seq 1 600); do [ -s "$T/serve.port" ] && break; sleep 0.05; done
	URL="http://127.0.0.1:$(cat "$T/serve.port")"
}

# start_serve [ARGS...]: serve_bg with the test's data.
start_serve() { serve_bg --data-dir "$DATA" -- "$@"; }

# token_age ACCOUNT DAYS: makes ACCOUNT's refresh token look DAYS days old
# (its state file's authorized_ms), as the token-age warnings see it.
token_age() {
	local f="$DATA/accounts/$1.json"
	jq --argjson ms "$(( ($(date +%s) - $2 * 86400) * 1000 ))" '.authorized_ms = $ms' "$f" >"$f.new" &&
		mv "$f.new" "$f" && chmod 600 "$f"
}
