/* Placeholder: replaced by the real 'spinlog wrapped'. */
#include <stdio.h>

#include "cmd/cmd.h"
#include "core/banned.h"

const char cmd_wrapped_usage[] = "usage: spinlog wrapped\n";

int cmd_wrapped(int argc, char **argv, struct ctx *ctx)
{
	(void)argc;
	(void)argv;
	(void)ctx;
	fprintf(stderr, "spinlog: 'wrapped' is not implemented yet\n");
	return 1;
}
