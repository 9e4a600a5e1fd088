/*
 * spinlog similar: the listener's own track-similarity model (issue 15).
 * 'label' asks for labels in the terminal (or imports them), 'train' fits
 * and cross-validates the model, 'pair' gives one probability and a track
 * id ranks the library. The terminal session is in similar_label.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/similar.h"
#include "core/strbuf.h"
#include "core/strvec.h"
#include "core/xalloc.h"
#include "similar/features.h"
#include "similar/labels.h"
#include "similar/rank.h"
#include "similar/train.h"
#include "store/store.h"
#include "core/plural.h"
#include "core/banned.h"

const char cmd_similar_usage[] =
	"usage: spinlog similar label [--import FILE.csv] [--seed N]\n"
	"       spinlog similar train\n"
	"       spinlog similar pair TRACK_A TRACK_B\n"
	"       spinlog similar TRACK [-n 20]\n"
	"   common options: [--account NAME] [--format text|jsonl|json]\n"
	"\n"
	"A model of which songs sound alike to you, trained on your own labels.\n"
	"'label' shows two played tracks at a time: s similar, d different, k skip,\n"
	"u undo, q quit (labels are kept as they are given). --import reads\n"
	"track_a,track_b,label lines (label: similar/different or 1/0) made elsewhere.\n"
	"'train' fits an L2-regularised logistic regression on audio features, tempo,\n"
	"key and mode, loudness, section aggregates and genres, and prints its\n"
	"5-fold cross-validated ROC AUC and accuracy beside the genre-overlap baseline\n"
	"(at least 40 labels). 'pair' prints P(similar); a TRACK id alone ranks the\n"
	"library by it. Tracks without audio features are never ranked.\n";

static void say_error(const struct similar_opts *o, const char *what, const char *msg)
{
	if (o->format == SIM_TEXT) {
		fprintf(stderr, "spinlog: similar%s%s: %s\n", *what ? " " : "", what, msg);
		return;
	}
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "{\"error\":");
	strbuf_add_json_str(&sb, msg);
	strbuf_addch(&sb, '}');
	puts(sb.buf);
	strbuf_release(&sb);
}

/* The account the command is about: its id, or 0 with a message. */
static int64_t pick_account(struct ctx *ctx, const char *name, struct strbuf *err)
{
	struct strvec names = STRVEC_INIT;
	int64_t id = 0;

	if (name) {
		id = store_accounts_find(ctx->store, name);
		if (id <= 0)
			strbuf_addf(err, "no account '%s'", name);
		return id > 0 ? id : 0;
	}
	if (store_accounts_names(ctx->store, &names)) {
		strbuf_addf(err, "cannot list accounts: %s", store_errmsg(ctx->store));
	} else if (names.n == 0) {
		strbuf_addstr(err, "no account yet: run 'spinlog auth' or 'spinlog import' first");
	} else if (names.n > 1) {
		strbuf_addstr(err, "several accounts: say which with --account NAME");
	} else {
		id = store_accounts_find(ctx->store, names.v[0]);
	}
	strvec_clear(&names);
	return id;
}

/* The library index of a TRACK argument that can be compared, or -1 with why. */
static long track_arg(const struct sim_library *lib, const char *arg, struct strbuf *err)
{
	const char *id = !strncmp(arg, "spotify:track:", 14) ? arg + 14 : arg;
	char shown[48];
	long i = simlib_find(lib, id);

	snprintf(shown, sizeof(shown), "%s", id);
	str_make_printable(shown);
	if (i < 0)
		strbuf_addf(err, "'%s' is not a track of the library (podcast episodes and plays "
			    "without a Spotify track id are never compared)", shown);
	else if (!lib->t[i].has_features)
		strbuf_addf(err, "'%s' has no audio features stored (not enriched yet, or set "
			    "aside), so it is not compared", shown);
	return i >= 0 && lib->t[i].has_features ? i : -1;
}

