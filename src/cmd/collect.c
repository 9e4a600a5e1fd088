/* Placeholder: replaced by the real 'spinlog collect'. */
#include <stdio.h>

#include "cmd/cmd.h"
#include "core/banned.h"

const char cmd_collect_usage[] = "usage: spinlog collect\n";

int cmd_collect(int argc, char **argv, struct ctx *ctx)
{
	(void)argc;
	(void)argv;
	(void)ctx;
	fprintf(stderr, "spinlog: 'collect' is not implemented yet\n");
	return 1;
}
