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
	 * 5 (issue 14): serve's ListenBrainz endpoint (sqlite/listenbrainz.c): tokens
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
	 * 6 (issue 13): local analyses by the file's content hash (SHA-256
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
	 * 7 (issue 10): covers of every album (web/covers_catalog.c). A cover
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
	 * 8 (issue 10): what 'spinlog resolve' learnt of a name without an id,
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
	 * 9 (issue 15, 'spinlog similar'): the listener's labels, an append-only
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
};

const int schema_migrations_len =
	(int)(sizeof(schema_migrations) / sizeof(schema_migrations[0]));
