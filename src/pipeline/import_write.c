/*
 * The import's write paths: the merging path for everything, the streaming
 * path for the big first import of an account, and the conclusion both end
 * in. Every store call runs inside the one transaction opened here.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "pipeline/import_merge.h"
#include "pipeline/import_plays.h"
#include "pipeline/import_write.h"
#include "sources/format.h"
#include "pipeline/merge.h"
#include "store/store.h"
#include "core/banned.h"

/* ---- the start and the end ---- */

static int resolve_account(struct store *s, const char *want, int64_t *id,
			   char **name, struct strbuf *err)
{
	struct strvec names = STRVEC_INIT;
	int ret = 0;

	if (!want && store_accounts_names(s, &names)) {
		strbuf_addstr(err, "cannot read the accounts");
		return -1;
	}
	if (!want && names.n > 1) {
		strbuf_addstr(err, "there are several accounts (");
		for (size_t i = 0; i < names.n; i++)
			strbuf_addf(err, "%s\"%s\"", i ? ", " : "", names.v[i]);
		strbuf_addstr(err, "); say which one the export belongs to with "
			      "--account NAME");
		ret = -1;
	} else {
		*name = xstrdup(want ? want : names.n ? names.v[0] : "main");
		*id = store_accounts_ensure(s, *name);
		if (*id <= 0) {
			strbuf_addf(err, "cannot create the account \"%s\"", *name);
			ret = -1;
		}
	}
	strvec_clear(&names);
	return ret;
}

/* Resolves the account and records the import (in the transaction). */
static int start(struct store *s, const struct import_src *src,
		 const struct import_opts *o, struct import_result *res,
		 struct store_import **im, struct strbuf *err)
{
	struct strbuf p = STRBUF_INIT;
	int64_t account;
	int ret = -1;

	if (resolve_account(s, o->account, &account, &res->account, err))
		return -1;
	for (int i = 0; i < src->npaths; i++)
		strbuf_addf(&p, "%s%s", i ? "\n" : "", src->paths[i]);
	if (!store_import_start(s, account, p.buf, time_now_ms(), im, err)) {
		res->import_id = store_import_id(*im);
		ret = 0;
	}
	strbuf_release(&p);
	return ret;
}

/* The parsed file i, or NULL (every file is parsed by now). */
static struct import_file *parsed(const struct import_src *src, size_t i)
{
	struct import_file *f = NULL;

	return src->file(src->arg, i, &f) ? NULL : f;
}

/* The time range the files cover: lo > hi when they have no plays. */
static void files_range(const struct import_src *src, int64_t *lo, int64_t *hi)
{
	*lo = INT64_MAX;
	*hi = INT64_MIN;
	for (size_t i = 0; i < src->n; i++) {
		const struct import_file *f = parsed(src, i);
		if (!f || !f->n)
			continue;
		*lo = f->min_ms < *lo ? f->min_ms : *lo;
		*hi = f->max_ms > *hi ? f->max_ms : *hi;
	}
}

struct range {
	int64_t lo, hi;
};

