#!/usr/bin/env bash
# issue 10: 'etl' fetches the cover of every album in the catalog, not only
# the calendar winners: once per album (a second run asks nothing), a
# failed fetch is recorded and not asked again on the next run, and the
# track pages of the site show the cached cover.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-etl.sh"

start_sim --seed 21
check "auth" authorize main
check "a day of collecting" collect_days 1
# the catalog first, without covers, so one album's image URL can be
# broken (its image then answers 404) before any cover is asked
sl etl --no-covers >"$T/etl0.out" 2>&1
check "etl without covers runs" test $? -eq 0
is "--no-covers fetches none" "$(requests 'GET /_sim/img')" 0
albums=$(sqlite3 "$DATA/spinlog.db" "SELECT count(DISTINCT album_id) FROM album_images WHERE position = 0")
check "the catalog has albums ($albums)" test "$albums" -gt 10
bad=$(sqlite3 "$DATA/spinlog.db" "SELECT album_id FROM album_images WHERE position = 0 ORDER BY album_id LIMIT 1")
sqlite3 "$DATA/spinlog.db" "UPDATE album_images SET url = replace(url, '/640.png', '/641.png') WHERE album_id = '$bad' AND position = 0"

sl etl >"$T/etl1.out" 2>"$T/etl1.err"
check "etl runs" test $? -eq 0
sed 's/^/# /' "$T/etl1.out"
# the artists' images come from the same CDN into the same folder (issue 11, t1170)
artists=$(sqlite3 "$DATA/spinlog.db" "SELECT count(*) FROM artists WHERE image_url IS NOT NULL")
is "one request per album (and per artist image)" "$(requests 'GET /_sim/img')" $((albums + artists))
is "every other album's cover is cached" "$(ls "$DATA/covers" | wc -l | tr -d ' ')" $((albums - 1 + artists))
check "the run says so" grep -q "covers: $albums albums, 0 cached, $((albums - 1)) fetched, 1 failed" "$T/etl1.out"
is "the failure is recorded" "$(sqlite3 "$DATA/spinlog.db" "SELECT album_id || ' ' || failures FROM cover_misses")" "$bad 1"

sl etl >"$T/etl2.out" 2>"$T/etl2.err"
check "second etl runs" test $? -eq 0
is "a second run asks for no cover" "$(requests 'GET /_sim/img')" $((albums + artists))
check "it counts them cached" grep -q "covers: $((albums - 1)) albums, $((albums - 1)) cached, 0 fetched, 0 failed" "$T/etl2.out"

sl site --out "$T/site" --no-covers >"$T/site.out" 2>&1
check "site runs" test $? -eq 0
pages=$(ls "$T/site"/track-*.html | wc -l)
with=$(grep -l '<img class="cover"' "$T/site"/track-*.html | wc -l)
# every track page whose album has a cached cover shows it: all but the
# pages of the broken album
bad_pages=$(sqlite3 "$DATA/spinlog.db" "SELECT count(DISTINCT p.track_id) FROM plays p JOIN tracks t ON t.id = p.track_id WHERE t.album_id = '$bad'")
is "track pages with a cover" "$with" $((pages - bad_pages))
done_testing
