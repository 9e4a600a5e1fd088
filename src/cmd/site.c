/* Placeholder: replaced by the real 'spinlog site'. */
#include <stdio.h>

#include "cmd/cmd.h"
#include "core/banned.h"

const char cmd_site_usage[] = "usage: spinlog site\n";

int cmd_site(int argc, char **argv, struct ctx *ctx)
{
	(void)argc;
	(void)argv;
	(void)ctx;
	fprintf(stderr, "spinlog: 'site' is not implemented yet\n");
	return 1;
}
