/* Placeholder: replaced by the real 'spinlog status'. */
#include <stdio.h>

#include "cmd/cmd.h"
#include "core/banned.h"

const char cmd_status_usage[] = "usage: spinlog status\n";

int cmd_status(int argc, char **argv, struct ctx *ctx)
{
	(void)argc;
	(void)argv;
	(void)ctx;
	fprintf(stderr, "spinlog: 'status' is not implemented yet\n");
	return 1;
}
