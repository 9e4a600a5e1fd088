/*
 * What every subcommand sees. The dispatcher (main.c) prepares the parts a
 * command's flags ask for before calling it, so no command opens the database
 * or reads the configuration by hand. Commands return the process exit code:
 * 0 success, 1 failure, 2 usage error.
 */
#ifndef CMD_CMD_H
#define CMD_CMD_H

#include <stdint.h>

#include "core/config.h"

struct landing;
struct store;

enum cmd_flags {
	NEED_CONFIG = 1,  /* settings loaded (always done) */
	NEED_DATADIR = 2, /* data directory exists */
	NEED_DB = 4 | 2,  /* database open and migrated */
	NEED_LANDING = 8 | 2, /* landing store open */
};

struct ctx {
	struct config cfg;
	char *config_path;  /* the file read, or NULL when none */
	char *data_dir;
	char *db_path;
	struct store *store; /* NEED_DB */
	struct landing *landing;
};

#define CMD(name)                                                   \
	int cmd_##name(int argc, char **argv, struct ctx *ctx);    \
	extern const char cmd_##name##_usage[]

CMD(auth);
CMD(collect);
CMD(daemon);
CMD(log);
CMD(status);
CMD(gaps);
CMD(etl);
CMD(export);
CMD(import);
CMD(serve);
CMD(site);
CMD(wrapped);
CMD(card);
CMD(similar);
CMD(config);
CMD(token);
CMD(analyze);
CMD(resolve);
CMD(store); /* issue 12: store copy */

struct resolve_stats;
/* The one line 'resolve' and 'etl' print about name resolution. */
void cmd_resolve_summary(const struct resolve_stats *st);

/*
 * Opens the store at ctx->db_path into ctx->store, as NEED_DB does; the
 * daemon's rounds, which open their own, call these themselves.
 */
int ctx_open_store(struct ctx *ctx, struct strbuf *err);
/* The store's url: the setting store.url, else spinlog.db in the data
 * directory. A new string. */
char *ctx_store_url(const struct ctx *ctx);
void ctx_close_store(struct ctx *ctx);

/*
 * Whose plays a reading command shows: the account named (NULL: the store's
 * only one, or 0 for every account when there are none, or several and
 * all_ok). 0 with *id set, else the exit code after a message on stderr:
 * 1 for an unknown name, 2 when several accounts need --account.
 * *several (may be NULL): whether the store has more than one account.
 */
int cmd_account_pick(struct ctx *ctx, const char *cmd, const char *name, int all_ok,
		     int64_t *id, int *several);

/* Prints "usage: ..." of the command to stderr and returns 2. */
int cmd_usage_error(const char *usage, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
