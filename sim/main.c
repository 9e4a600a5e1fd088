/*
 * spotify-sim: Spotify on loopback, deterministic from a seed. Parses the
 * command line and hands over to server_run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server.h"
#include "audio.h"
#include "catalog.h"
#include "core/timeutil.h"
#include "core/banned.h"

static const char usage[] =
	"usage: spotify-sim --port PORT --seed SEED [options]\n"
	"\n"
	"  --port PORT             port to listen on; 0 picks a free one\n"
	"  --seed SEED             seed of the catalog, the listeners and the faults\n"
	"  --users N               number of simulated users user1..userN (default 1)\n"
	"  --app-mode MODE         legacy (default) or development\n"
	"  --start ISO8601         start of the simulated clock (default 2026-03-02T00:00:00Z)\n"
	"  --port-file FILE        write the port number to FILE once listening\n"
	"  --token-ttl SECONDS     access token lifetime on the simulated clock (default 3600)\n"
	"  --bind ADDR             address to listen on (default 127.0.0.1)\n"
	"  --faults QUERY          initial faults, e.g. 'rate_5xx=0.05&rate_429=0.02&retry_after=1'\n"
	"  --verbose               print one line per request to stderr\n"
	"  --write-audio DIR       render catalog tracks to DIR/<id>.flac (with DIR/<id>.json, what was\n"
	"                          rendered) and exit; --port is not needed\n"
	"  --audio-tracks N        with --write-audio: the first N catalog tracks (default all)\n"
	"  --audio-seconds S       with --write-audio: whole sections until at least S s (default the\n"
	"                          whole track)\n"
	"  --help                  show this help\n"
	"\n"
	"Control endpoints: GET /_sim/clock, POST /_sim/advance?minutes=M, POST /_sim/binge?user=U&plays=N,\n"
	"GET /_sim/truth?user=U, GET /_sim/requests, POST /_sim/requests/reset,\n"
	"GET /_sim/export?user=U[&package=extended|account|both][&quirks=1][&schema=endsong],\n"
	"GET /_sim/audio/<track id>.flac|.wav|.json[?seconds=S] (the track rendered from its analysis; .json:\n"
	"what it renders),\n"
	"GET|POST /_sim/faults?... (token endpoint: token_hold_ms=MS holds each refresh and drops it\n"
	"unprocessed if the client hangs up; lose_token_answers=N rotates the next N refresh tokens and\n"
	"drops the connection instead of answering)\n";

static int parse_num(const char *opt, const char *s, long long lo, long long hi, long long *out)
{
	char *end;
	long long v = s ? strtoll(s, &end, 10) : 0;
	if (!s || !*s || *end || v < lo || v > hi) {
		fprintf(stderr, "spotify-sim: %s needs a number from %lld to %lld, not \"%s\"\n", opt, lo, hi,
			s ? s : "");
		return -1;
	}
	*out = v;
	return 0;
}

static int write_audio(uint64_t seed, const char *dir, int ntracks, double seconds)
{
	struct catalog c;
	catalog_init(&c, seed);
	int rc = sim_audio_write_dir(&c, dir, ntracks, seconds);
	catalog_release(&c);
	return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct sim_config cfg = { .port = -1, .users = 1, .token_ttl_s = 3600, .bind = "127.0.0.1" };
	int have_seed = 0;
	long long v, audio_tracks = 0, audio_seconds = 0;
	const char *audio_dir = NULL;
	int64_t t;

	time_parse_iso("2026-03-02T00:00:00Z", &t);
	cfg.start_ms = t;
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
			fputs(usage, stdout);
			return 0;
		} else if (!strcmp(o, "--verbose")) {
			cfg.verbose = 1;
			continue;
		}
		if (!val) {
			fprintf(stderr, "spotify-sim: unknown option or missing value: \"%s\"\n%s", o, usage);
			return 2;
		}
		i++;
		if (!strcmp(o, "--port")) {
			if (parse_num(o, val, 0, 65535, &v))
				return 2;
			cfg.port = (int)v;
		} else if (!strcmp(o, "--seed")) {
			char *end;
			cfg.seed = strtoull(val, &end, 10);
			if (!*val || *end) {
				fprintf(stderr, "spotify-sim: --seed needs a number, not \"%s\"\n", val);
				return 2;
			}
			have_seed = 1;
		} else if (!strcmp(o, "--users")) {
			if (parse_num(o, val, 1, 1000, &v))
				return 2;
			cfg.users = (int)v;
		} else if (!strcmp(o, "--app-mode")) {
			if (strcmp(val, "legacy") && strcmp(val, "development")) {
				fprintf(stderr, "spotify-sim: --app-mode must be legacy or development, not \"%s\"\n", val);
				return 2;
			}
			cfg.dev = !strcmp(val, "development");
		} else if (!strcmp(o, "--start")) {
			if (time_parse_iso(val, &t)) {
				fprintf(stderr, "spotify-sim: --start \"%s\" is not like 2026-03-02T00:00:00Z\n", val);
				return 2;
			}
			cfg.start_ms = t;
		} else if (!strcmp(o, "--port-file")) {
			cfg.port_file = val;
		} else if (!strcmp(o, "--token-ttl")) {
			if (parse_num(o, val, 1, 100000000, &v))
				return 2;
			cfg.token_ttl_s = v;
		} else if (!strcmp(o, "--bind")) {
			cfg.bind = val;
		} else if (!strcmp(o, "--write-audio")) {
			audio_dir = val;
		} else if (!strcmp(o, "--audio-tracks")) {
			if (parse_num(o, val, 1, 1000000, &audio_tracks))
				return 2;
		} else if (!strcmp(o, "--audio-seconds")) {
			if (parse_num(o, val, 1, 100000, &audio_seconds))
				return 2;
		} else if (!strcmp(o, "--faults")) {
			cfg.faults = val;
		} else {
			fprintf(stderr, "spotify-sim: unknown option \"%s\"\n%s", o, usage);
			return 2;
		}
	}
	if (audio_dir && have_seed)
		return write_audio(cfg.seed, audio_dir, (int)audio_tracks, (double)audio_seconds);
	if (cfg.port < 0 || !have_seed) {
		fprintf(stderr, "spotify-sim: --port and --seed are required\n%s", usage);
		return 2;
	}
	return server_run(&cfg) ? 1 : 0;
}
