#!/usr/bin/env bash
# spinlog analyze (issue 13) on 100 tracks the simulator renders from their
# own analysis (spotify-sim --write-audio): the figures of the issue's "must
# show", computed by tests/tools/accuracy.py against the truth written
# beside each file, printed, and each checked against its bar.
#
# To keep the test to a few minutes each track is rendered in whole sections
# until at least T1310_SECONDS (60) seconds (catalog tracks last 90-420 s;
# 0 renders them whole): about 75 s of audio a track. Measured on the shared
# 2-core machine: rendering 100 tracks about 35 s CPU, analysing them about
# 65 s CPU.
. "$(dirname "$0")/lib.sh"
N=${T1310_TRACKS:-100}
# Under ASan the render and the analysis run about 10x slower: 6 tracks test
# memory safety there, and the accuracy bars (figures of 100 tracks) are
# skipped, not passed.
case "${SPINLOG_ASAN:-}$BUILD_DIR" in 1*|*asan*) ASAN=1; N=${T1310_TRACKS:-6} ;; *) ASAN= ;; esac
SECS=${T1310_SECONDS:-60}
A="$T/audio"
mkdir -p "$A" "$DATA"
if [ "$SECS" -gt 0 ]; then s=(--audio-seconds "$SECS"); else s=(); fi
"$SIM" --seed 1310 --write-audio "$A" --audio-tracks "$N" "${s[@]}"
is "the simulator rendered $N tracks" "$(ls "$A"/*.flac | wc -l)" "$N"
"$SPINLOG" --data-dir "$DATA" analyze --no-store --format jsonl --segments --jobs 2 "$A" >"$T/out.jsonl" 2>"$T/err"
is "analyze exits 0" "$?" 0
python3 "$ROOT/tests/tools/accuracy.py" "$A" "$T/out.jsonl" >"$T/fig"
sed 's/^/# /' "$T/fig"
bar() { if [ -n "$ASAN" ]; then skip "$1" "ASan run of $N tracks: figures are not the issue's"; else check "$@"; fi; }
fig() { awk -v k="$1" '$1 == k { print $2 }' "$T/fig"; }
# at_least NAME BAR: the figure is >= BAR
at_least() { awk -v v="$(fig "$1")" -v b="$2" 'BEGIN { exit !(v != "" && v + 0 >= b) }'; }
at_most() { awk -v v="$(fig "$1")" -v b="$2" 'BEGIN { exit !(v != "" && v + 0 <= b) }'; }
is "no file failed" "$(fig errors)" 0
bar "tempo within 2% on >= 95% ($(fig tempo_within_2pct); octave errors: $(fig tempo_octave_errors))" at_least tempo_within_2pct 0.95
bar "key and mode exact on >= 90% ($(fig key_mode_exact))" at_least key_mode_exact 0.90
bar "time signature exact on >= 80% ($(fig time_signature_exact))" at_least time_signature_exact 0.80
bar "loudness within 1 dB on every track (worst $(fig loudness_worst_db) dB)" at_most loudness_worst_db 1.0
bar "duration within 0.05 s on every track (worst $(fig duration_worst_s) s)" at_most duration_worst_s 0.05
bar "section boundaries: recall >= 85% ($(fig boundary_recall) of $(fig sections_true))" at_least boundary_recall 0.85
bar "section boundaries: precision >= 85% ($(fig boundary_precision) of $(fig sections_found); F $(fig boundary_f))" at_least boundary_precision 0.85
bar "segments: onset F-measure at 50 ms >= 0.8 ($(fig onset_f))" at_least onset_f 0.8
# Sections, each true one against the found one holding its midpoint. The
# tempo bar is the track's (issue 13 names none for sections); the key and
# mode floors are regression floors under the measured figures (0.865 key
# and mode, 0.872 key, 0.942 mode of 304 sections), not issue bars.
bar "section tempo within 2% on >= 95% ($(fig section_tempo_within_2pct) of $(fig sections_scored))" at_least section_tempo_within_2pct 0.95
bar "section key exact on >= 85% ($(fig section_key_exact))" at_least section_key_exact 0.85
bar "section mode exact on >= 90% of keyed sections ($(fig section_mode_exact))" at_least section_mode_exact 0.90
bar "section key and mode exact on >= 85% ($(fig section_key_mode_exact))" at_least section_key_mode_exact 0.85
done_testing
