/* Placeholder: replaced by the real 'spinlog gaps'. */
#include <stdio.h>

#include "cmd/cmd.h"
#include "core/banned.h"

const char cmd_gaps_usage[] = "usage: spinlog gaps\n";

int cmd_gaps(int argc, char **argv, struct ctx *ctx)
{
	(void)argc;
	(void)argv;
	(void)ctx;
	fprintf(stderr, "spinlog: 'gaps' is not implemented yet\n");
	return 1;
}
