#!/usr/bin/env bash
# Issue 13 end to end: a development-mode app (Spotify refuses the audio
# analysis), three played tracks rendered whole by the simulator
# (GET /_sim/audio/<id>.flac, ISRC-tagged) and analysed; they match their
# tracks by ISRC, etl picks the analyses up, and the exported records carry
# analysis_source "local" with the fields of the simulator's own analysis
# (GET /_sim/audio/<id>.json) within the issue's tolerances.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-etl.sh"

start_sim --seed 1311 --app-mode development
check "auth" authorize main
check "a day of collecting" collect_days 1
sl etl >/dev/null 2>&1
check "etl runs" test $? -eq 0
ids=$(sqlite3 "$DATA/spinlog.db" "SELECT DISTINCT track_id FROM plays WHERE track_id IS NOT NULL ORDER BY track_id LIMIT 3")
mkdir -p "$T/music"
for id in $ids; do
	curl -sf "$SIM_URL/_sim/audio/$id.flac" -o "$T/music/$id.flac"
	curl -sf "$SIM_URL/_sim/audio/$id.json" -o "$T/$id.truth"
done
is "three tracks rendered" "$(ls "$T/music" | wc -l)" 3
sl analyze --format jsonl --jobs 2 "$T/music" >"$T/an.jsonl" 2>"$T/an.err"
is "analyze exits 0" "$?" 0
for id in $ids; do
	is "$id matches its track by ISRC" "$(jq -r --arg p "$id.flac" 'select(.path | endswith($p)) | "\(.matched_track_id) \(.match_by)"' "$T/an.jsonl")" "$id isrc"
done
sl etl >/dev/null 2>&1
check "etl picks the analyses up" test $? -eq 0
sl export --format jsonl --utc --with-provenance >"$T/out.jsonl"
for id in $ids; do
	rec=$(jq -c --arg id "$id" 'select(.track_id == $id)' "$T/out.jsonl" | head -1)
	tr=$(cat "$T/$id.truth")
	printf '# record: %s\n# truth: %s\n' "$(printf %s "$rec" | jq -c '{analysis_source, duration, loudness, tempo, key, mode, time_signature, sections, start_sequence, key_sequence, tempo_sequence}')" \
		"$(printf %s "$tr" | jq -c '{duration, loudness, tempo, key, mode, time_signature, n: (.sections | length), starts: [.sections[].start], keys: [.sections[].key], tempos: [.sections[].tempo]}')"
	is "$id: analysis_source local" "$(printf %s "$rec" | jq -r .analysis_source)" local
	is "$id: track fields within the tolerances" "$(jq -n --argjson r "$rec" --argjson t "$tr" '[
		(($r.duration - $t.duration) | fabs <= 0.05),
		(($r.loudness - $t.loudness) | fabs <= 1),
		(($r.tempo / $t.tempo - 1) | fabs <= 0.02),
		($r.key == $t.key), ($r.mode == $t.mode or $t.key == -1),
		($r.time_signature == $t.time_signature)] | map(tostring) | join(" ")' -r)" "true true true true true true"
	# section boundaries (after 0): found ones within 1.5 s of a true one
	jq -n -r --argjson r "$rec" --argjson t "$tr" '($r.start_sequence[1:]) as $f | ([$t.sections[1:][].start]) as $b |
		"\($b | length) \($f | length) \([$b[] | . as $x | select([$f[] | . - $x | fabs <= 1.5] | any)] | length) \([$f[] | . as $x | select([$b[] | . - $x | fabs <= 1.5] | any)] | length)"' >>"$T/bounds"
done
# pooled over the three records: true, found, true ones found, found ones true
read -r nt nf rt pf <<<"$(awk '{ a += $1; b += $2; c += $3; d += $4 } END { print a, b, c, d }' "$T/bounds")"
echo "# section boundaries: $rt of $nt true ones found, $pf of $nf found ones true"
check "section boundaries: recall >= 85% ($rt of $nt)" test $((rt * 100)) -ge $((nt * 85))
check "section boundaries: precision >= 85% ($pf of $nf)" test $((pf * 100)) -ge $((nf * 85))
done_testing
