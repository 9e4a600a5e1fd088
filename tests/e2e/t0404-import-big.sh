#!/usr/bin/env bash
# A big import (over 64 MB: the path that writes each file while the next
# ones are parsed) gives the same plays as an independent count, falls back
# to the merging path when account data or stored plays are involved, and
# stays atomic when a late file is bad.
. "$(dirname "$0")/lib.sh"
db() { sqlite3 "$DATA/spinlog.db" "$@"; }
G="$T/gen"
python3 "$ROOT/bench/import_gen.py" "$G" 100000 3 >/dev/null
read -r want want30 wantpod < <(python3 - "$G" <<'PY'
import json, os, sys
recs = []
for n in sorted(os.listdir(sys.argv[1])):
    recs += json.load(open(os.path.join(sys.argv[1], n)))
print(len(recs), sum(r["ms_played"] >= 30000 for r in recs),
      sum(1 for r in recs if r["spotify_episode_uri"]))
PY
)
check "the generated export is big enough for the streaming path" \
	test "$(du -sm "$G" | cut -f1)" -ge 64

# a bad last file: nothing is imported
cp "$G/Streaming_History_Audio_6.json" "$T/keep.json"
head -c 100000 "$T/keep.json" >"$G/Streaming_History_Audio_6.json"
sl import "$G" >"$T/out" 2>"$T/err"
check "a truncated late file fails the import" test $? -ne 0
check "the message names it" grep -q 'Streaming_History_Audio_6.json: record [0-9]*: the file ends' "$T/err"
is "no play was written" "$(db 'SELECT count(*) FROM plays' 2>/dev/null || echo 0)" 0
cp "$T/keep.json" "$G/Streaming_History_Audio_6.json"

sl import "$G" >"$T/out" 2>"$T/err"
check "the big import succeeds" test $? -eq 0
is "summary" "$(sed 's/ (account.*//' "$T/out")" \
	"7 files, $want records, $want new events, 0 merged, 0 duplicates dropped, 0 ignored files"
is "plays" "$(db 'SELECT count(*) FROM plays')" "$want"
is "plays of 30 s or more" "$(db 'SELECT count(*) FROM plays WHERE ms_played >= 30000')" "$want30"
is "podcast plays" "$(db "SELECT count(*) FROM plays WHERE kind = 'podcast'")" "$wantpod"
if on_postgres; then
	is "the indexes are there" "$(db "SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes WHERE tablename = 'play_rows'")" \
		"play_rows_account_time,play_rows_item,play_rows_name_key,play_rows_pkey,play_rows_time"
	skip "the database is in WAL mode again" "SQLite's journal; the server keeps its own"
	skip "integrity check" "PRAGMA integrity_check is SQLite's"
else
	is "the indexes are back" "$(db "SELECT group_concat(name) FROM (SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'play_rows' ORDER BY name)")" \
		"play_rows_track,plays_api_key,plays_time"
	is "the database is in WAL mode again" "$(db 'PRAGMA journal_mode')" wal
	check "integrity check" test "$(db 'PRAGMA integrity_check')" = ok
fi

db .dump >"$T/d1"
sl import "$G" >"$T/out" 2>&1
check "importing again: all duplicates" grep -q "0 new events, 0 merged, $want duplicates dropped" "$T/out"
db .dump >"$T/d2"
check "importing again changes nothing" cmp -s "$T/d1" "$T/d2"

# account data in a big import takes the merging path: each account-data
# record written from the same plays merges into its extended record
store_reset
python3 - "$G" <<'PY'
import json, os, sys
d = sys.argv[1]
recs = json.load(open(os.path.join(d, "Streaming_History_Audio_0.json")))
acc = [{"endTime": r["ts"][:10] + " " + r["ts"][11:16],
        "artistName": r["master_metadata_album_artist_name"],
        "trackName": r["master_metadata_track_name"], "msPlayed": r["ms_played"]}
       for r in recs if r["spotify_track_uri"]]
json.dump(acc, open(os.path.join(d, "StreamingHistory_music_0.json"), "w"), indent=2)

PY
nacc=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$G/StreamingHistory_music_0.json")
sl import "$G" >"$T/out" 2>"$T/err"
check "big import with account data succeeds" test $? -eq 0
is "account data merged, nothing added twice" "$(sed 's/ (account.*//' "$T/out")" \
	"8 files, $((want + nacc)) records, $want new events, $nacc merged, 0 duplicates dropped, 0 ignored files"
is "merged rows carry both sources" "$(db 'SELECT count(*) FROM plays WHERE sources = 6')" "$nacc"
done_testing
