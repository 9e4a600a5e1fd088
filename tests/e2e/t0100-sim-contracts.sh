#!/usr/bin/env bash
# The simulator keeps the contracts of docs/spotify-platform.md: accounts
# (PKCE, rotating refresh tokens, token expiry on the simulated clock), the
# recently-played window and its paging, deterministic listening, binges,
# development-mode restrictions, ReccoBeats, faults and the privacy export.
set -eu
. "$(dirname "$0")/lib.sh"
set +e

J=(-H "Accept: application/json")
REDIRECT="http://127.0.0.1:8899/callback"
CLIENT=test-client

# pkce VERIFIER: prints the S256 challenge.
pkce() { printf %s "$1" | openssl dgst -sha256 -binary | openssl base64 -A | tr '+/' '-_' | tr -d '='; }

# login [SIM_USER]: authorises and sets ACCESS and REFRESH.
login() {
	local v c loc code
	v=$(head -c 48 /dev/urandom | openssl base64 -A | tr '+/' '-_' | tr -d '=')
	c=$(pkce "$v")
	loc=$(curl -s -o /dev/null -w '%{redirect_url}' "$SIM_URL/authorize?client_id=$CLIENT&response_type=code&redirect_uri=$REDIRECT&state=xyz&scope=user-read-recently-played&code_challenge_method=S256&code_challenge=$c&sim_user=${1:-user1}")
	code=$(printf %s "$loc" | sed -n 's/.*[?&]code=\([^&]*\).*/\1/p')
	TOK=$(curl -s -X POST "$SIM_URL/api/token" -d grant_type=authorization_code -d "code=$code" \
		--data-urlencode "redirect_uri=$REDIRECT" -d "client_id=$CLIENT" -d "code_verifier=$v")
	ACCESS=$(printf %s "$TOK" | jq -r .access_token)
	REFRESH=$(printf %s "$TOK" | jq -r .refresh_token)
}
api() { curl -s -H "Authorization: Bearer $ACCESS" "$SIM_URL$1"; }
status() { curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $ACCESS" "$SIM_URL$1"; }

# --- accounts -----------------------------------------------------------------
start_sim --seed 7 --token-ttl 600
V=$(head -c 48 /dev/urandom | openssl base64 -A | tr '+/' '-_' | tr -d '=')
C=$(pkce "$V")
AUTH="$SIM_URL/authorize?client_id=$CLIENT&response_type=code&redirect_uri=$REDIRECT&state=s%20t&scope=user-read-recently-played&code_challenge_method=S256&code_challenge=$C"
out=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "$AUTH")
code=$(printf %s "$out" | sed -n 's/.*[?&]code=\([^&]*\).*/\1/p')
check "authorize answers 302 to the redirect uri with code and state" \
	test "${out%% *}" = 302 -a -n "$code" -a "$(printf %s "$out" | grep -c "^302 $REDIRECT?code=.*&state=s%20t$")" = 1
