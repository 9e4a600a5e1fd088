#!/usr/bin/env bash
# An import killed with SIGKILL at 20 random moments, on PostgreSQL and on
# SQLite (issue 12): the account's plays are always the old set or the new
# set, never a part (their count and a digest of every column but the ids,
# after each kill), and the import run again after the kill lands whole (the
# new set). The old set is one generated export (bench/import_gen.py, seed
# 1); the import killed brings a second one (seed 2) over the same years,
# so it adds plays and merges into old ones. Each kill starts from a fresh
# copy of the old store. The moments are uniform over the time a whole
# import took here (measured first), plus a tenth. Always on a private
# PostgreSQL cluster, whatever SPINLOG_TEST_STORE says.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-pg.sh"

pg_require
KILLS=${KILLS:-20}
X=_$$  # database names of this run (the cluster may be shared)
RANDOM=${KILL_SEED:-1211}
python3 "$ROOT/bench/import_gen.py" "$T/old" 2000 1 >/dev/null
python3 "$ROOT/bench/import_gen.py" "$T/new" 6000 2 >/dev/null

COLS="played_ms, precision_ms, kind, track_id, episode_id, track_name, artist_name,
 album_name, ms_played, context_uri, reason_start, reason_end, skipped, shuffle, offline,
 offline_ms, incognito, platform, country, ip_addr, user_agent, sources, name_key"
ORDER=$(seq -s, 1 23)
Q="SELECT $COLS FROM plays WHERE account_id = (SELECT id FROM accounts WHERE name = 'main') ORDER BY $ORDER"
# plays_of ENGINE WHERE: "COUNT DIGEST" of the account's plays.
plays_of() {
	if [ "$1" = sqlite ]; then
		command sqlite3 -cmd '.timeout 10000' "$2" "$Q" >"$T/rows"
	else
		pg_psql "$2" "$Q" >"$T/rows"
	fi
	echo "$(wc -l <"$T/rows") $(md5sum <"$T/rows" | cut -c1-32)"
}
url_of() { if [ "$1" = sqlite ]; then echo "sqlite:$2"; else pg_url "$2"; fi; }
imp() { "$SPINLOG" --data-dir "$T/d" --set "store.url=$(url_of "$1" "$2")" import "$3"; }
# fresh ENGINE NAME: a new store NAME holding the old set.
fresh() {
	if [ "$1" = sqlite ]; then
		cp "$T/old.db" "$T/$2"
	else
		"$PG_BIN/createdb" -h "$PG_SOCK" -U postgres -T "old$X" "$2"
	fi
}

