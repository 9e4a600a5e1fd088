/*
 * The account summary of store.h on PostgreSQL: the same two queries as
 * sqlite/summary.c.
 */
#include <stdlib.h>

#include "store/sources.h"
#include "store/postgres/pg.h"
#include "core/banned.h"

static int source_row(void *arg, const PGresult *r, int row)
{
	struct store_account_summary *out = arg;
	int64_t bits = pg_get_int(r, row, 0, 0), n = pg_get_int(r, row, 1, 0);

	out->plays += n;
	for (int b = 0; b < SOURCE_COUNT; b++)
		if (bits & SOURCE_BIT(b))
			out->by_source[b] += n;
	return 0;
}

static int import_row(void *arg, const PGresult *r, int row)
{
	struct store_account_summary *out = arg;

	out->last_import_ms = pg_get_int(r, row, 0, 0);
	out->last_import_added = pg_get_int(r, row, 1, 0);
	out->last_import_paths = pg_get_dup(r, row, 2);
	out->imports = pg_get_int(r, row, 3, 0);
	return 0;
}

int pga_account_summary(struct store *st, int64_t account_id,
			struct store_account_summary *out, struct strbuf *err)
{
	static struct pg_q qs = PG_Q("SELECT sources, count(*) FROM play_rows"
		" WHERE account_id = $1 GROUP BY sources");
	static struct pg_q qi = PG_Q("SELECT coalesce(finished_ms, started_ms),"
		" added, paths, (SELECT count(*) FROM imports WHERE account_id = $1)"
		" FROM imports WHERE account_id = $1 ORDER BY id DESC LIMIT 1");
	struct pg_params p;

	pg_params_init(&p);
	pg_int(&p, account_id);
	if (pg_each(pg_of(st), &qs, &p, source_row, out, err) < 0 ||
	    pg_each(pg_of(st), &qi, &p, import_row, out, err) < 0)
		return -1;
	return 0;
}
