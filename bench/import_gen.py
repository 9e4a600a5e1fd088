#!/usr/bin/env python3
"""Generates an extended streaming history in the newest schema for
bench/import_bench.sh: N plays in files of ~15,000 records, pretty-printed
with two spaces like Spotify's (~750 bytes per record).

usage: import_gen.py DIR [PLAYS] [SEED]"""
import json, os, random, sys
from multiprocessing import Pool

B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
PER_FILE = 15000


def sid(r):
    return "".join(r.choice(B62) for _ in range(22))


def catalog(seed):
    r = random.Random(seed)
    artists = ["Artist %d %s" % (i, r.choice(["Band", "Trio", "DJ", "Ensemble"]))
               for i in range(2000)]
    tracks = []
    for i in range(20000):
        a = r.choice(artists)
        tracks.append((sid(r), "Track %d of %s" % (i, a.split()[1]), a,
                       "Album %d" % (i // 12)))
    shows = [("Show %d" % i, [(sid(r), "Episode %d.%d" % (i, j)) for j in range(40)])
             for i in range(50)]
    return tracks, shows


def gen_file(args):
    d, idx, start, count, seed = args
    tracks, shows = catalog(seed)
    r = random.Random(seed * 1000 + idx)
    t = 1546300800 + start * 200  # 2019-01-01 + ~200 s per play
    out = []
    for k in range(count):
        t += r.randint(20, 380)
        rec = {"ts": "", "platform": r.choice(["ios", "android", "windows", "web_player"]),
               "ms_played": 0, "conn_country": r.choice(["NL", "DE", "GB", "US"]),
               "ip_addr": "192.0.2.%d" % r.randint(1, 254)}
        if r.random() < 0.02:
            show, eps = r.choice(shows)
            eid, ename = r.choice(eps)
            rec.update({"master_metadata_track_name": None, "master_metadata_album_artist_name": None,
                        "master_metadata_album_album_name": None, "spotify_track_uri": None,
                        "episode_name": ename, "episode_show_name": show,
                        "spotify_episode_uri": "spotify:episode:" + eid})
        else:
            tid, tn, an, al = r.choice(tracks)
            rec.update({"master_metadata_track_name": tn, "master_metadata_album_artist_name": an,
                        "master_metadata_album_album_name": al, "spotify_track_uri": "spotify:track:" + tid,
                        "episode_name": None, "episode_show_name": None, "spotify_episode_uri": None})
        skipped = r.random() < 0.3
        ms = r.randint(0, 29000) if skipped else r.randint(30000, 360000)
        rec.update({"audiobook_title": None, "audiobook_uri": None, "audiobook_chapter_uri": None,
                    "audiobook_chapter_title": None,
                    "reason_start": r.choice(["trackdone", "fwdbtn", "clickrow", "playbtn"]),
                    "reason_end": "fwdbtn" if skipped else "trackdone",
                    "shuffle": r.random() < 0.5, "skipped": skipped, "offline": r.random() < 0.05,
                    "offline_timestamp": t - ms // 1000, "incognito_mode": r.random() < 0.01})
        rec["ms_played"] = ms
        import time as _t
        rec["ts"] = _t.strftime("%Y-%m-%dT%H:%M:%SZ", _t.gmtime(t))
        out.append(rec)
    name = os.path.join(d, "Streaming_History_Audio_%d.json" % idx)
    with open(name + ".tmp", "w") as f:
        json.dump(out, f, indent=2, ensure_ascii=False)
    os.rename(name + ".tmp", name)
    return count


def main():
    d = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000000
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    os.makedirs(d, exist_ok=True)
    jobs, start, idx = [], 0, 0
    while start < n:
        c = min(PER_FILE, n - start)
        jobs.append((d, idx, start, c, seed))
        start += c
        idx += 1
    with Pool(2) as p:
        total = sum(p.map(gen_file, jobs))
    print("generated %d plays in %d files in %s" % (total, len(jobs), d))


if __name__ == "__main__":
    main()
