#!/usr/bin/env bash
# Hostile export files (issue 8): escaped names keep their values, bad ids,
# timestamps and integers are rejected with the store unchanged, invalid
# text is replaced with U+FFFD and said so, ZIP entries at the root are
# classified by their own name, an import that finds no history fails, and
# a symlink loop does not stop a folder import.
. "$(dirname "$0")/lib.sh"
db() { sqlite3 "$DATA/spinlog.db" "$@"; }
W="$T/w"
mkdir -p "$W"
sl import "$FIXTURES/StreamingHistory0.json" >/dev/null 2>&1
counts() { db "SELECT (SELECT count(*) FROM plays) || ' ' || (SELECT count(*) FROM imports) || ' ' || (SELECT count(*) FROM accounts)"; }
before=$(counts)
db .dump >"$T/before"

# rec TS MS URI TRACK ARTIST ALBUM: one extended record, values as JSON text
rec() {
	printf '{"ts": %s, "ms_played": %s, "spotify_track_uri": %s, "master_metadata_track_name": %s, "master_metadata_album_artist_name": %s, "master_metadata_album_album_name": %s}' "$@"
}
OK_TS='"2023-06-01T10:00:00Z"' OK_URI='"spotify:track:0wgOhYnqZKjOHr6bmdz0aN"'

# rejected NAME PATTERN FILE: exit 1, one message, store unchanged
rejected() {
	local what=$1 pat=$2 rc
	shift 2
	sl import "$@" >"$T/out" 2>"$T/err"
	rc=$?
	is "$what: exit status" "$rc" 1
	if grep -qE -- "$pat" "$T/err" && [ "$(wc -l <"$T/err")" -eq 1 ]; then
		ok "$what: message: $(head -c 200 "$T/err")"
	else
		not_ok "$what: message"; sed 's/^/#   /' "$T/err"; echo "#   want: $pat"
	fi
	is "$what: counts unchanged" "$(counts)" "$before"
	db .dump >"$T/after"
	check "$what: database unchanged" cmp -s "$T/before" "$T/after"
}

# one record per bad value, the bad one at index 1
bad_file() { # NAME RECORD
	printf '[%s,\n%s]\n' "$(rec "$OK_TS" 1000 "$OK_URI" '"a"' '"b"' '"c"')" "$2" >"$W/$1"
}
bad_file Streaming_History_Audio_2023_1.json "$(rec "$OK_TS" 1000 '"spotify:track:<script>alert(1)</script>"' '"a"' '"b"' '"c"')"
rejected "a track id with markup" 'Streaming_History_Audio_2023_1\.json: record 1: "spotify_track_uri" does not end in a Spotify id \(22 letters and digits\) \("spotify:track:<script>.*; nothing was imported \(with --skip-invalid the other records are imported and the refused ones listed\)$' "$W/Streaming_History_Audio_2023_1.json"
bad_file Streaming_History_Audio_2023_2.json "$(rec "$OK_TS" 1000 '"spotify:track:../../etc/passwd"' '"a"' '"b"' '"c"')"
rejected "a track id with a path" 'record 1: "spotify_track_uri" does not end in a Spotify id' "$W/Streaming_History_Audio_2023_2.json"
bad_file Streaming_History_Audio_2023_3.json "$(rec '"2023-06-01 10:00:00"' 1000 "$OK_URI" '"a"' '"b"' '"c"')"
rejected "a timestamp with a space" 'Streaming_History_Audio_2023_3\.json: record 1: "ts" is not a timestamp \("2023-06-01 10:00:00"\); nothing was imported \(with --skip-invalid the other records are imported and the refused ones listed\)$' "$W/Streaming_History_Audio_2023_3.json"
bad_file Streaming_History_Audio_2023_4.json "$(rec '"2023-06-01T10:00:60Z"' 1000 "$OK_URI" '"a"' '"b"' '"c"')"
rejected "a leap second" 'record 1: "ts" is not a timestamp \("2023-06-01T10:00:60Z"\)' "$W/Streaming_History_Audio_2023_4.json"
bad_file Streaming_History_Audio_2023_5.json "$(rec '"2023-06-01T10:00:00Z\u0000junk"' 1000 "$OK_URI" '"a"' '"b"' '"c"')"
rejected "a timestamp with NUL and junk" 'record 1: "ts" is not a timestamp \("2023-06-01T10:00:00Z.junk"\)' "$W/Streaming_History_Audio_2023_5.json"
bad_file Streaming_History_Audio_2023_6.json "$(rec "$OK_TS" 01000 "$OK_URI" '"a"' '"b"' '"c"')"
rejected "ms_played with a leading zero" 'Streaming_History_Audio_2023_6\.json: record 1: "ms_played": a number with a leading zero at byte [0-9]+ \(not valid JSON\); nothing was imported$' "$W/Streaming_History_Audio_2023_6.json"

