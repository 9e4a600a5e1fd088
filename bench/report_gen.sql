-- Synthetic store for bench/report_bench.sh: 20,000 tracks on 2,000 albums
-- by 3,000 artists (with genres and audio features), and 1,000,000 music
-- plays spread evenly over 2016-2025 (about 100,000 a year, 274 a day), with
-- a skewed choice of track so top lists and daily winners are realistic.
-- Half the plays have ms_played (export), half not (API).
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
BEGIN;
INSERT INTO accounts (id, name, created_ms) VALUES (1, 'bench', 0);
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 2999)
INSERT INTO artists (id, name) SELECT 'ar' || i, 'Artist ' || i FROM n;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 2999)
INSERT INTO artist_genres (artist_id, position, genre)
  SELECT 'ar' || i, 0, 'genre ' || (i % 97) FROM n;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 1999)
INSERT INTO albums (id, name) SELECT 'al' || i, 'Album ' || i FROM n;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 1999)
INSERT INTO album_images (album_id, position, url, width, height)
  SELECT 'al' || i, 0, 'http://127.0.0.1:9/img/al' || i || '.png', 640, 640 FROM n;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 19999)
INSERT INTO tracks (id, name, album_id, duration_ms)
  SELECT 'tr' || i, 'Track ' || i, 'al' || (i % 2000), 150000 + (i * 7919) % 150000 FROM n;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 19999)
INSERT INTO track_artists (track_id, position, artist_id)
  SELECT 'tr' || i, 0, 'ar' || (i % 3000) FROM n;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 19999)
INSERT INTO audio_features (track_id, provider, valence, energy, fetched_ms)
  SELECT 'tr' || i, 'bench', (i % 100) / 100.0, ((i * 37) % 100) / 100.0, 0 FROM n;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999999)
INSERT INTO plays (account_id, played_ms, kind, track_id, ms_played, skipped, sources)
  SELECT 1, 1451606400000 + i * 315532, 'music',
         'tr' || (abs(random()) % (1 + abs(random()) % 20000)),
         CASE WHEN i % 2 THEN 20000 + abs(random()) % 250000 END,
         CASE WHEN i % 2 THEN abs(random()) % 5 = 0 END,
         CASE WHEN i % 2 THEN 2 ELSE 1 END
  FROM n;
COMMIT;
