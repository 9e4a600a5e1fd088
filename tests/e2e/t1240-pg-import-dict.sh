#!/usr/bin/env bash
# The PostgreSQL import's dictionary (postgres/dict.c, issue 12's speed):
# plays go to the server as integers, their texts and items given ids by
# the import. Imports in two steps (the extended history, then the account
# data, whose plays merge by names: text_put between the dictionary's own
# rows) give the same export bytes as SQLite; every play's item and texts
# exist, no text is stored twice, play ids follow the input without holes,
# a deleted play takes its fingerprints along (migration 6: no foreign
# keys, a statement trigger). A first import of more than 100,000 plays
# builds play_rows' indexes at its end; its --dry-run leaves them standing.
# Always runs on a private PostgreSQL cluster, whatever SPINLOG_TEST_STORE.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-pg.sh"

pg_require
DB=dict_$$ BIG=dictbig_$$
PG=$(pg_createdb "$DB") || not_ok "createdb $DB"
PGB=$(pg_createdb "$BIG") || not_ok "createdb $BIG"
q() { pg_psql "$DB" "$1"; }

EXT=$(ls "$FIXTURES"/Streaming_History_Audio_*.json)
ACC=$T/StreamingHistory_music_0.json
jq '[(.[:400][] | select(.master_metadata_track_name != null) | {endTime: (.ts | sub("T"; " ") | .[0:16]),
	artistName: .master_metadata_album_artist_name, trackName: .master_metadata_track_name,
	msPlayed: .ms_played}), (range(50) as $i | {endTime: "2026-01-02 10:\($i + 10)",
	artistName: "new artist \($i % 7)", trackName: "new\ttrack\\ \($i)", msPlayed: 200000})]' \
	"$EXT" >"$ACC" || not_ok "account data from the extended history"
for e in sqlite "$PG"; do
	d=$T/$([ "$e" = sqlite ] && echo sq || echo pg)
	check "the extended history ($([ "$e" = sqlite ] && echo sqlite || echo postgresql))" \
		sl_on "$e" "$d" import $EXT
	sl_on "$e" "$d" import "$ACC" >"$T/acc.out" 2>&1 || not_ok "the account data into $e"
done
sed 's/^/# postgresql: /' "$T/acc.out"
check "the account data merged plays by names" grep -Eq ' [1-9][0-9]* merged' "$T/acc.out"
check "and added plays after the merges" grep -Eq ' [1-9][0-9]* new events' "$T/acc.out"
sl_on sqlite "$T/sq" export --utc --extended --with-provenance >"$T/sq.jsonl"
sl_on "$PG" "$T/pg" export --utc --extended --with-provenance >"$T/pg.jsonl"
if [ -s "$T/sq.jsonl" ] && cmp -s "$T/sq.jsonl" "$T/pg.jsonl"; then
	ok "the export is SQLite's: $(wc -c <"$T/sq.jsonl") bytes"
else
	not_ok "the export is SQLite's"
	diff "$T/sq.jsonl" "$T/pg.jsonl" | head -6 | sed 's/^/#   /'
fi
is "every play's item exists" \
	"$(q 'SELECT count(*) FROM play_rows p LEFT JOIN items i ON i.id = p.item WHERE i.id IS NULL')" 0
is "every text a play or item names exists" "$(q "SELECT count(*) FROM (SELECT unnest(ARRAY[
	kind, reason_start, reason_end, platform, country, ip_addr, user_agent]) v FROM play_rows
	UNION ALL SELECT unnest(ARRAY[track_id, episode_id, track_name, artist_name, album_name])
	FROM items) x WHERE v != 0 AND NOT EXISTS (SELECT 1 FROM texts t WHERE t.id = x.v)")" 0
is "no text is stored twice" "$(q 'SELECT count(*) - count(DISTINCT s) FROM texts')" 0
is "no item is stored twice" "$(q 'SELECT count(*) - count(DISTINCT (track_id, episode_id,
	track_name, artist_name, album_name)) FROM items')" 0
is "play ids follow the input without holes" \
	"$(q 'SELECT max(id) - count(*) FROM play_rows')" 0
n=$(q 'SELECT count(*) FROM play_fps')
check "the plays have fingerprints" test "$n" -gt 1000
gone=$(q 'SELECT count(*) FROM play_fps WHERE play_id IN (SELECT id FROM play_rows ORDER BY id LIMIT 5)')
q 'DELETE FROM plays WHERE id IN (SELECT id FROM play_rows ORDER BY id LIMIT 5)'
is "a deleted play takes its fingerprints along" "$(q 'SELECT count(*) FROM play_fps')" $((n - gone))
is "no fingerprint of a play that is gone" \
	"$(q 'SELECT count(*) FROM play_fps WHERE play_id NOT IN (SELECT id FROM play_rows)')" 0
sl_on "$PG" "$T/pg" import "$ACC" $EXT >"$T/again.out" 2>&1
check "importing again gives back the 5 plays deleted, nothing else" grep -q ' 5 new events' "$T/again.out"

# A first import of more than 100,000 plays: indexes built at the end.
python3 "$ROOT/tests/tools/accounts_gen.py" "$T/big" 110000 3 big || not_ok "generate 110,000 plays"
idx() { pg_psql "$BIG" "SELECT string_agg(indexname, ' ' ORDER BY indexname) FROM pg_indexes
	WHERE tablename = 'play_rows'"; }
want="play_rows_account_time play_rows_item play_rows_name_key play_rows_pkey play_rows_time"
sl_on "$PGB" "$T/big-d" account add big >/dev/null 2>&1
check "a --dry-run of 110,000 plays" sl_on "$PGB" "$T/big-d" import --dry-run "$T"/big/*.json
is "leaves the indexes standing" "$(idx)" "$want"
is "and no play" "$(pg_psql "$BIG" 'SELECT count(*) FROM play_rows')" 0
check "the import of 110,000 plays" sl_on "$PGB" "$T/big-d" import "$T"/big/*.json
is "builds the indexes again" "$(idx)" "$want"
is "holds every play" "$(pg_psql "$BIG" 'SELECT count(*) FROM play_rows')" 110000
plan=$(pg_psql "$BIG" "EXPLAIN SELECT played_ms FROM play_rows WHERE account_id = 1
	AND played_ms BETWEEN 0 AND 1000")
check "a year of one account reads play_rows_account_time" grep -q play_rows_account_time <<<"$plan"
done_testing
