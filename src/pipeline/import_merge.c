/*
 * The import's merge: stored plays read through the store, exact duplicates
 * by fingerprint, then the two matching passes of merge.h.
 */
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "pipeline/import_merge.h"
#include "pipeline/merge.h"
#include "sources/format.h"
#include "store/store.h"
#include "core/banned.h"

void import_merge_init(struct import_merge *m, size_t n)
{
	memset(m, 0, sizeof(*m));
	m->ev = xmalloc((n + 1) * sizeof(*m->ev));
	m->out = xcalloc(n + 1, 1);
	m->target = xmalloc((n + 1) * sizeof(*m->target));
	m->acct_of = xmalloc((n + 1) * sizeof(*m->acct_of));
	memset(m->acct_of, 0xff, (n + 1) * sizeof(*m->acct_of));
}

void import_merge_release(struct import_merge *m)
{
	free(m->ev);
	free(m->rows);
	free(m->out);
	free(m->target);
	free(m->acct_of);
	free(m->exp_of);
	free(m->acc_row);
	memset(m, 0, sizeof(*m));
}

static int kind_of(const char *s)
{
	for (int k = 0; k <= KIND_UNKNOWN; k++)
		if (s && !strcmp(s, import_kind_names[k]))
			return k;
	return KIND_UNKNOWN;
}

static int add_row(void *arg, const struct store_import_row *p)
{
	struct import_merge *m = arg;
	struct import_row *r;

	ALLOC_GROW(m->rows, m->nrows + 1, m->arows);
	r = &m->rows[m->nrows++];
	memset(r, 0, sizeof(*r));
	r->id = p->id;
	r->played_ms = p->played_ms;
	r->prec = p->precision_ms < 1 ? 1 : p->precision_ms;
	r->kind = (uint8_t)kind_of(p->kind);
	r->idkey = p->track_id ? merge_id_key('t', p->track_id)
		 : p->episode_id ? merge_id_key('e', p->episode_id) : 0;
	if (p->has_name_key)
		r->namekey[0] = r->namekey[1] = p->name_key;
	else
		playmatch_api_namekeys(p->artist_name, p->track_name, r->namekey);
	r->ms_played = p->ms_played;
	r->sources = p->sources;
	memcpy(r->fp, p->fp, sizeof(r->fp));
	return 0;
}

/* Exact duplicates: fingerprints seen in this import or stored on a row. */
static void drop_duplicates(struct import_merge *m)
{
	size_t size = 1024;
	uint64_t *tab;

	while (size < 2 * (m->n + SOURCE_COUNT * m->nrows))
		size *= 2;
	tab = xcalloc(size, sizeof(*tab));
	for (size_t pass = 0; pass < 2; pass++) {
		size_t count = pass ? m->n : SOURCE_COUNT * m->nrows;
		for (size_t i = 0; i < count; i++) {
			uint64_t fp = pass ? m->ev[i]->fp
				: m->rows[i / SOURCE_COUNT].fp[i % SOURCE_COUNT];
			size_t h;
			if (!fp)
				continue;
			/* fingerprints are FNV hashes: mix before masking */
			h = (size_t)((fp ^ (fp >> 29)) * 0x9E3779B97F4A7C15ULL) &
			    (size - 1);
			while (tab[h] && tab[h] != fp)
				h = (h + 1) & (size - 1);
			if (tab[h] == fp) {
				if (pass) {
					m->out[i] = OUT_DUP;
					m->dupes++;
				}
				continue;
			}
			tab[h] = fp;
		}
	}
	free(tab);
}

static uint64_t event_idkey(const struct import_event *e)
{
	if (e->str[IS_TRACK_ID])
		return merge_id_key('t', import_str(e->str[IS_TRACK_ID]));
	if (e->str[IS_EPISODE_ID])
		return merge_id_key('e', import_str(e->str[IS_EPISODE_ID]));
	return 0;
}

static void cand_event(struct merge_cand *c, const struct import_event *e,
		       uint64_t key, uint32_t idx)
{
	c->key = key;
	c->t = e->played_ms;
	c->prec = source_by_bit(e->source)->precision_ms;
	c->ms_played = e->ms_played;
	c->kind = e->kind;
	c->unsure = (e->flags & EV_KIND_UNSURE) != 0;
	c->idx = idx;
}

static void cand_row(struct merge_cand *c, const struct import_row *w,
		     uint64_t key, int32_t ms_played, uint32_t idx)
{
	c->key = key;
	c->t = w->played_ms;
	c->prec = w->prec;
	c->ms_played = ms_played;
	c->kind = w->kind;
	c->unsure = 0;
	c->idx = idx;
}

static int by_id(unsigned source)
{
	return format_source_match(source) == MATCH_BY_ID;
}

/* Extended export against stored plays that have no export yet, by id. */
static void match_export(struct import_merge *m)
{
	struct merge_cand *l = NULL, *r = NULL;
	size_t nl = 0, nr = 0, al = 0, ar = 0;
	int32_t *res;

	for (size_t i = 0; i < m->nrows; i++) {
		struct import_row *w = &m->rows[i];
		if ((w->sources & SRC_EXPORT) || !w->idkey)
			continue;
		ALLOC_GROW(r, nr + 1, ar);
		cand_row(&r[nr++], w, w->idkey, w->ms_played, (uint32_t)i);
	}
	if (!nr)
		return;
	for (size_t i = 0; i < m->n; i++) {
		struct import_event *e = m->ev[i];
		uint64_t k;
		if (m->out[i] != OUT_NEW || !by_id(e->source) ||
		    !(k = event_idkey(e)))
			continue;
		ALLOC_GROW(l, nl + 1, al);
		cand_event(&l[nl++], e, k, (uint32_t)i);
	}
	res = xmalloc((nl + 1) * sizeof(*res));
	merge_match(l, nl, r, nr, MERGE_TOL_ID_MS, res);
	for (size_t i = 0; i < nl; i++) {
		if (res[i] < 0)
			continue;
		m->out[l[i].idx] = OUT_ROW;
		m->target[l[i].idx] = res[i];
		m->exp_of[res[i]] = (int32_t)l[i].idx;
		m->merged++;
	}
	free(res);
	free(l);
	free(r);
}

