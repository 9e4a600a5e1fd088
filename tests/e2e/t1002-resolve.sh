#!/usr/bin/env bash
# issue 10: 'spinlog resolve' finds Spotify ids for account-data plays
# (names, no id) with the simulator's /v1/search in development mode
# (limit 10). The account data carries realistic name noise (noise=1: case,
# feat. credits, remaster suffixes, decomposed accents, a few names the
# catalog does not have). Truth: the extended export of the same plays.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-etl.sh"
. "$(dirname "$0")/lib-resolve.sh"

resolve_fixture
plays=$PLAYS pairs=$PAIRS
check "music plays without ids ($plays plays, $pairs names)" test "$pairs" -gt 20
is "none has an id yet" "$(db "SELECT count(*) FROM plays WHERE track_id IS NOT NULL")" 0

sl resolve >"$T/r1.out" 2>"$T/r1.err"
check "resolve runs" test $? -eq 0
sed 's/^/# /' "$T/r1.out" "$T/r1.err"
db "SELECT artist || ' | ' || track || ' | ' || why FROM resolve_names WHERE track_id IS NULL" | sed 's/^/# miss: /'
req=$(requests 'GET /v1/search')
check "requests ($req) <= distinct unresolved names ($pairs)" test "$req" -le "$pairs"
check "it asked" test "$req" -gt 0
check "the share resolved is printed" grep -qE '[0-9.]+% of the plays this run looked at resolved' "$T/r1.out"

# the truth: each play's (end minute, ms_played) -> its track id
mkdir -p "$T/ext" && unzip -q -o "$T/extended.zip" -d "$T/ext"
# (minutes since 1970, so the SQL below is the same on both engines)
jq -r '.[] | select(.spotify_track_uri != null) | "\(.ts | fromdateiso8601 / 60 | floor)|\(.ms_played)|\(.spotify_track_uri | sub("spotify:track:"; ""))"' \
	"$T"/ext/*/Streaming_History_Audio_*.json | sort -u >"$T/truth.txt"
db "SELECT (played_ms / 60000) || '|' || ms_played || '|' || track_id FROM plays WHERE track_id IS NOT NULL" | sort >"$T/got.txt"
resolved=$(wc -l <"$T/got.txt" | tr -d ' ')
wrong=$(comm -23 "$T/got.txt" "$T/truth.txt" | wc -l | tr -d ' ')
check "plays resolved ($resolved of $plays)" test "$resolved" -gt $((plays / 2))
is "every id given is the true one" "$wrong" 0
[ "$wrong" -eq 0 ] || comm -23 "$T/got.txt" "$T/truth.txt" | head -5 | sed 's/^/# wrong: /'
# feat., remaster, case and NFD names are resolved; "(Demo)" names are not
check "a feat. name resolved" test "$(db "SELECT count(*) FROM plays WHERE track_name LIKE '% (feat. %' AND track_id IS NOT NULL")" -gt 0
check "a remaster name resolved" test "$(db "SELECT count(*) FROM plays WHERE track_name LIKE '% - Remastered 2011' AND track_id IS NOT NULL")" -gt 0
demo=$(db "SELECT count(*) FROM resolve_names WHERE track LIKE '% (Demo)'")
check "names not in the catalog were asked ($demo)" test "$demo" -gt 0
is "and stay unresolved" "$(db "SELECT count(*) FROM plays WHERE track_name LIKE '% (Demo)' AND track_id IS NOT NULL")" 0
is "with a reason" "$(db "SELECT count(*) FROM resolve_names WHERE track LIKE '% (Demo)' AND (track_id IS NOT NULL OR why NOT LIKE 'no match%')")" 0

sl resolve >"$T/r2.out" 2>"$T/r2.err"
check "a second resolve runs" test $? -eq 0
sed 's/^/# /' "$T/r2.out"
is "a second run makes no request" "$(requests 'GET /v1/search')" "$req"
check "it says 0 requests" grep -q "; 0 requests;" "$T/r2.out"
check "and reports what stayed unresolved" grep -qE "still without an id: [1-9][0-9]* plays" "$T/r2.out"
sl etl >"$T/etl.out" 2>&1
check "etl after resolve runs" test $? -eq 0
is "etl asks no search either" "$(requests 'GET /v1/search')" "$req"
done_testing
