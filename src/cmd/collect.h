/*
 * Shared by 'spinlog collect' and 'spinlog daemon': which accounts to poll,
 * and one poll of one account with its report line.
 */
#ifndef CMD_COLLECT_H
#define CMD_COLLECT_H

#include <signal.h>
#include <stdio.h>

#include "cmd/cmd.h"
#include "core/strvec.h"
#include "pipeline/poll.h"

/* Every account with a state file, or just `only`; -1 after a message. */
int collect_accounts(struct ctx *ctx, const char *only, struct strvec *out);
/* Removes temp files crashed writers left (accounts/, landing/.tmp). */
void collect_clean_temps(struct ctx *ctx);
/*
 * Polls one account under its lock, logging problems; prints the summary
 * line to out. res->busy is set when another process kept the lock.
 */
int collect_one(struct ctx *ctx, const char *name, volatile sig_atomic_t *stop,
		struct poll_result *res, FILE *out);
/*
 * Logs a warning when the account's refresh token is a month or less from
 * its 6 months (or past them; spotify/token_age.h): 1 when it warned.
 */
int collect_warn_token_age(struct ctx *ctx, const char *name, int64_t now_ms);

#endif
