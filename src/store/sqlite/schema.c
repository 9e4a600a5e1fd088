#include "store/sqlite/schema.h"

/*
 * Migrations, oldest first. Entry N brings a database from user_version N to
 * N+1. Never edit an entry that has shipped: append a new one.
 *
 * Design for millions of plays: plays is the one big table; it is keyed by
 * an integer rowid and indexed on time (every report is a time range) and on
 * track (track pages, top lists). Catalog tables are keyed by Spotify id.
 * Times are INTEGER milliseconds since the epoch, UTC.
 */

/* The flags of a play (see migration 5) from its old columns, prefix p. */
#define TRI(c) "(CASE WHEN " c " IS NULL THEN 0 WHEN " c " = 0 THEN 1 ELSE 2 END)"
#define PLAY_FLAGS(p) \
	" " TRI(p "skipped") " + 4 * " TRI(p "shuffle") " + 16 * " TRI(p "offline") \
	" + 64 * " TRI(p "incognito")
#define TRI_OUT(n, sh) \
	" CASE (r.flags >> " #sh ") & 3 WHEN 0 THEN NULL ELSE ((r.flags >> " #sh \
	") & 3) - 1 END AS " n

/* The old plays table, column for column, as a view (migration 5). */
#define PLAYS_VIEW \
	"CREATE VIEW plays AS SELECT r.id AS id, r.account_id AS account_id," \
	" r.played_ms AS played_ms, r.precision_ms AS precision_ms, k.s AS kind," \
	" t.spotify_id AS track_id, e.s AS episode_id, n.track_name AS track_name," \
	" n.artist_name AS artist_name, n.album_name AS album_name," \
	" r.ms_played AS ms_played, cx.s AS context_uri," \
	" c.reason_start AS reason_start, c.reason_end AS reason_end," \
	TRI_OUT("skipped", 0) "," TRI_OUT("shuffle", 2) "," TRI_OUT("offline", 4) "," \
	" r.played_ms - r.offline_d AS offline_ms," TRI_OUT("incognito", 6) "," \
	" c.platform AS platform, c.country AS country, c.ip_addr AS ip_addr," \
	" c.user_agent AS user_agent, r.sources AS sources, r.page_id AS page_id," \
	" r.import_id AS import_id, n.name_key AS name_key FROM play_rows r" \
	" JOIN strs k ON k.id = r.kind LEFT JOIN track_keys t ON t.id = r.track" \
	" LEFT JOIN strs e ON e.id = r.episode LEFT JOIN play_names n" \
	" ON n.id = r.names LEFT JOIN strs cx ON cx.id = r.context" \
	" LEFT JOIN play_ctx c ON c.id = r.ctx;"

#define NAMES_IS(p) \
	" track_name IS " p "track_name AND artist_name IS " p "artist_name" \
	" AND album_name IS " p "album_name AND name_key IS " p "name_key"
#define CTX_IS(p) \
	" platform IS " p "platform AND country IS " p "country AND ip_addr IS " \
	p "ip_addr AND user_agent IS " p "user_agent AND reason_start IS " p \
	"reason_start AND reason_end IS " p "reason_end"

/* The rows a play of the view refers to, made when missing (triggers). */
#define PLAY_INTERN \
	" INSERT INTO strs (s) SELECT x FROM (SELECT coalesce(NEW.kind, 'music') AS x" \
	"  UNION SELECT NEW.episode_id UNION SELECT NEW.context_uri)" \
	"  WHERE x IS NOT NULL AND NOT EXISTS (SELECT 1 FROM strs WHERE s = x);" \
	" INSERT INTO track_keys (spotify_id) SELECT NEW.track_id" \
	"  WHERE NEW.track_id IS NOT NULL AND NOT EXISTS" \
	"  (SELECT 1 FROM track_keys WHERE spotify_id = NEW.track_id);" \
	" INSERT INTO play_names (track_name, artist_name, album_name, name_key)" \
	"  SELECT NEW.track_name, NEW.artist_name, NEW.album_name, NEW.name_key" \
	"  WHERE coalesce(NEW.track_name, NEW.artist_name, NEW.album_name," \
	"  NEW.name_key) IS NOT NULL AND NOT EXISTS (SELECT 1 FROM play_names" \
	"  WHERE" NAMES_IS("NEW.") ");" \
	" INSERT INTO track_keys (name_key, names) SELECT NEW.name_key," \
	"  (SELECT min(id) FROM play_names WHERE" NAMES_IS("NEW.") ")" \
	"  WHERE NEW.track_id IS NULL AND NEW.name_key IS NOT NULL AND NOT EXISTS" \
	"  (SELECT 1 FROM track_keys WHERE spotify_id IS NULL" \
	"  AND name_key = NEW.name_key);" \
	" INSERT INTO play_ctx (platform, country, ip_addr, user_agent," \
	"  reason_start, reason_end) SELECT NEW.platform, NEW.country, NEW.ip_addr," \
	"  NEW.user_agent, NEW.reason_start, NEW.reason_end WHERE coalesce(" \
	"  NEW.platform, NEW.country, NEW.ip_addr, NEW.user_agent," \
	"  NEW.reason_start, NEW.reason_end) IS NOT NULL AND NOT EXISTS" \
	"  (SELECT 1 FROM play_ctx WHERE" CTX_IS("NEW.") ");"

