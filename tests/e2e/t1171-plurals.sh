#!/usr/bin/env bash
# Issue 11, plurals: messages say "1 file", "1 record", "1 play", "1 row"
# and "0 files", "2 records" (core/plural.h), for import, a duplicate
# import, wrapped and store digest, and no line of what they print counts
# one of anything in the plural.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/one" "$T/two"
python3 - "$T" <<'PY'
import json, sys
def rec(ts, uri, trk):
    return {"ts": ts, "platform": "linux", "ms_played": 200000, "conn_country": "DE",
            "ip_addr": None, "master_metadata_track_name": trk,
            "master_metadata_album_artist_name": "Solo Artist",
            "master_metadata_album_album_name": "One Album", "spotify_track_uri": uri,
            "episode_name": None, "episode_show_name": None, "spotify_episode_uri": None,
            "audiobook_title": None, "audiobook_uri": None, "audiobook_chapter_uri": None,
            "audiobook_chapter_title": None, "reason_start": "clickrow",
            "reason_end": "trackdone", "shuffle": False, "skipped": False, "offline": False,
            "offline_timestamp": None, "incognito_mode": False}
t = sys.argv[1]
json.dump([rec("2024-05-01T10:00:00Z", "spotify:track:4uLU6hMCjMI75M1A2tKUQC", "Only Song")],
          open(t + "/one/Streaming_History_Audio_2024.json", "w"))
json.dump([rec("2024-05-02T10:00:00Z", "spotify:track:1uLU6hMCjMI75M1A2tKUQD", "Second Song"),
           rec("2024-05-02T11:00:00Z", "spotify:track:1uLU6hMCjMI75M1A2tKUQD", "Second Song")],
          open(t + "/two/Streaming_History_Audio_2024_1.json", "w"))
json.dump([rec("2024-05-03T10:00:00Z", "spotify:track:1uLU6hMCjMI75M1A2tKUQD", "Second Song")],
          open(t + "/two/Streaming_History_Audio_2024_2.json", "w"))
PY
sl import "$T/one" >"$T/i1.out" 2>&1
is "one file, one record" "$(sed 's/ (account.*//' "$T/i1.out")" \
	"1 file, 1 record, 1 new event, 0 merged, 0 duplicates dropped, 0 ignored files"
sl import "$T/one" >"$T/i2.out" 2>&1
is "the same again: one duplicate" "$(sed 's/ (account.*//' "$T/i2.out")" \
	"1 file, 1 record, 0 new events, 0 merged, 1 duplicate dropped, 0 ignored files"
sl import "$T/two" >"$T/i3.out" 2>&1
is "two files, three records" "$(sed 's/ (account.*//' "$T/i3.out")" \
	"2 files, 3 records, 3 new events, 0 merged, 0 duplicates dropped, 0 ignored files"
sl wrapped --year 2024 >"$T/w.out" 2>&1
check "wrapped: a track played once is '1 play'" grep -q '^   2\. Only Song — Solo Artist  (1 play, 3 min)$' "$T/w.out"
check "wrapped: a track played three times is '3 plays'" grep -q '^   1\. Second Song — Solo Artist  (3 plays, 10 min)$' "$T/w.out"
check "wrapped: the biggest day" grep -q '^  biggest day      2024-05-02: 2 plays, 7 min$' "$T/w.out"
sl store digest >"$T/d.out" 2>&1
check "store digest: one account is '1 row'" grep -Eq '^accounts: 1 row, digest [0-9a-f]{64}$' "$T/d.out"
check "store digest: no pages is '0 rows'" grep -Eq '^pages: 0 rows, digest' "$T/d.out"
cat "$T"/*.out >"$T/all.txt"
is "no message counts one of anything in the plural" \
	"$(grep -cE '(^|[^0-9.,])1 (new |ignored |invalid )?[a-z]+s\b' "$T/all.txt")" 0
grep -E '(^|[^0-9.,])1 (new |ignored |invalid )?[a-z]+s\b' "$T/all.txt" | sed 's/^/# /'
done_testing
