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

#include "core/strbuf.h"

void *module_open(const char *name, struct strbuf *err);
void *module_sym(void *handle, const char *name, const char *sym,
		 struct strbuf *err);

#endif