int similar_setup(struct ctx *ctx, const struct similar_opts *o, struct similar_run *r,
		  int want_model, struct strbuf *err)
{
	memset(r, 0, sizeof(*r));
	if (!(r->account = pick_account(ctx, o->account, err)))
		return -1;
	if (simlib_load(ctx->store, r->account, &r->lib, err))
		return -1;
	if (!want_model)
		return 0;
	int got = simtrain_load(ctx->store, r->account, &r->model, &r->info, err);
	if (got < 0 && want_model == 1) {
		/* labelling goes on without an unusable model */
		strbuf_setlen(err, 0);
		got = 0;
	}
	if (got == 0 && want_model > 1)
		strbuf_addstr(err, "no model yet: label pairs ('spinlog similar label') and run "
			      "'spinlog similar train'");
	if (got < 0 || (got == 0 && want_model > 1))
		return -1;
	r->have_model = got;
	return 0;
}

void similar_teardown(struct similar_run *r)
{
	if (r->have_model) {
		lr_release(&r->model);
		store_similar_model_release(&r->info);
	}
	simlib_release(&r->lib);
}

static void print_train(const struct similar_opts *o, const struct sim_dataset *ds,
			const struct lr_cv *cv)
{
	if (o->format != SIM_TEXT) {
		printf("{\"labels\":%zu,\"auc\":%.4f,\"auc_sd\":%.4f,\"accuracy\":%.4f,"
		       "\"baseline_auc\":%.4f,\"accuracy_sd\":%.4f,\"baseline_auc_sd\":%.4f,"
		       "\"folds\":%d,\"features\":%d}\n", ds->n, cv->auc, cv->auc_sd, cv->accuracy,
		       cv->baseline_auc, cv->accuracy_sd, cv->baseline_auc_sd, cv->folds, SF_COUNT);
		return;
	}
	printf("labels: %zu %s (%zu similar, %zu different)", ds->n,
	       plural((long long)ds->n, "pair", "pairs"), ds->similar, ds->n - ds->similar);
	if (ds->unknown)
		printf("; %zu left out (a track not in the library)", ds->unknown);
	printf("\n%d-fold cross-validation, on held-out pairs:\n", cv->folds);
	printf("  model (logistic regression, %d features): ROC AUC %.3f ± %.3f, "
	       "accuracy %.3f ± %.3f\n", SF_COUNT, cv->auc, cv->auc_sd, cv->accuracy,
	       cv->accuracy_sd);
	printf("  baseline (genre overlap alone):            ROC AUC %.3f ± %.3f\n",
	       cv->baseline_auc, cv->baseline_auc_sd);
}

static int run_train(struct ctx *ctx, const struct similar_opts *o)
{
	struct strbuf err = STRBUF_INIT;
	struct similar_run r;
	struct sim_dataset ds = { 0 };
	struct sim_train_result tr;
	int ret = 1, fit = -1;

	if (!similar_setup(ctx, o, &r, 0, &err) &&
	    !simtrain_dataset(ctx->store, r.account, &r.lib, &ds, &err)) {
		if (o->format == SIM_TEXT)
			fprintf(stderr, "training on %zu labelled pairs...\n", ds.n);
		fit = simtrain_fit(&ds, &tr, &err);
	}
	if (fit == 0 && !simtrain_store(ctx->store, r.account, &ds, &tr, &err)) {
		print_train(o, &ds, &tr.cv);
		if (o->format == SIM_TEXT)
			printf("model stored (version %d, %d features, %d Newton %s)\n",
			       SIM_MODEL_VERSION, SF_COUNT, tr.model.iterations,
			       plural(tr.model.iterations, "step", "steps"));
		ret = 0;
	} else if (fit == 1 && o->format != SIM_TEXT) {
		printf("{\"labels\":%zu,\"error\":", ds.n);
		struct strbuf sb = STRBUF_INIT;
		strbuf_add_json_str(&sb, err.buf);
		printf("%s}\n", sb.buf);
		strbuf_release(&sb);
	} else if (fit == 1) {
		fprintf(stderr, "spinlog: similar train: not enough labels: %s; no model was "
			"stored ('spinlog similar label' adds labels)\n", err.buf);
	} else {
		say_error(o, "train", err.buf);
	}
	if (fit == 0)
		lr_release(&tr.model);
	simtrain_dataset_release(&ds);
	similar_teardown(&r);
	strbuf_release(&err);
	return ret;
}

