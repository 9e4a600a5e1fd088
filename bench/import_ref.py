#!/usr/bin/env python3
"""The straightforward reference importer bench/import_bench.sh compares
spinlog with: Python's json and sqlite3 only, one transaction, executemany,
indexes on time and track, duplicates dropped with a set.

usage: import_ref.py DB PATH..."""
import json, os, sqlite3, sys, datetime


def files(paths):
    for p in paths:
        if os.path.isdir(p):
            for root, _, names in os.walk(p):
                for n in sorted(names):
                    if n.endswith(".json"):
                        yield os.path.join(root, n)
        else:
            yield p


def ts_ms(s):
    return int(datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ")
               .replace(tzinfo=datetime.timezone.utc).timestamp() * 1000)


def main():
    db = sqlite3.connect(sys.argv[1])
    db.execute("CREATE TABLE IF NOT EXISTS plays (id INTEGER PRIMARY KEY, played_ms INTEGER,"
               " kind TEXT, track_id TEXT, episode_id TEXT, track_name TEXT, artist_name TEXT,"
               " album_name TEXT, ms_played INTEGER, reason_start TEXT, reason_end TEXT,"
               " skipped INTEGER, shuffle INTEGER, offline INTEGER, offline_ms INTEGER,"
               " incognito INTEGER, platform TEXT, country TEXT, ip_addr TEXT)")
    db.execute("CREATE INDEX IF NOT EXISTS plays_time ON plays(played_ms)")
    db.execute("CREATE INDEX IF NOT EXISTS plays_track ON plays(track_id, played_ms)")
    seen, rows, n = set(), [], 0
    for f in files(sys.argv[2:]):
        with open(f, encoding="utf-8") as fh:
            recs = json.load(fh)
        for r in recs:
            n += 1
            uri = r.get("spotify_track_uri") or r.get("spotify_episode_uri")
            key = (r["ts"], uri, r["ms_played"], r.get("reason_start"), r.get("reason_end"))
            if key in seen:
                continue
            seen.add(key)
            tu, eu = r.get("spotify_track_uri"), r.get("spotify_episode_uri")
            off = r.get("offline_timestamp") or 0
            rows.append((ts_ms(r["ts"]), "podcast" if eu else "music",
                         tu.split(":")[2] if tu else None, eu.split(":")[2] if eu else None,
                         r.get("master_metadata_track_name") or r.get("episode_name"),
                         r.get("master_metadata_album_artist_name") or r.get("episode_show_name"),
                         r.get("master_metadata_album_album_name"), r["ms_played"],
                         r.get("reason_start"), r.get("reason_end"), r.get("skipped"),
                         r.get("shuffle"), r.get("offline"),
                         (off if off > 10**11 else off * 1000) or None,
                         r.get("incognito_mode"), r.get("platform"), r.get("conn_country"),
                         r.get("ip_addr")))
    with db:
        db.executemany("INSERT INTO plays (played_ms, kind, track_id, episode_id, track_name,"
                       " artist_name, album_name, ms_played, reason_start, reason_end, skipped,"
                       " shuffle, offline, offline_ms, incognito, platform, country, ip_addr)"
                       " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    print("python reference: %d records, %d plays" % (n, len(rows)))


if __name__ == "__main__":
    main()