is "authorize refuses a localhost redirect uri" \
	"$(curl -s -o /dev/null -w '%{http_code}' "${AUTH/redirect_uri=http:\/\/127.0.0.1/redirect_uri=http://localhost}")" 400
tok=$(curl -s -X POST "$SIM_URL/api/token" -d grant_type=authorization_code -d "code=$code" \
	--data-urlencode "redirect_uri=$REDIRECT" -d "client_id=$CLIENT" -d "code_verifier=$V")
is "code exchange with the right verifier gives Bearer tokens" \
	"$(printf %s "$tok" | jq -r '[.token_type, .expires_in, (.access_token|length>20), (.refresh_token|length>20)]|join(",")')" \
	"Bearer,3600,true,true"
again=$(curl -s -w ' %{http_code}' -X POST "$SIM_URL/api/token" -d grant_type=authorization_code -d "code=$code" \
	--data-urlencode "redirect_uri=$REDIRECT" -d "client_id=$CLIENT" -d "code_verifier=$V")
is "a code is single-use" "$(printf %s "$again" | sed 's/.* //') $(printf %s "${again% *}" | jq -r .error)" "400 invalid_grant"
code2=$(curl -s -o /dev/null -w '%{redirect_url}' "$AUTH" | sed -n 's/.*[?&]code=\([^&]*\).*/\1/p')
bad=$(curl -s -w ' %{http_code}' -X POST "$SIM_URL/api/token" -d grant_type=authorization_code -d "code=$code2" \
	--data-urlencode "redirect_uri=$REDIRECT" -d "client_id=$CLIENT" -d "code_verifier=${V}x")
is "a wrong code_verifier gives invalid_grant" "$(printf %s "$bad" | sed 's/.* //') $(printf %s "${bad% *}" | jq -r .error)" "400 invalid_grant"

ACCESS=$(printf %s "$tok" | jq -r .access_token)
R1=$(printf %s "$tok" | jq -r .refresh_token)
r2=$(curl -s -X POST "$SIM_URL/api/token" -d grant_type=refresh_token -d "refresh_token=$R1" -d "client_id=$CLIENT")
R2=$(printf %s "$r2" | jq -r .refresh_token)
check "refresh returns a new, different refresh token" test -n "$R2" -a "$R2" != null -a "$R2" != "$R1"
reuse=$(curl -s -w ' %{http_code}' -X POST "$SIM_URL/api/token" -d grant_type=refresh_token -d "refresh_token=$R1" -d "client_id=$CLIENT")
is "reusing a rotated refresh token is invalid_grant, revoked" \
	"$(printf %s "$reuse" | sed 's/.* //') $(printf %s "${reuse% *}" | jq -r '.error + "/" + .error_description')" \
	"400 invalid_grant/Refresh token revoked"
r3=$(curl -s -X POST "$SIM_URL/api/token" -d grant_type=refresh_token -d "refresh_token=$R2" -d "client_id=$CLIENT")
check "the newest refresh token still works" test "$(printf %s "$r3" | jq -r .token_type)" = Bearer
ACCESS=$(printf %s "$r3" | jq -r .access_token)
is "an access token works before its ttl" "$(status /v1/me/player/recently-played)" 200
is "no Authorization header gives 401" \
	"$(curl -s -o /dev/null -w '%{http_code}' "$SIM_URL/v1/me/player/recently-played")" 401
advance 11
is "the access token expires after --token-ttl simulated seconds" \
	"$(api /v1/me/player/recently-played | jq -r '(.error.status|tostring) + " " + .error.message')" "401 The access token expired"
advance $((60 * 24 * 190))
R3=$(printf %s "$r3" | jq -r .refresh_token)
exp=$(curl -s -X POST "$SIM_URL/api/token" -d grant_type=refresh_token -d "refresh_token=$R3" -d "client_id=$CLIENT")
is "refresh tokens expire six months after authorisation" \
	"$(printf %s "$exp" | jq -r '.error + "/" + .error_description')" "invalid_grant/Refresh token expired"

# --- the window, the 30 s rule and paging ------------------------------------------
start_sim --seed 11
advance $((60 * 24 * 3))
login
sim_get "/_sim/truth?user=user1" >"$T/truth.json"
is "listed is exactly music over 30 s outside private sessions" \
	"$(jq '[.[] | select(.listed != (.kind == "music" and .ms_played > 30000 and (.incognito|not)))] | length' "$T/truth.json")" 0
check "three days hold skips and more than 50 listed plays" \
	test "$(jq '[.[]|select(.listed)]|length' "$T/truth.json")" -gt 50 -a "$(jq '[.[]|select(.ms_played<30000)]|length' "$T/truth.json")" -gt 0
jq -r '[.[]|select(.listed)] | reverse | .[:50] | .[].ended_at' "$T/truth.json" >"$T/want50"
api "/v1/me/player/recently-played?limit=50" >"$T/page50.json"
jq -r '.items[].played_at' "$T/page50.json" >"$T/got50"
check "limit=50 returns the last 50 listed plays, newest first" cmp -s "$T/want50" "$T/got50"
is "a page has 50 items and the full track objects" \
	"$(jq -r '[(.items|length), (.items[0].track|has("album") and has("external_ids") and has("popularity") and has("available_markets"))]|@csv' "$T/page50.json")" "50,true"
ms() { jq -r '[.[]|select(.listed)] | reverse | .['"$1"'].ended_at' "$T/truth.json" | python3 -c 'import sys,datetime;s=sys.stdin.read().strip();print(int(datetime.datetime.strptime(s,"%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc).timestamp()*1000+0.5))'; }
p1=$(api "/v1/me/player/recently-played?limit=10")
is "default paging: cursors.before is the oldest item of the page" \
	"$(printf %s "$p1" | jq -r .cursors.before)" "$(ms 9)"
is "default paging: cursors.after is the newest item" "$(printf %s "$p1" | jq -r .cursors.after)" "$(ms 0)"
nxt=$(printf %s "$p1" | jq -r .next)
check "next pages back with before=cursors.before" test "$nxt" = "$SIM_URL/v1/me/player/recently-played?before=$(ms 9)&limit=10"
p2=$(curl -s -H "Authorization: Bearer $ACCESS" "$nxt")
is "before returns the limit newest items older than the cursor" \
	"$(printf %s "$p2" | jq -r '.items|map(.played_at)|join(" ")')" "$(sed -n 11,20p "$T/want50" | tr '\n' ' ' | sed 's/ $//')"
pa=$(api "/v1/me/player/recently-played?limit=10&after=$(ms 19)")
is "after returns the limit OLDEST items newer than the cursor, newest first" \
	"$(printf %s "$pa" | jq -r '.items|map(.played_at)|join(" ")')" "$(sed -n 10,19p "$T/want50" | tr '\n' ' ' | sed 's/ $//')"
is "after paging: next is after=cursors.after" "$(printf %s "$pa" | jq -r .next)" \
	"$SIM_URL/v1/me/player/recently-played?after=$(ms 9)&limit=10"
pb=$(curl -s -H "Authorization: Bearer $ACCESS" "$(printf %s "$pa" | jq -r .next)")
is "following next walks forward to the newest" "$(printf %s "$pb" | jq -r '.items|map(.played_at)|join(" ")')" \
	"$(sed -n 1,9p "$T/want50" | tr '\n' ' ' | sed 's/ $//')"
pe=$(api "/v1/me/player/recently-played?after=$(ms 0)")
is "an empty page has no items, next null and cursors null" "$(printf %s "$pe" | jq -c '[.items, .next, .cursors, .limit]')" '[[],null,null,20]'
pold=$(api "/v1/me/player/recently-played?before=$(ms 49)&limit=50")
is "paging back with before past the window returns nothing" "$(printf %s "$pold" | jq '.items|length')" 0
is "href is the request url on the simulator" "$(printf %s "$pa" | jq -r .href)" \
	"$SIM_URL/v1/me/player/recently-played?limit=10&after=$(ms 19)"
is "after and before together give 400" "$(status "/v1/me/player/recently-played?after=1&before=2")" 400
is "limit 51 gives 400" "$(status "/v1/me/player/recently-played?limit=51")" 400
is "limit 0 gives 400" "$(status "/v1/me/player/recently-played?limit=0")" 400
is "requests are counted per path template" \
	"$(sim_get /_sim/requests | jq -c '[."GET /v1/me/player/recently-played", ."POST /api/token", ."GET /authorize"]')" '[10,1,1]'
sim_post /_sim/requests/reset >/dev/null
is "requests/reset zeroes the counters" "$(sim_get /_sim/requests | jq '[.[]]|add')" 0
rate=$(jq -r '.[]|select(.listed)|.ended_at[0:15]' "$T/truth.json" | awk '{print substr($0,1,14) int(substr($0,15,1)/2)}' | sort | uniq -c | sort -rn | head -1 | awk '{print $1}')
check "no 20-minute span has 50 or more listed plays (max $rate)" test "$rate" -lt 50

# hostile names are in the catalog and played by user1
hostile=$(jq -r '.[].track_id // empty' "$T/truth.json" | sort -u | head -400 | paste -sd, | cut -d, -f1-50)
img=0
for id in $(jq -r '[.[]|select(.listed)|.track_id]|unique|.[]' "$T/truth.json"); do
	n=$(api "/v1/tracks/$id" | jq -r '[.name] + [.artists[].name] | join(" ")')
	case "$n" in *"<img src=x onerror=alert(1)>"* | *"<script>alert(1)</script>"*) img=$((img + 1)) ;; esac
