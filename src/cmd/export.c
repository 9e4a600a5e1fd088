/* Placeholder: replaced by the real 'spinlog export'. */
#include <stdio.h>

#include "cmd/cmd.h"
#include "core/banned.h"

const char cmd_export_usage[] = "usage: spinlog export\n";

int cmd_export(int argc, char **argv, struct ctx *ctx)
{
	(void)argc;
	(void)argv;
	(void)ctx;
	fprintf(stderr, "spinlog: 'export' is not implemented yet\n");
	return 1;
}
