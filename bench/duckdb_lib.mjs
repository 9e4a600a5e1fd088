// Shared by bench/duckdb_import.mjs and bench/duckdb_report.mjs: finds
// @duckdb/node-api (installed by duckdb_setup in bench/lib.bash into DUCKDB_NODE_DIR,
// default ~/.cache/spinlog-bench/duckdb, or bench/node_modules) and opens a
// database with extension autoloading and autoinstalling off, so a run never
// reaches the network (json and icu are built into the npm binary).
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const now = () => Number(process.hrtime.bigint()) / 1e6;

// Returns { inst, con, load_ms (finding and loading the module), open_ms }.
export async function openDuckDB(path) {
	const t0 = now();
	const dirs = [process.env.DUCKDB_NODE_DIR ||
		join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'spinlog-bench', 'duckdb'),
		new URL('.', import.meta.url).pathname];
	let mod;
	for (const d of dirs) {
		try {
			const where = createRequire(join(d, 'x.js')).resolve('@duckdb/node-api');
			mod = await import(pathToFileURL(where).href);
			break;
		} catch { /* try the next place */ }
	}
	if (!mod)
		throw new Error(`'@duckdb/node-api' not found in ${dirs.join(' or ')}; bench/import_bench.sh installs it`);
	const t1 = now();
	const inst = await mod.DuckDBInstance.create(path, {
		autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
	const con = await inst.connect();
	return { inst, con, load_ms: t1 - t0, open_ms: now() - t1 };
}

