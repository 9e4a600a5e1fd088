# Helpers shared by the t03xx ETL tests (sourced after lib.sh).

# sim_login [SIM_USER]: an access token of the test's own, so the test can
# ask the simulator what it answers without going through spinlog. Sets ACCESS.
sim_login() {
	local v c loc code redirect=http://127.0.0.1:8899/callback
	v=$(head -c 48 /dev/urandom | openssl base64 -A | tr '+/' '-_' | tr -d '=')
	c=$(printf %s "$v" | openssl dgst -sha256 -binary | openssl base64 -A | tr '+/' '-_' | tr -d '=')
	loc=$(curl -s -o /dev/null -w '%{redirect_url}' "$SIM_URL/authorize?client_id=t03-test&response_type=code&redirect_uri=$redirect&state=s&scope=user-read-recently-played&code_challenge_method=S256&code_challenge=$c&sim_user=${1:-user1}")
	code=$(printf %s "$loc" | sed -n 's/.*[?&]code=\([^&]*\).*/\1/p')
	ACCESS=$(curl -s -X POST "$SIM_URL/api/token" -d grant_type=authorization_code -d "code=$code" \
		--data-urlencode "redirect_uri=$redirect" -d client_id=t03-test -d "code_verifier=$v" | jq -r .access_token)
}

# requests KEY: how many requests the simulator counted for "METHOD /path".
requests() { sim_get /_sim/requests | jq --arg k "$1" '.[$k] // 0'; }

# collect_days DAYS: advances the simulated clock 2 hours at a time and
# collects after each step (often enough that no play is lost).
collect_days() {
	local i
	for i in $(seq 1 $(($1 * 12))); do
		advance 120
		sl collect >/dev/null 2>>"$T/collect.err" || return 1
	done
}

# music_plays: plays with a track id in the database.
music_plays() { sqlite3 "$DATA/spinlog.db" "SELECT count(*) FROM plays WHERE kind='music' AND track_id IS NOT NULL"; }

# dashboard_store: the store the dashboard tests look at, made by the real
# pipeline (simulator seed 7, two collected days, etl), then serves it;
# the simulator's truth is in $T/truth.json and ACCESS can ask the sim.
dashboard_store() {
	start_sim --seed 7
	check "auth" authorize main
	check "two days of collecting" collect_days 2
	check "etl runs" sl etl
	sim_login
	sim_get "/_sim/truth?user=user1" >"$T/truth.json"
	start_serve
}
