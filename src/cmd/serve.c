/* spinlog serve: the read-only local dashboard. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "web/pages.h"
#include "web/server.h"
#include "core/banned.h"

const char cmd_serve_usage[] =
	"usage: spinlog serve [--listen HOST:PORT] [--port-file FILE] [--threads N]\n"
	"                     [--no-covers]\n"
	"  --listen     address to bind (default: setting serve.listen, 127.0.0.1:8080);\n"
	"               port 0 picks a free port\n"
	"  --port-file  write the port actually bound to FILE\n"
	"  --no-covers  do not download missing album covers\n";

/* Reads an integer setting within lo..hi; prints and returns -1 when not. */
static int setting_int(struct ctx *ctx, const char *name, int lo, int hi, int *out)
{
	long long v = config_get_int(&ctx->cfg, name);
	if (v < lo || v > hi) {
		fprintf(stderr, "spinlog: serve: '%s' must be within %d..%d, not %lld\n",
			name, lo, hi, v);
		return -1;
	}
	*out = (int)v;
	return 0;
}

int cmd_serve(int argc, char **argv, struct ctx *ctx)
{
	struct server_options o = { 0 };
	struct strbuf err = STRBUF_INIT;
	int ret = 0;

	o.listen = config_get(&ctx->cfg, "serve.listen");
	o.data_dir = ctx->data_dir;
	o.db_path = ctx->db_path;
	o.min_ms_played = config_get_int(&ctx->cfg, "stats.min_ms_played");
	o.fetch_covers = 1;
	if (setting_int(ctx, "serve.max_per_address", 1, 100000, &o.max_per_address) ||
	    setting_int(ctx, "serve.header_timeout", 1, 3600, &o.header_timeout_s) ||
	    setting_int(ctx, "serve.rate", 0, 1000000, &o.rate_per_second))
		return 1;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--listen") && i + 1 < argc)
			o.listen = argv[++i];
		else if (!strncmp(argv[i], "--listen=", 9))
			o.listen = argv[i] + 9;
		else if (!strcmp(argv[i], "--port-file") && i + 1 < argc)
			o.port_file = argv[++i];
		else if (!strcmp(argv[i], "--threads") && i + 1 < argc) {
			if (pages_arg_int(argv[++i], 1, 64, &o.threads))
				return cmd_usage_error(cmd_serve_usage,
					"'--threads' wants 1..64, not '%s'", argv[i]);
		} else if (!strcmp(argv[i], "--no-covers"))
			o.fetch_covers = 0;
		else
			return cmd_usage_error(cmd_serve_usage, "unknown argument '%s'", argv[i]);
	}
	if (server_run(ctx->store, &o, &err)) {
		fprintf(stderr, "spinlog: serve: %s\n", err.buf);
		ret = 1;
	}
	strbuf_release(&err);
	return ret;
}