/* The values of play_rows after played_ms, id, for the play NEW (triggers). */
#define PLAY_REFS \
	" (SELECT id FROM strs WHERE s = coalesce(NEW.kind, 'music'))," \
	" CASE WHEN NEW.track_id IS NOT NULL THEN (SELECT id FROM track_keys" \
	"  WHERE spotify_id = NEW.track_id) WHEN NEW.name_key IS NOT NULL THEN" \
	"  (SELECT id FROM track_keys WHERE spotify_id IS NULL" \
	"  AND name_key = NEW.name_key) END, NEW.ms_played," \
	PLAY_FLAGS("NEW.") ", NEW.account_id, coalesce(NEW.precision_ms, 1)," \
	" NEW.sources, (SELECT min(id) FROM play_names WHERE" NAMES_IS("NEW.") ")," \
	" (SELECT id FROM strs WHERE s = NEW.episode_id)," \
	" NEW.played_ms - NEW.offline_ms," \
	" (SELECT min(id) FROM play_ctx WHERE" CTX_IS("NEW.") ")," \
	" (SELECT id FROM strs WHERE s = NEW.context_uri), NEW.page_id, NEW.import_id"

const char *const schema_migrations[] = {
	/* 1: the foundation */
	"CREATE TABLE accounts ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  spotify_user TEXT,"
	"  created_ms INTEGER NOT NULL,"
	/* tokens, not-before and needs-reauth live in accounts/<name>.json */
	"  last_poll_ms INTEGER,"
	"  last_poll_status TEXT,"
	"  last_success_ms INTEGER,"
	"  polls INTEGER NOT NULL DEFAULT 0"
	");"
	/* One row per raw page in the landing store. */
	"CREATE TABLE pages ("
	"  id INTEGER PRIMARY KEY,"
	"  account_id INTEGER NOT NULL REFERENCES accounts(id),"
	"  key TEXT NOT NULL UNIQUE,"
	"  fetched_ms INTEGER NOT NULL,"
	"  after_ms INTEGER,"
	"  items INTEGER NOT NULL,"
	"  newest_ms INTEGER,"
	"  oldest_ms INTEGER"
	");"
	/*
	 * One row per listening event, whatever brought it. played_ms is the
	 * END time (UTC ms); precision_ms says how exactly the source knew it
	 * (1 for the API, 1000 for the extended export, 60000 for account
	 * data). sources is a bitmask of enum play_source.
	 */
	"CREATE TABLE plays ("
	"  id INTEGER PRIMARY KEY,"
	"  account_id INTEGER NOT NULL REFERENCES accounts(id),"
	"  played_ms INTEGER NOT NULL,"
	"  precision_ms INTEGER NOT NULL DEFAULT 1,"
	"  kind TEXT NOT NULL DEFAULT 'music'," /* music podcast audiobook video */
	"  track_id TEXT,"
	"  episode_id TEXT,"
	"  track_name TEXT,"
	"  artist_name TEXT,"
	"  album_name TEXT,"
	"  ms_played INTEGER,"               /* NULL when unknown (API) */
	"  context_uri TEXT,"
	"  reason_start TEXT,"
	"  reason_end TEXT,"
	"  skipped INTEGER,"
	"  shuffle INTEGER,"
	"  offline INTEGER,"
	"  offline_ms INTEGER,"
	"  incognito INTEGER,"
	"  platform TEXT,"
	"  country TEXT,"
	"  ip_addr TEXT,"
	"  user_agent TEXT,"
	"  sources INTEGER NOT NULL,"
	"  page_id INTEGER,"
	"  import_id INTEGER,"
	/*
	 * Merge bookkeeping (pipeline/merge.h): fingerprints of the export and
	 * account-data records merged into the row, so importing the same
	 * file again finds them (moved to play_fps by migration 4), and a
	 * hash of the normalised artist+title
	 * for matching sources that have no Spotify id (set on rows without
	 * one; for the others it is computed from the names when needed).
	 */
	"  export_fp INTEGER,"
	"  account_fp INTEGER,"
	"  name_key INTEGER"
	");"
	"CREATE INDEX plays_time ON plays(played_ms);"
	"CREATE INDEX plays_track ON plays(track_id, played_ms);"
	"CREATE INDEX plays_account_time ON plays(account_id, played_ms);"
	/* An API play is stored once: see store/plays.h. */
	"CREATE UNIQUE INDEX plays_api_key ON plays(account_id, played_ms, track_id)"
	"  WHERE (sources & 1) != 0;"
	"CREATE TABLE gaps ("
	"  id INTEGER PRIMARY KEY,"
	"  account_id INTEGER NOT NULL REFERENCES accounts(id),"
	"  from_ms INTEGER NOT NULL,"       /* newest play stored before the gap */
	"  to_ms INTEGER NOT NULL,"         /* oldest play of the page after it */
	"  detected_ms INTEGER NOT NULL,"
	"  healed_ms INTEGER,"
	"  healed_by TEXT,"
	"  UNIQUE (account_id, from_ms, to_ms)"
	");"
	/* Catalog (the ETL's warehouse), keyed by Spotify ids. */
	"CREATE TABLE artists ("
	"  id TEXT PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  popularity INTEGER,"
	"  followers INTEGER,"
	"  enriched_ms INTEGER"             /* NULL: genres not fetched yet */
	");"
	"CREATE TABLE artist_genres ("
	"  artist_id TEXT NOT NULL,"
	"  position INTEGER NOT NULL,"      /* Spotify's order */
	"  genre TEXT NOT NULL,"
	"  PRIMARY KEY (artist_id, position)"
	") WITHOUT ROWID;"
	"CREATE TABLE albums ("
	"  id TEXT PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  album_type TEXT,"
	"  release_date TEXT,"
	"  total_tracks INTEGER"
	");"
	"CREATE TABLE album_artists ("
	"  album_id TEXT NOT NULL,"
	"  position INTEGER NOT NULL,"
	"  artist_id TEXT NOT NULL,"
	"  PRIMARY KEY (album_id, position)"
	") WITHOUT ROWID;"
	"CREATE TABLE album_images ("
	"  album_id TEXT NOT NULL,"
	"  position INTEGER NOT NULL,"      /* 0 = largest, as Spotify orders them */
	"  url TEXT NOT NULL,"
	"  width INTEGER,"
	"  height INTEGER,"
	"  PRIMARY KEY (album_id, position)"
	") WITHOUT ROWID;"
	"CREATE TABLE tracks ("
	"  id TEXT PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  album_id TEXT,"
	"  duration_ms INTEGER,"
	"  explicit INTEGER,"
	"  popularity INTEGER,"
	"  isrc TEXT,"
	"  track_number INTEGER,"
	"  disc_number INTEGER"
	");"
	"CREATE INDEX tracks_album ON tracks(album_id);"
	"CREATE TABLE track_artists ("
	"  track_id TEXT NOT NULL,"
	"  position INTEGER NOT NULL,"
	"  artist_id TEXT NOT NULL,"
	"  PRIMARY KEY (track_id, position)"
	") WITHOUT ROWID;"
	"CREATE INDEX track_artists_artist ON track_artists(artist_id);"
	"CREATE TABLE audio_features ("
	"  track_id TEXT PRIMARY KEY,"
	"  provider TEXT NOT NULL,"
	"  acousticness REAL, danceability REAL, energy REAL,"
	"  instrumentalness REAL, liveness REAL, loudness REAL,"
	"  speechiness REAL, valence REAL, tempo REAL,"
	"  key INTEGER, mode INTEGER, time_signature INTEGER,"
	"  duration_ms INTEGER,"
	"  fetched_ms INTEGER NOT NULL"
	");"
	"CREATE TABLE audio_analysis ("
	"  track_id TEXT PRIMARY KEY,"
	"  provider TEXT NOT NULL,"
	"  duration REAL, loudness REAL, tempo REAL,"
	"  key INTEGER, mode INTEGER, time_signature INTEGER,"
	"  num_sections INTEGER, num_segments INTEGER,"
	"  fetched_ms INTEGER NOT NULL"
	");"
	"CREATE TABLE sections ("
	"  track_id TEXT NOT NULL,"
	"  idx INTEGER NOT NULL,"
	"  start REAL, duration REAL, confidence REAL,"
	"  loudness REAL, tempo REAL, tempo_confidence REAL,"
	"  key INTEGER, key_confidence REAL,"
	"  mode INTEGER, mode_confidence REAL,"
	"  time_signature INTEGER, time_signature_confidence REAL,"
	"  PRIMARY KEY (track_id, idx)"
	") WITHOUT ROWID;"
	"CREATE TABLE segments ("
	"  track_id TEXT NOT NULL,"
	"  idx INTEGER NOT NULL,"
	"  start REAL, duration REAL, confidence REAL,"
	"  loudness_start REAL, loudness_max REAL, loudness_max_time REAL,"
	"  loudness_end REAL,"
	"  pitches TEXT, timbre TEXT,"      /* JSON arrays of 12 numbers */
	"  PRIMARY KEY (track_id, idx)"
	") WITHOUT ROWID;"
	/* A provider that answered 403 is not asked again before until_ms. */
	"CREATE TABLE provider_blocks ("
	"  provider TEXT NOT NULL,"
	"  account_id INTEGER NOT NULL,"
	"  until_ms INTEGER NOT NULL,"
	"  reason TEXT,"
	"  PRIMARY KEY (provider, account_id)"
	");"
	"CREATE TABLE imports ("
	"  id INTEGER PRIMARY KEY,"
	"  started_ms INTEGER NOT NULL,"
	"  finished_ms INTEGER,"
	"  paths TEXT NOT NULL,"
	"  files INTEGER, records INTEGER, added INTEGER, merged INTEGER,"
	"  account_id INTEGER,"
	"  duplicates INTEGER,"
	"  ignored INTEGER,"
	"  from_ms INTEGER,"                /* time range the files cover */
	"  to_ms INTEGER"
	");"
	"CREATE TABLE state ("
	"  key TEXT PRIMARY KEY,"
	"  value TEXT"
	");",
	/*
	 * 2: ids the ETL set aside (store.h: store_setaside_*): not a Spotify id, or
	 * no provider knows them, or their answer cannot be used. kind is
	 * what was set aside: 'track' and 'artist' (every endpoint skips
	 * the id), 'audio-features' and 'audio-analysis' (only that one).
	 */
	"CREATE TABLE set_aside ("
	"  kind TEXT NOT NULL,"
	"  id TEXT NOT NULL,"
	"  reason TEXT NOT NULL,"
	"  set_ms INTEGER NOT NULL,"
	"  PRIMARY KEY (kind, id)"
	") WITHOUT ROWID;",
	/*
	 * 3: the play sources, one row per row of store/sources.c (id, the
	 * name the store and JSON use). db.c seeds the rows from that list
	 * after migrating, so a new source needs no migration of its own.
	 */
	"CREATE TABLE sources ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE"
	");",
	/*
	 * 4: fingerprints in a side table, one row per play and source (the
	 * source ids of store/sources.h), in place of one column per source:
	 * a play merged from two name-matched sources keeps both, so
	 * importing either again finds its plays. No index names the old
	 * columns, so they can be dropped. A play's fingerprints go with it
	 * (the trigger): plays ids are reused once the largest is deleted.
	 */
	"CREATE TABLE play_fps ("
	"  play_id INTEGER NOT NULL,"
	"  source INTEGER NOT NULL,"
	"  fp INTEGER NOT NULL,"
	"  PRIMARY KEY (play_id, source)"
	") WITHOUT ROWID;"
	"INSERT INTO play_fps (play_id, source, fp)"
	"  SELECT id, 1, export_fp FROM plays WHERE export_fp IS NOT NULL"
	"  UNION ALL"
	"  SELECT id, 2, account_fp FROM plays WHERE account_fp IS NOT NULL"
	"  ORDER BY 1, 2;"
	"ALTER TABLE plays DROP COLUMN export_fp;"
	"ALTER TABLE plays DROP COLUMN account_fp;"
	"CREATE TRIGGER plays_delete_fps AFTER DELETE ON plays BEGIN"
	"  DELETE FROM play_fps WHERE play_id = old.id;"
	" END;",
	/*
	 * 5: names stored once (doc/store.md, "Plays as integers"). plays
	 * becomes a view over play_rows, whose rows are a few integers: the
	 * strings a play had on every row are rows of small tables it refers
	 * to (strs for single strings, track_keys for the track, play_names
	 * for the names it carried, play_ctx for where and why it was
	 * played). Indexes: time, track, the API's key (plays_account_time
	 * went: the account is one per store in practice, and a time range
	 * filters it). play_fp (play_fps is its view) is keyed by one integer, so it appends. The
	 * view and its triggers keep every old query and insert working.
	 */
	"CREATE TABLE strs ("
	"  id INTEGER PRIMARY KEY,"
	"  s TEXT NOT NULL UNIQUE"
	");"
	"INSERT INTO strs (id, s) VALUES (1, 'music');" /* SQ_KIND_MUSIC */
	/*
	 * A track as plays refer to it: by Spotify id, or (spotify_id NULL)
	 * by the name key of plays without one, names giving its display
	 * names. canon: the track a name-keyed row counts as (NULL: itself).
	 */
	"CREATE TABLE track_keys ("
	"  id INTEGER PRIMARY KEY,"
	"  spotify_id TEXT UNIQUE,"
	"  name_key INTEGER,"
	"  names INTEGER,"
	"  canon INTEGER"
	");"
	"CREATE UNIQUE INDEX track_keys_name ON track_keys(name_key)"
	"  WHERE spotify_id IS NULL;"
	"CREATE TABLE play_names ("
	"  id INTEGER PRIMARY KEY,"
	"  track_name TEXT, artist_name TEXT, album_name TEXT, name_key INTEGER"
	");"
	"CREATE INDEX play_names_all ON play_names(track_name, artist_name,"
	"  album_name, name_key);"
	"CREATE TABLE play_ctx ("
	"  id INTEGER PRIMARY KEY,"
	"  platform TEXT, country TEXT, ip_addr TEXT, user_agent TEXT,"
	"  reason_start TEXT, reason_end TEXT"
	");"
	"CREATE INDEX play_ctx_all ON play_ctx(platform, country, ip_addr,"
	"  user_agent, reason_start, reason_end);"
	/*
	 * flags: skipped, shuffle, offline, incognito, two bits each from bit
	 * 0 (0 unknown, 1 false, 2 true). offline_d: played_ms - offline_ms.
	 * Hot columns first: a record is decoded from its start.
	 */
	"CREATE TABLE play_rows ("
	"  id INTEGER PRIMARY KEY,"
	"  played_ms INTEGER NOT NULL,"
	"  kind INTEGER NOT NULL,"
	"  track INTEGER,"
	"  ms_played INTEGER,"
	"  flags INTEGER NOT NULL,"
	"  account_id INTEGER NOT NULL,"
	"  precision_ms INTEGER NOT NULL,"
	"  sources INTEGER NOT NULL,"
	"  names INTEGER,"
	"  episode INTEGER,"
	"  offline_d INTEGER,"
	"  ctx INTEGER,"
	"  context INTEGER,"
	"  page_id INTEGER,"
	"  import_id INTEGER"
	");"
	"INSERT INTO strs (s) SELECT DISTINCT x FROM (SELECT kind AS x FROM plays"
	"  UNION SELECT episode_id FROM plays UNION SELECT context_uri FROM plays)"
	"  WHERE x IS NOT NULL AND x != 'music' ORDER BY x;"
	"INSERT INTO track_keys (spotify_id) SELECT DISTINCT track_id FROM plays"
	"  WHERE track_id IS NOT NULL ORDER BY track_id;"
	"INSERT INTO play_names (track_name, artist_name, album_name, name_key)"
	"  SELECT DISTINCT track_name, artist_name, album_name, name_key FROM plays"
	"  WHERE coalesce(track_name, artist_name, album_name, name_key) IS NOT NULL;"
	"INSERT INTO track_keys (name_key, names) SELECT p.name_key, min(n.id)"
	"  FROM plays p JOIN play_names n ON n.track_name IS p.track_name"
	"  AND n.artist_name IS p.artist_name AND n.album_name IS p.album_name"
	"  AND n.name_key IS p.name_key WHERE p.track_id IS NULL"
	"  AND p.name_key IS NOT NULL GROUP BY p.name_key;"
	"INSERT INTO play_ctx (platform, country, ip_addr, user_agent,"
	"  reason_start, reason_end) SELECT DISTINCT platform, country, ip_addr,"
	"  user_agent, reason_start, reason_end FROM plays WHERE coalesce(platform,"
	"  country, ip_addr, user_agent, reason_start, reason_end) IS NOT NULL;"
	"INSERT INTO play_rows (played_ms, id, kind, track, ms_played, flags,"
	"  account_id, precision_ms, sources, names, episode, offline_d, ctx,"
	"  context, page_id, import_id)"
	"  SELECT p.played_ms, p.id, k.id, coalesce(t.id, tn.id), p.ms_played,"
	PLAY_FLAGS("p.")
	"  , p.account_id, p.precision_ms, p.sources, n.id, e.id,"
	"  p.played_ms - p.offline_ms, c.id, cx.id, p.page_id, p.import_id"
	"  FROM plays p JOIN strs k ON k.s = p.kind"
	"  LEFT JOIN track_keys t ON t.spotify_id = p.track_id"
	"  LEFT JOIN track_keys tn ON p.track_id IS NULL AND tn.spotify_id IS NULL"
	"   AND tn.name_key = p.name_key"
	"  LEFT JOIN play_names n ON n.track_name IS p.track_name"
	"   AND n.artist_name IS p.artist_name AND n.album_name IS p.album_name"
	"   AND n.name_key IS p.name_key"
	"   AND coalesce(p.track_name, p.artist_name, p.album_name, p.name_key)"
	"   IS NOT NULL"
	"  LEFT JOIN strs e ON e.s = p.episode_id"
	"  LEFT JOIN strs cx ON cx.s = p.context_uri"
	"  LEFT JOIN play_ctx c ON c.platform IS p.platform"
	"   AND c.country IS p.country AND c.ip_addr IS p.ip_addr"
	"   AND c.user_agent IS p.user_agent AND c.reason_start IS p.reason_start"
	"   AND c.reason_end IS p.reason_end AND coalesce(p.platform, p.country,"
	"   p.ip_addr, p.user_agent, p.reason_start, p.reason_end) IS NOT NULL"
	"  ORDER BY p.id;"
	"DROP TRIGGER plays_delete_fps;"
	"CREATE TABLE play_fp ("
	"  key INTEGER PRIMARY KEY," /* play id * 16 + source */
	"  fp INTEGER NOT NULL"
	");"
	"INSERT INTO play_fp (key, fp) SELECT play_id * 16 + source, fp"
	"  FROM play_fps ORDER BY 1;"
	"DROP TABLE play_fps;"
	"CREATE VIEW play_fps AS SELECT key >> 4 AS play_id, key & 15 AS source,"
	"  fp FROM play_fp;"
	"DROP TABLE plays;"
	/* play_rows_track has the time, as the old plays_track had: a track's
	 * earliest play is its first entry (its fallback names, a track page's
	 * times, "played before?" without the table). A covering plays_time
	 * (played_ms, kind, track, ms_played, flags) made the warm year pass
	 * 236 -> 186 M instructions at 1M plays but the store 94 -> 105 MB. */
	"CREATE INDEX plays_time ON play_rows(played_ms);"
	"CREATE INDEX play_rows_track ON play_rows(track, played_ms);"
	/* An API play is stored once: see store/plays.h. */
	"CREATE UNIQUE INDEX plays_api_key ON play_rows(account_id, played_ms, track)"
	"  WHERE (sources & 1) != 0;"
	"CREATE TRIGGER play_rows_delete_fps AFTER DELETE ON play_rows BEGIN"
	"  DELETE FROM play_fp WHERE key BETWEEN old.id * 16 AND old.id * 16 + 15;"
	" END;"
	PLAYS_VIEW
	"CREATE TRIGGER plays_insert INSTEAD OF INSERT ON plays BEGIN"
	PLAY_INTERN
	"  INSERT INTO play_rows (played_ms, id, kind, track, ms_played, flags,"
	"   account_id, precision_ms, sources, names, episode, offline_d, ctx,"
	"   context, page_id, import_id) VALUES (NEW.played_ms,"
	"   coalesce(NEW.id, (SELECT coalesce(max(id), 0) + 1 FROM play_rows)),"
	PLAY_REFS
	"); END;"
	"CREATE TRIGGER plays_update INSTEAD OF UPDATE ON plays BEGIN"
	PLAY_INTERN
	"  UPDATE play_rows SET (played_ms, id, kind, track, ms_played, flags,"
	"   account_id, precision_ms, sources, names, episode, offline_d, ctx,"
	"   context, page_id, import_id) = (NEW.played_ms, NEW.id,"
	PLAY_REFS
	") WHERE id = OLD.id; END;"
	"CREATE TRIGGER plays_delete INSTEAD OF DELETE ON plays BEGIN"
	"  DELETE FROM play_rows WHERE id = OLD.id;"
	" END;",
	/*
	 * 6 (issue 14): serve's ListenBrainz endpoint (sqlite/listenbrainz.c): tokens
	 * (a SHA-256 of each, never the token), each account's playing-now,
	 * and the track_metadata of accepted listens by their fingerprint
	 * (play_fps.fp of source listenbrainz), so a read-back gives back
	 * what was submitted. Adds tables only.
	 */
	"CREATE TABLE lb_tokens ("
	"  id INTEGER PRIMARY KEY,"
	"  account_id INTEGER NOT NULL REFERENCES accounts(id),"
	"  hash TEXT NOT NULL UNIQUE,"
	"  prefix TEXT NOT NULL,"
	"  created_ms INTEGER NOT NULL,"
	"  last_used_ms INTEGER"
	");"
	"CREATE TABLE lb_playing_now ("
	"  account_id INTEGER PRIMARY KEY,"
	"  metadata TEXT NOT NULL,"
	"  expires_ms INTEGER NOT NULL"
	");"
	"CREATE TABLE lb_listens ("
	"  account_id INTEGER NOT NULL,"
	"  fp INTEGER NOT NULL,"
	"  listened_at INTEGER NOT NULL,"
	"  inserted_ms INTEGER NOT NULL,"
	"  metadata TEXT NOT NULL,"
	"  PRIMARY KEY (account_id, fp)"
	") WITHOUT ROWID;",
	/*
	 * 7 (issue 13): local analyses by the file's content hash (SHA-256
	 * hex), so 'spinlog analyze' skips files it analysed before; result
	 * is the JSON it printed (without path and match). The analysis
	 * itself goes to audio_analysis with provider 'local', which needs
	 * no column of its own.
	 */
	"CREATE TABLE local_analyses ("
	"  content_hash TEXT PRIMARY KEY,"
	"  path TEXT NOT NULL,"
	"  track_id TEXT,"
	"  result TEXT NOT NULL,"
	"  analysed_ms INTEGER NOT NULL"
	");",
	/*
	 * 8 (issue 10): covers of every album (web/covers_catalog.c). A cover
	 * whose fetch failed waits until retry_ms (a day, doubling per
	 * failure, at most 32 days) so a dead image URL is not asked each run.
	 */
	"CREATE TABLE cover_misses ("
	"  album_id TEXT PRIMARY KEY,"
	"  failures INTEGER NOT NULL,"
	"  failed_ms INTEGER NOT NULL,"
	"  retry_ms INTEGER NOT NULL,"
	"  reason TEXT"
	") WITHOUT ROWID;",
	/*
	 * 9 (issue 10): what 'spinlog resolve' learnt of a name without an id,
	 * keyed by the plays' name_key; track_id NULL is a miss, not asked
	 * again before retry_ms. No index on plays: the pending names and
	 * the final UPDATE ... FROM are one scan of plays each per run.
	 */
	"CREATE TABLE resolve_names ("
	"  name_key INTEGER PRIMARY KEY,"
	"  artist TEXT NOT NULL,"
	"  track TEXT NOT NULL,"
	"  track_id TEXT,"
	"  why TEXT NOT NULL,"
	"  asked_ms INTEGER NOT NULL,"
	"  retry_ms INTEGER"
	");",
	/*
	 * 10 (issue 15, 'spinlog similar'): the listener's labels, an append-only
	 * log per account (the newest label of a pair counts; an undo deletes
	 * a row), and the trained models, the newest of an account in use.
	 * Only adds tables.
	 */
	"CREATE TABLE similar_labels ("
	"  id INTEGER PRIMARY KEY,"
	"  account_id INTEGER NOT NULL REFERENCES accounts(id),"
	"  track_a TEXT NOT NULL,"
	"  track_b TEXT NOT NULL,"
	"  similar INTEGER NOT NULL,"       /* 1 similar, 0 different */
	"  labelled_ms INTEGER NOT NULL,"
	"  source TEXT NOT NULL"            /* 'label', 'import' */
	");"
	"CREATE INDEX similar_labels_account ON similar_labels(account_id, id);"
	"CREATE TABLE similar_models ("
	"  id INTEGER PRIMARY KEY,"
	"  account_id INTEGER NOT NULL REFERENCES accounts(id),"
	"  version INTEGER NOT NULL,"
	"  features TEXT NOT NULL,"
	"  params TEXT NOT NULL,"
	"  labels INTEGER NOT NULL,"
	"  trained_ms INTEGER NOT NULL,"
	"  auc REAL, auc_sd REAL, accuracy REAL, accuracy_sd REAL, baseline_auc REAL"
	");",
	/*
	 * 11 (issue 10): account data (StreamingHistory*.json) has no skipped,
	 * shuffle, offline or incognito fields, but its plays were stored with
	 * them false; a play that only account data brought (sources = 4,
	 * SRC_ACCOUNT_DATA) gets them unknown (flags' low 8 bits 0), so
	 * 'wrapped' does not print a 0.0% skip rate for them. Changes no
	 * column; a play merged with another source keeps that source's flags.
	 */
	"UPDATE play_rows SET flags = flags & ~255 WHERE sources = 4;",
	/*
	 * 12 (issue 14, incremental canon; sqlite/namekeyed.c): canon_votes,
	 * the distinct (names, id track) pairs of the plays under each name key
	 * of the names (key: the names' key0, alt 0, other its key1 or 0; or
	 * its key1, alt 1, other its key0, which wins when a name-keyed row
	 * has it), canon_dirty the pairs an UPDATE of a play changed (the
	 * trigger), canon_state how far play_rows and track_keys were read.
	 * The keys are computed in C, so this adds empty tables: with no
	 * canon_state row, the next canon pass is the full one, which fills
	 * them.
	 */
	"CREATE TABLE IF NOT EXISTS canon_votes ("
	"  key INTEGER NOT NULL,"
	"  names INTEGER NOT NULL,"
	"  track INTEGER NOT NULL,"
	"  other INTEGER NOT NULL,"
	"  alt INTEGER NOT NULL,"
	"  PRIMARY KEY (key, names, track)"
	") WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS canon_dirty ("
	"  track INTEGER NOT NULL,"
	"  names INTEGER NOT NULL,"
	"  PRIMARY KEY (track, names)"
	") WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS canon_state ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  plays INTEGER NOT NULL,"         /* play_rows ids up to this were read */
	"  tracks INTEGER NOT NULL"         /* track_keys ids likewise */
	");"
	"CREATE TRIGGER IF NOT EXISTS play_rows_canon AFTER UPDATE OF track, names ON play_rows"
	"  WHEN OLD.track IS NOT NEW.track OR OLD.names IS NOT NEW.names BEGIN"
	"  INSERT OR IGNORE INTO canon_dirty (track, names) SELECT OLD.track,"
	"   OLD.names WHERE OLD.track IS NOT NULL AND OLD.names IS NOT NULL;"
	"  INSERT OR IGNORE INTO canon_dirty (track, names) SELECT NEW.track,"
	"   NEW.names WHERE NEW.track IS NOT NULL AND NEW.names IS NOT NULL;"
	" END;",
	/*
	 * 13 (issue 11, round 6): an artist's image, the
	 * URL enrichment picks from /v1/artists' images (pipeline/enrich.c);
	 * NULL until the artist is enriched or when Spotify has none.
	 */
	"ALTER TABLE artists ADD COLUMN image_url TEXT;",
};

const int schema_migrations_len =
	(int)(sizeof(schema_migrations) / sizeof(schema_migrations[0]));
