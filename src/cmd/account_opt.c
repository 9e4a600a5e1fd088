/*
 * Whose plays a reading command shows (issue 12, many listeners in one
 * store): --account NAME, else the store's only account; with several and
 * no --account, a command that shows one listener (wrapped, export, site,
 * card) asks for one, and one that lists (log, gaps, status) shows all.
 */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/strbuf.h"
#include "core/strvec.h"
#include "store/store.h"
#include "core/banned.h"

static void list_names(const struct strvec *names, struct strbuf *sb)
{
	for (size_t i = 0; i < names->n; i++) {
		strbuf_addstr(sb, i ? ", '" : "'");
		strbuf_addstr(sb, names->v[i]);
		strbuf_addch(sb, '\'');
	}
}

int cmd_account_pick(struct ctx *ctx, const char *cmd, const char *name, int all_ok,
		     int64_t *id, int *several)
{
	struct strvec names = STRVEC_INIT;
	struct strbuf sb = STRBUF_INIT;
	int ret = 0;

	*id = 0;
	if (store_accounts_names(ctx->store, &names)) {
		fprintf(stderr, "spinlog: %s: cannot read the accounts\n", cmd);
		return 1;
	}
	list_names(&names, &sb);
	if (several)
		*several = names.n > 1;
	if (name) {
		*id = store_accounts_find(ctx->store, name);
		if (*id <= 0) {
			fprintf(stderr, "spinlog: %s: no account '%s' in the store (%s%s)\n",
				cmd, name, names.n ? "accounts: " : "it has none",
				sb.buf);
			ret = 1;
		}
	} else if (names.n == 1) {
		*id = store_accounts_find(ctx->store, names.v[0]);
	} else if (names.n > 1 && !all_ok) {
		fprintf(stderr, "spinlog: %s: the store has %zu accounts (%s): pick one with"
			" --account NAME\n", cmd, names.n, sb.buf);
		ret = 2;
	}
	strvec_clear(&names);
	strbuf_release(&sb);
	return ret;
}
