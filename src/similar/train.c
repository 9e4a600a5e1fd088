/*
 * Labels to pairs to a model. The folds' seed is fixed, so training twice
 * on the same labels reports the same figures.
 */
#include "similar/train.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/xalloc.h"
#include "store/store.h"
#include "core/banned.h"

#define FOLD_SEED 0x51a11a5ULL

struct label {
	char *a, *b; /* a < b */
	int64_t id;
	int similar;
};

struct labels {
	struct label *v;
	size_t n, cap;
};

static int take_label(void *arg, const struct store_sim_label *l)
{
	struct labels *ls = arg;
	int swap = strcmp(l->track_a, l->track_b) > 0;
	if (ls->n == ls->cap) {
		ls->cap = ls->cap ? ls->cap * 2 : 256;
		ls->v = xrealloc(ls->v, sizeof(*ls->v) * ls->cap);
	}
	ls->v[ls->n++] = (struct label){ xstrdup(swap ? l->track_b : l->track_a),
					 xstrdup(swap ? l->track_a : l->track_b), l->id, l->similar };
	return 0;
}

static int cmp_label(const void *x, const void *y)
{
	const struct label *a = x, *b = y;
	int c = strcmp(a->a, b->a);
	if (!c)
		c = strcmp(a->b, b->b);
	return c ? c : (a->id > b->id) - (a->id < b->id);
}

void simtrain_dataset_add(struct sim_dataset *ds, const struct sim_track *a,
			  const struct sim_track *b, int similar)
{
	if (ds->n == ds->cap) {
		ds->cap = ds->cap ? ds->cap * 2 : 256;
		ds->X = xrealloc(ds->X, sizeof(*ds->X) * ds->cap * SF_COUNT);
		ds->y = xrealloc(ds->y, sizeof(*ds->y) * ds->cap);
	}
	simf_pair(a, b, &ds->X[ds->n * SF_COUNT]);
	ds->y[ds->n++] = similar != 0;
	ds->similar += similar != 0;
}

int simtrain_dataset(struct store *s, int64_t account_id, const struct sim_library *lib,
		     struct sim_dataset *ds, struct strbuf *err)
{
	struct labels ls = { NULL, 0, 0 };
	int ret = 0;

	memset(ds, 0, sizeof(*ds));
	if (store_similar_labels(s, account_id, take_label, &ls, err) < 0)
		ret = -1;
	ds->labels = ls.n;
	if (ls.n)
		qsort(ls.v, ls.n, sizeof(*ls.v), cmp_label);
	for (size_t i = 0; !ret && i < ls.n; i++) {
		/* the newest label of a pair is the last of its run */
		if (i + 1 < ls.n && !strcmp(ls.v[i].a, ls.v[i + 1].a) && !strcmp(ls.v[i].b, ls.v[i + 1].b))
			continue;
		long a = simlib_find(lib, ls.v[i].a), b = simlib_find(lib, ls.v[i].b);
		if (a < 0 || b < 0)
			ds->unknown++;
		else
			simtrain_dataset_add(ds, &lib->t[a], &lib->t[b], ls.v[i].similar);
	}
	for (size_t i = 0; i < ls.n; i++) {
		free(ls.v[i].a);
		free(ls.v[i].b);
	}
	free(ls.v);
	return ret;
}

void simtrain_dataset_release(struct sim_dataset *ds)
{
	free(ds->X);
	free(ds->y);
	memset(ds, 0, sizeof(*ds));
}

int simtrain_fit(const struct sim_dataset *ds, struct sim_train_result *r, struct strbuf *err)
{
	size_t diff = ds->n - ds->similar;

	memset(r, 0, sizeof(*r));
	if (ds->n < SIM_MIN_LABELS) {
		strbuf_addf(err, "need >= %d labels, have %zu", SIM_MIN_LABELS, ds->n);
		return 1;
	}
	if (ds->similar < SIM_FOLDS || diff < SIM_FOLDS) {
		strbuf_addf(err, "need >= %d labels of each answer, have %zu similar and %zu different",
			    SIM_FOLDS, ds->similar, diff);
		return 1;
	}
	if (lr_cross_validate(ds->X, ds->y, ds->n, SF_COUNT, LR_LAMBDA, SIM_FOLDS, FOLD_SEED,
			      SF_GENRE_JACCARD, &r->cv, err))
		return -1;
	if (lr_fit(ds->X, ds->y, ds->n, SF_COUNT, LR_LAMBDA, &r->model, err)) {
		lr_release(&r->model);
		return -1;
	}
	return 0;
}

int simtrain_store(struct store *s, int64_t account_id, const struct sim_dataset *ds,
		   const struct sim_train_result *r, struct strbuf *err)
{
	char *features = simf_list(), *params = lr_serialise(&r->model);
	struct store_sim_model m = { account_id, SIM_MODEL_VERSION, features, params,
				     (int64_t)ds->n, time_now_ms(), r->cv.auc, r->cv.auc_sd,
				     r->cv.accuracy, r->cv.accuracy_sd, r->cv.baseline_auc };
	int ret = store_similar_model_put(s, &m, err);
	free(features);
	free(params);
	return ret;
}

int simtrain_load(struct store *s, int64_t account_id, struct lr_model *m,
		  struct store_sim_model *info, struct strbuf *err)
{
	char *features = NULL;
	int ret = store_similar_model_get(s, account_id, info, err);

	memset(m, 0, sizeof(*m));
	if (ret <= 0)
		return ret;
	features = simf_list();
	if (info->version != SIM_MODEL_VERSION || strcmp(info->features, features)) {
		strbuf_addstr(err, "the stored model was trained on other features or by another "
			      "version: run 'spinlog similar train' again");
		ret = -1;
	} else if (lr_parse(info->params, SF_COUNT, m, err)) {
		ret = -1;
	}
	free(features);
	if (ret < 0)
		store_similar_model_release(info);
	return ret;
}
