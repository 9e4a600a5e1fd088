#!/usr/bin/env python3
"""One listener's extended streaming history for the many-accounts tests
(issue 12): PLAYS music plays spread over two years from 2023-01-01
(50,000 plays: about 21 minutes apart), compact JSON in files of 20,000
records.
About 70% are plays of tracks only this listener has ("Only TAG Song N" by
"Only TAG Artist K", ids from SEED), the rest of 150 tracks every listener
shares (the same ids and names for every seed), so a page that mixed
listeners would show another's names. 30% are skips (ms_played < 30 s).

usage: accounts_gen.py DIR PLAYS SEED TAG"""
import json, os, random, sys, time

B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
PER_FILE = 20000


def sid(r):
    return "".join(r.choice(B62) for _ in range(22))


def tracks(seed, tag, n, label):
    r = random.Random(seed)
    return [(sid(r), "%s Song %d" % (label, i), "%s Artist %d" % (label, i % 40),
             "%s Album %d" % (label, i // 10)) for i in range(n)]


def main():
    d, plays, seed, tag = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    own = tracks(seed * 7919 + 1, tag, 400, "Only " + tag)
    shared = tracks(424242, tag, 150, "Shared")
    r = random.Random(seed)
    os.makedirs(d, exist_ok=True)
    t = 1672531200 + r.randint(0, 3600)  # 2023-01-01
    out, nfile = [], 0
    gap = max(120, 2 * 730 * 86400 // max(plays, 1))
    for k in range(plays):
        t += r.randint(60, gap - 60)
        tid, tn, an, al = r.choice(own) if r.random() < 0.7 else r.choice(shared)
        skipped = r.random() < 0.3
        ms = r.randint(0, 29000) if skipped else r.randint(30000, 360000)
        out.append({
            "ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t)),
            "platform": "linux", "ms_played": ms, "conn_country": "NL",
            "master_metadata_track_name": tn,
            "master_metadata_album_artist_name": an,
            "master_metadata_album_album_name": al,
            "spotify_track_uri": "spotify:track:" + tid,
            "episode_name": None, "episode_show_name": None, "spotify_episode_uri": None,
            "reason_start": "trackdone", "reason_end": "fwdbtn" if skipped else "trackdone",
            "shuffle": False, "skipped": skipped, "offline": False,
            "offline_timestamp": None, "incognito_mode": False})
        if len(out) == PER_FILE or k == plays - 1:
            path = os.path.join(d, "Streaming_History_Audio_%s_%d.json" % (tag, nfile))
            with open(path, "w") as f:
                json.dump(out, f, separators=(",", ":"))
            out, nfile = [], nfile + 1


main()