# ZIPs with a history at their root, named by the entry's own name
mkdir -p "$W/root"
python3 - "$W/root" <<'PY'
import json, sys
d = sys.argv[1]
recs = [{"ts": "2023-06-0%dT10:00:00Z" % (i + 1), "ms_played": 60000,
         "master_metadata_track_name": None, "spotify_track_uri": None,
         "episode_name": "Ep %d" % i, "episode_show_name": "Show",
         "spotify_episode_uri": "spotify:episode:5ZbUaxjRFmIp0yBKbHzPN%d" % i}
        for i in range(3)]
json.dump(recs, open(d + "/Streaming_History_Video_2023.json", "w"))
PY
(cd "$W/root" && zip -q ../video.zip Streaming_History_Video_2023.json)
sl import "$W/video.zip" >"$T/out" 2>"$T/err"
is "a root-level Video file in a ZIP: exit status" "$?" 0
is "its rows are videos" "$(db "SELECT kind, count(*) FROM plays WHERE episode_id LIKE '5ZbUaxjRFmIp0yBKbHzPN_' GROUP BY kind")" "video|3"
db "DELETE FROM plays WHERE episode_id LIKE '5ZbUaxjRFmIp0yBKbHzPN_'; DELETE FROM imports WHERE id = (SELECT max(id) FROM imports)"
db .dump >"$T/before"
before=$(counts)

printf '' >"$W/root/Streaming_History_Audio_2023_0.json"
(cd "$W/root" && zip -q ../empty-entry.zip Streaming_History_Audio_2023_0.json)
rejected "an empty history at the root of a ZIP" '^spinlog: import: empty-entry\.zip:Streaming_History_Audio_2023_0\.json: the file is empty' "$W/empty-entry.zip"
printf '{}' >"$W/root/Streaming_History_Audio_2023_0.json"
(cd "$W/root" && zip -q ../object-entry.zip Streaming_History_Audio_2023_0.json)
rejected "{} at the root of a ZIP" 'object-entry\.zip:Streaming_History_Audio_2023_0\.json: not a Spotify streaming history' "$W/object-entry.zip"
printf '[{"ts": "2023-06-01T10:00:00Z", "ms_pl' >"$W/root/Streaming_History_Audio_2023_0.json"
(cd "$W/root" && zip -q ../truncated-entry.zip Streaming_History_Audio_2023_0.json)
rejected "a truncated history at the root of a ZIP" 'truncated-entry\.zip:Streaming_History_Audio_2023_0\.json: record 0: the file ends in the middle of a record' "$W/truncated-entry.zip"

# no history at all
python3 -c 'import zipfile, sys; zipfile.ZipFile(sys.argv[1], "w").close()' "$W/empty.zip"
mkdir -p "$W/folder-only/Spotify Account Data" "$W/empty-folder"
(cd "$W/folder-only" && zip -qr ../folder-only.zip "Spotify Account Data")
printf '[]' >"$W/plays.json"
LOOKED='\(looked for endsong_N\.json, Streaming_History_Audio_\*\.json, Streaming_History_Video_\*\.json and StreamingHistory\*\.json; [0-9]+ with no plays, [0-9]+ other files ignored\); nothing was imported$'
rejected "an empty ZIP" "^spinlog: import: no streaming history found in \"$W/empty.zip\" $LOOKED" "$W/empty.zip"
rejected "a ZIP with only a folder" "^spinlog: import: no streaming history found in \"$W/folder-only.zip\" $LOOKED" "$W/folder-only.zip"
rejected "an empty folder" "^spinlog: import: no streaming history found in \"$W/empty-folder\" $LOOKED" "$W/empty-folder"
rejected "a file holding []" "^spinlog: import: no streaming history found in \"$W/plays.json\" \(looked for .*; 1 with no plays, 0 other files ignored\)" "$W/plays.json"

