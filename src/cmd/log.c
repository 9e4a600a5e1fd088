/* Placeholder: replaced by the real 'spinlog log'. */
#include <stdio.h>

#include "cmd/cmd.h"
#include "core/banned.h"

const char cmd_log_usage[] = "usage: spinlog log\n";

int cmd_log(int argc, char **argv, struct ctx *ctx)
{
	(void)argc;
	(void)argv;
	(void)ctx;
	fprintf(stderr, "spinlog: 'log' is not implemented yet\n");
	return 1;
}
