#include "report/search.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "core/strvec.h"
#include "core/xalloc.h"
#include "core/banned.h"

/*
 * A pass over the catalog's names per query: at the demo's size a few
 * hundred names, at 1M plays (bench/report_bench.sh) tens of thousands;
 * folding one name is about a microsecond, so no folded copy is kept.
 */
char *search_fold(const char *s)
{
	utf8proc_uint8_t *out = NULL;
	utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, 0, &out,
					  UTF8PROC_NULLTERM | UTF8PROC_STABLE |
					  UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
					  UTF8PROC_STRIPMARK | UTF8PROC_IGNORE);
	if (n < 0) { /* not valid UTF-8 (the store keeps it valid): compare as is */
		free(out);
		return xstrdup(s);
	}
	char *r = xstrdup((const char *)out);
	free(out);
	return r;
}

struct walk {
	struct nav_index *x;
	enum store_nav_kind kind;
	struct strvec words;
	struct search_result *out;
};

static int plays_of(const struct nav_index *x, enum store_nav_kind kind, const char *id)
{
	int i;
	switch (kind) {
	case NAV_TRACKS: i = nav_track_of(x, id); return i >= 0 ? x->t[i].plays : 0;
	case NAV_ARTISTS: i = nav_artist_of(x, id); return i >= 0 ? x->a[i].plays : 0;
	default: i = nav_album_of(x, id); return i >= 0 ? x->b[i].plays : 0;
	}
}

/* Keeps the SEARCH_MAX best (plays, then name): the worst is replaced. */
static void keep(struct search_result *r, int k, const char *id, const char *name,
		 int plays)
{
	struct search_hit *v = r->hits[k];
	int at = r->n[k];
	if (at == SEARCH_MAX) {
		r->more[k]++;
		at = 0;
		for (int i = 1; i < SEARCH_MAX; i++)
			if (v[i].plays < v[at].plays)
				at = i;
		if (v[at].plays >= plays)
			return;
		free(v[at].id);
		free(v[at].name);
	} else {
		r->n[k]++;
	}
	v[at] = (struct search_hit){ xstrdup(id), xstrdup(name), plays };
}

static int one(void *arg, const char *id, const char *name)
{
	struct walk *w = arg;
	char *f = search_fold(name);
	size_t i = 0;
	for (; i < w->words.n; i++)
		if (!strstr(f, w->words.v[i]))
			break;
	free(f);
	if (i == w->words.n) {
		int plays = plays_of(w->x, w->kind, id);
		if (plays || !w->x->only_played)
			keep(w->out, (int)w->kind, id, name, plays);
	}
	return 0;
}

static int cmp_hit(const void *pa, const void *pb)
{
	const struct search_hit *a = pa, *b = pb;
	if (a->plays != b->plays)
		return a->plays > b->plays ? -1 : 1;
	return strcmp(a->name, b->name);
}

int search_run(struct nav_index *x, struct store *st, const char *query,
	       struct search_result *out, struct strbuf *err)
{
	struct walk w = { x, NAV_TRACKS, STRVEC_INIT, out };
	char *f = search_fold(query);
	int ret = 0;

	memset(out, 0, sizeof(*out));
	for (char *p = f; *p;) { /* the words, split at white space */
		size_t n = strcspn(p, " \t\r\n");
		if (n) {
			char c = p[n];
			p[n] = '\0';
			strvec_push(&w.words, p);
			p[n] = c;
		}
		p += n;
		p += strspn(p, " \t\r\n");
	}
	free(f);
	for (int k = 0; w.words.n && k < 3 && !ret; k++) {
		w.kind = (enum store_nav_kind)k;
		ret = store_nav_names(st, w.kind, one, &w, err) ? -1 : 0;
		qsort(out->hits[k], (size_t)out->n[k], sizeof(struct search_hit), cmp_hit);
	}
	strvec_clear(&w.words);
	if (ret)
		search_result_release(out);
	return ret;
}

void search_result_release(struct search_result *r)
{
	for (int k = 0; k < 3; k++)
		for (int i = 0; i < r->n[k]; i++) {
			free(r->hits[k][i].id);
			free(r->hits[k][i].name);
		}
	memset(r, 0, sizeof(*r));
}
