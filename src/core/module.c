#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/fsutil.h"
#include "core/module.h"
#include "core/banned.h"

#ifndef SPINLOG_MODULEDIR
#define SPINLOG_MODULEDIR "/usr/local/lib/spinlog"
#endif
#ifndef SPINLOG_MODULEDIR_REL
#define SPINLOG_MODULEDIR_REL "../lib/spinlog"
#endif

/* The directory of the running binary (no trailing slash), or "" */
static void exe_dir(struct strbuf *out)
{
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
	char *slash;

	if (n <= 0)
		return;
	path[n] = '\0';
	slash = strrchr(path, '/');
	if (slash)
		strbuf_add(out, path, (size_t)(slash - path));
}

/* Tries one candidate path: the handle, or NULL with dlerror in err. */
static void *try_open(const char *path, struct strbuf *err)
{
	void *h;

	if (!fs_exists(path))
		return NULL;
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		strbuf_reset(err);
		strbuf_addstr(err, dlerror());
	}
	return h;
}

void *module_open(const char *name, struct strbuf *err)
{
	struct strbuf dir = STRBUF_INIT, path = STRBUF_INIT;
	void *h = NULL;
	size_t before = err->len;

	exe_dir(&dir);
	if (dir.len) {
		strbuf_addf(&path, "%s/spinlog-%s.so", dir.buf, name);
		h = try_open(path.buf, err);
		if (!h) {
			strbuf_reset(&path);
			strbuf_addf(&path, "%s/%s/spinlog-%s.so", dir.buf,
				    SPINLOG_MODULEDIR_REL, name);
			h = try_open(path.buf, err);
		}
	}
	if (!h) {
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/spinlog-%s.so", SPINLOG_MODULEDIR, name);
		h = try_open(path.buf, err);
	}
	if (!h && err->len == before)
		strbuf_addf(err, "spinlog-%s.so is neither next to the binary "
			    "nor in %s; reinstall spinlog", name, SPINLOG_MODULEDIR);
	strbuf_release(&dir);
	strbuf_release(&path);
	return h;
}

void *module_sym(void *handle, const char *name, const char *sym,
		 struct strbuf *err)
{
	void *p = dlsym(handle, sym);

	if (!p)
		strbuf_addf(err, "spinlog-%s.so lacks %s; reinstall spinlog",
			    name, sym);
	return p;
}

int module_api_load(struct module_api *m, struct strbuf *err)
{
	pthread_mutex_lock(&m->lock);
	if (!m->tried) {
		void *h = module_open(m->name, &m->why);
		for (size_t i = 0; h && i < m->n; i++)
			if (!(m->fn[i] = module_sym(h, m->name, m->syms[i], &m->why)))
				break;
		m->tried = 1;
	}
	pthread_mutex_unlock(&m->lock);
	if (!m->why.len)
		return 0;
	strbuf_addf(err, "cannot load %s: %s", m->what, m->why.buf);
	return -1;
}

void module_api_need(struct module_api *m)
{
	struct strbuf err = STRBUF_INIT;

	if (!module_api_load(m, &err))
		return;
	fprintf(stderr, "fatal: %s\n", err.buf);
	exit(1);
}
