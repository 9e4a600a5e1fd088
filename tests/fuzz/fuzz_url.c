/*
 * URL and query decoding: http_urldecode (the OAuth callback's arguments),
 * the dashboard's route table with its year/date arguments (web/routes.c,
 * on an empty store) and the listen address (web/server.c). The input is
 * "PATH\nYEAR\nDATE", each part percent-encoded; a missing part is absent.
 */
#include <stdlib.h>
#include <string.h>

#include "core/http.h"
#include "store/store.h"
#include "web/pages.h"
#include "web/routes.h"
#include "web/server.h"
#include "fuzz.h"
#include "core/banned.h"

static struct store *db;
static struct pages pages;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct strbuf err = STRBUF_INIT;

	(void)argc;
	(void)argv;
	if (store_open(":memory:", &db, &err) ||
	    pages_init(&pages, db, "/nonexistent", 30000, &err))
		abort();
	strbuf_release(&err);
	return 0;
}

/* The next '\n'-separated part, decoded; NULL when there is none. */
static char *part(const char **p, const char *end)
{
	const char *nl;

	if (*p > end)
		return NULL;
	nl = memchr(*p, '\n', (size_t)(end - *p));
	if (!nl)
		nl = end;
	char *s = http_urldecode(*p, (size_t)(nl - *p));
	*p = nl + 1;
	return s;
}

/* The query of a request: the year and date parts. */
struct query {
	const char *year, *date;
};

static const char *query_arg(void *cls, const char *name)
{
	const struct query *q = cls;
	return !strcmp(name, "year") ? q->year : !strcmp(name, "date") ? q->date : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	char *path = part(&p, end), *year = part(&p, end), *date = part(&p, end);
	struct query q = { year, date };
	struct strbuf out = STRBUF_INIT;
	const char *ctype = NULL;
	char host[64];
	int port, n;

	route_answer(&pages, path, query_arg, &q, &out, &ctype);
	server_parse_listen(path, host, sizeof(host), &port);
	pages_arg_int(path, 1, 64, &n);
	strbuf_release(&out);
	free(path);
	free(year);
	free(date);
	return 0;
}