done
check "user1 plays the tracks with hostile names ($img seen in 3 days)" test "$img" -gt 0

# --- determinism: chunking the clock does not change the plays ---------------
start_sim --seed 99 --users 2 --start 2026-03-02T12:00:00Z
A=$SIM_URL
start_sim --seed 99 --users 2 --start 2026-03-02T12:00:00Z
B=$SIM_URL
curl -sf -X POST "$A/_sim/advance?minutes=600" >/dev/null
for i in $(seq 30); do curl -sf -X POST "$B/_sim/advance?minutes=20" >/dev/null; done
ta=$(curl -s "$A/_sim/truth?user=user2" | jq -c .)
tb=$(curl -s "$B/_sim/truth?user=user2" | jq -c .)
check "same seed: 1 x 600 min and 30 x 20 min give the same truth" test -n "$ta" -a "$ta" = "$tb" -a "$ta" != "[]"
is "the clock reads start + 600 min" "$(curl -s "$B/_sim/clock" | jq -r .now)" "2026-03-02T22:00:00.000Z"

# --- binge ----------------------------------------------------------------------------
is "a binge that cannot fit gives 400 at advance time" \
	"$(curl -s -o /dev/null -w '%{http_code}' -X POST "$A/_sim/binge?user=user1&plays=80" >/dev/null; curl -s -o /dev/null -w '%{http_code}' -X POST "$A/_sim/advance?minutes=30")" 400
