#!/usr/bin/env bash
# What 'make install' installs besides the binary (issue 11): the man page
# spinlog.1 has a section for every command 'spinlog help' lists and names
# every setting 'spinlog config' prints, and the systemd units run the
# binary of the build's own prefix (not always /usr/local/bin).
. "$(dirname "$0")/lib.sh"
B=$(dirname "$SPINLOG")
MAN="$B/spinlog.1"
check "the man page is built" test -s "$MAN"
check "man reads it without warnings" bash -c "LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l '$MAN' 2>'$T/manerr' >'$T/man.txt' && ! test -s '$T/manerr'"
sl help 2>&1 | sed -n '/^commands:/,/^global options:/s/^   \([a-z]*\)  .*/\1/p' >"$T/cmds"
check "some commands listed" test "$(wc -l <"$T/cmds")" -ge 10
while read -r c; do
	check "man page: command $c" grep -qx ".SS $c" "$MAN"
done <"$T/cmds"
sl config 2>/dev/null | sed -n 's/^\([a-z_]*\.[a-z_]*\) = .*/\1/p' >"$T/keys"
check "some settings listed" test "$(wc -l <"$T/keys")" -ge 10
missing=$(while read -r k; do grep -qF "$k = " "$MAN" || echo "$k"; done <"$T/keys")
is "man page: every setting" "$missing" ""
prefix=$(meson introspect "$B" --buildoptions 2>/dev/null |
	python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))')
bindir=$(meson introspect "$B" --buildoptions 2>/dev/null |
	python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "bindir"))')
case $bindir in /*) ;; *) bindir="$prefix/$bindir" ;; esac
for u in spinlog.service spinlog-collect.service; do
	is "$u runs the installed binary" "$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$B/$u")" "$bindir/spinlog"
done
check "the timer is built" test -s "$B/spinlog-collect.timer"
done_testing
