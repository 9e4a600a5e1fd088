#!/usr/bin/env bash
# The command line: help, version, settings from file, environment and --set,
# clear errors for bad input.
. "$(dirname "$0")/lib.sh"

out=$("$SPINLOG" --version)
is "--version prints the version" "$out" "spinlog 0.1.0"
"$SPINLOG" help >"$T/help" 2>&1
check "help lists every command" grep -qE '^ +collect +poll' "$T/help"
for c in auth collect daemon log status gaps etl export import serve site wrapped config; do
	"$SPINLOG" "$c" --help >"$T/h.$c" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && grep -q "usage: spinlog $c" "$T/h.$c"; then ok "$c --help"; else not_ok "$c --help (rc $rc)"; fi
done
"$SPINLOG" frobnicate >"$T/err" 2>&1
is "unknown command exits 2" "$?" "2"
check "unknown command is named" grep -q "'frobnicate' is not a spinlog command" "$T/err"

mkdir -p "$XDG_CONFIG_HOME/spinlog"
printf 'timezone = Europe/Berlin\n[spotify]\nclient_id = fromfile\nclient_secret = s3cr3t-value\n' \
	>"$XDG_CONFIG_HOME/spinlog/config"
unset SPINLOG_SPOTIFY_CLIENT_ID SPINLOG_TIMEZONE
sl config >"$T/cfg"
check "config reads the XDG file" grep -qx 'spotify.client_id = fromfile  # from .*/config' "$T/cfg"
check "config masks secrets" grep -qx 'spotify.client_secret = \*\*\*\*\*\*\*\*  # from .*' "$T/cfg"
check "the secret itself is never printed" bash -c "! grep -q s3cr3t '$T/cfg'"
SPINLOG_SPOTIFY_CLIENT_ID=fromenv sl config >"$T/cfg"
check "environment beats the file" grep -qx 'spotify.client_id = fromenv  # from environment' "$T/cfg"
SPINLOG_SPOTIFY_CLIENT_ID=fromenv sl --set spotify.client_id=fromcli config >"$T/cfg"
check "--set beats the environment" grep -qx 'spotify.client_id = fromcli  # from --set' "$T/cfg"
check "defaults are shown" grep -qx 'spotify.api_url = https://api.spotify.com' "$T/cfg"

printf '[spotify]\nclient_id = x\nbogus line without equals\n' >"$T/bad.ini"
sl --config "$T/bad.ini" config >"$T/out" 2>"$T/err"
is "a bad config line fails" "$?" "1"
check "the error names file and line" grep -q "bad.ini:3:" "$T/err"
sl --set collect.interval_max=soon config >"$T/out" 2>"$T/err"
check "a bad value is explained" grep -q "'collect.interval_max' must be an integer" "$T/err"
sl --set timezone=Mars/Olympus_Mons config >"$T/out" 2>"$T/err"
sl --set timezone=Mars/Olympus_Mons log >"$T/out" 2>"$T/err"
check "an unknown zone is refused" grep -q "unknown time zone 'Mars/Olympus_Mons'" "$T/err"
sl --config "$T/missing.ini" config >"$T/out" 2>"$T/err"
check "a named config file must exist" grep -q "missing.ini: cannot read" "$T/err"

sl log >/dev/null 2>&1
check "the data directory is private (0700)" test "$(stat -c %a "$DATA")" = 700
if on_postgres; then
	check "the database is created (its schema)" test "$(sqlite3 "$DATA/spinlog.db" "SELECT count(*) FROM schema_version")" -gt 0
else
	check "the database is created" test -f "$DATA/spinlog.db"
fi
done_testing
