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
	   struct strbuf *, struct strbuf *)) \
	X(card_svg, int,                                                     \
	  (const struct report_year *, const struct covers *,                \
	   struct strbuf *, struct strbuf *))

static struct {
#define X(name, ret, args) ret (*name) args;
	CARD_FUNCS(X)
#undef X
} fn;

static const char *const syms[] = {
#define X(name, ret, args) #name,
	CARD_FUNCS(X)
#undef X
};

/*
 * Forwarding, for the spinlog binary only (the unit tests link the real
 * code): the module is loaded on the first call. A call with an error path
 * fails with "cannot load ..." when it cannot be; the others print the
 * reason and exit, like a missing libcurl (core/http.c).
 */
_Static_assert(sizeof(fn) / sizeof(void *) == sizeof(syms) / sizeof(*syms),
	       "one name per function");
static struct module_api api = MODULE_API("card", "the share card module", fn, syms);

void card_figures(const struct report_year *y, struct card_figures *f)
{
	module_api_need(&api);
	fn.card_figures(y, f);
}

void card_json(const struct report_year *y, struct strbuf *out)
{
	module_api_need(&api);
	fn.card_json(y, out);
}

int card_png(const struct report_year *y, const struct covers *c,
	     struct strbuf *out, struct strbuf *err)
{
	if (module_api_load(&api, err))
		return -1;
	return fn.card_png(y, c, out, err);
}

int card_svg(const struct report_year *y, const struct covers *c,
	     struct strbuf *out, struct strbuf *err)
{
	if (module_api_load(&api, err))
		return -1;
	return fn.card_svg(y, c, out, err);
}
