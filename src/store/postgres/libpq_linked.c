/* pg_libpq_load for programs linked with libpq (the unit tests): nothing to load. */
#include "store/postgres/libpq.h"
#include "core/banned.h"

int pg_libpq_load(struct strbuf *err)
{
	(void)err;
	return 0;
}