static int run_pair(struct ctx *ctx, const struct similar_opts *o, const char *a,
		    const char *b)
{
	struct strbuf err = STRBUF_INIT, sb = STRBUF_INIT;
	struct similar_run r;
	long ia = -1, ib = -1;
	int ret = 1;

	if (!similar_setup(ctx, o, &r, 2, &err) && (ia = track_arg(&r.lib, a, &err)) >= 0 &&
	    (ib = track_arg(&r.lib, b, &err)) >= 0) {
		double p = simrank_pair(&r.lib, &r.model, ia, ib);
		if (o->format == SIM_TEXT) {
			printf("%.3f\n", p);
		} else {
			strbuf_addstr(&sb, "{\"a\":");
			strbuf_add_json_str(&sb, r.lib.t[ia].id);
			strbuf_addstr(&sb, ",\"b\":");
			strbuf_add_json_str(&sb, r.lib.t[ib].id);
			strbuf_addf(&sb, ",\"probability\":%.4f}", p);
			puts(sb.buf);
		}
		ret = 0;
	} else if (o->format == SIM_TEXT) {
		fprintf(stderr, "spinlog: similar pair: %s\n", err.buf);
	} else {
		strbuf_addstr(&sb, "{\"a\":");
		strbuf_add_json_str(&sb, a);
		strbuf_addstr(&sb, ",\"b\":");
		strbuf_add_json_str(&sb, b);
		strbuf_addstr(&sb, ",\"error\":");
		strbuf_add_json_str(&sb, err.buf);
		puts(strbuf_addch(&sb, '}') ? "" : sb.buf);
	}
	similar_teardown(&r);
	strbuf_release(&err);
	strbuf_release(&sb);
	return ret;
}

static void print_hit(const struct similar_opts *o, const struct sim_library *lib, size_t rank,
		      const struct simrank_hit *h)
{
	const struct sim_track *t = &lib->t[h->track];
	struct strbuf sb = STRBUF_INIT;

	if (o->format == SIM_TEXT) {
		char *name = xstrdup(t->name), *artists = xstrdup(t->artists);
		str_make_printable(name);
		str_make_printable(artists);
		printf("%3zu  %.3f  %s  %s — %s\n", rank, h->p, t->id, name, artists);
		free(name);
		free(artists);
		return;
	}
	strbuf_addf(&sb, "{\"rank\":%zu,\"track_id\":", rank);
	strbuf_add_json_str(&sb, t->id);
	strbuf_addstr(&sb, ",\"name\":");
	strbuf_add_json_str(&sb, t->name);
	strbuf_addstr(&sb, ",\"artists\":");
	strbuf_add_json_str(&sb, t->artists);
	strbuf_addf(&sb, ",\"probability\":%.4f}", h->p);
	puts(sb.buf);
	strbuf_release(&sb);
}

static int run_rank(struct ctx *ctx, const struct similar_opts *o, const char *track)
{
	struct strbuf err = STRBUF_INIT;
	struct similar_run r;
	long q = -1;

	if (similar_setup(ctx, o, &r, 2, &err) || (q = track_arg(&r.lib, track, &err)) < 0) {
		say_error(o, "", err.buf);
		similar_teardown(&r);
		strbuf_release(&err);
		return 1;
	}
	struct simrank_hit *hits = xmalloc(sizeof(*hits) * (size_t)o->n);
	size_t unranked = 0, k = simrank_top(&r.lib, &r.model, q, (size_t)o->n, hits, &unranked);
	if (o->format == SIM_TEXT) {
		char *name = xstrdup(r.lib.t[q].name);
		str_make_printable(name);
		printf("sounds like '%s' (%s), by P(similar):\n", name, r.lib.t[q].id);
		free(name);
	}
	for (size_t i = 0; i < k; i++)
		print_hit(o, &r.lib, i + 1, &hits[i]);
	if (unranked)
		fprintf(stderr, "%zu track%s without audio features %s not ranked (not enriched yet, "
			"or set aside); podcast episodes and plays without a Spotify track id never "
			"are\n", unranked, unranked == 1 ? "" : "s", unranked == 1 ? "was" : "were");
	free(hits);
	similar_teardown(&r);
	strbuf_release(&err);
	return 0;
}

