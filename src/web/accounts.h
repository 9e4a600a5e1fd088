/*
 * Many listeners in one dashboard (issue 12): the pages of each account,
 * and the URL prefixes that pick them. With one account the server answers
 * today's short URLs from that account's pages; with several, "/" is an
 * account picker and account NAME's pages are under /u/NAME/..., its JSON
 * API under /api/u/NAME/.... Each account has its own struct pages (and so
 * its own report cache, scoped to its id when made), so no request can see
 * another account's plays, whatever it asks.
 *
 * Ownership: a wacc_set owns its names and pages; it borrows the store.
 * Not thread-safe: the server holds its lock around every call.
 */
#ifndef WEB_ACCOUNTS_H
#define WEB_ACCOUNTS_H

#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"
#include "web/pages.h"

struct wacc {
	char *name;
	int64_t id;
	struct pages pages;
};

struct wacc_set {
	struct wacc *v;
	int n;
};

/* The accounts of st, sorted by name, each with its pages; 0 or -1 with err. */
int wacc_load(struct wacc_set *set, struct store *st, const char *data_dir,
	      long long min_ms_played, struct strbuf *err);
void wacc_release(struct wacc_set *set);
/* The account named exactly name (n bytes), NULL when none. */
struct wacc *wacc_find(struct wacc_set *set, const char *name, size_t n);

/*
 * Splits "/u/NAME/rest" into NAME and "/rest", "/api/u/NAME/rest" into NAME
 * and "/api/rest" (path is the decoded URL path). 1 with *name, *nlen and
 * rest (NUL-terminated, at most len bytes) set; 0 when path has no prefix;
 * -1 for a prefix without a name or a path too long.
 */
int wacc_split(const char *path, const char **name, size_t *nlen, char *rest, size_t len);

/* The picker: "/" as HTML (names escaped, links percent-encoded), or the
 * JSON {"accounts": [{"name", "url", "api"}]} of /api/accounts. */
void wacc_picker(const struct wacc_set *set, int json, struct strbuf *out);

#endif
