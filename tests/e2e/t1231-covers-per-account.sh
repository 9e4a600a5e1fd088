#!/usr/bin/env bash
# issue 12, round 6: the covers cache is the store's, not a listener's, so
# serve hands out a cover under /u/NAME/ only for an album NAME played (as
# 'site --account' copies only those): /u/a1/covers/<an album only a2
# played>.jpg is a 404 (the catalog knows every listener's albums), an
# album a1 played is served, and with several
# listeners the unprefixed /covers/ serves none. (One listener's store
# serves every cover at the short URL, as before: the covers tests.)
. "$(dirname "$0")/lib.sh"

GEN=$ROOT/tests/tools/accounts_gen.py
for i in 1 2; do
	python3 "$GEN" "$T/exp/a$i" 300 "$i" "a$i" || not_ok "generate a$i"
	check "a$i imports" sl import --account "a$i" "$T"/exp/a$i/*.json
done
# one track of each account's own is on an album of the catalog
for i in 1 2; do
	sqlite3 "$DATA/spinlog.db" "INSERT INTO albums (id, name) VALUES ('A${i}album', 'Album of a$i');
INSERT INTO tracks (id, name, album_id, duration_ms) SELECT x.t, 'Song of a$i', 'A${i}album', 200000
 FROM (SELECT p.track_id AS t FROM plays p JOIN accounts a ON a.id = p.account_id
 WHERE a.name = 'a$i' AND p.track_name LIKE 'Only a$i %' AND p.ms_played >= 30000
 GROUP BY p.track_id ORDER BY count(*) DESC, p.track_id LIMIT 1) x;"
done
# ... and by an artist of the catalog, whose image is cached as covers are
for i in 1 2; do
	sqlite3 "$DATA/spinlog.db" "INSERT INTO artists (id, name) VALUES ('A${i}artist', 'Artist of a$i');
INSERT INTO track_artists (track_id, position, artist_id) SELECT id, 0, 'A${i}artist' FROM tracks WHERE album_id = 'A${i}album';"
done
is "the catalog has both albums' tracks" "$(sqlite3 "$DATA/spinlog.db" "SELECT count(*) FROM tracks WHERE album_id LIKE 'A%album'")" 2
mkdir -p "$DATA/covers"
for i in 1 2; do printf '\377\330\377cover of a%s' "$i" >"$DATA/covers/A${i}album.jpg"; done
for i in 1 2; do printf '\377\330\377image of a%s' "$i" >"$DATA/covers/A${i}artist.jpg"; done

start_serve --no-covers
get() { curl -s -o "$T/body" -w '%{http_code}' "$URL$1"; }
is "a1's album cover under /u/a1/" "$(get /u/a1/covers/A1album.jpg)" 200
check "... is the file" grep -q 'cover of a1' "$T/body"
is "a2's album cover under /u/a1/ is a 404" "$(get /u/a1/covers/A2album.jpg)" 404
check "... and says nothing of it" sh -c "! grep -q 'cover of a2' '$T/body'"
is "a2's under /u/a2/" "$(get /u/a2/covers/A2album.jpg)" 200
is "a cover of no album is a 404" "$(get /u/a2/covers/A3album.jpg)" 404
is "unprefixed, with several listeners: a 404" "$(get /covers/A1album.jpg)" 404
is "a1's artist image under /u/a1/" "$(get /u/a1/covers/A1artist.jpg)" 200
is "a2's artist image under /u/a1/ is a 404" "$(get /u/a1/covers/A2artist.jpg)" 404

# the static site of one listener copies the covers of its own albums only
check "site --account a1" sl site --account a1 --out "$T/site" --no-covers
check "... has a1's album cover" test -f "$T/site/covers/A1album.jpg"
check "... not a2's" test ! -e "$T/site/covers/A2album.jpg"
check "... and the image of its own artist" test -f "$T/site/covers/A1artist.jpg"
check "... not a2's artist's" test ! -e "$T/site/covers/A2artist.jpg"
done_testing