/*
 * The right-hand side of a match by names for source bit src: stored plays
 * without src (by both their name keys), then this import's new events of
 * sources matched by id that have no name-matched event yet. Indexes below
 * nrows are rows, the rest events.
 */
static struct merge_cand *name_targets(struct import_merge *m, unsigned src,
				       size_t *n)
{
	struct merge_cand *r = NULL;
	size_t nr = 0, ar = 0;

	for (size_t i = 0; i < m->nrows; i++) {
		struct import_row *w = &m->rows[i];
		int32_t ms = m->exp_of[i] >= 0 ? m->ev[m->exp_of[i]]->ms_played
					       : w->ms_played;
		for (int k = 0; k < 2; k++) {
			if ((w->sources & src) || !w->namekey[k] ||
			    (k && w->namekey[1] == w->namekey[0]))
				continue;
			ALLOC_GROW(r, nr + 1, ar);
			cand_row(&r[nr++], w, w->namekey[k], ms, (uint32_t)i);
		}
	}
	for (size_t i = 0; i < m->n; i++) {
		struct import_event *e = m->ev[i];
		uint64_t k;
		if (m->out[i] != OUT_NEW || !by_id(e->source) ||
		    m->acct_of[i] >= 0 || !(k = import_event_namekey(e)))
			continue;
		ALLOC_GROW(r, nr + 1, ar);
		cand_event(&r[nr++], e, k, (uint32_t)(m->nrows + i));
	}
	*n = nr;
	return r;
}

/*
 * A source that knows when listens started (sources.h: starts) is matched
 * on start times: everyone's end less what was played of it, when known.
 * A scrobble of a Spotify play says when it began; the export says when
 * it ended and for how long.
 */
static void to_starts(struct merge_cand *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		c[i].t -= c[i].ms_played > 0 ? c[i].ms_played : 0;
}

/*
 * A source matched by names (account data) against
 * everything without it: stored plays and this import's new export events,
 * by normalised names and the interval rule (merge.h).
 */
static void match_names(struct import_merge *m, unsigned src)
{
	struct merge_cand *l = NULL, *r;
	size_t nl = 0, nr = 0, al = 0;
	int32_t *res;

	for (size_t i = 0; i < m->n; i++) {
		struct import_event *e = m->ev[i];
		if (m->out[i] != OUT_NEW || e->source != src || !e->namekey)
			continue;
		ALLOC_GROW(l, nl + 1, al);
		cand_event(&l[nl++], e, e->namekey, (uint32_t)i);
	}
	if (!nl)
		return;
	r = name_targets(m, src, &nr);
	if (source_by_bit(src)->starts) {
		to_starts(l, nl);
		to_starts(r, nr);
	}
	res = xmalloc(nl * sizeof(*res));
	merge_match(l, nl, r, nr, MERGE_TOL_NAME_MS, res);
	for (size_t i = 0; i < nl; i++) {
		size_t t;
		if (res[i] < 0)
			continue;
		t = (size_t)res[i];
		if (t < m->nrows) {
			m->out[l[i].idx] = OUT_ROW;
			m->target[l[i].idx] = (int32_t)t;
			m->acc_row[t] = (int32_t)l[i].idx;
		} else {
			m->out[l[i].idx] = OUT_EVENT;
			m->target[l[i].idx] = (int32_t)(t - m->nrows);
			m->acct_of[t - m->nrows] = (int32_t)l[i].idx;
		}
		m->merged++;
	}
	free(res);
	free(l);
	free(r);
}

/* Time order, then file order: the order plays are written in. */
static int cmp_event_time(const void *a, const void *b)
{
	const struct import_event *x = *(struct import_event *const *)a;
	const struct import_event *y = *(struct import_event *const *)b;
	if (x->played_ms != y->played_ms)
		return x->played_ms < y->played_ms ? -1 : 1;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	return x->rec < y->rec ? -1 : x->rec > y->rec;
}

int import_merge_run(struct import_merge *m, struct store_import *im,
		     int64_t lo, int64_t hi, struct strbuf *err)
{
	if (m->n && store_import_scan(im, lo, hi, add_row, m, err))
		return -1;
	m->exp_of = xmalloc((m->nrows + 1) * sizeof(*m->exp_of));
	m->acc_row = xmalloc((m->nrows + 1) * sizeof(*m->acc_row));
	memset(m->exp_of, 0xff, (m->nrows + 1) * sizeof(*m->exp_of));
	memset(m->acc_row, 0xff, (m->nrows + 1) * sizeof(*m->acc_row));
	qsort(m->ev, m->n, sizeof(*m->ev), cmp_event_time);
	drop_duplicates(m);
	match_export(m);
	/* sources in id order: account data before later sources */
	for (size_t i = 0; i < sources_len; i++)
		if (format_source_match(SOURCE_BIT(sources[i].id)) ==
		    MATCH_BY_NAMES)
			match_names(m, SOURCE_BIT(sources[i].id));
	return 0;
}
