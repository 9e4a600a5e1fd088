/* Placeholder: replaced by the real 'spinlog serve'. */
#include <stdio.h>

#include "cmd/cmd.h"
#include "core/banned.h"

const char cmd_serve_usage[] = "usage: spinlog serve\n";

int cmd_serve(int argc, char **argv, struct ctx *ctx)
{
	(void)argc;
	(void)argv;
	(void)ctx;
	fprintf(stderr, "spinlog: 'serve' is not implemented yet\n");
	return 1;
}