static int run_import(struct ctx *ctx, const struct similar_opts *o)
{
	struct strbuf err = STRBUF_INIT;
	struct similar_run r;
	long n = -1;

	if (!similar_setup(ctx, o, &r, 0, &err))
		n = simlabels_import(ctx->store, r.account, &r.lib, o->import, &err);
	if (n < 0)
		fprintf(stderr, "spinlog: similar label: %s; no label was imported\n", err.buf);
	else if (o->format == SIM_TEXT)
		printf("imported %ld label%s from '%s'\n", n, n == 1 ? "" : "s", o->import);
	else
		printf("{\"imported\":%ld}\n", n);
	similar_teardown(&r);
	strbuf_release(&err);
	return n < 0;
}

static int parse_opts(int argc, char **argv, struct similar_opts *o, char **pos, int *npos)
{
	const char *format = "text";

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int more = i + 1 < argc;
		if (!strcmp(a, "--account") && more)
			o->account = argv[++i];
		else if (!strcmp(a, "--format") && more)
			format = argv[++i];
		else if (!strcmp(a, "--import") && more)
			o->import = argv[++i];
		else if (!strcmp(a, "--seed") && more)
			o->seed = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(a, "-n") && more) {
			char *end;
			long n = strtol(argv[++i], &end, 10);
			if (*end || n < 1 || n > 100000)
				return cmd_usage_error(cmd_similar_usage, "-n wants a number from 1 "
						       "to 100000, not '%s'", argv[i]);
			o->n = (int)n;
		} else if (a[0] == '-' && a[1])
			return cmd_usage_error(cmd_similar_usage, "unknown argument '%s'", a);
		else if (*npos < 3)
			pos[(*npos)++] = argv[i];
		else
			return cmd_usage_error(cmd_similar_usage, "too many arguments");
	}
	if (!strcmp(format, "text"))
		o->format = SIM_TEXT;
	else if (!strcmp(format, "jsonl") || !strcmp(format, "json"))
		o->format = SIM_JSON;
	else
		return cmd_usage_error(cmd_similar_usage, "unknown format '%s' (text, jsonl or "
				       "json)", format);
	return 0;
}

int cmd_similar(int argc, char **argv, struct ctx *ctx)
{
	struct similar_opts o = { NULL, NULL, SIM_TEXT, 20, 0 };
	char *pos[3];
	int npos = 0, r = parse_opts(argc, argv, &o, pos, &npos);

	if (r)
		return r;
	if (!npos)
		return cmd_usage_error(cmd_similar_usage, "say what: label, train, pair or a track id");
	if (!strcmp(pos[0], "label") && npos == 1)
		return o.import ? run_import(ctx, &o) : similar_label_session(ctx, &o);
	if (o.import)
		return cmd_usage_error(cmd_similar_usage, "--import goes with 'label'");
	if (!strcmp(pos[0], "train") && npos == 1)
		return run_train(ctx, &o);
	if (!strcmp(pos[0], "pair") && npos == 3)
		return run_pair(ctx, &o, pos[1], pos[2]);
	if (!strcmp(pos[0], "pair") || !strcmp(pos[0], "label") || !strcmp(pos[0], "train"))
		return cmd_usage_error(cmd_similar_usage, "wrong number of arguments for '%s'",
				       pos[0]);
	if (npos != 1)
		return cmd_usage_error(cmd_similar_usage, "one TRACK at a time");
	return run_rank(ctx, &o, pos[0]);
}
