# A private PostgreSQL 15 cluster for tests (issue 12): source it, then
#   pg_start            initdb into a temporary directory and start the server
#                       on a private Unix socket directory (no TCP port); sets
#                       PG_SOCK (the socket directory) and PG_DIR
#   pg_createdb NAME    a new database; prints its url for store.url
#   pg_stop             stops the server and removes the directory
#   pg_require          for scripts that always drive PostgreSQL, whatever
#                       SPINLOG_TEST_STORE says: fails the script when
#                       PostgreSQL 15 is not installed, else starts the cluster
#                       (a check) with SPINLOG_STORE_URL unset
#   sl_on URL DIR ARGS  spinlog on the data directory DIR, its store the
#                       SQLite file in DIR (URL "sqlite") or the database URL
# pg_start installs an EXIT trap that stops the cluster even when the script
# fails (it calls any EXIT trap set before it first). As root the server runs
# as the 'postgres' user (initdb refuses root). Reuse a running cluster by
# exporting SPINLOG_TEST_PG_SOCK (scripts/run-tests does, for a whole run).
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_DIR="" PG_SOCK="" _pg_owned=0

# _pg_as CMD...: runs CMD as the cluster's owner.
_pg_as() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

pg_available() { [ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ]; }

pg_require() {
	if ! pg_available; then
		not_ok "PostgreSQL 15 is installed ($PG_BIN; scripts/install-deps)"
		done_testing
		exit 1
	fi
	unset SPINLOG_STORE_URL
	check "a private cluster starts" pg_start
}

pg_start() {
	if [ -n "${SPINLOG_TEST_PG_SOCK:-}" ]; then
		PG_SOCK=$SPINLOG_TEST_PG_SOCK
		return 0
	fi
	pg_available || { echo "# no PostgreSQL 15 in $PG_BIN" >&2; return 1; }
	PG_DIR=$(mktemp -d /tmp/spinlog-pg.XXXXXX) || return 1
	chmod 755 "$PG_DIR"
	mkdir -p "$PG_DIR/sock"
	[ "$(id -u)" -eq 0 ] && chown -R postgres: "$PG_DIR"
	_pg_owned=1
	_pg_prev_trap=$(trap -p EXIT | sed -e "s/^trap -- '//" -e "s/' EXIT\$//")
	# shellcheck disable=SC2064
	trap "pg_stop; $_pg_prev_trap" EXIT
	# C locale: text sorts by bytes, as SQLite's does
	_pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust \
		--locale=C --encoding=UTF8 >"$PG_DIR/initdb.log" 2>&1 || {
		cat "$PG_DIR/initdb.log" >&2; return 1; }
	cat >>"$PG_DIR/data/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$PG_DIR/sock'
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 64MB
max_connections = 40
EOF
	_pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
		start >/dev/null || { cat "$PG_DIR/server.log" >&2; return 1; }
	PG_SOCK="$PG_DIR/sock"
}

pg_stop() {
	[ "$_pg_owned" = 1 ] || return 0
	_pg_owned=0
	_pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1
	rm -rf "$PG_DIR"
}

# pg_url NAME: the store url of database NAME in the cluster.
pg_url() { echo "postgresql:///$1?host=$PG_SOCK&user=postgres"; }

pg_createdb() {
	"$PG_BIN/createdb" -h "$PG_SOCK" -U postgres -T template0 "$1" || return 1
	pg_url "$1"
}

# pg_psql DB SQL: runs SQL in the database, unaligned, no headers.
pg_psql() { psql -h "$PG_SOCK" -U postgres -d "$1" -XAtq -v ON_ERROR_STOP=1 -c "$2"; }

sl_on() {
	local url=$1 dir=$2
	shift 2
	if [ "$url" = sqlite ]; then
		"$SPINLOG" --data-dir "$dir" "$@"
	else
		"$SPINLOG" --data-dir "$dir" --set "store.url=$url" "$@"
	fi
}
