#!/usr/bin/env bash
# Issue 11, the simulator's covers: album and artist images as Spotify's CDN
# serves them (the three sizes of the catalog's "images" arrays), each a PNG
# of exactly the size it names, the same bytes on every request and in every
# run of the same seed, different albums drawn differently, and drawn (not
# one flat colour: a flat square of 300 px compresses to under 1 kB).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-etl.sh"

start_sim --seed 7
check "auth" authorize main
check "a day of collecting" collect_days 1
check "etl runs" sl etl
mapfile -t albums < <(sqlite3 "$DATA/spinlog.db" "SELECT id FROM albums ORDER BY id LIMIT 8")
check "the store has albums" test "${#albums[@]}" -ge 4
is "the catalog lists 640, 300 and 64 px images" \
	"$(sqlite3 "$DATA/spinlog.db" "SELECT group_concat(width || 'x' || height, ' ') FROM (SELECT width, height FROM album_images WHERE album_id = '${albums[0]}' ORDER BY position) sub")" \
	"640x640 300x300 64x64"
url=$(sqlite3 "$DATA/spinlog.db" "SELECT url FROM album_images WHERE album_id = '${albums[0]}' AND width = 300")
check "the image URL is the simulator's CDN" test "${url#"$SIM_URL"/_sim/img/}" != "$url"

# png_info FILE: "WIDTHxHEIGHT colour-type" from the IHDR, or "bad".
png_info() { python3 - "$1" <<'PY'
import struct, sys
b = open(sys.argv[1], "rb").read()
ok = b[:8] == b"\x89PNG\r\n\x1a\n" and b[12:16] == b"IHDR" and b[-8:-4] == b"IEND"
print("%dx%d %d" % (struct.unpack(">II", b[16:24]) + (b[25],)) if ok else "bad")
PY
}
bad=0 flat=0
for a in "${albums[@]}"; do
	for s in 640 300 64; do
		curl -sf -o "$T/$a-$s.png" "$SIM_URL/_sim/img/$a/$s.png" || bad=$((bad + 1))
		info=$(png_info "$T/$a-$s.png")
		[ "$info" = "${s}x${s} 2" ] || { bad=$((bad + 1)); echo "# $a $s: $info"; }
	done
	[ "$(stat -c %s "$T/$a-300.png")" -gt 2000 ] || flat=$((flat + 1))
done
is "every album image is an RGB PNG of the size it names" "$bad" 0
is "no album image is a flat square" "$flat" 0
is "the albums' pictures all differ" "$(md5sum "$T"/*-300.png | cut -d' ' -f1 | sort -u | wc -l | tr -d ' ')" "${#albums[@]}"
curl -sf -o "$T/again.png" "$SIM_URL/_sim/img/${albums[0]}/300.png"
check "the same album gives the same bytes" cmp -s "$T/again.png" "$T/${albums[0]}-300.png"
artist=$(sqlite3 "$DATA/spinlog.db" "SELECT id FROM artists ORDER BY id LIMIT 1")
curl -sf -o "$T/artist.png" "$SIM_URL/_sim/img/$artist/300.png"
is "an artist image is a PNG of its size" "$(png_info "$T/artist.png")" "300x300 2"
kill "$SIM_PID"
start_sim --seed 7
curl -sf -o "$T/rerun.png" "$SIM_URL/_sim/img/${albums[0]}/640.png"
check "another run of the seed draws the same picture" cmp -s "$T/rerun.png" "$T/${albums[0]}-640.png"
is "an unknown size is a 404" "$(curl -s -o /dev/null -w '%{http_code}' "$SIM_URL/_sim/img/${albums[0]}/500.png")" 404
is "a bad id is a 404" "$(curl -s -o /dev/null -w '%{http_code}' "$SIM_URL/_sim/img/..%2f..%2fetc/300.png")" 404
done_testing
