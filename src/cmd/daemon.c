/* Placeholder: replaced by the real 'spinlog daemon'. */
#include <stdio.h>

#include "cmd/cmd.h"
#include "core/banned.h"

const char cmd_daemon_usage[] = "usage: spinlog daemon\n";

int cmd_daemon(int argc, char **argv, struct ctx *ctx)
{
	(void)argc;
	(void)argv;
	(void)ctx;
	fprintf(stderr, "spinlog: 'daemon' is not implemented yet\n");
	return 1;
}
