#!/usr/bin/env bash
# The dashboard under hostile clients (issue 8, item 6), on the hand-made
# store of t0501, with tests/tools/httpload as the client:
# - 200k requests for made-up /track-<id>.html pages: RSS grows by < 10 MB
#   (the server used to keep every id asked for: +150 MB per 400k);
# - 2,100 connections from another address (127.0.0.2) that send one header
#   line a second: a request from 127.0.0.1 is still answered within 1 s
#   (per-address connection limit), and with that limit raised so that they
#   fill every slot, the header deadline frees the slots although bytes keep
#   arriving;
# - a flood from one address gets 429 with Retry-After, another address is
#   served;
# - requests other sites send through the browser (Sec-Fetch-Site,
#   Origin) are refused, the dashboard's own are served; Host is checked.
# The client raises its soft open file limit to the hard one, the server its
# own to 2064; the test needs 2,200 descriptors and says so when it cannot.
. "$(dirname "$0")/lib.sh"
LOAD="$BUILD_DIR/tests/httpload"

sl wrapped >/dev/null 2>&1 # creates and migrates the store
sqlite3 "$DATA/spinlog.db" <"$(dirname "$0")/lib-see-fixture.sql"
check "fixture loaded" test "$(sqlite3 "$DATA/spinlog.db" 'SELECT count(*) FROM plays')" -eq 11
check "the load client is built" test -x "$LOAD"
ulimit -n "$(ulimit -Hn)" 2>/dev/null
check "2,200 open files allowed (ulimit -Hn is $(ulimit -Hn))" test "$(ulimit -n)" = unlimited -o "$(ulimit -n)" -ge 2200

# kv LINE KEY: the value of KEY=... in a line of httpload output.
kv() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
rss() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB$/\1/p' "/proc/$SERVE_PID/status"; }
stop_serve() { kill "$SERVE_PID"; wait "$SERVE_PID" 2>/dev/null; }
port() { cat "$T/serve.port"; }
# code [CURL ARGS...] PATH: the status of GET PATH.
code() { local p=${*: -1}; curl -s -o /dev/null -w '%{http_code}' --max-time 5 "${@:1:$#-1}" "$URL$p"; }

# --- memory: 200k unknown pages, no rate limit so every one is rendered ---
# On the ASan build the quarantine keeps freed memory on purpose (256 MB):
# turned off for this server, so RSS counts what is really kept.
asan=${ASAN_OPTIONS:+$ASAN_OPTIONS:quarantine_size_mb=0:thread_local_quarantine_size_kb=0}
ASAN_OPTIONS=${asan:-} SPINLOG_SERVE_RATE=0 start_serve --no-covers
fresh=$(rss)
out=$("$LOAD" flood --port "$(port)" --requests 2000 --conns 16)
is "warm-up: 2000 unknown tracks are 404" "$(kv "$out" s404)" 2000
before=$(rss)
out=$("$LOAD" flood --port "$(port)" --requests 200000 --conns 16)
after=$(rss)
echo "# flood: $out"
echo "# RSS: fresh ${fresh} kB, after warm-up ${before} kB, after 200k ${after} kB"
is "200k requests answered" "$(kv "$out" answered)" 200000
is "every one a 404" "$(kv "$out" s404)" 200000
check "RSS grew by less than 10 MB ($before -> $after kB)" test $((after - before)) -lt 10240
is "a real page still answers" "$(code /track-t1.html)" 200
stop_serve

# --- slow connections from another host --------------------------------------
start_serve --no-covers
"$LOAD" slow --port "$(port)" --conns 2100 --seconds 4 --from 127.0.0.2 >"$T/slow.out" &
slow_pid=$!
for _ in $(seq 1 100); do grep -qs '^ready' "$T/slow.out" && break; sleep 0.05; done
check "the slow client is holding connections" grep -q '^ready open=[1-9]' "$T/slow.out"
lat=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 5 "$URL/")
echo "# slow: $(cat "$T/slow.out"); a request from 127.0.0.1: $lat s"
is "a request from 127.0.0.1 is answered" "${lat% *}" 200
check "within 1 s (${lat#* } s)" awk -v t="${lat#* }" 'BEGIN { exit !(t < 1) }'
wait "$slow_pid"
line=$(grep '^slow:' "$T/slow.out")
echo "# $line"
is "all 2100 connected" "$(kv "$line" connected)" 2100
check "at most 64 kept from one address ($(kv "$line" open) open at the end)" \
	test "$(kv "$line" open)" -le 64 -a "$(kv "$line" open)" -ge 1
stop_serve