t0=$(curl -s "$A/_sim/clock" | jq -r .now)
curl -sf -X POST "$A/_sim/advance?minutes=60" >/dev/null
is "a binge of 80 gives 80 listed plays over 30 s in the advanced span" \
	"$(curl -s "$A/_sim/truth?user=user1" | jq --arg t0 "$t0" '[.[]|select(.ended_at > $t0)] | [length, ([.[]|select(.listed and .ms_played > 30000 and .kind=="music")]|length)] | @csv')" '"80,80"'

# --- development mode -----------------------------------------------------------------
start_sim --seed 5 --app-mode development
advance 1440
login
TID=$(sim_get "/_sim/truth?user=user1" | jq -r '[.[]|select(.listed)][0].track_id')
is "dev mode: batch tracks give 403" "$(status "/v1/tracks?ids=$TID")" 403
is "dev mode: audio-features give 403 {error:{status:403}}" "$(api "/v1/audio-features/$TID" | jq -c .)" '{"error":{"status":403}}'
is "dev mode: batch audio-features give 403" "$(status "/v1/audio-features?ids=$TID")" 403
is "dev mode: audio-analysis gives 403" "$(status "/v1/audio-analysis/$TID")" 403
is "dev mode: single track has no popularity or markets" \
	"$(api "/v1/tracks/$TID" | jq -c '[has("popularity"), has("available_markets"), (.album|has("available_markets")), .id]')" "[false,false,false,\"$TID\"]"
AID=$(api "/v1/tracks/$TID" | jq -r '.artists[0].id')
is "dev mode: artist has no followers or popularity" "$(api "/v1/artists/$AID" | jq -c '[has("followers"), has("popularity"), has("genres")]')" '[false,false,true]'
is "dev mode: recently-played tracks lack popularity" \
	"$(api "/v1/me/player/recently-played?limit=50" | jq '[.items[].track|has("popularity") or has("available_markets")]|any')" false
is "dev mode: reccobeats still answers" "$(curl -s "$SIM_URL/reccobeats/v1/audio-features?ids=$TID" | jq '.content|length')" 1

# --- enrichment in legacy mode ----------------------------------------------------
start_sim --seed 5
advance 1440
login
T1=$TID
T2=$(api "/v1/tracks/$T1" | jq -r .album.id)
is "the catalog is the same for the same seed in both modes" "$(api "/v1/tracks/$T1" | jq -r .id)" "$T1"
is "batch tracks give null for an unknown id" "$(api "/v1/tracks?ids=$T1,0000000000000000000000" | jq -c '[.tracks[0].id, .tracks[1]]')" "[\"$T1\",null]"
is "unknown single id gives 404" "$(status /v1/tracks/0000000000000000000000)" 404
is "a malformed id gives 400" "$(status /v1/tracks/not-an-id)" 400
is "more than 50 ids give 400" "$(status "/v1/tracks?ids=$(yes "$T1" | head -51 | paste -sd,)")" 400
f1=$(api "/v1/audio-features/$T1")
is "batch features equal the single form" "$(api "/v1/audio-features?ids=$T1" | jq -c '.audio_features[0]')" "$(printf %s "$f1" | jq -c .)"
is "features carry every key of the real fixture" "$(printf %s "$f1" | jq -c keys_unsorted)" \
	'["danceability","energy","key","loudness","mode","speechiness","acousticness","instrumentalness","liveness","valence","tempo","type","id","uri","track_href","analysis_url","duration_ms","time_signature"]'
an=$(api "/v1/audio-analysis/$T1")
is "analysis agrees with the features" \
	"$(printf %s "$an" | jq -c '.track|[.tempo,.key,.mode,.loudness,.time_signature,(.duration*1000|floor)]')" \
	"$(printf %s "$f1" | jq -c '[.tempo,.key,.mode,.loudness,.time_signature,.duration_ms]')"
