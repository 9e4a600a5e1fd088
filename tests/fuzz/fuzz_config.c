/* The config file (core/config.c over inih), read from memory. */
#include <stdio.h>

#include "core/config.h"
#include "fuzz.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg;
	struct strbuf err = STRBUF_INIT, out = STRBUF_INIT;
	FILE *f;

	if (!size)
		return 0;
	f = fmemopen((void *)data, size, "r");
	if (!f)
		return 0;
	config_init(&cfg);
	config_load_stream(&cfg, f, "config", &err);
	config_print(&cfg, &out, 1);
	fclose(f);
	config_release(&cfg);
	strbuf_release(&err);
	strbuf_release(&out);
	return 0;
}