# The header deadline alone: the per-address limit raised so that the 2100
# take every slot (2000); bytes every second do not keep them past 2 s.
SPINLOG_SERVE_MAX_PER_ADDRESS=3000 SPINLOG_SERVE_HEADER_TIMEOUT=2 start_serve --no-covers
"$LOAD" slow --port "$(port)" --conns 2100 --seconds 5 --from 127.0.0.2 >"$T/slow2.out" &
slow_pid=$!
for _ in $(seq 1 100); do grep -qs '^ready' "$T/slow2.out" && break; sleep 0.05; done
sleep 2.5
lat=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 5 "$URL/")
echo "# after the 2 s deadline, a request from 127.0.0.1: $lat s"
is "after the deadline a request from 127.0.0.1 is answered" "${lat% *}" 200
check "within 1 s (${lat#* } s)" awk -v t="${lat#* }" 'BEGIN { exit !(t < 1) }'
wait "$slow_pid"
line=$(grep '^slow:' "$T/slow2.out")
echo "# $line"
is "every slow connection closed by the server, none refused at once" \
	"$(kv "$line" closed_later) $(kv "$line" closed_1s) $(kv "$line" open)" "2100 0 0"
check "none before its 2 s deadline (first after $(kv "$line" first_close_ms) ms)" \
	test "$(kv "$line" first_close_ms)" -ge 1900
stop_serve

# --- request rate: one address flooding, another served ----------------------
start_serve --no-covers
out=$("$LOAD" flood --port "$(port)" --requests 20000 --conns 16 --from 127.0.0.2 --path /index.html)
echo "# rate: $out"
is "20000 flood requests answered" "$(kv "$out" answered)" 20000
check "the flood got its burst served ($(kv "$out" s200) >= 1000)" test "$(kv "$out" s200)" -ge 1000
check "and then 429s ($(kv "$out" s429))" test "$(kv "$out" s429)" -ge 10000
is "every 429 says Retry-After" "$(kv "$out" retry_after)" "$(kv "$out" s429)"
is "another address is served meanwhile" "$(code /)" 200

# --- cross-site requests -----------------------------------------------------
xs=(-H 'Sec-Fetch-Site: cross-site')
img=("${xs[@]}" -H 'Sec-Fetch-Mode: no-cors' -H 'Sec-Fetch-Dest: image')
nav=("${xs[@]}" -H 'Sec-Fetch-Mode: navigate' -H 'Sec-Fetch-Dest: document')
is "cross-site <img> of a page is refused" "$(code "${img[@]}" /track-t1.html)" 403
is "cross-site <img> of a cover is refused" "$(code "${img[@]}" /covers/x.png)" 403
is "cross-site fetch of the API is refused" \
	"$(code "${xs[@]}" -H 'Sec-Fetch-Mode: cors' -H 'Sec-Fetch-Dest: empty' /api/years)" 403
is "cross-site navigation to the API is refused" "$(code "${nav[@]}" /api/years)" 403
is "same-site (another port) fetch of the API is refused" \
	"$(code -H 'Sec-Fetch-Site: same-site' -H 'Sec-Fetch-Mode: cors' /api/years)" 403
is "a cross-site iframe is refused" \
	"$(code "${xs[@]}" -H 'Sec-Fetch-Mode: navigate' -H 'Sec-Fetch-Dest: iframe' /)" 403
is "a link from another site to a page is followed" "$(code "${nav[@]}" /calendar-2025.html)" 200
is "a foreign Origin is refused" "$(code -H 'Origin: http://evil.example' /api/years)" 403
is "Origin null is refused" "$(code -H 'Origin: null' /api/years)" 403
is "same-origin API request is served" \
	"$(code -H 'Sec-Fetch-Site: same-origin' -H 'Sec-Fetch-Mode: cors' -H "Origin: $URL" /api/years)" 200
is "same-origin <img> request is served" \
	"$(code -H 'Sec-Fetch-Site: same-origin' -H 'Sec-Fetch-Mode: no-cors' -H 'Sec-Fetch-Dest: image' /track-t1.html)" 200
is "a typed address (Sec-Fetch-Site: none) is served" "$(code -H 'Sec-Fetch-Site: none' /api/years)" 200
is "no fetch metadata (curl) is served" "$(code /api/years)" 200
check "answers say Cross-Origin-Resource-Policy: same-origin" \
	sh -c "curl -s -D - -o /dev/null '$URL/' | grep -qi '^Cross-Origin-Resource-Policy: same-origin'"

# --- Host ---------------------------------------------------------------------
is "Host 127.0.0.1:port is served" "$(code -H "Host: 127.0.0.1:$(port)" /)" 200
is "Host localhost:port is served" "$(code -H "Host: localhost:$(port)" /)" 200
is "Host evil.example is refused" "$(code -H 'Host: evil.example' /)" 403
is "Host 127.0.0.1.evil.example is refused" "$(code -H 'Host: 127.0.0.1.evil.example:80' /)" 403
stop_serve
done_testing
