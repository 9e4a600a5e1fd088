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

pg_require
# names of their own: a cluster may be shared by a whole run (scripts/run-tests)
DBF=fix_$$ DBS=pipe_$$
PGF=$(pg_createdb "$DBF") || not_ok "createdb $DBF"
PGS=$(pg_createdb "$DBS") || not_ok "createdb $DBS"


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
check "the database holds the plays" test "$(pg_psql "$DBF" 'SELECT count(*) FROM play_rows')" -gt 1000
check "names are stored once" test "$(pg_psql "$DBF" 'SELECT count(*) FROM items')" -lt \
	"$(pg_psql "$DBF" 'SELECT count(*) FROM play_rows')"
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
check "the pipeline stored plays in postgresql" test "$(pg_psql "$DBS" 'SELECT count(*) FROM play_rows')" -gt 10
check "and catalog rows" test "$(pg_psql "$DBS" 'SELECT count(*) FROM tracks')" -gt 5
same_output "export of the pipeline" sqlite "$T/sim-sq" "$PGS" "$T/sim-pg" \
	export --utc --extended --with-provenance
YEAR=$(sl_on sqlite "$T/sim-sq" export --utc | tail -1 | jq -r '.played_at[0:4]')
same_output "wrapped of the pipeline" sqlite "$T/sim-sq" "$PGS" "$T/sim-pg" wrapped --year "$YEAR"
same_output "log of the pipeline" sqlite "$T/sim-sq" "$PGS" "$T/sim-pg" log -n 200

# The static site (every page: years, months, weeks, days, tracks, albums,
# artists, all time) is the same files, byte for byte.
for e in sqlite "$PGS"; do
	d=$([ "$e" = sqlite ] && echo sq || echo pg)
	sl_on "$e" "$T/sim-$d" site --out "$T/site-$d" --no-covers >/dev/null 2>"$T/site-$d.err"
	# the simulators' ports differ (cover urls)
	grep -rlZ '127\.0\.0\.1:' "$T/site-$d" | xargs -0 -r sed -i 's/127\.0\.0\.1:[0-9]*/127.0.0.1:PORT/g'
done
npages=$(find "$T/site-sq" -name '*.html' | wc -l)
nnav=$(find "$T/site-sq" -name 'artist-*.html' -o -name 'album-*.html' | wc -l)
check "the site has artist and album pages ($nnav of $npages pages)" test "$nnav" -gt 2
if diff -r "$T/site-sq" "$T/site-pg" >"$T/site.diff"; then
	ok "the site of the pipeline: the same $npages pages"
else
	not_ok "the site of the pipeline"
	grep '^diff ' "$T/site.diff" | head -10 | sed 's/^/#   /'
	head -c 600 "$T/site.diff" | sed 's/^/#   /'
fi

# serve on each store: navigation pages and the JSON API (range, search),
# then the ListenBrainz endpoint: the same listens submitted to each, read
# back the same (less the time each was received).
serve_on() { # ENGINE DIR: starts serve, sets URL
	local url=$1 dir=$2
	if [ "$url" = sqlite ]; then serve_bg --data-dir "$dir" -- --no-covers; else
		serve_bg --data-dir "$dir" --set "store.url=$url" -- --no-covers; fi
}
ARTIST=$(cd "$T/site-sq" && ls artist-*.html | head -1)
ALBUM=$(cd "$T/site-sq" && ls album-*.html | head -1)
WORD=$(sl_on sqlite "$T/sim-sq" export --utc | tail -1 | jq -r '.track_name' | cut -d' ' -f1)
NOWS=$(date +%s)
LB='{"listen_type":"import","payload":[{"listened_at":'$((NOWS - 7200))',"track_metadata":{"artist_name":"Kate Bush","track_name":"Cloudbusting","release_name":"Hounds of Love","additional_info":{"duration_ms":310000,"tags":["art pop"]}}},{"listened_at":'$((NOWS - 3600))',"track_metadata":{"artist_name":"Björk","track_name":"Jóga","additional_info":{"duration_ms":305000}}}]}'
for e in sqlite "$PGS"; do
	d=$([ "$e" = sqlite ] && echo sq || echo pg)
	tok=$(sl_on "$e" "$T/sim-$d" token create --account main 2>/dev/null)
	serve_on "$e" "$T/sim-$d"
	for u in "/$ARTIST" "/$ALBUM" "/alltime.html?from=$YEAR-01-01&to=$YEAR-12-31" \
		"/api/summary?from=$YEAR-01-01&to=$YEAR-06-30" "/search.html?q=$WORD" \
		"/api/years"; do
		printf '== %s\n' "$u"
		curl -s "$URL$u" | sed 's/127\.0\.0\.1:[0-9]*/127.0.0.1:PORT/g'
	done >"$T/nav-$d.out"
	printf '%s' "$LB" | curl -s -o /dev/null -w '%{http_code}\n' -X POST \
		-H "Authorization: Token $tok" --data-binary @- "$URL/1/submit-listens" >"$T/lb-$d.out"
	for u in "/1/user/main/listens?count=5" "/1/user/main/listen-count" \
		"/1/user/main/listens?min_ts=$((NOWS - 5000))"; do
		curl -s "$URL$u" | jq -S 'del(.. | .inserted_at?)'
	done >>"$T/lb-$d.out"
	kill "$SERVE_PID"
	wait "$SERVE_PID" 2>/dev/null
done
check "the navigation pages answered" grep -q "<html" "$T/nav-sq.out"
if cmp -s "$T/nav-sq.out" "$T/nav-pg.out"; then
	ok "navigation pages and API: the same $(wc -c <"$T/nav-sq.out") bytes"
else
	not_ok "navigation pages and API"
	diff "$T/nav-sq.out" "$T/nav-pg.out" | head -10 | sed 's/^/#   /'
fi
check "the listens were accepted" test "$(head -1 "$T/lb-sq.out")" = 200
check "and read back" grep -q Cloudbusting "$T/lb-sq.out"
if cmp -s "$T/lb-sq.out" "$T/lb-pg.out"; then
	ok "listenbrainz read-backs: the same $(wc -c <"$T/lb-sq.out") bytes"
else
	not_ok "listenbrainz read-backs"
	diff "$T/lb-sq.out" "$T/lb-pg.out" | head -10 | sed 's/^/#   /'
fi

# What a user meets when the server is not there: the url, masked, and what to do.
sl_on "postgresql://bob:hunter2@127.0.0.1:1/none" "$T/x" status >/dev/null 2>"$T/conn.err"
check "a connection error says what to do" grep -q \
	"cannot connect to postgresql://bob:\*\*\*\*\*\*\*\*@127.0.0.1:1/none: .*; is the server running?" "$T/conn.err"
check "and never shows the password" sh -c "! grep -q hunter2 '$T/conn.err'"
sl_on "postgresql://bob:hunter2@127.0.0.1:1/none" "$T/x" config >"$T/config.out"
check "'spinlog config' masks the password" sh -c \
	"grep -q 'store.url = postgresql://bob:\*\*\*\*\*\*\*\*@127.0.0.1:1/none' '$T/config.out' && ! grep -q hunter2 '$T/config.out'"
done_testing
