#!/usr/bin/env bash
# Bad input: one clear message naming file, record and field, a non-zero
# exit, and a database exactly as it was (the import is atomic).
. "$(dirname "$0")/lib.sh"
EXT="$FIXTURES/Streaming_History_Audio_2024-2025_3.json"
B="$T/bad"
mkdir -p "$B"
sl import "$FIXTURES/StreamingHistory0.json" >/dev/null 2>&1
sqlite3 "$DATA/spinlog.db" .dump >"$T/before"

# bad NAME PATTERN ARGS...: import fails, message matches, dump unchanged.
bad() {
	local what=$1 pat=$2 rc
	shift 2
	sl import "$@" >"$T/out" 2>"$T/err"
	rc=$?
	check "$what: exit status is non-zero" test "$rc" -ne 0
	if grep -qE -- "$pat" "$T/err" && [ "$(wc -l <"$T/err")" -eq 1 ]; then
		ok "$what: one message: $(head -c 160 "$T/err")"
	else
		not_ok "$what: message"; sed 's/^/#   /' "$T/err"; echo "#   want: $pat"
	fi
	sqlite3 "$DATA/spinlog.db" .dump >"$T/after"
	check "$what: database unchanged" cmp -s "$T/before" "$T/after"
}

# a record rewritten by python: FILE INDEX KEY JSON-VALUE
mutate() {
	python3 - "$EXT" "$1" "$2" "$3" "$4" <<'PY'
import json, sys
src, dst, i, key, val = sys.argv[1:]
recs = json.load(open(src, encoding="utf-8"))
recs[int(i)][key] = json.loads(val)
json.dump(recs, open(dst, "w", encoding="utf-8"), indent=2, ensure_ascii=False)
PY
}

head -c 1000000 "$EXT" >"$B/Streaming_History_Audio_2019_0.json"
bad "truncated JSON" '^spinlog: import: .*Streaming_History_Audio_2019_0\.json: record [0-9]+: the file ends in the middle of a record.*nothing was imported$' \
	"$EXT" "$B/Streaming_History_Audio_2019_0.json"

mutate "$B/Streaming_History_Audio_2019_1.json" 2512 ms_played '"12"'
bad "wrong type" 'Streaming_History_Audio_2019_1\.json: record 2512: "ms_played" is not a whole number of milliseconds \("12"\); nothing was imported \(with --skip-invalid the other records are imported and the refused ones listed\)$' \
	"$B/Streaming_History_Audio_2019_1.json"

mutate "$B/Streaming_History_Audio_2019_2.json" 17 ts '"2019-13-45T10:00:00Z"'
bad "impossible timestamp" 'Streaming_History_Audio_2019_2\.json: record 17: "ts" is not a timestamp \("2019-13-45T10:00:00Z"\)' \
	"$B/Streaming_History_Audio_2019_2.json"

mutate "$B/Streaming_History_Audio_2019_3.json" 3 ts '"2999-01-01T10:00:00Z"'
bad "timestamp in the future" 'Streaming_History_Audio_2019_3\.json: record 3: "ts" is not a plausible time' \
	"$B/Streaming_History_Audio_2019_3.json"

mutate "$B/Streaming_History_Audio_2019_4.json" 9 shuffle '"yes"'
bad "boolean of the wrong type" 'Streaming_History_Audio_2019_4\.json: record 9: "shuffle" is not true, false or null' \
	"$B/Streaming_History_Audio_2019_4.json"

printf '[{"endTime": "2021-04-22 05:41", "artistName": "A", "trackName": "T", "msPlayed": -5}]' \
	>"$B/StreamingHistory_music_0.json"
bad "negative msPlayed in account data" 'StreamingHistory_music_0\.json: record 0: "msPlayed" is out of range' \
	"$B/StreamingHistory_music_0.json"

printf '{"playlists": [{"name": "x"}]}' >"$B/Playlist1.json"
bad "a JSON file that is not an export" 'Playlist1\.json: not a Spotify streaming history' "$B/Playlist1.json"

printf '[{"name": "x", "items": [1, 2]}]' >"$B/endsong_0.json"
bad "an export name with other content" 'endsong_0\.json: not a Spotify streaming history' "$B/endsong_0.json"

python3 - "$B" "$EXT" <<'PY'
import sys, zipfile
d, ext = sys.argv[1], sys.argv[2]
data = open(ext, "rb").read()
with zipfile.ZipFile(d + "/dotdot.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("Spotify Extended Streaming History/Streaming_History_Audio_2024_0.json", data)
    z.writestr("../../evil.json", b"[]")
with zipfile.ZipFile(d + "/absolute.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("/etc/evil.json", b"[]")
with zipfile.ZipFile(d + "/bomb.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("Spotify Extended Streaming History/Streaming_History_Audio_2024_1.json",
               b"[" + b" " * (300 << 20) + b"]")
with zipfile.ZipFile(d + "/bad-entry.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("Spotify Extended Streaming History/Streaming_History_Audio_2024_0.json", data)
    z.writestr("Spotify Extended Streaming History/Streaming_History_Audio_2024_1.json", data[:5000])
PY
bad "ZIP entry with ../" 'dotdot\.zip: entry "\.\./\.\./evil\.json" has an unsafe path' "$B/dotdot.zip"
bad "ZIP entry with an absolute path" 'absolute\.zip: entry "/etc/evil\.json" has an unsafe path' "$B/absolute.zip"
bad "ZIP bomb" 'bomb\.zip:Spotify Extended Streaming History/Streaming_History_Audio_2024_1\.json: compressed [0-9]+:1, which is no export but a ZIP bomb' "$B/bomb.zip"
bad "a truncated file inside a ZIP" 'bad-entry\.zip:Spotify Extended Streaming History/Streaming_History_Audio_2024_1\.json: record [0-9]+: the file ends' "$B/bad-entry.zip"
# the cap is a setting (a global option, so not through bad())
"$SPINLOG" --data-dir "$DATA" --set import.max_file_mb=1 import "$EXT" >"$T/out" 2>"$T/err"
check "size cap: exit status is non-zero" test $? -ne 0
check "size cap: message names the file and the setting" \
	grep -q "Streaming_History_Audio_2024-2025_3.json: [0-9]* bytes is larger than the limit of 1048576 for one file (setting 'import.max_file_mb'); nothing was imported" "$T/err"
sqlite3 "$DATA/spinlog.db" .dump >"$T/after"
check "size cap: database unchanged" cmp -s "$T/before" "$T/after"
bad "a missing file" 'no-such-file\.json: No such file' "$B/no-such-file.json"
done_testing
