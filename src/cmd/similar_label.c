/*
 * spinlog similar label: the terminal session. The terminal is put in raw
 * mode (no echo, one key at a time) and given back on every way out. Each
 * answer is stored at once, in its own transaction, so 'q', a closed
 * terminal or a crash keep every label given; 'u' deletes the newest label
 * of the session and shows its pair again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/similar.h"
#include "core/strbuf.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "similar/pairs.h"
#include "similar/rank.h"
#include "store/store.h"
#include "core/plural.h"
#include "core/banned.h"

struct done {
	int64_t label_id;
	long a, b;
};

struct session {
	struct ctx *ctx;
	struct similar_run *r;
	struct simpairs pairs;
	struct done *undo;
	size_t nundo, capundo;
	long stored_before;
	const char *note;   /* a line shown once under the pair */
};

static int mark_label(void *arg, const struct store_sim_label *l)
{
	struct session *s = arg;
	long a = simlib_find(&s->r->lib, l->track_a), b = simlib_find(&s->r->lib, l->track_b);
	if (a >= 0 && b >= 0)
		simpairs_seen(&s->pairs, a, b);
	s->stored_before++;
	return 0;
}

static void show_track(const char *tag, const struct sim_track *t)
{
	static const char *const keys[] = { "C", "C#", "D", "D#", "E", "F", "F#", "G", "G#",
					    "A", "A#", "B" };
	char *name = xstrdup(t->name), *artists = xstrdup(t->artists);
	char *genres = xstrdup(*t->genre_names ? t->genre_names : "none known");
	const double *v = t->v;

	str_make_printable(name);
	str_make_printable(artists);
	str_make_printable(genres);
	printf("%s  %s — %s  [%s]  (%lld play%s)\n", tag, name, artists, t->id,
	       (long long)t->plays, t->plays == 1 ? "" : "s");
	printf("   energy %.2f · danceability %.2f · valence %.2f · acousticness %.2f · "
	       "instrumentalness %.2f\n", v[SV_ENERGY], v[SV_DANCE], v[SV_VALENCE], v[SV_ACOUSTIC],
	       v[SV_INSTR]);
	printf("   tempo %.0f BPM · loudness %.1f dB · key %s%s · genres: %s\n\n", v[SV_TEMPO],
	       v[SV_LOUDNESS], v[SV_KEY] >= 0 && v[SV_KEY] <= 11 ? keys[(int)v[SV_KEY]] : "unknown",
	       v[SV_KEY] >= 0 && v[SV_KEY] <= 11 ? (v[SV_MODE] == 1 ? " major" : " minor") : "",
	       genres);
	free(name);
	free(artists);
	free(genres);
}

static void render(const struct session *s, long a, long b)
{
	const struct sim_library *lib = &s->r->lib;

	fputs("\033[H\033[2J", stdout);
	printf("spinlog similar label · %ld %s stored · %zu this session\n\n",
	       s->stored_before + (long)s->nundo,
	       plural(s->stored_before + (long)s->nundo, "label", "labels"), s->nundo);
	show_track("A", &lib->t[a]);
	show_track("B", &lib->t[b]);
	if (s->r->have_model)
		printf("   the model now says P(similar) = %.2f\n", simrank_pair(lib, &s->r->model, a, b));
	else
		printf("   no model yet ('spinlog similar train' after 40 labels)\n");
	if (s->note)
		printf("   %s\n", s->note);
	printf("\n[s] similar  [d] different  [k] skip  [u] undo  [q] quit\n");
	fflush(stdout);
}

static int store_answer(struct session *s, long a, long b, int similar, struct strbuf *err)
{
	const struct sim_library *lib = &s->r->lib;
	struct store_sim_label l = { 0, lib->t[a].id, lib->t[b].id, similar, time_now_ms(), "label" };
	int64_t id = store_similar_label_add(s->ctx->store, s->r->account, &l, err);

	if (id < 0)
		return -1;
	if (s->nundo == s->capundo) {
		s->capundo = s->capundo ? s->capundo * 2 : 32;
		s->undo = xrealloc(s->undo, sizeof(*s->undo) * s->capundo);
	}
	s->undo[s->nundo++] = (struct done){ id, a, b };
	simpairs_seen(&s->pairs, a, b);
	return 0;
}

static int read_key(void)
{
	unsigned char c;
	ssize_t n = read(STDIN_FILENO, &c, 1);
	return n == 1 ? c : -1;
}

/* One key for pair (a, b): 1 go on with the next pair, 0 quit, -1 failure. */
static int answer(struct session *s, long *a, long *b, struct strbuf *err)
{
	for (;;) {
		render(s, *a, *b);
		s->note = NULL;
		int c = read_key();
		if (c == 's' || c == 'd')
			return store_answer(s, *a, *b, c == 's', err) ? -1 : 1;
		if (c == 'k') {
			simpairs_seen(&s->pairs, *a, *b);
			return 1;
		}
		if (c == 'q' || c == -1 || c == 3 || c == 4)
			return 0;
		if (c == 'u' && !s->nundo) {
			s->note = "nothing to undo in this session";
		} else if (c == 'u') {
			struct done d = s->undo[--s->nundo];
			if (store_similar_label_delete(s->ctx->store, s->r->account, d.label_id, err) < 0)
				return -1;
			*a = d.a;
			*b = d.b;
			s->note = "undone: this pair's label was deleted";
		}
	}
}

static int loop(struct session *s, struct strbuf *err)
{
	long a, b;
	int r = 1;

	while (r == 1) {
		if (simpairs_next(&s->pairs, &a, &b)) {
			strbuf_addstr(err, simpairs_eligible(&s->pairs) < 2
				      ? "fewer than two played tracks with audio features: run "
					"'spinlog etl' after collecting or importing"
				      : "every pair of played tracks is labelled");
			return s->nundo ? 0 : -1;
		}
		r = answer(s, &a, &b, err);
	}
	return r;
}

static int raw_run(struct session *s, struct strbuf *err)
{
	struct termios old, raw;
	int r;

	if (tcgetattr(STDIN_FILENO, &old)) {
		strbuf_addstr(err, "needs a terminal (or --import FILE.csv)");
		return -1;
	}
	raw = old;
	raw.c_lflag &= (tcflag_t) ~(ICANON | ECHO | ISIG | IEXTEN);
	raw.c_iflag &= (tcflag_t) ~(IXON | ICRNL);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw);
	r = loop(s, err);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	return r;
}

int similar_label_session(struct ctx *ctx, const struct similar_opts *o)
{
	struct strbuf err = STRBUF_INIT;
	struct similar_run r;
	struct session s = { ctx, &r, { 0 }, NULL, 0, 0, 0, NULL };
	int ret = 1;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fputs("spinlog: similar label: needs a terminal (or --import FILE.csv)\n", stderr);
		return 1;
	}
	if (!similar_setup(ctx, o, &r, 1, &err)) {
		simpairs_init(&s.pairs, &r.lib, r.have_model ? &r.model : NULL,
			      o->seed ? o->seed : (uint64_t)time(NULL));
		if (store_similar_labels(ctx->store, r.account, mark_label, &s, &err) >= 0 &&
		    raw_run(&s, &err) >= 0)
			ret = 0;
		simpairs_release(&s.pairs);
	}
	if (ret)
		fprintf(stderr, "spinlog: similar label: %s\n", err.buf);
	else
		printf("\n%zu label%s stored this session, %ld in all\n", s.nundo,
		       s.nundo == 1 ? "" : "s", s.stored_before + (long)s.nundo);
	free(s.undo);
	similar_teardown(&r);
	strbuf_release(&err);
	return ret;
}
