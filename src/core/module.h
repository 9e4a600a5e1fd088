/*
 * Loadable modules: the parts of spinlog that link heavy libraries (the
 * audio stack for 'analyze', cairo and pango for the share card) are shared
 * objects, spinlog-NAME.so, loaded with dlopen on first use, so every other
 * command starts without them (see src/modules/ for why).
 *
 * module_open looks, in order, next to the running binary (the build tree:
 * build/spinlog-NAME.so), then at the installed place relative to it
 * (bin/../lib/<triplet>/spinlog/, so a DESTDIR or moved install works), then
 * at the configured SPINLOG_MODULEDIR. It returns a handle that stays open
 * for the process's life (never closed), or NULL with the reason in err.
 * module_sym returns the address of sym in the handle, or NULL with the
 * reason in err. Both are thread-safe (dlopen's own lock).
 */
#ifndef CORE_MODULE_H
#define CORE_MODULE_H

#include <pthread.h>

#include "core/strbuf.h"

void *module_open(const char *name, struct strbuf *err);
void *module_sym(void *handle, const char *name, const char *sym,
		 struct strbuf *err);

/*
 * A module's table of functions, filled on first use: src/modules/ defines
 * one per module with MODULE_API(name, what, fn, syms), fn a struct of
 * function pointers and syms their names in the same order. module_api_load
 * opens and resolves it once (thread-safe): 0, or -1 with "cannot load
 * WHAT: why" in err, every call after a failure alike. module_api_need is
 * for the calls without an error path: it prints that and exits.
 */
struct module_api {
	const char *name, *what;
	void **fn;
	const char *const *syms;
	size_t n;
	pthread_mutex_t lock;
	int tried;
	struct strbuf why; /* empty when loaded */
};
#define MODULE_API(name, what, fn, syms)                                     \
	{ name, what, (void **)&(fn), syms, sizeof(fn) / sizeof(void *),     \
	  PTHREAD_MUTEX_INITIALIZER, 0, STRBUF_INIT }
int module_api_load(struct module_api *m, struct strbuf *err);
void module_api_need(struct module_api *m);

#endif
