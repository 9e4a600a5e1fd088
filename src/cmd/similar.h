/*
 * What the two files of 'spinlog similar' share (cmd/similar.c, the
 * commands; cmd/similar_label.c, the terminal session): the options, and
 * a run's account, library and model. similar_setup fills a run that
 * similar_teardown frees, even when setup failed.
 */
#ifndef CMD_SIMILAR_H
#define CMD_SIMILAR_H

#include <stdint.h>

#include "similar/features.h"
#include "similar/model.h"
#include "store/store.h"

struct ctx;

enum similar_format { SIM_TEXT, SIM_JSON };

struct similar_opts {
	const char *account, *import;
	enum similar_format format;
	int n;
	uint64_t seed;  /* 0: from the clock */
};

struct similar_run {
	int64_t account;
	struct sim_library lib;
	int have_model;
	struct lr_model model;
	struct store_sim_model info;
};

/* want_model 0: no model; 1: the model if there is one; 2: a model or an error. */
int similar_setup(struct ctx *ctx, const struct similar_opts *o, struct similar_run *r,
		  int want_model, struct strbuf *err);
void similar_teardown(struct similar_run *r);
int similar_label_session(struct ctx *ctx, const struct similar_opts *o);

#endif
