/* Placeholder: replaced by the real 'spinlog import'. */
#include <stdio.h>

#include "cmd/cmd.h"
#include "core/banned.h"

const char cmd_import_usage[] = "usage: spinlog import\n";

int cmd_import(int argc, char **argv, struct ctx *ctx)
{
	(void)argc;
	(void)argv;
	(void)ctx;
	fprintf(stderr, "spinlog: 'import' is not implemented yet\n");
	return 1;
}
