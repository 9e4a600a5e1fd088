#!/usr/bin/env python3
"""Scores `spinlog analyze --format jsonl --segments` against the truth the
simulator wrote beside each rendered track (spotify-sim --write-audio): one
line "name value" per figure, for tests/e2e/t1310-analyze-accuracy.sh.

  accuracy.py TRUTH_DIR ANALYSIS.jsonl

Section figures score each true section against the found section holding
its midpoint: tempo within 2%, key exact, mode exact (keyed sections only),
key and mode together (section_key_mode_exact).
"""
import json, os, sys

def match(truth, found, tol):
    """Greedy one-to-one matching of sorted times: number of hits."""
    hits, j, used = 0, 0, set()
    for t in truth:
        best = None
        for k in range(len(found)):
            if k in used:
                continue
            d = abs(found[k] - t)
            if d <= tol and (best is None or d < abs(found[best] - t)):
                best = k
        if best is not None:
            used.add(best)
            hits += 1
    return hits

def main():
    tdir, res = sys.argv[1], sys.argv[2]
    got = {}
    for line in open(res):
        o = json.loads(line)
        got[os.path.basename(o["path"]).rsplit(".", 1)[0]] = o
    n = tempo_ok = octave = key_ok = ts_ok = loud_ok = dur_ok = errors = 0
    sec_n = sec_key_ok = sec_tempo_ok = sec_k = sec_m = sec_keyed = 0
    bt = bf = bh = ot = of = oh = 0
    worst_loud = worst_dur = 0.0
    for f in sorted(os.listdir(tdir)):
        if not f.endswith(".json"):
            continue
        t = json.load(open(os.path.join(tdir, f)))
        a = got.get(t["id"])
        n += 1
        if a is None or a.get("error"):
            errors += 1
            continue
        tempo = a["tempo"] or 0
        r = tempo / t["tempo"]
        if abs(r - 1) <= 0.02:
            tempo_ok += 1
        elif any(abs(r - m) <= 0.02 * m for m in (2, 0.5)):
            octave += 1
        if t["key"] == -1:
            key_ok += a["key"] == -1
        else:
            key_ok += a["key"] == t["key"] and a["mode"] == t["mode"]
        ts_ok += a["time_signature"] == t["time_signature"]
        dl = abs((a["loudness"] if a["loudness"] is not None else 99) - t["loudness"])
        worst_loud = max(worst_loud, dl)
        loud_ok += dl <= 1.0
        dd = abs(a["duration"] - t["duration"])
        worst_dur = max(worst_dur, dd)
        dur_ok += dd <= 0.05
        tb = [s["start"] for s in t["sections"][1:]]
        fb = [s["start"] for s in a["sections"][1:]]
        bt += len(tb); bf += len(fb); bh += match(tb, fb, 1.5)
        for s in t["sections"]:
            mid = s["start"] + s["duration"] / 2
            for x in a["sections"]:
                if x["start"] <= mid < x["start"] + x["duration"]:
                    sec_n += 1
                    sec_key_ok += (x["key"] == s["key"] and (s["key"] == -1 or x["mode"] == s["mode"]))
                    sec_k += x["key"] == s["key"]
                    if s["key"] != -1:
                        sec_keyed += 1
                        sec_m += x["mode"] == s["mode"]
                    sec_tempo_ok += abs((x["tempo"] or 0) / s["tempo"] - 1) <= 0.02
        to = t["onsets"]
        fo = [s["start"] for s in a.get("segments", [])]
        ot += len(to); of += len(fo); oh += match_fast(to, fo, 0.05)
    pr = bh / bf if bf else 0
    rc = bh / bt if bt else 0
    opr = oh / of if of else 0
    orc = oh / ot if ot else 0
    f1 = lambda p, q: 2 * p * q / (p + q) if p + q else 0
    out = {
        "tracks": n, "errors": errors,
        "tempo_within_2pct": tempo_ok / n, "tempo_octave_errors": octave,
        "key_mode_exact": key_ok / n, "time_signature_exact": ts_ok / n,
        "loudness_within_1db": loud_ok / n, "loudness_worst_db": worst_loud,
        "duration_within_50ms": dur_ok / n, "duration_worst_s": worst_dur,
        "sections_true": bt, "sections_found": bf,
        "boundary_precision": pr, "boundary_recall": rc, "boundary_f": f1(pr, rc),
        "sections_scored": sec_n,
        "section_key_mode_exact": sec_key_ok / sec_n if sec_n else 0,
        "section_tempo_within_2pct": sec_tempo_ok / sec_n if sec_n else 0,
        "section_key_exact": sec_k / sec_n if sec_n else 0,
        "section_mode_exact": sec_m / sec_keyed if sec_keyed else 0,
        "onsets_true": ot, "onsets_found": of,
        "onset_precision": opr, "onset_recall": orc, "onset_f": f1(opr, orc),
    }
    for k, v in out.items():
        print(k, round(v, 4) if isinstance(v, float) else v)

def match_fast(truth, found, tol):
    """One-to-one matching of two sorted lists within tol (two pointers)."""
    i = j = hits = 0
    while i < len(truth) and j < len(found):
        d = found[j] - truth[i]
        if abs(d) <= tol:
            hits += 1; i += 1; j += 1
        elif d < 0:
            j += 1
        else:
            i += 1
    return hits

if __name__ == "__main__":
    main()
