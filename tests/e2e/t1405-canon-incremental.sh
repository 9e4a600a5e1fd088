#!/usr/bin/env bash
# issue 14 (speed): the canon pass is incremental (sqlite/namekeyed.c,
# migration 12): an import or a submission reads only the plays after
# canon_state, the pairs an UPDATE changed (canon_dirty) and the new track
# rows. Scenario: an extended history of id tracks (one credited "Duo A, Duo
# B", two ids for "Gamma"), account data of "Eta", then single ListenBrainz
# submissions of new songs, a later extended file (a second id for "Alpha",
# a new "Zeta", the "Eta" event with an id: a merge), each an incremental
# pass. Truth: the counting rule by hand (doc/import.md), and the full pass
# on a copy left as migration 12 leaves a store (no keys, votes nor state).
. "$(dirname "$0")/lib.sh"
on_postgres && sqlite_only "the incremental canon is the SQLite engine's (postgresql has its own)"
db() { sqlite3 "$DATA/spinlog.db" "$1"; }
NOW=$(date +%s)
B=$((NOW - 86400 * 30))
# ext FILE "title|artist|id|unix end" ...: an extended-history file
ext() {
	local f=$1; shift
	python3 - "$f" "$@" <<'PY'
import json, sys, time
out = []
for spec in sys.argv[2:]:
    t, a, i, ts = spec.split("|")
    out.append({"ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(ts))),
        "platform": "linux", "ms_played": 200000, "conn_country": "NL",
        "master_metadata_track_name": t, "master_metadata_album_artist_name": a,
        "master_metadata_album_album_name": "Album of " + t,
        "spotify_track_uri": "spotify:track:" + i, "reason_start": "trackdone",
        "reason_end": "trackdone", "shuffle": False, "skipped": False, "offline": False,
        "incognito_mode": False})
json.dump(out, open(sys.argv[1], "w"))
PY
}
id() { printf '%-22s' "$1" | tr ' ' 0; }
ext "$T/Streaming_History_Audio_2025_0.json" \
	"Alpha|Solo|$(id a1)|$((B + 1000))" "Beta|Duo A, Duo B|$(id b1)|$((B + 2000))" \
	"Gamma|Twin|$(id g1)|$((B + 3000))" "Gamma|Twin|$(id g2)|$((B + 4000))" \
	"Épsilon|Beyoncé|$(id e1)|$((B + 5000))" "Other|Solo|$(id o1)|$((B + 6000))"
check "the first extended file imports" sl import "$T/Streaming_History_Audio_2025_0.json"
python3 - "$T/StreamingHistory_music_0.json" "$B" <<'PY'
import json, sys, time
b = int(sys.argv[2])
json.dump([{"endTime": time.strftime("%Y-%m-%d %H:%M", time.gmtime(b + t)), "artistName": "Ether",
            "trackName": "Eta", "msPlayed": 200000} for t in (50000, 60000)]
          + [{"endTime": time.strftime("%Y-%m-%d %H:%M", time.gmtime(b + t)), "artistName": "Thor",
            "trackName": "Theta", "msPlayed": 200000} for t in (70000, 80000)], open(sys.argv[1], "w"))
PY
check "the account data of 'Eta' and 'Theta' imports" sl import "$T/StreamingHistory_music_0.json"
check "the store has a canon state (a pass ran)" test "$(db 'SELECT count(*) FROM canon_state')" -eq 1

