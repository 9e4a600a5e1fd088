/*
 * similar/model: L2-regularised logistic regression, written out (no
 * framework), with standardised inputs, fitted by Newton's method (IRLS),
 * and the figures that say how good it is: ROC AUC, accuracy, stratified
 * k-fold cross-validation against a one-column baseline.
 *
 * Inputs are rows of d doubles. A NaN input is a missing value: after
 * standardisation it sits at the training mean (0), and its group's
 * missing-indicator column (similar/features.h) carries the fact.
 *
 * Ownership: lr_fit and lr_parse fill a model the caller frees with
 * lr_release; lr_serialise returns a new string.
 */
#ifndef SIMILAR_MODEL_H
#define SIMILAR_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"

#define LR_VERSION 1        /* the text format of lr_serialise */
#define LR_LAMBDA 1.0       /* the L2 weight, on standardised inputs */

struct lr_model {
	int d;
	double *mean, *sd;      /* d each: x' = (x - mean) / sd */
	double *w;              /* d + 1: the weights, then the bias */
	int iterations;         /* Newton steps the fit took */
};

/* Fits on n rows (X row-major, n * d) with labels y (0/1). */
int lr_fit(const double *X, const int *y, size_t n, int d, double lambda,
	   struct lr_model *m, struct strbuf *err);
void lr_release(struct lr_model *m);
/* P(y = 1 | x). */
double lr_predict(const struct lr_model *m, const double *x);

/* ROC AUC of scores against labels, ties counted half; NaN when a class
 * is empty. */
double roc_auc(const double *score, const int *y, size_t n);

struct lr_cv {
	int folds;
	double auc, auc_sd, accuracy, accuracy_sd; /* mean and sd over folds */
	double baseline_auc, baseline_auc_sd;
};
/*
 * Stratified k-fold cross-validation (folds drawn from seed): on each
 * fold the model is fitted on the rest and scored on it, and so is the
 * baseline, which scores a pair by column baseline_col alone (NaN: 0).
 */
int lr_cross_validate(const double *X, const int *y, size_t n, int d, double lambda,
		      int k, uint64_t seed, int baseline_col, struct lr_cv *out,
		      struct strbuf *err);

/* "d mean.. sd.. w.." as text with every double exact, and back. */
char *lr_serialise(const struct lr_model *m);
int lr_parse(const char *text, int d, struct lr_model *m, struct strbuf *err);

#endif