is "sections and segments tile the track exactly" \
	"$(printf %s "$an" | jq -r '.track.duration as $d | [(.sections|length>=1), (.sections[0].start==0), ([.sections[]|.duration]|add - $d|fabs<1e-6), ([range(1; .sections|length) as $i | (.sections[$i].start - .sections[$i-1].start - .sections[$i-1].duration|fabs<1e-6)]|all), ([.segments[]|.duration]|add - $d|fabs<1e-6), ([.segments[]|select(.pitches|length!=12)]|length==0)]|all')" true
AID=$(api "/v1/tracks/$T1" | jq -r '.artists[0].id')
is "artists batch has genres, popularity and followers" \
	"$(api "/v1/artists?ids=$AID" | jq -c '.artists[0]|[has("genres"), has("popularity"), (.followers.total|type)]')" '[true,true,"number"]'
IMG=$(api "/v1/tracks/$T1" | jq -r '.album.images[1].url')
curl -s -o "$T/cover.png" "$IMG"
is "album images are real PNGs of the stated size" "$(od -An -tx1 -j16 -N8 "$T/cover.png" | tr -d ' \n')" "0000012c0000012c"

# --- reccobeats --------------------------------------------------------------------
ids=$(sim_get "/_sim/truth?user=user1" | jq -r '[.[]|select(.kind=="music").track_id]|unique|.[:3]|join(",")')
rb=$(curl -s "$SIM_URL/reccobeats/v1/audio-features?ids=$ids,0000000000000000000000")
is "reccobeats answers known ids and leaves unknown ones out" "$(printf %s "$rb" | jq '.content|length')" 3
first=${ids%%,*}
is "reccobeats values equal Spotify's, mapped back through href" \
	"$(printf %s "$rb" | jq -c --arg h "https://open.spotify.com/track/$first" '.content[]|select(.href==$h)|[.acousticness,.danceability,.energy,.instrumentalness,.key,.liveness,.loudness,.mode,.speechiness,.tempo,.valence,has("time_signature"),(.id|test("^[0-9a-f-]{36}$"))]')" \
	"$(api "/v1/audio-features/$first" | jq -c '[.acousticness,.danceability,.energy,.instrumentalness,.key,.liveness,.loudness,.mode,.speechiness,.tempo,.valence,false,true]')"
is "more than 40 ids give 400 at reccobeats" \
	"$(curl -s -o /dev/null -w '%{http_code}' "$SIM_URL/reccobeats/v1/audio-features?ids=$(yes "$first" | head -41 | paste -sd,)")" 400

# --- faults --------------------------------------------------------------------------
sim_post "/_sim/requests/reset" >/dev/null
sim_post "/_sim/faults?rate_429=1&retry_after=2" >/dev/null
h=$(curl -s -D - -o /dev/null -H "Authorization: Bearer $ACCESS" "$SIM_URL/v1/tracks/$T1" | tr -d '\r')
check "a 429 carries Retry-After" test "$(printf %s "$h" | head -1 | cut -d' ' -f2)" = 429 -a "$(printf %s "$h" | grep -i '^retry-after:' | cut -d' ' -f2)" = 2
sim_post "/_sim/faults" >/dev/null
is "an early call during the penalty is answered 429 again" "$(status "/v1/tracks/$T1")" 429
is "and counted in early_calls" "$(sim_get /_sim/requests | jq .early_calls)" 1
is "/_sim endpoints are never faulted" "$(curl -s -o /dev/null -w '%{http_code}' "$SIM_URL/_sim/clock")" 200
sleep 2.2
is "after the penalty the API answers again" "$(status "/v1/tracks/$T1")" 200
sim_post "/_sim/faults?rate_5xx=1" >/dev/null
s=$(status "/v1/tracks/$T1")
check "rate_5xx=1 gives a 5xx ($s)" test "$s" -ge 500 -a "$s" -le 503
sim_post "/_sim/faults?rate_malformed=1" >/dev/null
check "rate_malformed gives 200 with invalid JSON" sh -c "test \"\$(curl -s -o '$T/bad' -w '%{http_code}' -H 'Authorization: Bearer $ACCESS' '$SIM_URL/v1/tracks/$T1')\" = 200 && ! jq . '$T/bad' >/dev/null 2>&1"
sim_post "/_sim/faults?rate_429=1&retry_after=date&retry_after_s=1&quota=1" >/dev/null
h=$(curl -s -D - -H "Authorization: Bearer $ACCESS" "$SIM_URL/v1/tracks/$T1" | tr -d '\r')
check "retry_after=date sends an HTTP-date and quota the QUOTA_EXCEEDED reason" \
	sh -c "printf %s '$h' | grep -qi '^retry-after: [A-Z][a-z][a-z], [0-9][0-9] [A-Z][a-z][a-z] 20[0-9][0-9] .* GMT$' && printf %s '$h' | grep -q QUOTA_EXCEEDED"
