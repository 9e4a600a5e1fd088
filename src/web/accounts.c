#include "web/accounts.h"

#include <stdlib.h>
#include <string.h>

#include "core/strvec.h"
#include "core/xalloc.h"
#include "web/html.h"
#include "core/banned.h"

int wacc_load(struct wacc_set *set, struct store *st, const char *data_dir,
	      long long min_ms_played, struct strbuf *err)
{
	struct strvec names = STRVEC_INIT;

	memset(set, 0, sizeof(*set));
	if (store_accounts_names(st, &names)) {
		strbuf_addstr(err, "cannot read the accounts");
		return -1;
	}
	set->v = xcalloc(names.n + 1, sizeof(*set->v));
	for (size_t i = 0; i < names.n; i++) {
		struct wacc *a = &set->v[set->n];
		a->name = xstrdup(names.v[i]);
		a->id = store_accounts_find(st, a->name);
		/* one listener: today's pages; several: only one's own */
		if (a->id <= 0 || pages_init_for(&a->pages, st, data_dir, min_ms_played,
						 a->id, names.n > 1, err)) {
			if (a->id > 0)
				pages_release(&a->pages);
			free(a->name);
			strvec_clear(&names);
			wacc_release(set);
			if (!err->len)
				strbuf_addstr(err, "cannot read the accounts");
			return -1;
		}
		set->n++;
	}
	strvec_clear(&names);
	return 0;
}

void wacc_release(struct wacc_set *set)
{
	for (int i = 0; i < set->n; i++) {
		pages_release(&set->v[i].pages);
		free(set->v[i].name);
	}
	free(set->v);
	memset(set, 0, sizeof(*set));
}

struct wacc *wacc_find(struct wacc_set *set, const char *name, size_t n)
{
	for (int i = 0; i < set->n; i++)
		if (strlen(set->v[i].name) == n && !memcmp(set->v[i].name, name, n))
			return &set->v[i];
	return NULL;
}

int wacc_split(const char *path, const char **name, size_t *nlen, char *rest, size_t len)
{
	const char *p, *slash;
	int api = 0;
	size_t n;

	if (!strncmp(path, "/u/", 3)) {
		p = path + 3;
	} else if (!strncmp(path, "/api/u/", 7)) {
		p = path + 7;
		api = 1;
	} else {
		return 0;
	}
	slash = strchr(p, '/');
	n = slash ? (size_t)(slash - p) : strlen(p);
	if (!n || n > 64)
		return -1;
	*name = p;
	*nlen = n;
	const char *tail = slash ? slash : "/";
	size_t need = (api ? 4 : 0) + strlen(tail) + 1;
	if (need > len)
		return -1;
	rest[0] = '\0';
	if (api)
		memcpy(rest, "/api", 5);
	memcpy(rest + (api ? 4 : 0), tail, strlen(tail) + 1);
	return 1;
}

void wacc_picker(const struct wacc_set *set, int json, struct strbuf *out)
{
	if (json) {
		strbuf_addstr(out, "{\"accounts\":[");
		for (int i = 0; i < set->n; i++) {
			strbuf_addstr(out, i ? ",{\"name\":" : "{\"name\":");
			strbuf_add_json_str(out, set->v[i].name);
			strbuf_addstr(out, ",\"url\":\"/u/");
			strbuf_add_urlencoded(out, set->v[i].name);
			strbuf_addstr(out, "/\",\"api\":\"/api/u/");
			strbuf_add_urlencoded(out, set->v[i].name);
			strbuf_addstr(out, "/\"}");
		}
		strbuf_addstr(out, "]}\n");
		return;
	}
	html_page_start(out, "Listeners", NULL, NULL, 0);
	strbuf_addstr(out, "<h1>Whose listening?</h1><ul class=\"accounts\">");
	for (int i = 0; i < set->n; i++) {
		strbuf_addstr(out, "<li><a href=\"u/");
		/* percent-encoded: no quote or angle bracket survives */
		strbuf_add_urlencoded(out, set->v[i].name);
		strbuf_addstr(out, "/\">");
		strbuf_add_html(out, set->v[i].name);
		strbuf_addstr(out, "</a></li>");
	}
	strbuf_addstr(out, "</ul>");
	html_page_end(out);
}
