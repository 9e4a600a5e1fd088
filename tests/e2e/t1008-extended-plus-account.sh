#!/usr/bin/env bash
# issue 10: the real extended-history fixture plus account data of the same
# period (made from it as Spotify's account data is: the end minute, artist,
# title, ms played, no id), and 5 account-data plays the extended file does
# not have. Each play is counted once: the account-data plays that match an
# extended record add no count, the 5 others do. Account data carries no
# skip flag: its plays' skips are unknown (not false), so the skip rate is
# computed over the extended plays only, and a year of account data alone
# has none. Truth: jq over the files with doc/import.md's counting rule
# (music, ms_played >= 30 s; UTC years).
. "$(dirname "$0")/lib.sh"

FIX=/work/shared/fixtures/real
[ -d "$FIX" ] || FIX="$(dirname "$0")/../../../shared/fixtures/real"
EXT="$FIX/Streaming_History_Audio_2024-2025_3.json"
AD="$FIX/StreamingHistory0.json"
check "the fixtures are there" test -f "$EXT" -a -f "$AD"
mkdir -p "$T/in"
cp "$EXT" "$T/in/"
jq '[.[] | select(.master_metadata_track_name != null) | {endTime: (.ts[0:10] + " " + .ts[11:16]),
	artistName: .master_metadata_album_artist_name, trackName: .master_metadata_track_name,
	msPlayed: .ms_played}]
	+ [range(5) | {endTime: "2024-12-2\(.) 03:0\(.)", artistName: "Nobody \(.)",
	trackName: "Only In Account Data \(.)", msPlayed: (60000 + .)}]' "$EXT" >"$T/in/StreamingHistory_music_0.json"
next=$(jq '[.[] | select(.master_metadata_track_name != null)] | length' "$EXT")
nad=$(jq length "$T/in/StreamingHistory_music_0.json")
is "the account data is the extended music plus 5" "$nad" $((next + 5))

check "both import in one go" sl import "$T/in"
is "each play is stored once ($(jq length "$EXT") extended records + 5)" \
	"$(sqlite3 "$DATA/spinlog.db" 'SELECT count(*) FROM plays')" $(( $(jq length "$EXT") + 5 ))
# two plays of a song ending in the same minute after the same ms are one
# account-data record twice (its fingerprint: minute, ms, names): a duplicate
dup=$(jq '[.[] | [.endTime, .msPlayed, .artistName, .trackName]] | length - (unique | length)' "$T/in/StreamingHistory_music_0.json")
is "every extended music play carries account data too (but $dup same-minute twins)" \
	"$(sqlite3 "$DATA/spinlog.db" 'SELECT count(*) FROM plays WHERE sources = 6')" $((next - dup))

for y in 2024 2025; do
	want=$(jq --arg y "$y" '[.[] | select(.spotify_track_uri != null and (.spotify_track_uri | startswith("spotify:track:"))
		and .ms_played >= 30000 and .ts[0:4] == $y)] | length' "$EXT")
	extra=$(jq --arg y "$y" '[.[] | select(.trackName | startswith("Only In Account Data")) |
		select(.msPlayed >= 30000 and .endTime[0:4] == $y)] | length' "$T/in/StreamingHistory_music_0.json")
	# the skip rate is over every music play with a skip flag, short ones too
	known=$(jq --arg y "$y" '[.[] | select(.spotify_track_uri != null and (.spotify_track_uri | startswith("spotify:track:"))
		and .ts[0:4] == $y and .skipped != null)] | length' "$EXT")
	sl wrapped --year "$y" >"$T/w$y" 2>&1
	grep -E '^  (plays|skip rate)' "$T/w$y" | sed "s/^/# $y /"
	check "$y: wrapped counts $want extended + $extra account-data-only plays" \
		grep -qE "^  plays +$((want + extra))\$" "$T/w$y"
	check "$y: the skip rate is over the $known extended music plays with a skip flag" \
		grep -qE "^  skip rate +[0-9.]+% \(of $known plays with a known skip flag\)" "$T/w$y"
done

# the same account data imported again into the same store adds nothing
sl import "$T/in/StreamingHistory_music_0.json" >"$T/again" 2>&1
is "importing the account data again adds no play" \
	"$(sqlite3 "$DATA/spinlog.db" 'SELECT count(*) FROM plays')" $(( $(jq length "$EXT") + 5 ))

# account data alone (another account): skips unknown, not 0.0 %
check "the real account data imports" sl import --account ad "$AD"
sl wrapped --account ad --year 2021 >"$T/w2021" 2>&1 || sl wrapped --year 2021 >"$T/w2021" 2>&1
check "account data alone: skip rate unknown" grep -qE '^  skip rate +unknown$' "$T/w2021"
is "its plays' skips are stored unknown" \
	"$(sqlite3 "$DATA/spinlog.db" "SELECT count(*) FROM plays WHERE sources = 4 AND skipped IS NOT NULL")" 0

# a store made before migration 11 (PostgreSQL's 5): account-data plays with
# skipped = false. SQLite: user_version 10, without what a later migration
# added that cannot be added twice (13: artists.image_url); PostgreSQL: the
# versions from 5 on forgotten (its migrations 5 and later run twice).
if on_postgres; then
	sqlite3 "$DATA/spinlog.db" "UPDATE play_rows SET skipped = 0, shuffle = 0, offline = 0, incognito = 0 WHERE sources = 4; DELETE FROM schema_version WHERE version >= 5"
else
	sqlite3 "$DATA/spinlog.db" "UPDATE play_rows SET flags = 85 WHERE sources = 4; ALTER TABLE artists DROP COLUMN image_url; PRAGMA user_version = 10"
fi
is "an old store has them false" \
	"$(sqlite3 "$DATA/spinlog.db" "SELECT count(*) FROM plays WHERE sources = 4 AND skipped = 0")" $((10000 + 5))
sl wrapped --year 2021 >/dev/null 2>&1
is "after the migration they are unknown" \
	"$(sqlite3 "$DATA/spinlog.db" "SELECT count(*) FROM plays WHERE sources = 4 AND skipped IS NOT NULL")" 0
is "and the merged plays keep the extended flags" \
	"$(sqlite3 "$DATA/spinlog.db" "SELECT count(*) FROM plays WHERE sources = 6 AND skipped IS NULL")" \
	"$(jq '[.[] | select(.master_metadata_track_name != null and .skipped == null)] | length' "$EXT")"
done_testing