sim_post "/_sim/faults?expire_access=1" >/dev/null
sleep 1.2
is "expire_access makes issued access tokens 401" "$(status "/v1/tracks/$T1")" 401
sim_post "/_sim/faults?revoke_refresh=user1" >/dev/null
rv=$(curl -s -X POST "$SIM_URL/api/token" -d grant_type=refresh_token -d "refresh_token=$REFRESH" -d "client_id=$CLIENT")
is "revoke_refresh revokes the user's refresh token" "$(printf %s "$rv" | jq -r .error)" invalid_grant
sim_post "/_sim/faults" >/dev/null
is "POST /_sim/faults with no parameters clears them" "$(sim_get /_sim/faults | jq '[.rate_5xx,.rate_429,.rate_malformed]|add')" 0

# --- export ----------------------------------------------------------------------------
start_sim --seed 3
advance $((60 * 24 * 7))
sim_get "/_sim/truth?user=user1" >"$T/truth7.json"
curl -sf -o "$T/export.zip" "$SIM_URL/_sim/export?user=user1"
unzip -l "$T/export.zip" >"$T/zip.list"
check "the export holds the extended and account files" sh -c "grep -q 'Spotify Extended Streaming History/Streaming_History_Audio_2026_0.json' '$T/zip.list' && grep -q 'Spotify Account Data/StreamingHistory_music_0.json' '$T/zip.list' && grep -q 'Spotify Account Data/StreamingHistory_podcast_0.json' '$T/zip.list' && grep -q 'Spotify Account Data/Userdata.json' '$T/zip.list'"
mkdir -p "$T/x" && (cd "$T/x" && unzip -q "$T/export.zip")
ext="$T/x/Spotify Extended Streaming History/Streaming_History_Audio_2026_0.json"
is "the extended history has one record per play" "$(jq length "$ext")" "$(jq length "$T/truth7.json")"
is "ts is the end time truncated to seconds" "$(jq -r '.[].ts' "$ext" | md5sum)" \
	"$(jq -r '.[].ended_at | .[0:19] + "Z"' "$T/truth7.json" | md5sum)"
is "records have the 23 keys of the newest schema, in order" "$(jq -c '[.[]|keys_unsorted]|unique' "$ext")" \
	'[["ts","platform","ms_played","conn_country","ip_addr","master_metadata_track_name","master_metadata_album_artist_name","master_metadata_album_album_name","spotify_track_uri","episode_name","episode_show_name","spotify_episode_uri","audiobook_title","audiobook_uri","audiobook_chapter_uri","audiobook_chapter_title","reason_start","reason_end","shuffle","skipped","offline","offline_timestamp","incognito_mode"]]'
is "podcast rows have null track fields and an episode uri" \
	"$(jq '[.[]|select(.spotify_episode_uri != null)|select(.spotify_track_uri != null or .master_metadata_track_name != null or (.episode_show_name|type) != "string")]|length' "$ext")" 0
is "podcast and incognito counts agree with the truth" \
	"$(jq -c '[([.[]|select(.spotify_episode_uri)]|length), ([.[]|select(.incognito_mode)]|length)]' "$ext")" \
	"$(jq -c '[([.[]|select(.kind=="podcast")]|length), ([.[]|select(.incognito)]|length)]' "$T/truth7.json")"
check "the file is pretty-printed with two spaces" sh -c "sed -n 2,3p '$ext' | tr '\n' '|' | grep -q '^  {|    \"ts\": \"'"
is "account data lists music plays with minute precision" \
	"$(jq -r '.[0].endTime|test("^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}$")' "$T/x/Spotify Account Data/StreamingHistory_music_0.json") $(jq length "$T/x/Spotify Account Data/StreamingHistory_music_0.json")" \
	"true $(jq '[.[]|select(.kind=="music")]|length' "$T/truth7.json")"
echo "# export of 7 days: $(stat -c %s "$T/export.zip") bytes, $(jq length "$T/truth7.json") plays"

done_testing
