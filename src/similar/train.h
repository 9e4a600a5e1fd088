/*
 * similar/train: from the account's labels to a stored model, and back.
 * The newest label of a pair counts (either order); labels naming a track
 * the library does not have are left out and counted. Under
 * SIM_MIN_LABELS usable labels, or with fewer than SIM_FOLDS of either
 * answer, nothing is fitted or claimed.
 *
 * Ownership: a dataset is freed with simtrain_dataset_release; a loaded
 * model with lr_release.
 */
#ifndef SIMILAR_TRAIN_H
#define SIMILAR_TRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"
#include "similar/features.h"
#include "similar/model.h"

#define SIM_MIN_LABELS 40
#define SIM_FOLDS 5
#define SIM_MODEL_VERSION LR_VERSION

struct store;
struct store_sim_model;

struct sim_dataset {
	double *X;           /* n * SF_COUNT */
	int *y;
	size_t n, cap;
	size_t labels;       /* label rows stored */
	size_t unknown;      /* pairs left out: a track not in the library */
	size_t similar;      /* y = 1 among the n */
};

int simtrain_dataset(struct store *s, int64_t account_id, const struct sim_library *lib,
		     struct sim_dataset *ds, struct strbuf *err);
void simtrain_dataset_release(struct sim_dataset *ds);
/* Adds one pair (tests, benchmarks). */
void simtrain_dataset_add(struct sim_dataset *ds, const struct sim_track *a,
			  const struct sim_track *b, int similar);

struct sim_train_result {
	struct lr_cv cv;
	struct lr_model model;  /* fitted on every pair */
};
/*
 * Cross-validates and fits: 0; 1 when there are too few labels (err says
 * "need >= 40 labels, have 10" or which answer is short); -1 on failure.
 */
int simtrain_fit(const struct sim_dataset *ds, struct sim_train_result *r, struct strbuf *err);
/* Stores r's model for the account with the figures. */
int simtrain_store(struct store *s, int64_t account_id, const struct sim_dataset *ds,
		   const struct sim_train_result *r, struct strbuf *err);
/*
 * The newest model of the account (0: of any account) into *m: 1, 0 when
 * there is none, -1 when it cannot be used (another feature list or
 * version: err says to train again) or on failure.
 */
int simtrain_load(struct store *s, int64_t account_id, struct lr_model *m,
		  struct store_sim_model *info, struct strbuf *err);

#endif
