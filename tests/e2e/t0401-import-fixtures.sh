#!/usr/bin/env bash
# Import of the real export fixtures: counts equal an independent count made
# with python3, importing again (a file twice, the folder) changes nothing.
. "$(dirname "$0")/lib.sh"
EXT="$FIXTURES/Streaming_History_Audio_2024-2025_3.json"
ACC="$FIXTURES/StreamingHistory0.json"
db() { sqlite3 "$DATA/spinlog.db" "$@"; }

# The independent count: records, distinct records, >= 30 s, podcasts.
read -r want_records want_distinct want_30s want_podcast < <(python3 - "$EXT" "$ACC" <<'PY'
import json, sys
recs = []
for f in sys.argv[1:]:
    recs += json.load(open(f, encoding="utf-8"))
distinct = {json.dumps(r, sort_keys=True) for r in recs}
ms = lambda r: r.get("ms_played", r.get("msPlayed"))
print(len(recs), len(distinct),
      sum(1 for r in map(json.loads, distinct) if ms(r) >= 30000),
      sum(1 for r in recs if r.get("spotify_episode_uri")))
PY
)
want_dupes=$((want_records - want_distinct))

out=$(sl import "$EXT" "$ACC" 2>"$T/err")
check "import of both fixtures succeeds" test $? -eq 0
is "summary line" "$(printf %s "$out" | sed 's/ (account.*//')" \
	"2 files, $want_records records, $want_distinct new events, 0 merged, $want_dupes duplicates dropped, 0 ignored files"
is "plays stored" "$(db 'SELECT count(*) FROM plays')" "$want_distinct"
is "plays of 30 s or more" "$(db 'SELECT count(*) FROM plays WHERE ms_played >= 30000')" "$want_30s"
is "podcast rows" "$(db "SELECT count(*) FROM plays WHERE kind = 'podcast'")" "$want_podcast"
is "extended rows are second precision with the export bit" \
	"$(db 'SELECT count(*) FROM plays WHERE sources = 2 AND precision_ms = 1000')" 2570
is "account rows are minute precision with the account bit" \
	"$(db 'SELECT count(*) FROM plays WHERE sources = 4 AND precision_ms = 60000')" 10000
is "music rows carry the 22-character track id" \
	"$(db "SELECT count(*) FROM plays WHERE sources = 2 AND kind = 'music' AND length(track_id) = 22")" \
	"$(python3 -c "import json,sys; print(sum(1 for r in json.load(open(sys.argv[1])) if r['spotify_track_uri']))" "$EXT")"
is "network fields are dropped" "$(db 'SELECT count(*) FROM plays WHERE ip_addr IS NOT NULL')" 0
is "offline_timestamp in seconds is stored in ms" \
	"$(db "SELECT offline_ms FROM plays WHERE played_ms = 1732809923000")" 1732809922000
is "the account was created without credentials" "$(db 'SELECT name FROM accounts')" main
is "the import is recorded" "$(db 'SELECT files, records, added, duplicates FROM imports')" \
	"2|$want_records|$want_distinct|$want_dupes"

db .dump >"$T/dump1"
out=$(sl import "$EXT" "$EXT" 2>"$T/err")
is "the same file twice: every record a duplicate" "$(printf %s "$out" | sed 's/ (account.*//')" \
	"2 files, 5140 records, 0 new events, 0 merged, 5140 duplicates dropped, 0 ignored files"
sl import "$FIXTURES" >"$T/out" 2>"$T/err"
check "importing the folder succeeds" test $? -eq 0
check "the folder's other files are named as ignored" grep -q 'ignored ".*audio-features_82.json"' "$T/err"
check "summary counts 5 ignored files" grep -q ', 5 ignored files' "$T/out"
db .dump >"$T/dump2"
check "importing again changes nothing (.dump is the same)" cmp -s "$T/dump1" "$T/dump2"

# --dry-run writes nothing; --keep-network-fields keeps ip_addr
db .dump >"$T/dump3"
sl import --dry-run "$EXT" >/dev/null 2>&1
db .dump >"$T/dump4"
check "--dry-run leaves the database unchanged" cmp -s "$T/dump3" "$T/dump4"
store_reset
sl import --keep-network-fields "$EXT" >/dev/null 2>&1
is "--keep-network-fields keeps ip_addr" "$(db "SELECT count(*) FROM plays WHERE ip_addr = '192.0.2.1'")" 2570
done_testing