for e in postgresql sqlite; do
	if [ $e = sqlite ]; then base=$T/old.db; else "$PG_BIN/createdb" -h "$PG_SOCK" -U postgres -T template0 "old$X"; base=old$X; fi
	check "$e: the old set imports" quiet imp $e "$base" "$T/old"
	[ $e = sqlite ] && command sqlite3 "$T/old.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
	OLD=$(plays_of $e "$base")
	fresh $e "$([ $e = sqlite ] && echo ref || echo "ref$X")"
	t0=$(date +%s%N)
	check "$e: the new set imports whole" quiet imp $e "$([ $e = sqlite ] && echo "$T/ref" || echo "ref$X")" "$T/new"
	ms=$((($(date +%s%N) - t0) / 1000000))
	NEW=$(plays_of $e "$([ $e = sqlite ] && echo "$T/ref" || echo "ref$X")")
	echo "# $e: old set $OLD, new set $NEW; a whole import took $ms ms"
	check "$e: the two sets differ" test "${OLD%% *}" -lt "${NEW%% *}"
	seen_old=0 seen_new=0 bad=0
	for k in $(seq 1 "$KILLS"); do
		db=k$k$X
		fresh $e "$db"
		where=$([ $e = sqlite ] && echo "$T/$db" || echo "$db")
		at=$((RANDOM % (ms + ms / 10 + 1)))
		# exec: $! is spinlog itself, not a subshell around it
		(exec "$SPINLOG" --data-dir "$T/d" --set "store.url=$(url_of $e "$where")" \
			import "$T/new" >/dev/null 2>&1) &
		pid=$!
		sleep "$(printf '%d.%03d' $((at / 1000)) $((at % 1000)))"
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		got=$(plays_of $e "$where")
		case $got in
		"$OLD") seen_old=$((seen_old + 1)); what=old ;;
		"$NEW") seen_new=$((seen_new + 1)); what=new ;;
		*) bad=$((bad + 1)); what="a part: $got" ;;
		esac
		echo "# $e: kill $k at $at ms: $what"
		imp $e "$where" "$T/new" >/dev/null 2>&1
		is "$e: kill $k at $at ms: the old or the new set, and the import again lands whole" \
			"$([ "$what" = old ] || [ "$what" = new ] && echo yes || echo "$what") $(plays_of $e "$where")" "yes $NEW"
		[ $e = sqlite ] && rm -f "$T/$db"*
		[ $e = postgresql ] && "$PG_BIN/dropdb" -h "$PG_SOCK" -U postgres "$db"
	done
	echo "# $e: $seen_old kills left the old set, $seen_new the new set, $bad a part"
	check "$e: some kills landed inside the import" test "$seen_old" -gt 0
	is "$e: no kill left a part" "$bad" 0
	if [ $e = postgresql ]; then
		"$PG_BIN/dropdb" -h "$PG_SOCK" -U postgres "old$X"
		"$PG_BIN/dropdb" -h "$PG_SOCK" -U postgres "ref$X"
	fi
done

# store copy is one transaction on the destination too: a copy killed
# into PostgreSQL (from the SQLite store of the new set) leaves it empty,
# and the copy run again lands whole.
SRC=sqlite:$T/ref
t0=$(date +%s%N)
"$PG_BIN/createdb" -h "$PG_SOCK" -U postgres -T template0 "cref$X"
check "store copy into postgresql" quiet "$SPINLOG" --data-dir "$T/d" --set "store.url=$SRC" \
	store copy --to "$(pg_url "cref$X")"
ms=$((($(date +%s%N) - t0) / 1000000))
WHOLE=$(pg_psql "cref$X" "SELECT (SELECT count(*) FROM play_rows) + (SELECT count(*) FROM accounts)")
for k in 1 2 3 4 5; do
	"$PG_BIN/createdb" -h "$PG_SOCK" -U postgres -T template0 "c$k$X"
	at=$((RANDOM % (ms * 9 / 10 + 1)))
	(exec "$SPINLOG" --data-dir "$T/d" --set "store.url=$SRC" store copy \
		--to "$(pg_url "c$k$X")" >/dev/null 2>&1) &
	pid=$!
	sleep "$(printf '%d.%03d' $((at / 1000)) $((at % 1000)))"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	# (killed before its schema was made, the destination has no tables: one
	# statement naming play_rows would then fail to parse, so two)
	n=0
	if [ "$(pg_psql "c$k$X" "SELECT to_regclass('play_rows') IS NOT NULL")" = t ]; then
		n=$(pg_psql "c$k$X" "SELECT (SELECT count(*) FROM play_rows) + (SELECT count(*) FROM accounts)")
	fi
	case $n in
	0) what=empty ;;
	"$WHOLE") what=whole ;;
	*) what="a part ($n rows)" ;;
	esac
	check "store copy killed at $at ms of $ms: the destination is empty or whole ($what)" \
		test "$what" = empty -o "$what" = whole
	if [ "$what" = empty ]; then
		check "and the copy again lands whole" quiet "$SPINLOG" --data-dir "$T/d" \
			--set "store.url=$SRC" store copy --to "$(pg_url "c$k$X")"
	fi
	"$PG_BIN/dropdb" -h "$PG_SOCK" -U postgres "c$k$X"
done
"$PG_BIN/dropdb" -h "$PG_SOCK" -U postgres "cref$X"
done_testing
