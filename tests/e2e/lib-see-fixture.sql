-- A small hand-made store for the "see it" tests (t05*): hostile names,
-- right-to-left text, emoji, plays from polling and from an export, a gap,
-- a podcast and a too-short play. Times are UTC ms; tests run with TZ=UTC
-- unless they say otherwise.
INSERT INTO accounts (id, name, created_ms) VALUES (1, 'main', 0);
INSERT INTO artists (id, name) VALUES
  ('ar1', '<script>alert(1)</script>'), ('ar2', 'فيروز'), ('ar3', 'Guns N'' Roses & "Friends"'),
  ('ar4', 'Émoji 🎸 Band');
INSERT INTO artist_genres (artist_id, position, genre) VALUES ('ar1', 0, 'hostile pop'), ('ar2', 0, 'arabic'), ('ar3', 0, 'rock'),
  ('ar4', 0, 'rock');
INSERT INTO albums (id, name) VALUES ('al1', '<b>Bold</b> Album'), ('al2', 'نور'),
  ('al3', 'Appetite "For" Tests'), ('al4', 'Solo 🎸');
INSERT INTO album_images (album_id, position, url, width, height) VALUES ('al1', 0, 'http://127.0.0.1:9/_sim/img/al1/640.png', 640, 640);
INSERT INTO tracks (id, name, album_id, duration_ms) VALUES
  ('t1', '<img src=x onerror=alert(1)>', 'al1', 200000),
  ('t2', 'حبيبي يا نور العين', 'al2', 180000),
  ('t3', 'Don''t Stop "Believin''" & Rock''n''Roll', 'al3', 240000),
  ('t4', 'Emoji 🎉 Song', 'al4', 150000);
INSERT INTO track_artists (track_id, position, artist_id) VALUES ('t1', 0, 'ar1'), ('t2', 0, 'ar2'), ('t3', 0, 'ar3'),
  ('t3', 1, 'ar4'), ('t4', 0, 'ar4');
INSERT INTO audio_features (track_id, provider, valence, energy, danceability, fetched_ms) VALUES
  ('t1', 'spotify', 0.9, 0.8, 0.5, 0), ('t2', 'spotify', 0.3, 0.4, 0.5, 0);
INSERT INTO sections (track_id, idx, start, duration, loudness, tempo, key, mode) VALUES
  ('t1', 0, 0.0, 50.0, -12.0, 100.0, 1, 1), ('t1', 1, 50.0, 100.0, -5.0, 120.0, 1, 1),
  ('t1', 2, 150.0, 50.0, -9.0, 110.0, 1, 0);
-- 2024-12-31 23:30 UTC: belongs to 2024 in UTC.
INSERT INTO plays (account_id, played_ms, kind, track_id, ms_played, sources) VALUES
  (1, 1735687800000, 'music', 't2', NULL, 1);
-- 2025-01-01: t1 twice (API, durations 200 s each), t2 once from an export (150 s).
INSERT INTO plays (account_id, played_ms, kind, track_id, ms_played, skipped, sources) VALUES
  (1, 1735722000000, 'music', 't1', NULL, NULL, 1),
  (1, 1735725600000, 'music', 't1', NULL, NULL, 1),
  (1, 1735729200000, 'music', 't2', 150000, 0, 2);
-- 2025-01-02: tie t2 vs t3 on plays (1 each); t3 has more time -> t3 wins.
INSERT INTO plays (account_id, played_ms, kind, track_id, ms_played, skipped, sources) VALUES
  (1, 1735808400000, 'music', 't2', 100000, 0, 2),
  (1, 1735812000000, 'music', 't3', 200000, 1, 3);
-- 2025-01-03: tie on plays and time (t4 and t3, 60 s each) -> smaller id t3 wins;
-- a 10 s play of t1 does not count; a podcast does not count.
INSERT INTO plays (account_id, played_ms, kind, track_id, episode_id, track_name, ms_played, skipped, sources) VALUES
  (1, 1735894800000, 'music', 't4', NULL, NULL, 60000, 0, 2),
  (1, 1735898400000, 'music', 't3', NULL, NULL, 60000, 0, 2),
  (1, 1735902000000, 'music', 't1', NULL, NULL, 10000, 1, 2),
  (1, 1735905600000, 'podcast', NULL, 'ep1', 'A Podcast', 3000000, 0, 2);
-- 2025-03-15: a track not in the catalog yet, with the names from an export.
INSERT INTO plays (account_id, played_ms, kind, track_id, track_name, artist_name, album_name, ms_played, sources) VALUES
  (1, 1742036400000, 'music', 't9', 'Uncatalogued <i>song</i>', 'New Artist', 'Fresh', 120000, 2);
INSERT INTO gaps (account_id, from_ms, to_ms, detected_ms) VALUES (1, 1735812000000, 1735894800000, 1735900000000);
