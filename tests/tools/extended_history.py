"""A Streaming_History_Audio file in Spotify's extended layout, for the tests
that merge another source with Spotify's plays (t1402, t1403).

write(path, plays): plays is a list of (start_s, ms_played, artist, track);
record n ends at start_s + ms_played (the layout's "ts" is the end), its
track id is spotify:track:<n as 22 digits>, album "Album", a whole play
(trackdone) on linux in GB with every flag false."""
import datetime
import json


def iso(s):
    return datetime.datetime.fromtimestamp(s, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def write(path, plays):
    with open(path, "w") as f:
        json.dump([{"ts": iso(s + ms // 1000), "ms_played": ms, "master_metadata_track_name": tr,
                    "master_metadata_album_artist_name": ar, "master_metadata_album_album_name": "Album",
                    "spotify_track_uri": "spotify:track:%022d" % n, "reason_start": "trackdone",
                    "reason_end": "trackdone", "shuffle": False, "skipped": False, "offline": False,
                    "offline_timestamp": None, "incognito_mode": False, "platform": "linux",
                    "conn_country": "GB"} for n, (s, ms, ar, tr) in enumerate(plays)], f)
