#!/usr/bin/env bash
# spinlog analyze (issue 13) on audio rendered here with known truth
# (tests/tools/audiogen): tempo, key and mode, loudness against EBU R128's
# own reference, a section boundary, the time signature, bad files, and
# matching a file to a catalog track and storing its analysis as "local".
. "$(dirname "$0")/lib.sh"
GEN="$BUILD_DIR/tests/audiogen"
A="$T/audio"
mkdir -p "$A" "$DATA"
an() { "$SPINLOG" --data-dir "$DATA" analyze "$@"; }
# field FILE.jsonl PATH-SUFFIX JQ: the value for the file whose path ends so
field() { jq -r --arg p "$2" "select(.path | endswith(\$p)) | $3" "$1"; }
# near VALUE TRUTH TOL: |value - truth| <= tol
near() { awk -v v="$1" -v t="$2" -v e="$3" 'BEGIN { exit !(v != "null" && v - t <= e && t - v <= e) }'; }

"$GEN" "$A/click120.wav" click:30:120:4
"$GEN" "$A/click90.flac" click:30:90:3
"$GEN" "$A/aminor.wav" music:30:100:4:9:0:5
"$GEN" "$A/emajor.flac" music:30:100:4:4:1:5
"$GEN" "$A/sine-stereo.wav" --channels 2 sine:20:1000:-20
"$GEN" "$A/sine-mono.wav" sine:20:1000:-20
"$GEN" "$A/waltz.wav" music:40:120:3:2:1:3
"$GEN" "$A/two.wav" --artist "Test Artist" --title "Two Parts" \
	music:40:120:4:0:1:1 music:40:90:3:6:0:8
an --no-store --format jsonl "$A" >"$T/out.jsonl" 2>"$T/err"
is "analyze exits 0 on good files" "$?" 0
is "one line per file" "$(wc -l <"$T/out.jsonl")" 8

