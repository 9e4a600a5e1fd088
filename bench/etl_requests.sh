#!/usr/bin/env bash
# Requests per 1,000 plays for a simulated month (advance + collect every
# 2 hours, etl once a day), against the minimum computed from the landed
# pages: ceil(artists/50) + ceil(tracks/100) per run's new ids + one
# analysis per new track. Also times the ETL. Not run by 'make test'.
#   BUILD_DIR (default build), DAYS (default 30), SEED (default 5)
set -u
cd "$(dirname "$0")/.."
. tests/e2e/lib.sh
. tests/e2e/lib-etl.sh
DAYS=${DAYS:-30}
start_sim --seed "${SEED:-5}"
authorize main || { echo "auth failed"; exit 1; }
min=0 etl_ms=0
for d in $(seq 1 "$DAYS"); do
	collect_days 1 || { echo "collect failed"; exit 1; }
	known_t=$(sqlite3 "$DATA/spinlog.db" "SELECT count(*) FROM tracks")
	known_a=$(sqlite3 "$DATA/spinlog.db" "SELECT count(*) FROM artists")
	all_t=$(cat $(find "$DATA/landing/recently-played" -name '*.json') | jq -r '.items[].track.id' | sort -u | wc -l)
	all_a=$(cat $(find "$DATA/landing/recently-played" -name '*.json') | jq -r '.items[].track | (.artists[].id, .album.artists[].id)' | sort -u | wc -l)
	nt=$((all_t - known_t)) na=$((all_a - known_a))
	min=$((min + (na + 49) / 50 + (nt + 99) / 100 + nt))
	t0=$(date +%s%N)
	sl etl >/dev/null || { echo "etl failed"; exit 1; }
	etl_ms=$((etl_ms + ($(date +%s%N) - t0) / 1000000))
done
plays=$(music_plays)
req=$(sim_get /_sim/requests | jq '[to_entries[] | select(.key | test("artists|tracks|audio-|reccobeats")) | .value] | add // 0')
echo "days $DAYS, plays $plays, tracks $(sqlite3 "$DATA/spinlog.db" "SELECT count(*) FROM tracks")"
echo "enrichment requests $req, minimum $min"
awk -v r="$req" -v m="$min" -v p="$plays" 'BEGIN { printf "requests per 1000 plays: %.1f (minimum %.1f)\n", r * 1000 / p, m * 1000 / p }'
echo "etl time: $etl_ms ms over $DAYS runs"
t0=$(date +%s%N)
sl etl --rebuild >/dev/null
echo "rebuild of $plays plays: $((($(date +%s%N) - t0) / 1000000)) ms"
t0=$(date +%s%N)
sl export --format jsonl >/dev/null
echo "export of $plays plays: $((($(date +%s%N) - t0) / 1000000)) ms"
