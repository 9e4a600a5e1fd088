/* Placeholder: replaced by the real 'spinlog etl'. */
#include <stdio.h>

#include "cmd/cmd.h"
#include "core/banned.h"

const char cmd_etl_usage[] = "usage: spinlog etl\n";

int cmd_etl(int argc, char **argv, struct ctx *ctx)
{
	(void)argc;
	(void)argv;
	(void)ctx;
	fprintf(stderr, "spinlog: 'etl' is not implemented yet\n");
	return 1;
}
