#!/usr/bin/env bash
# The static site (issue 11): a second 'site' with no change rewrites no
# file (every file keeps its inode); after one new day it rewrites that
# day's page and the pages that summarise or link it (the day, week and
# month before it: their "next" links), and leaves the others (an
# earlier day, an unrelated track) as they were; files are 0644 and folders
# 0755; --base-url gives canonical links and an absolute og:image, and a
# base that is not http(s) or would need escaping is refused.
. "$(dirname "$0")/lib.sh"
export TZ=UTC

sl wrapped >/dev/null 2>&1 # creates and migrates the store
DB="$DATA/spinlog.db"
sqlite3 "$DB" <"$(dirname "$0")/lib-see-fixture.sql"
S="$T/site"
inodes() { (cd "$S" && find . -type f -printf '%P %i\n' | sort); }

sl site --out "$S" --no-covers >"$T/out1" 2>&1
check "site written" test -s "$S/index.html"
n=$(find "$S" -type f | wc -l)
check "files are 0644" test "$(find "$S" -type f ! -perm 0644 | wc -l)" -eq 0
check "folders are 0755" test "$(find "$S" -type d ! -perm 0755 | wc -l)" -eq 0
inodes >"$T/i1"
sl site --out "$S" --no-covers >"$T/out2" 2>&1
inodes >"$T/i2"
check "again with no change: every file kept its inode" cmp -s "$T/i1" "$T/i2"
check "again with no change: it says 0 changed" grep -q "^wrote $n files (0 changed, $n as they were)" "$T/out2"

# One new day: 2025-06-10, t1 (artist ar1, album al1) once.
sqlite3 "$DB" "INSERT INTO plays (account_id, played_ms, kind, track_id, ms_played, sources)
  VALUES (1, 1749556800000, 'music', 't1', 200000, 2)"
sl site --out "$S" --no-covers >"$T/out3" 2>&1
inodes >"$T/i3"
join -a 2 "$T/i2" "$T/i3" | awk 'NF < 3 || $2 != $3 { print $1 }' >"$T/changed"
check "the new day's page is written" grep -qx 'day-2025-06-10.html' "$T/changed"
check "the day before it (its next-day link) is rewritten" grep -qx 'day-2025-03-15.html' "$T/changed"
check "its track page is rewritten" grep -qx 'track-t1.html' "$T/changed"
check "its month page is written" grep -qx 'month-2025-06.html' "$T/changed"
check "the year's calendar is rewritten" grep -qx 'calendar-2025.html' "$T/changed"
check "an earlier day is not rewritten" bash -c "! grep -qx 'day-2025-01-01.html' '$T/changed'"
check "an unrelated track page is not rewritten" bash -c "! grep -qx 'track-t3.html' '$T/changed'"
check "the other year's calendar is not rewritten" bash -c "! grep -qx 'calendar-2024.html' '$T/changed'"
check "every changed file shows the new day or sums it up" bash -c \
	"! grep -vE '^(day-2025-(06-10|03-15)|track-t1|week-2025-(06-09|03-10)|month-2025-0[36]|calendar-2025|year-2025|coverage-2025|card-2025|artist-ar1|album-al1|index|alltime|(artist|album)-[a-z0-9]+)\.(html|png)$|^(calendar|summary)\.json$' '$T/changed'"
c=$(wc -l <"$T/changed")
check "the summary line counts them ($c changed)" grep -q "($c changed, " "$T/out3"

# --base-url.
sl site --out "$S" --no-covers --base-url 'https://example.org/music/' >/dev/null 2>&1
check "canonical link" grep -q '<link rel="canonical" href="https://example.org/music/year-2025.html">' "$S/year-2025.html"
check "og:url" grep -q '<meta property="og:url" content="https://example.org/music/day-2025-01-01.html">' "$S/day-2025-01-01.html"
check "absolute og:image" grep -q '<meta property="og:image" content="https://example.org/music/card-2025.png">' "$S/year-2025.html"
check "JSON has no canonical link" bash -c "! grep -q canonical '$S/summary.json'"
for bad in 'javascript:alert(1)' 'https://x.org/"><script>' 'ftp://x.org' 'https://'; do
	sl site --out "$S" --no-covers --base-url "$bad" >"$T/bad" 2>&1
	is "--base-url '$bad' is a usage error" "$?" 2
done
check "a refused base leaves the site as it was" grep -q 'https://example.org/music/' "$S/index.html"
done_testing
