#include "web/pages.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "core/banned.h"

int pages_init(struct pages *p, struct store *st, const char *data_dir,
	       long long min_ms_played, struct strbuf *err)
{
	return pages_init_for(p, st, data_dir, min_ms_played, 0, 0, err);
}

int pages_init_for(struct pages *p, struct store *st, const char *data_dir,
		   long long min_ms_played, int64_t account_id, int strict,
		   struct strbuf *err)
{
	memset(p, 0, sizeof(*p));
	p->store = st;
	p->opt.min_ms_played = min_ms_played;
	p->opt.account_id = account_id;
	covers_init(&p->covers, data_dir);
	report_cache_init_for(&p->cache, st, account_id, strict);
	store_tune_for_reads(st);
	return report_years(st, account_id, &p->years, &p->nyears, err);
}

void pages_release(struct pages *p)
{
	if (p->have_year)
		report_year_release(&p->last);
	free(p->years);
	pages_nav_forget(p);
	report_cache_release(&p->cache);
	covers_release(&p->covers);
	memset(p, 0, sizeof(*p));
}

int pages_invalidate(struct pages *p, struct strbuf *err)
{
	if (p->have_year)
		report_year_release(&p->last);
	p->have_year = 0;
	report_cache_forget(&p->cache);
	pages_nav_forget(p);
	free(p->years);
	return report_years(p->store, p->opt.account_id, &p->years, &p->nyears, err);
}

const struct report_year *pages_year(struct pages *p, int year, struct strbuf *err)
{
	if (p->have_year && p->last.year == year)
		return &p->last;
	if (p->have_year)
		report_year_release(&p->last);
	p->have_year = 0;
	if (report_year_with(&p->cache, year, &p->opt, &p->last, err))
		return NULL;
	p->have_year = 1;
	return &p->last;
}

int pages_arg_int(const char *s, int lo, int hi, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}
