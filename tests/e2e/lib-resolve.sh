# The fixture of the resolve tests (t1002, t1010), issue 10: source it after
# lib.sh, then call resolve_fixture. Three days of listening in development
# mode (seed 31), never collected, exported as account data with realistic
# name noise (noise=1: case, feat. credits, remaster suffixes, decomposed
# accents, a few names the catalog does not have) and imported; the
# extended export of the same plays is kept in $T/extended.zip as the truth.
# Sets PLAYS (music plays) and PAIRS (distinct names of plays without an id),
# and defines db (the store's SQL, on either engine).
db() { sqlite3 "$DATA/spinlog.db" "$@"; }

resolve_fixture() {
	start_sim --seed 31 --app-mode development
	advance 4320 # three days of listening, never collected
	check "auth" authorize main
	sim_get "/_sim/export?user=user1&package=account&noise=1" >"$T/account.zip"
	sim_get "/_sim/export?user=user1&package=extended" >"$T/extended.zip"
	check "the account data imports" sl import "$T/account.zip"
	PLAYS=$(db "SELECT count(*) FROM plays WHERE kind = 'music'")
	PAIRS=$(db "SELECT count(DISTINCT name_key) FROM plays WHERE kind = 'music' AND track_id IS NULL")
}
