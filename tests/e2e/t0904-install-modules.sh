#!/usr/bin/env bash
# Issue 9, start cost: the audio stack and the share card are modules
# (spinlog-audio.so, spinlog-card.so, src/modules/). An install into a
# DESTDIR holds the binary and both modules; the installed binary links none
# of the modules' libraries, finds its modules relative to itself (not the
# build tree, not /usr/local), draws the same card as the build tree's
# binary and analyzes a file; without its module, 'card' fails with a
# message and other commands still run.
. "$(dirname "$0")/lib.sh"
ROOT_INST="$T/root"
quiet() { "$@" >"$T/quiet.out" 2>&1; }

check "meson install into a DESTDIR" quiet meson install -C "$BUILD_DIR" --no-rebuild --destdir "$ROOT_INST"
BIN=$(find "$ROOT_INST" -path '*/bin/spinlog' -type f | head -1)
check "the installed binary" test -x "$BIN"
AUDIO=$(find "$ROOT_INST" -path '*/lib*/spinlog/spinlog-audio.so' | head -1)
CARD=$(find "$ROOT_INST" -path '*/lib*/spinlog/spinlog-card.so' | head -1)
check "spinlog-audio.so is installed under libdir/spinlog" test -f "$AUDIO"
check "spinlog-card.so is installed under libdir/spinlog" test -f "$CARD"
is "the binary links none of the modules' libraries, nor libpq" \
	"$(ldd "$BIN" | grep -cE 'libav(codec|format|util)|libsndfile|libaubio|libfftw3|libebur128|libtag|libcairo|libpango|libgdk_pixbuf|libpq')" 0
is "the card module has the card's libraries" "$(ldd "$CARD" | grep -cE 'libcairo\.|libpangocairo')" 2
is "the audio module has the audio libraries" "$(ldd "$AUDIO" | grep -cE 'libavcodec\.|libsndfile\.|libaubio\.')" 3
LD_DEBUG=files "$BIN" --version >/dev/null 2>"$T/v.ld"
check "a start loads no module (the loader's log names libc)" \
	sh -c "grep -q 'file=libc\.so' '$T/v.ld' && ! grep -q 'spinlog-[a-z]*\.so' '$T/v.ld'"

inst() { "$BIN" --data-dir "$DATA" "$@"; }
check "the installed binary imports" quiet inst import "$FIXTURES/Streaming_History_Audio_2024-2025_3.json"
LD_DEBUG=files inst card --year 2024 --no-covers -o "$T/inst.png" >"$T/card.out" 2>"$T/card.ld"
is "the installed binary draws the card" "$?" 0
is "the card module came from the install" \
	"$(sed -n 's/.*file=\([^ ]*spinlog-card\.so\).*/\1/p' "$T/card.ld" | sort -u | xargs -r realpath)" "$(realpath "$CARD")"
sl card --year 2024 --no-covers -o "$T/build.png" >"$T/build.out" 2>&1
check "the same card as the build tree's binary" cmp -s "$T/inst.png" "$T/build.png"
is "a PNG" "$(head -c 4 "$T/inst.png" | od -An -c | tr -d ' ')" '211PNG'

"$BUILD_DIR/tests/audiogen" "$T/click.wav" click:20:120:4
"$BIN" --data-dir "$DATA" analyze --no-store --format jsonl "$T/click.wav" >"$T/an.jsonl" 2>"$T/an.err"
is "the installed binary analyzes" "$?" 0
t=$(jq -r .tempo "$T/an.jsonl")
check "with the audio module: tempo 120 (got $t)" awk -v t="$t" 'BEGIN { exit !(t > 117 && t < 123) }'

LD_DEBUG=files inst wrapped --year 2024 >"$T/w.out" 2>"$T/w.ld"
if on_postgres; then
	check "a report on PostgreSQL loads libpq" grep -q 'file=libpq\.so' "$T/w.ld"
else
	check "a report on SQLite loads neither libpq nor a module" \
		sh -c "grep -q 'file=libsqlite3' '$T/w.ld' && ! grep -qE 'file=(libpq|[^ ]*spinlog-[a-z]*\.so)' '$T/w.ld'"
fi

mv "$CARD" "$T/card.so.away"
out=$(inst card --year 2024 --no-covers -o "$T/none.png" 2>&1)
is "without its module 'card' fails" "$?" 1
check "and says which module and what to do (got: $out)" sh -c "printf %s \"\$1\" | grep -q 'spinlog-card.so.*reinstall spinlog'" _ "$out"
check "other commands still run" quiet inst wrapped --year 2024
mv "$T/card.so.away" "$CARD"
done_testing