sl token create --account main >"$T/tok" 2>"$T/tok.err"
TOK=$(cat "$T/tok")
start_serve --no-covers
n=0
submit() { # ARTIST TITLE
	n=$((n + 1))
	jq -nc --arg a "$1" --arg t "$2" --argjson ts $((B + 20000 + 600 * n)) \
		'{listen_type: "single", payload: [{listened_at: $ts, track_metadata:
		  {artist_name: $a, track_name: $t}}]}' >"$T/l.json"
	curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Token $TOK" \
		--data-binary "@$T/l.json" "$URL/1/submit-listens"
}
for s in "solo|alpha" "Duo A|Beta" "Twin|Gamma" "Nobody|Unknown" "Duo A, Duo B|Beta" \
	"beyonce|epsilon" "Zed|Zeta" "Ether|Eta"; do
	is "a single listen of '${s#*|}' by '${s%|*}' is accepted" "$(submit "${s%|*}" "${s#*|}")" 200
done
kill "$SERVE_PID"; wait "$SERVE_PID" 2>/dev/null
ext "$T/Streaming_History_Audio_2025_1.json" \
	"Alpha|Solo|$(id a2)|$((B + 40000))" "Zeta|Zed|$(id z1)|$((B + 41000))" \
	"Eta|Ether|$(id h1)|$((B + 60000))"
# one 'Theta' play given an id as 'spinlog resolve' gives it (sqlite/resolve.c's
# UPDATE through the plays view): the trigger keeps the pairs it changed
db "UPDATE plays SET track_id = '$(id t1)' WHERE id = (SELECT min(id) FROM plays WHERE track_name = 'Theta')"
is "the UPDATE left its old and new pair in canon_dirty" "$(db 'SELECT count(*) FROM canon_dirty')" 2
# a vote no play has: a full pass would drop it, an incremental one never reads it
db "INSERT INTO canon_votes (key, names, track, other, alt) VALUES (1, 999999, 999999, 0, 0)"
check "the second extended file imports" sl import "$T/Streaming_History_Audio_2025_1.json"
is "the pass was incremental (the sentinel vote is still there)" \
	"$(db 'SELECT count(*) FROM canon_votes WHERE names = 999999')" 1
db "DELETE FROM canon_votes WHERE names = 999999"
is "the dirty pairs were read and emptied, the state moved to the last play" \
	"$(db 'SELECT count(*) FROM canon_dirty') $(db 'SELECT plays FROM canon_state')" "0 $(db 'SELECT max(id) FROM play_rows')"

# canon of every name-keyed track, by its display names: "artist|title|canon id or -"
canon() {
	sqlite3 "$1" "SELECT n.artist_name || '|' || n.track_name || '|' || coalesce(c.spotify_id, '-')
		FROM track_keys k JOIN play_names n ON n.id = k.names LEFT JOIN track_keys c ON c.id = k.canon
		WHERE k.spotify_id IS NULL ORDER BY 1"
}
canon "$DATA/spinlog.db" >"$T/inc.txt"
sed 's/^/# /' "$T/inc.txt"
cat >"$T/want.txt" <<W
Duo A, Duo B|Beta|$(id b1)
Duo A|Beta|-
Ether|Eta|$(id h1)
Nobody|Unknown|-
Twin|Gamma|-
Zed|Zeta|$(id z1)
beyonce|epsilon|$(id e1)
Thor|Theta|$(id t1)
solo|alpha|-
W
LC_ALL=C sort -o "$T/want.txt" "$T/want.txt"
is "canon after the incremental passes is the counting rule's" "$(cat "$T/inc.txt")" "$(cat "$T/want.txt")"

# the same store as migration 12 leaves one: the full pass on the next import
cp -r "$DATA" "$T/full"
sqlite3 "$T/full/spinlog.db" "UPDATE track_keys SET canon = NULL;
	DELETE FROM canon_votes; DELETE FROM canon_state; DELETE FROM canon_dirty"
ext "$T/Streaming_History_Audio_2025_2.json" "Omega|Last|$(id w1)|$((B + 90000))" "Beta|Duo A, Duo B|$(id b1)|$((B + 91000))"
check "the copy imports a last file (a full pass: no canon state)" \
	"$SPINLOG" --data-dir "$T/full" import "$T/Streaming_History_Audio_2025_2.json"
check "the store imports the same file (an incremental pass)" sl import "$T/Streaming_History_Audio_2025_2.json"
votes="SELECT group_concat(key || '/' || names || '/' || track || '/' || other || '/' || alt, ' ') FROM canon_votes"
is "the votes are the full pass's" \
	"$(db "$votes")" "$(sqlite3 "$T/full/spinlog.db" "$votes")"
is "canon after incremental passes equals canon after the full pass" \
	"$(canon "$DATA/spinlog.db")" "$(canon "$T/full/spinlog.db")"
is "and is still the counting rule's" "$(canon "$DATA/spinlog.db")" "$(cat "$T/want.txt")"
done_testing
