#!/usr/bin/env bash
# issue 10: plays known by names only (account data) join the id track of
# the same normalised artist and title (track_keys.canon, filled at the end
# of each import). Input: the simulator's extended export of three days,
# split in time: the first part as the extended history (ids), the rest as
# account data (names only), 10 minutes apart so no play merges across.
# Truth: jq over both files with doc/import.md's counting rule.
. "$(dirname "$0")/lib.sh"

start_sim --seed 31
advance 4320
sim_get "/_sim/export?user=user1&package=account" >"$T/account.zip"
sim_get "/_sim/export?user=user1&package=extended" >"$T/extended.zip"
mkdir -p "$T/a" "$T/e" "$T/in"
unzip -q -o "$T/account.zip" -d "$T/a" && unzip -q -o "$T/extended.zip" -d "$T/e"
jq -s 'add' "$T"/e/*/Streaming_History_Audio_*.json >"$T/e.all"
jq -s 'add' "$T"/a/*/StreamingHistory_music_*.json >"$T/a.all"
cut=$(jq '[.[] | .ts | fromdateiso8601] | sort | .[length / 2 | floor]' "$T/e.all")
year=$(jq -rn --argjson c "$cut" '$c | strftime("%Y")')
jq --argjson c "$cut" '[.[] | select((.ts | fromdateiso8601) < $c)]' "$T/e.all" \
	>"$T/in/Streaming_History_Audio_$year.json"
jq --argjson c "$cut" '[.[] | select((.endTime | sub(" "; "T") + ":00Z" | fromdateiso8601) >= $c + 600)]' \
	"$T/a.all" >"$T/in/StreamingHistory_music_0.json"
ne=$(jq length "$T/in/Streaming_History_Audio_$year.json")
na=$(jq length "$T/in/StreamingHistory_music_0.json")
check "both parts have plays ($ne extended, $na account data)" test "$ne" -gt 20 -a "$na" -gt 20
check "the extended part imports" sl import "$T/in/Streaming_History_Audio_$year.json"
check "the account-data part imports" sl import "$T/in/StreamingHistory_music_0.json"

# counted plays of year Y by (title, artist), from both parts
jq -s --arg y "$year" '
	(.[0] | map(select(.spotify_track_uri != null and .ms_played >= 30000 and .ts[0:4] == $y)
		| {t: .master_metadata_track_name, a: .master_metadata_album_artist_name, ms: .ms_played, s: "e"}))
	+ (.[1] | map(select(.msPlayed >= 30000 and .endTime[0:4] == $y)
		| {t: .trackName, a: .artistName, ms: .msPlayed, s: "a"}))
	| group_by([.a, .t]) | map({t: .[0].t, a: .[0].a, n: length, ms: (map(.ms) | add),
		both: ((map(.s) | unique | length) == 2)})
	| sort_by(-.n, -.ms)' "$T/in/Streaming_History_Audio_$year.json" "$T/in/StreamingHistory_music_0.json" >"$T/songs.json"
top=$(jq -r '.[0] | "\(.t) — \(.a)  (\(.n) plays"' "$T/songs.json")
is "the top song has plays in both parts" "$(jq '.[0].both' "$T/songs.json")" true
sl wrapped --year "$year" >"$T/w.out" 2>&1
check "wrapped runs" test $? -eq 0
grep -E "^   [0-9]+\." "$T/w.out" | sed 's/^/# /'
check "the top track is '$top' (both parts' plays)" grep -qF "   1. $top" "$T/w.out"
# the first numbered list is the top tracks
dups=$(grep -E "^ +[0-9]+\. " "$T/w.out" | awk '/^ +1\. / && NR > 1 { exit } 1' | sed -E 's/^ +[0-9]+\. //; s/  \([0-9]+ plays.*//' | sort | uniq -d)
is "no track is listed twice" "$dups" ""
done_testing
