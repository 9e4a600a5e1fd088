# Helpers of the t15xx similarity tests (sourced after lib.sh and lib-etl.sh).

# similar_library SEED DAYS: a collected and enriched library.
similar_library() {
	start_sim --seed "$1"
	check "auth" authorize main
	check "$2 days of collecting" collect_days "$2"
	check "etl runs" sl etl
}

# truth_labels N SEED >FILE: N labels (half similar) of played tracks with
# features, each asked of the simulator's truth (/_sim/similar).
truth_labels() {
	# through lib.sh's sqlite3, so it reads the store on either engine
	sqlite3 "$DATA/spinlog.db" "SELECT DISTINCT p.track_id FROM plays p JOIN audio_features f
	  ON f.track_id = p.track_id ORDER BY 1" >"$T/label-ids.txt"
	python3 - "$T/label-ids.txt" "$SIM_URL" "$1" "$2" <<'PY'
import json, random, sys, urllib.request
ids_file, base, n, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
ids = [l.strip() for l in open(ids_file) if l.strip()]
rnd = random.Random(seed)
want = {True: n // 2, False: n - n // 2}
seen, out = set(), []
for _ in range(50000):
    if not want[True] and not want[False]:
        break
    a, b = rnd.sample(ids, 2)
    if (min(a, b), max(a, b)) in seen:
        continue
    seen.add((min(a, b), max(a, b)))
    with urllib.request.urlopen(f"{base}/_sim/similar?a={a}&b={b}") as r:
        s = json.load(r)["similar"]
    if want[s]:
        want[s] -= 1
        out.append(f"{a},{b},{'similar' if s else 'different'}")
print("track_a,track_b,label")
print("\n".join(out))
PY
}

# truth PAIR_A PAIR_B: "true" or "false" from the simulator.
truth() { sim_get "/_sim/similar?a=$1&b=$2" | jq -r .similar; }