# escaped names and invalid text, in a folder with a symlink loop
mkdir -p "$W/export/sub"
ln -s .. "$W/export/sub/up"
ln -s self "$W/export/self"
{
	printf '[%s,\n' "$(rec "$OK_TS" 1000 "$OK_URI" '"T \"1\""' '"A \"2\""' '"B \"3\""')"
	printf '%s,\n' "$(rec '"2023-06-01T10:05:00Z"' 1000 '"spotify:track:3Umj02ZNl4d356pS1D38mn"' '"Amish Paradise (Parody of \"Gangsta'"'"'s Paradise\")"' '"\"Weird Al\" Yankovic"' '"Bad Hair Day"')"
	printf '%s,\n' "$(rec '"2023-06-01T10:10:00Z"' 1000 '"spotify:track:1Umj02ZNl4d356pS1D38mn"' '"lone \ud800 surrogate"' '"nul\u0000cut"' '"ok"')"
	printf '%s]\n' "$(rec '"2023-06-01T10:15:00Z"' 1000 '"spotify:track:2Umj02ZNl4d356pS1D38mn"' "\"bad $(printf '\377') byte\"" '"ok"' '"ok"')"
} >"$W/export/sub/Streaming_History_Audio_2023_9.json"
sl import "$W/export" >"$T/out" 2>"$T/err"
is "a folder with a symlink loop: exit status" "$?" 0
check "the loop is skipped with a note" grep -qF "spinlog: import: skipped \"$W/export/sub/up\": a symlink loop (a folder it is inside); not read twice" "$T/err"
check "the link to itself is skipped with a note" grep -qxF "spinlog: import: skipped \"$W/export/self\": a symlink loop" "$T/err"
is "the summary counts the replaced fields" "$(sed 's/ (account.*//' "$T/out")" \
	"1 file, 4 records, 4 new events, 0 merged, 0 duplicates dropped, 0 ignored files, 3 fields with invalid text replaced with U+FFFD"
for w in 'record 2: "master_metadata_track_name": 1 invalid character' 'record 2: "master_metadata_album_artist_name": 1 invalid character' 'record 3: "master_metadata_track_name": 1 invalid character'; do
	check "warning: $w" grep -qF "spinlog: import: warning: $W/export/sub/Streaming_History_Audio_2023_9.json: $w replaced with U+FFFD" "$T/err"
done
names() { db "SELECT track_name || '|' || artist_name || '|' || album_name FROM plays WHERE track_id = '$1'"; }
is "three escaped names keep their values" "$(names 0wgOhYnqZKjOHr6bmdz0aN)" 'T "1"|A "2"|B "3"'
is '"Weird Al" Yankovic' "$(names 3Umj02ZNl4d356pS1D38mn)" "Amish Paradise (Parody of \"Gangsta's Paradise\")|\"Weird Al\" Yankovic|Bad Hair Day"
if on_postgres; then
	hexes() { db "SELECT upper(encode(convert_to(track_name, 'UTF8'), 'hex')) || ' ' || upper(encode(convert_to(artist_name, 'UTF8'), 'hex')) FROM plays WHERE track_id = '$1'"; }
else
	hexes() { db "SELECT hex(track_name) || ' ' || hex(artist_name) FROM plays WHERE track_id = '$1'"; }
fi
is "a lone surrogate and U+0000 become U+FFFD" "$(hexes 1Umj02ZNl4d356pS1D38mn)" \
	"$(printf 'lone \357\277\275 surrogate' | xxd -p -u | tr -d '\n') $(printf 'nul\357\277\275cut' | xxd -p -u | tr -d '\n')"
is "an invalid byte becomes U+FFFD" "$(hexes 2Umj02ZNl4d356pS1D38mn | cut -d' ' -f1)" \
	"$(printf 'bad \357\277\275 byte' | xxd -p -u | tr -d '\n')"
if on_postgres; then
	skip "every stored name is valid UTF-8" "the server (encoding UTF8) refuses any other text"
else
is "every stored name is valid UTF-8" "$(python3 - "$DATA/spinlog.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.text_factory = bytes
bad = 0
for row in c.execute("SELECT track_name, artist_name, album_name FROM plays"):
    for v in row:
        try:
            v is None or v.decode("utf-8")
        except UnicodeDecodeError:
            bad += 1
print(bad)
PY
)" 0
fi
done_testing