for f in click120.wav:120 click90.flac:90 aminor.wav:100 waltz.wav:120; do
	t=$(field "$T/out.jsonl" "${f%%:*}" .tempo)
	check "tempo of ${f%%:*} within 2% of ${f##*:} (got $t)" near "$t" "${f##*:}" "$(echo "${f##*:} * 0.02" | bc -l)"
done
is "A minor is key 9 mode 0" "$(field "$T/out.jsonl" aminor.wav '"\(.key) \(.mode)"')" "9 0"
is "E major is key 4 mode 1" "$(field "$T/out.jsonl" emajor.flac '"\(.key) \(.mode)"')" "4 1"
is "D major waltz is key 2 mode 1" "$(field "$T/out.jsonl" waltz.wav '"\(.key) \(.mode)"')" "2 1"
# BS.1770-4: a 0 dBFS 1 kHz sine in one channel reads -3.01 LKFS, so a
# -20 dBFS one reads -23.01 alone and -20.00 in both channels of a stereo file.
l=$(field "$T/out.jsonl" sine-stereo.wav .loudness)
check "stereo -20 dBFS 1 kHz sine reads -20.00 LUFS (got $l)" near "$l" -20.00 0.1
l=$(field "$T/out.jsonl" sine-mono.wav .loudness)
check "mono -20 dBFS 1 kHz sine reads -23.01 LUFS (got $l)" near "$l" -23.01 0.1
is "a steady sine has no tempo" "$(field "$T/out.jsonl" sine-mono.wav .tempo)" null
# The text line names the key and says "no tempo" rather than "nan BPM".
an --no-store "$A/aminor.wav" "$A/sine-mono.wav" >"$T/human.txt"
check "the text line names A minor" grep -q 'aminor.wav: .*, key A minor, 4/4, ' "$T/human.txt"
check "the text line says a sine has no tempo" grep -q 'sine-mono.wav: .*, no tempo, key .*, no metre, ' "$T/human.txt"
is "no figure prints as nan" "$(grep -ci "[ ,]nan" "$T/human.txt")" 0
d=$(field "$T/out.jsonl" two.wav .duration)
check "duration of two.wav within 0.05 s of 80 (got $d)" near "$d" 80 0.05
is "two.wav has two sections" "$(field "$T/out.jsonl" two.wav '.sections | length')" 2
b=$(field "$T/out.jsonl" two.wav '.sections[1].start')
check "the boundary is within 1.5 s of 40 s (got $b)" near "$b" 40 1.5
is "sections tile the track" "$(field "$T/out.jsonl" two.wav '[.sections[] | .start + .duration] | last')" 80
is "first part: C major 4/4" "$(field "$T/out.jsonl" two.wav '.sections[0] | "\(.key) \(.mode) \(.time_signature)"')" "0 1 4"
is "second part: F# minor 3/4" "$(field "$T/out.jsonl" two.wav '.sections[1] | "\(.key) \(.mode) \(.time_signature)"')" "6 0 3"
t=$(field "$T/out.jsonl" two.wav '.sections[1].tempo')
check "second part's tempo within 4% of 90 (got $t)" near "$t" 90 3.6
is "3/4 click track" "$(field "$T/out.jsonl" click90.flac .time_signature)" 3
is "4/4 click track" "$(field "$T/out.jsonl" click120.wav .time_signature)" 4
is "3/4 waltz" "$(field "$T/out.jsonl" waltz.wav .time_signature)" 3
check "segments are counted" test "$(field "$T/out.jsonl" aminor.wav .segments)" -gt 10
an --no-store --format jsonl --segments "$A/aminor.wav" >"$T/seg.jsonl"
is "--segments lists 12 pitches per segment" "$(jq '[.segments[] | .pitches | length] | unique' -c "$T/seg.jsonl")" "[12]"

# Bad input: each file gets its own error naming it, the rest go on.
B="$T/bad"; mkdir -p "$B"
echo "not audio at all" >"$B/text.mp3"
: >"$B/empty.wav"
head -c 3000 "$A/aminor.wav" >"$B/truncated.wav"
"$GEN" "$B/noise.wav" noise:20:-6
# Ten hours of real silence (288 million samples at 8 kHz) as FLAC: about
# 0.9 MB on disk, and it declares its length, so analyze refuses it at once.
"$GEN" "$B/silent10h.flac" --rate 8000 silence:36000
cp "$A/click120.wav" "$B/zgood.wav"
an --no-store --format jsonl "$B" >"$T/bad.jsonl" 2>"$T/bad.err"
is "bad files: exit 1" "$?" 1
is "bad files: a line each" "$(wc -l <"$T/bad.jsonl")" 6
is "text named .mp3 is not audio" "$(field "$T/bad.jsonl" text.mp3 .error | cut -c1-9)" "not audio"
check "empty file has an error" test "$(field "$T/bad.jsonl" empty.wav .error)" != null
check "truncated file: an error or a short honest result" \
	test "$(field "$T/bad.jsonl" truncated.wav '.error // (.duration < 1 | tostring)')" != false
is "ten silent hours are too long" "$(field "$T/bad.jsonl" silent10h.flac .error | cut -c1-8)" "too long"
is "noise is analysed" "$(field "$T/bad.jsonl" noise.wav '"\(.error) \(.duration)"')" "null 20"
is "the good file after them is analysed" "$(field "$T/bad.jsonl" zgood.wav .error)" null
an --no-store "$B/empty.wav" 2>"$T/one.err" >/dev/null
check "the text error names the file" grep -q "'$B/empty.wav'" "$T/one.err"

# Matching and storing: a catalog track by artist, title and duration.
"$SPINLOG" --data-dir "$DATA" status >/dev/null 2>&1
db() { sqlite3 "$DATA/spinlog.db" "$@"; }
db "INSERT INTO tracks (id, name, duration_ms) VALUES ('4uLU6hMCjMI75M1A2tKUQC', 'Two Parts', 80500);
    INSERT INTO artists (id, name) VALUES ('0OdUWJ0sBjDrqHygGUXeCF', 'Test Artist');
    INSERT INTO track_artists VALUES ('4uLU6hMCjMI75M1A2tKUQC', 0, '0OdUWJ0sBjDrqHygGUXeCF');"
an --format jsonl "$A/two.wav" "$A/aminor.wav" >"$T/m.jsonl"
is "two.wav matches its track" "$(field "$T/m.jsonl" two.wav '"\(.matched_track_id) \(.match_by)"')" "4uLU6hMCjMI75M1A2tKUQC name"
is "aminor.wav matches nothing" "$(field "$T/m.jsonl" aminor.wav .matched_track_id)" null
is "the analysis is stored as local" "$(db "SELECT provider, num_sections FROM audio_analysis WHERE track_id = '4uLU6hMCjMI75M1A2tKUQC'")" "local|2"
is "its sections are stored" "$(db "SELECT count(*) FROM sections WHERE track_id = '4uLU6hMCjMI75M1A2tKUQC'")" 2
an "$A/two.wav" >"$T/again.txt"
check "a second run analyses nothing" grep -q "analysed before" "$T/again.txt"
db "UPDATE audio_analysis SET provider = 'spotify', tempo = 1 WHERE track_id = '4uLU6hMCjMI75M1A2tKUQC'; DELETE FROM local_analyses;"
an "$A/two.wav" >/dev/null
is "a Spotify analysis wins" "$(db "SELECT provider, CAST(tempo * 10 AS INTEGER) FROM audio_analysis WHERE track_id = '4uLU6hMCjMI75M1A2tKUQC'")" "spotify|10"
# MP3 and M4A (encoded here by tests/tools/avenc through libavcodec: the
# ffmpeg command is not installed), tagged with an ISRC: the same analysis
# as the source within the tolerances, and a match by ISRC.
ENC="$BUILD_DIR/tests/avenc"
"$ENC" "$A/aminor.wav" "$A/aminor.mp3" "Some Title" "Someone" USSIM1300001
"$ENC" "$A/aminor.wav" "$A/aminor.m4a" "Some Title" "Someone" USSIM1300001
an --no-store --format jsonl "$A/aminor.mp3" "$A/aminor.m4a" >"$T/lossy.jsonl"
for f in aminor.mp3 aminor.m4a; do
	is "$f: A minor at 100 BPM" "$(field "$T/lossy.jsonl" $f '"\(.key) \(.mode) \(.tempo / 100 * 50 | round)"')" "9 0 50"
	d=$(field "$T/lossy.jsonl" $f .duration)
	check "$f: duration within 0.05 s of 30 (got $d)" near "$d" 30 0.05
	l=$(field "$T/lossy.jsonl" $f .loudness); w=$(field "$T/out.jsonl" aminor.wav .loudness)
	check "$f: loudness within 1 dB of the WAV's $w (got $l)" near "$l" "$w" 1
done
db "INSERT INTO tracks (id, name, duration_ms, isrc) VALUES ('1dAOG5SGOXDG3SCFzzTrAc', 'Other Name', 200000, 'USSIM1300001');"
an --format jsonl --match-only "$A/aminor.mp3" "$A/aminor.m4a" >"$T/isrc.jsonl"
is "the MP3 matches by its ID3 TSRC" "$(field "$T/isrc.jsonl" aminor.mp3 '"\(.matched_track_id) \(.match_by)"')" "1dAOG5SGOXDG3SCFzzTrAc isrc"
is "the M4A matches by its ISRC item" "$(field "$T/isrc.jsonl" aminor.m4a '"\(.matched_track_id) \(.match_by)"')" "1dAOG5SGOXDG3SCFzzTrAc isrc"
head -c 20000 "$A/aminor.mp3" >"$B/truncated.mp3"
head -c 20000 "$A/aminor.m4a" >"$B/truncated.m4a"
an --no-store --format jsonl "$B/truncated.mp3" "$B/truncated.m4a" >"$T/trunc.jsonl"
is "truncated MP3 and M4A: a line each" "$(wc -l <"$T/trunc.jsonl")" 2
check "truncated MP3: an error or a short honest result" \
	test "$(field "$T/trunc.jsonl" truncated.mp3 '.error // (.duration < 2 | tostring)')" != false
check "truncated M4A: an error (its index is at the end) or a short honest result" \
	test "$(field "$T/trunc.jsonl" truncated.m4a '.error // (.duration < 30 | tostring)')" != false
an --match-only --format jsonl "$A/two.wav" >"$T/mo.jsonl"
is "--match-only says what would match" "$(jq -r .matched_track_id "$T/mo.jsonl")" 4uLU6hMCjMI75M1A2tKUQC
done_testing
