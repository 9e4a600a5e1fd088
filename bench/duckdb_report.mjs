// Answers what 'spinlog wrapped --year Y' computes, from the DuckDB file of
// bench/duckdb_import.mjs: plays, minutes, distinct tracks/artists/albums,
// skip rate, top 10 tracks/artists/albums, minutes per month, the weekday x
// hour heat map, each day's plays and winning track, the biggest day, the
// first play, and the new artists (no play before the year). Counted are
// music plays with a track id and ms_played >= MIN_MS (30000, as
// stats.min_ms_played); days are local days in TZ (default Europe/Berlin).
// Prints the first report of the process ("cold": open + queries) and the
// best and median of DUCKDB_WARM_RUNS (default 5) more on the same
// connection ("warm"); the cold line also gives the time to load the module
// (the 60 MB native library) and to open the file.
//   node bench/duckdb_report.mjs DB YEAR
import { openDuckDB, now } from './duckdb_lib.mjs';

const [db, yarg] = process.argv.slice(2);
const year = parseInt(yarg, 10);
if (!db || !(year > 1969)) {
	console.error('usage: node bench/duckdb_report.mjs DB YEAR');
	process.exit(2);
}
const tz = (process.env.TZ_NAME || 'Europe/Berlin').replace(/'/g, "''");
const minMs = parseInt(process.env.MIN_MS || '30000', 10);
const runs = parseInt(process.env.DUCKDB_WARM_RUNS || '5', 10);
const loc = `timezone('${tz}', make_timestamptz(played_ms * 1000))`;

async function report(con) {
	const q = async (sql) => {
		const s = now();
		const v = (await con.runAndReadAll(sql)).getRowObjects();
		if (process.env.DUCKDB_PROFILE) console.error(`${(now() - s).toFixed(1)} ms: ${sql.slice(0, 60)}`);
		return v;
	};
	const [b] = await q(`SELECT epoch_ms(timezone('${tz}', make_timestamp(${year}, 1, 1, 0, 0, 0))) AS f,
		epoch_ms(timezone('${tz}', make_timestamp(${year + 1}, 1, 1, 0, 0, 0))) AS t`);
	await con.run(`CREATE OR REPLACE TEMP TABLE y AS SELECT played_ms, ${loc} AS lt,
		track_id, track_name, artist_name, album_name, ms_played, skipped
		FROM plays WHERE played_ms >= ${b.f} AND played_ms < ${b.t}
		AND kind = 'music' AND track_id IS NOT NULL`);
	const c = `FROM y WHERE ms_played IS NULL OR ms_played >= ${minMs}`;
	const top = (key, extra) => q(`SELECT ${key}${extra}, count(*) AS plays,
		sum(coalesce(ms_played, 0)) AS ms ${c} GROUP BY ALL
		ORDER BY plays DESC, ms DESC, ${key} LIMIT 10`);
	const r = {};
	[r.totals] = await q(`SELECT count(*) FILTER (WHERE ms_played IS NULL OR ms_played >= ${minMs}) AS plays,
		sum(ms_played) FILTER (WHERE ms_played >= ${minMs}) AS ms,
		count(*) FILTER (WHERE ms_played >= ${minMs}) AS ms_known,
		count(DISTINCT track_id) FILTER (WHERE ms_played IS NULL OR ms_played >= ${minMs}) AS tracks,
		count(DISTINCT artist_name) FILTER (WHERE ms_played IS NULL OR ms_played >= ${minMs}) AS artists,
		count(DISTINCT album_name) FILTER (WHERE ms_played IS NULL OR ms_played >= ${minMs}) AS albums,
		count(skipped) AS skips_known, count(*) FILTER (WHERE skipped) AS skips FROM y`);
	r.top_tracks = await top('track_id', ', any_value(track_name) AS name, any_value(artist_name) AS artist');
	r.top_artists = await top('artist_name', '');
	r.top_albums = await top('album_name', ', any_value(artist_name) AS artist');
	r.months = await q(`SELECT month(lt) AS m, count(*) AS plays, sum(coalesce(ms_played, 0)) AS ms
		${c} GROUP BY m ORDER BY m`);
	r.heat = await q(`SELECT isodow(lt) - 1 AS wd, hour(lt) AS h, count(*) AS plays ${c} GROUP BY ALL`);
	// the day's winner: most plays, then most time, then the smallest track id
	r.days = await q(`WITH d AS (SELECT lt::DATE AS day, track_id, count(*) AS plays,
			sum(coalesce(ms_played, 0)) AS ms ${c} GROUP BY 1, 2)
		SELECT day, sum(plays) AS plays, sum(ms) AS ms, max(plays) AS win_plays,
			arg_max(track_id, (plays, ms, -r)) AS win
		FROM (SELECT *, dense_rank() OVER (ORDER BY track_id) AS r FROM d)
		GROUP BY day ORDER BY day`);
	[r.first] = await q(`SELECT played_ms, track_name, artist_name ${c} ORDER BY played_ms LIMIT 1`);
	const tn = now();
	r.new_artists = await q(`WITH a AS (SELECT artist_name, count(*) AS plays,
			sum(coalesce(ms_played, 0)) AS ms ${c} GROUP BY ALL)
		SELECT * FROM a WHERE NOT EXISTS (SELECT 1 FROM plays p
			WHERE p.artist_name = a.artist_name AND p.played_ms < ${b.f})
		ORDER BY plays DESC, ms DESC, artist_name`);
	r.new_ms = now() - tn; // the one part that reads plays before the year
	return r;
}

const { con, load_ms, open_ms } = await openDuckDB(db);
const t1 = now();
const r = await report(con);
const t2 = now();
const big = r.days.reduce((m, d) => (d.ms > m.ms || (d.ms === m.ms && d.plays > m.plays) ? d : m),
	{ ms: -1n, plays: -1 });
console.log(`duckdb ${year}: ${r.totals.plays} plays, ${(Number(r.totals.ms) / 3600000).toFixed(1)} h, ` +
	`${r.totals.tracks} tracks, ${r.totals.artists} artists, ${r.totals.albums} albums, ` +
	`${r.new_artists.length} new artists, ${r.days.length} days, biggest ${big.day} (${big.plays}), ` +
	`top track ${r.top_tracks[0]?.name} (${r.top_tracks[0]?.plays})`);
console.log(`duckdb cold: load ${load_ms.toFixed(1)} ms, open ${open_ms.toFixed(1)} ms, ` +
	`first report ${(t2 - t1).toFixed(1)} ms (new artists ${r.new_ms.toFixed(1)} ms of it)`);
if (!runs)
	process.exit(0);
const w = [];
for (let i = 0; i < runs; i++) {
	const s = now();
	await report(con);
	w.push(now() - s);
}
w.sort((a, b) => a - b);
console.log(`duckdb warm: best ${w[0].toFixed(1)} ms, median ${w[(runs - 1) >> 1].toFixed(1)} ms over ${runs} runs`);
