#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/banned.h"

const char cmd_config_usage[] =
	"usage: spinlog config [--verbose]\n"
	"\n"
	"Prints every setting with its effective value, and where it came from\n"
	"when not the default. Secrets are masked. Settings are read from the\n"
	"config file, then SPINLOG_<SECTION>_<KEY> environment variables, then\n"
	"--set section.key=value.\n"
	"\n"
	"   -v, --verbose   also print each setting's help\n";

int cmd_config(int argc, char **argv, struct ctx *ctx)
{
	struct strbuf out = STRBUF_INIT;
	int verbose = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose"))
			verbose = 1;
		else
			return cmd_usage_error(cmd_config_usage,
					       "unknown option '%s'", argv[i]);
	}
	if (ctx->config_path)
		strbuf_addf(&out, "# config file: %s\n", ctx->config_path);
	else
		strbuf_addstr(&out, "# no config file\n");
	strbuf_addf(&out, "# data directory: %s\n", ctx->data_dir);
	config_print(&ctx->cfg, &out, verbose);
	fputs(out.buf, stdout);
	strbuf_release(&out);
	return 0;
}
