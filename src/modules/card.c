/*
 * The share card (web/card.c) as a module: cairo, pango, fontconfig,
 * freetype, harfbuzz, glib and gdk-pixbuf were about 40 of the shared
 * objects every start loaded, for one route of 'serve' and 'site' and the
 * 'card' command. Why a module and not a helper executable: see
 * src/modules/audio.c.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/module.h"
#include "web/card.h"
#include "core/banned.h"

#define CARD_FUNCS(X)                                                        \
	X(card_figures, void,                                                \
	  (const struct report_year *, struct card_figures *))               \
	X(card_json, void, (const struct report_year *, struct strbuf *))    \
	X(card_png, int,                                                     \
	  (const struct report_year *, const struct covers *,                \
	   struct strbuf *, struct strbuf *))

static struct {
#define X(name, ret, args) ret (*name) args;
	CARD_FUNCS(X)
#undef X
} fn;

/*
 * Forwarding, for the spinlog binary only (the unit tests link the real
 * code): the module is loaded on the first call. A call with an error path
 * fails with "cannot load ..." when it cannot be; the others print the
 * reason and exit, like a missing libcurl (core/http.c).
 */
static pthread_once_t once = PTHREAD_ONCE_INIT;
static struct strbuf why = STRBUF_INIT; /* empty when loaded */

static void setup(void)
{
	void *h = module_open("card", &why);

	if (!h)
		return;
#define X(name, ret, args)                                                   \
	*(void **)&fn.name = module_sym(h, "card", #name, &why);              \
	if (!fn.name)                                                        \
		return;
	CARD_FUNCS(X)
#undef X
}

static int module_load(struct strbuf *err)
{
	pthread_once(&once, setup);
	if (!why.len)
		return 0;
	strbuf_addf(err, "cannot load the share card module: %s", why.buf);
	return -1;
}

static void need(void)
{
	struct strbuf err = STRBUF_INIT;

	if (!module_load(&err))
		return;
	fprintf(stderr, "fatal: %s\n", err.buf);
	exit(1);
}

void card_figures(const struct report_year *y, struct card_figures *f)
{
	need();
	fn.card_figures(y, f);
}

void card_json(const struct report_year *y, struct strbuf *out)
{
	need();
	fn.card_json(y, out);
}

int card_png(const struct report_year *y, const struct covers *c,
	     struct strbuf *out, struct strbuf *err)
{
	if (module_load(err))
		return -1;
	return fn.card_png(y, c, out, err);
}
