/* Placeholder: replaced by the real 'spinlog auth'. */
#include <stdio.h>

#include "cmd/cmd.h"
#include "core/banned.h"

const char cmd_auth_usage[] = "usage: spinlog auth\n";

int cmd_auth(int argc, char **argv, struct ctx *ctx)
{
	(void)argc;
	(void)argv;
	(void)ctx;
	fprintf(stderr, "spinlog: 'auth' is not implemented yet\n");
	return 1;
}
