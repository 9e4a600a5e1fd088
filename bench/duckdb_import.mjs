// Imports an extended streaming history (Streaming_History_Audio_*.json, as
// bench/import_gen.py writes it) into a DuckDB file with the fields of a play
// that spinlog keeps: end time, kind, track or episode id, names, ms_played,
// reasons, flags, offline time, platform, country, IP address. Rows are
// sorted by time (DuckDB's zone maps then skip other years, as spinlog's
// time index does); duplicates are not dropped (the generated files have
// none). The comparison for bench/import_bench.sh.
//   node bench/duckdb_import.mjs DB DIR
import { openDuckDB, now } from './duckdb_lib.mjs';

const [db, dir] = process.argv.slice(2);
if (!db || !dir) {
	console.error('usage: node bench/duckdb_import.mjs DB DIR');
	process.exit(2);
}
const t0 = now();
const { con } = await openDuckDB(db);
const glob = `${dir.replace(/'/g, "''")}/Streaming_History_Audio_*.json`;
const cols = `{ts: 'TIMESTAMP', platform: 'VARCHAR', ms_played: 'BIGINT',
	conn_country: 'VARCHAR', ip_addr: 'VARCHAR',
	master_metadata_track_name: 'VARCHAR', master_metadata_album_artist_name: 'VARCHAR',
	master_metadata_album_album_name: 'VARCHAR', spotify_track_uri: 'VARCHAR',
	episode_name: 'VARCHAR', episode_show_name: 'VARCHAR', spotify_episode_uri: 'VARCHAR',
	reason_start: 'VARCHAR', reason_end: 'VARCHAR', shuffle: 'BOOLEAN', skipped: 'BOOLEAN',
	offline: 'BOOLEAN', offline_timestamp: 'BIGINT', incognito_mode: 'BOOLEAN'}`;
await con.run(`CREATE TABLE plays AS SELECT
	epoch_ms(ts) AS played_ms,
	CASE WHEN spotify_episode_uri IS NOT NULL THEN 'podcast' ELSE 'music' END AS kind,
	split_part(spotify_track_uri, ':', 3) AS track_id,
	split_part(spotify_episode_uri, ':', 3) AS episode_id,
	coalesce(master_metadata_track_name, episode_name) AS track_name,
	coalesce(master_metadata_album_artist_name, episode_show_name) AS artist_name,
	master_metadata_album_album_name AS album_name,
	ms_played, reason_start, reason_end, skipped, shuffle, offline,
	nullif(CASE WHEN offline_timestamp > 100000000000 THEN offline_timestamp
		ELSE offline_timestamp * 1000 END, 0) AS offline_ms,
	incognito_mode AS incognito, platform, conn_country AS country, ip_addr
	FROM read_json('${glob}', format = 'array', columns = ${cols},
		timestampformat = '%Y-%m-%dT%H:%M:%SZ')
	ORDER BY played_ms`);
await con.run('CHECKPOINT');
const n = (await con.runAndReadAll('SELECT count(*) FROM plays')).getRows()[0][0];
console.log(`duckdb import: ${n} plays in ${(now() - t0).toFixed(0)} ms`);
