#!/usr/bin/env bash
# Many listeners in one store (issue 12): two, then five accounts' exports
# (tests/tools/accounts_gen.py, one seed each; most tracks are an account's
# own, named "Only <account> ...", some shared by all) imported into one
# store. Each account's wrapped, year in review and calendar (the API's
# JSON), export and log must be what the same account gives imported alone
# into a fresh store; the dashboard shows an account picker, each account's
# pages under /u/NAME/ never name another account's tracks, an id of another
# account's track or artist is a 404 there, and hostile names are escaped.
. "$(dirname "$0")/lib.sh"

GEN=$ROOT/tests/tools/accounts_gen.py
YJ=$BUILD_DIR/tests/yearjson
[ -x "$YJ" ] || YJ=$BUILD_DIR/yearjson
PLAYS=${PLAYS:-3000}
store_of() { # the store url of a data directory, as spinlog opens it
	if on_postgres; then echo "$SPINLOG_STORE_URL"; else echo "$1/spinlog.db"; fi
}

for i in 1 2 3 4 5; do
	python3 "$GEN" "$T/exp/a$i" "$PLAYS" "$i" "a$i" || not_ok "generate a$i"
done

# alone DIR ARGS...: spinlog on account aN's own store. On PostgreSQL the
# alone stores stay SQLite files: the engines give the same answers (t1201).
alone() { local d=$1; shift; env -u SPINLOG_STORE_URL "$SPINLOG" --data-dir "$d" "$@"; }
for i in 1 2 3 4 5; do
	check "a$i imported alone" alone "$T/alone$i" import --account "a$i" "$T"/exp/a$i/*.json
done

# same_as_alone N: account aN's answers from the shared store equal those
# of its own store.
same_as_alone() {
	local i=$1 y what
	for y in 2023 2024; do
		sl wrapped --account "a$i" --year $y >"$T/s.out" 2>&1
		alone "$T/alone$i" wrapped --year $y >"$T/a.out" 2>&1
		check "a$i: wrapped $y as alone" cmp -s "$T/s.out" "$T/a.out"
	done
	"$YJ" "$(store_of "$DATA")" "a$i" 2023 2024 >"$T/s.json" 2>&1
	"$YJ" "$T/alone$i/spinlog.db" "a$i" 2023 2024 >"$T/a.json" 2>&1
	check "a$i: years, year in review and calendar JSON as alone ($(wc -c <"$T/a.json") bytes)" \
		cmp -s "$T/s.json" "$T/a.json"
	for what in "export --extended" "export --format csv" "log -n 1000000 --format jsonl"; do
		sl $what --account "a$i" >"$T/s.out" 2>&1
		alone "$T/alone$i" $what >"$T/a.out" 2>&1
		# log names the account; a shared store's other rows are not in it
		check "a$i: $what as alone ($(wc -l <"$T/a.out") lines)" cmp -s "$T/s.out" "$T/a.out"
	done
	is "a$i: the log has only a$i's plays" "$(sl log -n 1000000 --account "a$i" | grep -c "Only a[^$i] ")" 0
}

for i in 1 2; do
	check "a$i imported into the shared store" sl import --account "a$i" "$T"/exp/a$i/*.json
done
check "two accounts: plays of both are stored" test "$(sl log -n 1000000 | wc -l)" -ge $((2 * PLAYS))
for i in 1 2; do same_as_alone $i; done
# The catalog knows one of a2's tracks and its artist (in both of a2's stores).
CAT="INSERT INTO artists (id, name) VALUES ('A2artist', 'Only a2 Artist In Catalog');
INSERT INTO tracks (id, name, duration_ms) VALUES ('A2TRACK', 'Only a2 Catalog Song', 200000);
INSERT INTO track_artists (track_id, position, artist_id) SELECT min(track_id), 0, 'A2artist'
 FROM plays WHERE track_name LIKE 'Only a2 %';
UPDATE tracks SET id = (SELECT min(track_id) FROM plays WHERE track_name LIKE 'Only a2 %') WHERE id = 'A2TRACK';"
echo "$CAT" | sqlite3 "$DATA/spinlog.db"
echo "$CAT" | command sqlite3 "$T/alone2/spinlog.db"
A2_ARTIST=A2artist
same_as_alone 2

# The commands that show one listener ask which.
sl wrapped --year 2023 >"$T/out" 2>"$T/err"
is "wrapped without --account: a usage error" "$?" 2
check "... naming the accounts" grep -q "the store has 2 accounts ('a1', 'a2'): pick one with --account NAME" "$T/err"
sl export >"$T/out" 2>"$T/err"
is "export without --account: a usage error" "$?" 2
sl site --out "$T/site" --no-covers >"$T/out" 2>"$T/err"
is "site without --account: a usage error" "$?" 2
sl wrapped --account nobody >"$T/out" 2>"$T/err"
is "an unknown account is an error" "$?" 1
check "... saying so, with the names" grep -q "no account 'nobody' in the store (accounts: 'a1', 'a2')" "$T/err"
sl log --account nobody >"$T/out" 2>"$T/err"
is "log of an unknown account is an error" "$?" 1
is "log without --account lists every account" "$(sl log -n 1000000 | wc -l)" "$(( $(sl log -n 1000000 --account a1 | wc -l) + $(sl log -n 1000000 --account a2 | wc -l) ))"

# The dashboard.
start_serve --no-covers
get() { curl -s -o "$T/body" -w '%{http_code}' "$URL$1"; }
is "/ is the picker" "$(get /)" 200
check "... linking each account's pages" sh -c "grep -q 'href=\"u/a1/\"' '$T/body' && grep -q 'href=\"u/a2/\"' '$T/body'"
is "an unprefixed page is a 404 with several accounts" "$(get /calendar-2023.html)" 404
is "an unknown account is a 404" "$(get /u/nobody/)" 404
is "/api/accounts" "$(get /api/accounts >/dev/null; cat "$T/body")" \
	'{"accounts":[{"name":"a1","url":"/u/a1/","api":"/api/u/a1/"},{"name":"a2","url":"/u/a2/","api":"/api/u/a2/"}]}'
# a track and an artist only a2 played
A2_TRACK=$(sqlite3 "$DATA/spinlog.db" "SELECT min(track_id) FROM plays p JOIN accounts a ON a.id = p.account_id WHERE a.name = 'a2' AND track_name LIKE 'Only a2 %'")
A1_TRACK=$(sqlite3 "$DATA/spinlog.db" "SELECT min(track_id) FROM plays p JOIN accounts a ON a.id = p.account_id WHERE a.name = 'a1' AND track_name LIKE 'Only a1 %'")
DAY=$(sl log -n 1000000 --account a1 --format jsonl | sed -n '100s/.*"played_at":"\([0-9-]*\)T.*/\1/p')
check "a day of a1's ($DAY) and tracks of a1 and a2 ($A1_TRACK, $A2_TRACK)" test -n "$DAY" -a -n "$A1_TRACK" -a -n "$A2_TRACK"
leaks=0 pages=0
for p in "" index.html calendar-2023.html year-2023.html calendar-2024.html year-2024.html \
	alltime.html coverage-2023.html "day-$DAY.html" "track-$A1_TRACK.html" \
	"search.html?q=only" "month-${DAY%-*}.html" api/years; do
	for u in "/u/a1/$p" "/api/u/a1/${p#api/}"; do
		case $u in /api/u/a1/api/*) ;; /api/*) continue ;; esac
		c=$(get "$u")
		pages=$((pages + 1))
		[ "$c" = 200 ] || { not_ok "GET $u: $c"; continue; }
		if grep -q "Only a2" "$T/body"; then leaks=$((leaks + 1)); echo "# $u names a2's tracks"; fi
	done
done
is "a1's $pages pages never name a2's tracks" "$leaks" 0
get /u/a1/year-2023.html >/dev/null
check "a1's year names a1's tracks" grep -q "Only a1 Song" "$T/body"
is "a2's track under /u/a1/ is a 404" "$(get "/u/a1/track-$A2_TRACK.html")" 404
is "... and under the API" "$(get "/api/u/a1/track/$A2_TRACK")" 404
is "... but a2's own" "$(get "/u/a2/track-$A2_TRACK.html")" 200
is "a2's artist under /u/a1/ is a 404" "$(get "/u/a1/artist-$A2_ARTIST.html")" 404
for y in 2023 2024; do
	get "/api/u/a1/summary?year=$y" >/dev/null
	"$YJ" "$T/alone1/spinlog.db" a1 $y | sed -n 2p >"$T/want"
	printf '%s\n' "$(cat "$T/body")" >"$T/got"
	check "/api/u/a1/summary?year=$y is a1's alone" cmp -s "$T/got" "$T/want"
done

# A hostile account name is escaped in the picker and its pages.
sqlite3 "$DATA/spinlog.db" "INSERT INTO accounts (name, created_ms) VALUES ('<b>x\"&''y %2F', 0)"
sleep 2.5 # the server sees the new account at its next check
get / >/dev/null
check "the picker escapes a hostile name" grep -q '&lt;b&gt;x&quot;&amp;&#39;y %2F\|&lt;b&gt;x&quot;&amp;&#x27;y %2F\|&lt;b&gt;x&quot;&amp;'"'"'y %2F' "$T/body"
check "... and percent-encodes its link" grep -q 'href="u/%3Cb%3Ex%22%26%27y%20%252F/"' "$T/body"
check "... with no raw markup" sh -c "! grep -q '<b>x' '$T/body'"
is "its pages are reachable" "$(get '/u/%3Cb%3Ex%22%26%27y%20%252F/')" 200
is "its API too" "$(get '/api/u/%3Cb%3Ex%22%26%27y%20%252F/years'; cat "$T/body")" '200{"years":[]}'

check "... and escape nothing raw" sh -c "! grep -q '<b>x' '$T/body'"
kill "$SERVE_PID"; wait "$SERVE_PID" 2>/dev/null
sqlite3 "$DATA/spinlog.db" "DELETE FROM accounts WHERE name LIKE '<b>%'"

# Five accounts.
for i in 3 4 5; do
	check "a$i imported into the shared store" sl import --account "a$i" "$T"/exp/a$i/*.json
done
for i in 1 2 3 4 5; do same_as_alone $i; done
sl site --account a3 --out "$T/site3" --no-covers >/dev/null 2>"$T/err"
is "site --account a3" "$?" 0
is "a3's site names no other account's tracks" "$(grep -rlE 'Only a[1245] ' "$T/site3" | wc -l)" 0
check "... and a3's" grep -rqE 'Only a3 ' "$T/site3"
done_testing