static int cmp_range(const void *a, const void *b)
{
	const struct range *x = a, *y = b;
	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/*
 * A gap is healed when one stretch of the imported files covers it: file
 * time ranges are joined when they overlap or lie within a day of each
 * other (an export's files follow one another), and a gap [from, to] inside
 * one joined range (with the id tolerance at both ends) is marked healed.
 */
static int heal_gaps(const struct import_src *src, struct store_import *im,
		     size_t *healed, struct strbuf *err)
{
	struct range *r = xcalloc(src->n + 1, sizeof(*r));
	size_t n = 0, k = 0;
	int ret = 0;

	for (size_t i = 0; i < src->n; i++) {
		const struct import_file *f = parsed(src, i);
		if (!f || !f->n)
			continue;
		r[n].lo = f->min_ms;
		r[n].hi = f->max_ms;
		n++;
	}
	qsort(r, n, sizeof(*r), cmp_range);
	for (size_t i = 1; i < n; i++) {
		if (r[i].lo <= r[k].hi + 86400000LL) {
			if (r[i].hi > r[k].hi)
				r[k].hi = r[i].hi;
		} else {
			r[++k] = r[i];
		}
	}
	if (n)
		n = k + 1;
	for (size_t i = 0; i < n && !ret; i++)
		ret = store_import_heal_gaps(im, r[i].lo - MERGE_TOL_ID_MS,
					     r[i].hi + MERGE_TOL_ID_MS,
					     time_now_ms(), healed, err);
	free(r);
	return ret;
}

static int finish(const struct import_src *src, struct store_import *im,
		  const struct import_result *res, struct strbuf *err)
{
	struct store_import_counts c;

	memset(&c, 0, sizeof(c));
	files_range(src, &c.from_ms, &c.to_ms);
	c.finished_ms = time_now_ms();
	c.files = (int64_t)res->files;
	c.records = (int64_t)res->records;
	c.added = (int64_t)res->added;
	c.merged = (int64_t)res->merged;
	c.duplicates = (int64_t)res->dupes;
	c.ignored = (int64_t)res->ignored.n;
	return store_import_finish(im, &c, err);
}

/*
 * The end of both write paths, inside the import's transaction: rebuilds the
 * indexes set aside, heals gaps, records the import, then commits, or rolls
 * back when nothing is new (the same files again leave no trace at all) or
 * on --dry-run. -1: the caller rolls back.
 */
static int conclude(struct store *s, const struct import_src *src,
		    const struct import_opts *o, struct store_import *im,
		    int64_t t0, struct import_result *res, struct strbuf *err)
{
	if (store_bulk_indexes_on(s, err))
		return -1;
	log_debug("import: indexed in %lld ms", (long long)(time_mono_ms() - t0));
	if (heal_gaps(src, im, &res->healed, err) || finish(src, im, res, err))
		return -1;
	if (o->dry_run || (!res->added && !res->merged && !res->healed)) {
		store_rollback(s);
		return 0;
	}
	if (store_commit(s, err))
		return -1;
	log_debug("import: committed in %lld ms", (long long)(time_mono_ms() - t0));
	return 0;
}

/* ---- the merging path ---- */

/* Every parsed event into m, with its file's index (for the write order). */
static void collect(const struct import_src *src, struct import_merge *m)
{
	size_t n = 0;

	for (size_t i = 0; i < src->n; i++) {
		const struct import_file *f = parsed(src, i);
		n += f ? f->n : 0;
	}
	import_merge_init(m, n);
	for (size_t i = 0; i < src->n; i++) {
		struct import_file *f = parsed(src, i);
		for (size_t k = 0; f && k < f->n; k++) {
			f->ev[k].file = (uint16_t)(i > 65535 ? 65535 : i);
			m->ev[m->n++] = &f->ev[k];
		}
	}
}

/* Merge, write, conclude: everything under the transaction. */
static int merge_and_write(struct store *s, const struct import_src *src,
			   const struct import_opts *o, struct import_merge *m,
			   struct store_import *im, struct import_result *res,
			   struct strbuf *err)
{
	int64_t t0 = time_mono_ms(), lo, hi;
	int set_aside;

	files_range(src, &lo, &hi);
	if (import_merge_run(m, im, lo - 600000, hi + 600000, err))
		return -1;
	log_debug("import: merged in %lld ms", (long long)(time_mono_ms() - t0));
	set_aside = store_bulk_indexes_off(s, m->n - m->dupes - m->merged, err);
	if (set_aside < 0 || import_plays_write(m, im, err))
		return -1;
	log_debug("import: written in %lld ms", (long long)(time_mono_ms() - t0));
	res->records = m->n;
	res->added = m->added;
	res->merged = m->merged;
	res->dupes = m->dupes;
	/* the parsed events are written: free them before the sorts */
	if (set_aside) {
		import_merge_release(m);
		src->release(src->arg);
	}
	return conclude(s, src, o, im, t0, res, err);
}

int import_write_merging(struct store *s, const struct import_src *src,
			 const struct import_opts *o, struct import_result *res,
			 struct strbuf *err)
{
	struct import_merge m;
	struct store_import *im = NULL;
	int ret = -1;

	collect(src, &m);
	if (store_bulk_begin(s, m.n, err) || store_begin(s, err))
		goto out;
	if (start(s, src, o, res, &im, err) ||
	    merge_and_write(s, src, o, &m, im, res, err)) {
		store_rollback(s);
		goto out;
	}
	ret = 0;
out:
	if (ret && !err->len)
		strbuf_addstr(err, "cannot write the import");
	store_import_free(im);
	store_bulk_end(s);
	import_merge_release(&m);
	return ret;
}

/* ---- the streaming path ---- */

/* A set of fingerprints (never 0) that grows. */
struct fpset {
	uint64_t *tab;
	size_t size, n;
};

static size_t fpset_slot(const struct fpset *f, uint64_t fp)
{
	return (size_t)((fp ^ (fp >> 29)) * 0x9E3779B97F4A7C15ULL) & (f->size - 1);
}

/* The table is far bigger than the caches: fetch a slot ahead of its use. */
static void fpset_prefetch(const struct fpset *f, uint64_t fp)
{
	__builtin_prefetch(&f->tab[fpset_slot(f, fp)], 1);
}

static int fpset_add(struct fpset *f, uint64_t fp)
{
	size_t h;
	if (10 * (f->n + 1) > 7 * f->size) { /* at most 70% full */
		struct fpset g = { NULL, f->size ? 2 * f->size : 1 << 16, 0 };
		g.tab = xcalloc(g.size, sizeof(*g.tab));
		for (size_t i = 0; i < f->size; i++)
			if (f->tab[i])
				fpset_add(&g, f->tab[i]);
		free(f->tab);
		*f = g;
	}
	h = fpset_slot(f, fp);
	while (f->tab[h] && f->tab[h] != fp)
		h = (h + 1) & (f->size - 1);
	if (f->tab[h])
		return 1;
	f->tab[h] = fp;
	f->n++;
	return 0;
}

/*
 * About 700 bytes a record: the set sized once for the whole import, at most
 * 70% full. Sized for 50% it took 32 MB for 1M plays (at 25% load), an
 * eighth of the import's peak memory; now 16 MB at 48%, no slower measured.
 */
static void fpset_init(struct fpset *f, uint64_t bytes)
{
	f->size = 1 << 16;
	f->n = 0;
	while (7 * (uint64_t)f->size < bytes / 70)
		f->size *= 2;
	/*
	 * Zeroed by writing, not by calloc: calloc's fresh pages map the zero
	 * page, and the first insert on each then copies it and flushes the
	 * TLBs of the parser threads' CPUs (measured: ~0.1 s of the writer).
	 */
	f->tab = xmalloc(f->size * sizeof(*f->tab));
	memset(f->tab, 0, f->size * sizeof(*f->tab));
}

struct stream {
	struct import_batch bt;
	struct fpset seen;
	struct import_result *res;
};

/* One parsed file's events, less the exact duplicates, into the batches. */
static int stream_file(struct stream *w, const struct import_file *f,
		       struct strbuf *err)
{
	for (size_t k = 0; k < f->n; k++) {
		const struct import_event *e = &f->ev[k];
		w->res->records++;
		if (k + 8 < f->n)
			fpset_prefetch(&w->seen, f->ev[k + 8].fp);
		if (k + IMPORT_BATCH < f->n)
			import_prefetch_strings(&f->ev[k + IMPORT_BATCH]);
		if (fpset_add(&w->seen, e->fp)) {
			w->res->dupes++;
			continue;
		}
		if (import_batch_add(&w->bt, e, NULL, err))
			return -1;
		w->res->added++;
	}
	return 0;
}

/* A file whose plays are matched by names needs the merging path. */
static int by_names(const struct import_file *f)
{
	const struct source_format *fmt = format_by_id(f->format);
	return fmt && fmt->match == MATCH_BY_NAMES;
}

/* Each file as its parser finishes it: 0, -1, or 1 to take the merging path. */
static int stream_files(const struct import_src *src, const struct import_opts *o,
			struct stream *w, int64_t t0, struct strbuf *err)
{
	int64_t last = t0;

	for (size_t i = 0; i < src->n; i++) {
		struct import_file *f = NULL;
		if (src->file(src->arg, i, &f) || (f && by_names(f)))
			return 1;
		if (f && stream_file(w, f, err))
			return -1;
		if (f && src->written)
			src->written(src->arg, i);
		if (o->progress && time_mono_ms() - last >= 100) {
			src->progress(src->arg, t0, 0);
			last = time_mono_ms();
		}
	}
	if (import_batch_flush(&w->bt, err))
		return -1;
	if (o->progress)
		src->progress(src->arg, t0, 1);
	return 0;
}

/* Under the transaction: 0 written and concluded, -1, or 1 (see above). */
static int stream_and_write(struct store *s, const struct import_src *src,
			    const struct import_opts *o,
			    struct import_result *res, struct strbuf *err)
{
	struct stream w;
	struct store_import *im = NULL;
	int64_t t0 = time_mono_ms();
	int ret = -1;

	memset(&w, 0, sizeof(w));
	w.res = res;
	if (start(s, src, o, res, &im, err))
		goto out;
	ret = store_import_account_has_plays(im);
	if (ret)
		goto out; /* 1: merge with them, or -1 */
	ret = -1;
	if (store_bulk_indexes_off(s, SIZE_MAX, err) < 0)
		goto out;
	import_batch_init(&w.bt, im);
	fpset_init(&w.seen, src->total);
	ret = stream_files(src, o, &w, t0, err);
	if (ret)
		goto out;
	free(w.seen.tab);
	w.seen.tab = NULL;
	log_debug("import: parsed and written in %lld ms",
		  (long long)(time_mono_ms() - t0));
	src->release(src->arg);
	src->count(src->arg, res);
	ret = conclude(s, src, o, im, t0, res, err);
out:
	free(w.seen.tab);
	store_import_free(im);
	return ret;
}

int import_write_streaming(struct store *s, const struct import_src *src,
			   const struct import_opts *o,
			   struct import_result *res, struct strbuf *err)
{
	int ret = -1;

	if (store_bulk_begin(s, SIZE_MAX, err) || store_begin(s, err))
		goto out;
	ret = stream_and_write(s, src, o, res, err);
	if (ret)
		store_rollback(s);
	if (ret == 1) {
		strvec_clear(&res->ignored);
		free(res->account);
		res->account = NULL;
		res->records = res->added = res->dupes = 0;
		res->import_id = 0;
	}
out:
	if (ret < 0 && !err->len)
		strbuf_addstr(err, "cannot write the import");
	store_bulk_end(s);
	return ret;
}
