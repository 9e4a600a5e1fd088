/*
 * Account state files: <data-dir>/accounts/<name>.json, mode 0600, written
 * atomically (temp file, fsync, rename). They hold the tokens, so nothing in
 * them is ever logged. A struct account_state owns its strings;
 * account_state_release frees them. Names are [A-Za-z0-9._-], 1-64 chars.
 */
#ifndef SPOTIFY_ACCOUNT_H
#define SPOTIFY_ACCOUNT_H

#include <stdint.h>

#include "core/strbuf.h"
#include "core/strvec.h"

struct account_state {
	char *access_token;     /* may be NULL */
	int64_t expires_ms;     /* when access_token stops working */
	char *refresh_token;
	char *scope;
	int64_t authorized_ms;  /* the refresh token's 6 months count from here */
	int64_t not_before_ms;  /* persisted Retry-After; 0 = none */
	int needs_reauth;
	char *reauth_reason;    /* may be NULL */
	/*
	 * When a refresh was sent whose answer is not saved yet (0 = none).
	 * Saved before the request goes out and cleared by the save of the
	 * answer, so after a crash or a lost answer the next process knows a
	 * refresh was in flight and can say what a refusal then means.
	 */
	int64_t refresh_sent_ms;
};

#define ACCOUNT_STATE_INIT { NULL, 0, NULL, NULL, 0, 0, 0, NULL, 0 }

int account_valid_name(const char *name);
/* Returns a new string "<data_dir>/accounts/<name>.json". */
char *account_path(const char *data_dir, const char *name);
/* 0, or -1 with err filled (errno ENOENT when there is no such account). */
int account_load(const char *data_dir, const char *name,
		 struct account_state *st, struct strbuf *err);
int account_save(const char *data_dir, const char *name,
		 const struct account_state *st, struct strbuf *err);
/* Appends every account name, sorted, to out. */
int account_list(const char *data_dir, struct strvec *out);
void account_state_release(struct account_state *st);

/*
 * Spotify counts requests per app, not per user, so a long penalty met by
 * one account holds for all: it is also kept in
 * <data>/accounts/.app-not-before (ms as text). 0 when none; setting keeps
 * the later of the stored and the new time.
 */
int64_t account_app_not_before(const char *data_dir);
int account_set_app_not_before(const char *data_dir, int64_t ms);
/*
 * One writer per account: an flock(2) on <data>/accounts/<name>.lock, held
 * around every refresh, poll and save of the account file. The kernel
 * drops the lock when its holder exits, even by kill -9, so it is never
 * left stale; the file holds the holder's pid for messages and is never
 * deleted (unlinking a lock file lets two processes lock two files).
 * Returns the lock's fd. When another process still holds it after
 * wait_ms: -1 with errno EWOULDBLOCK and *holder its pid (0 if unknown);
 * other failures: -1 with err filled. Once locked, temp files of
 * <name>.json a crash left are removed: no one else can be writing one.
 */
int account_lock(const char *data_dir, const char *name, int64_t wait_ms,
		 long *holder, struct strbuf *err);
void account_unlock(int fd);
/* Removes stale temp files in <data>/accounts (see fs_clean_temps). */
int account_clean_temps(const char *data_dir);

/* Replaces *slot with a copy of v (NULL allowed), wiping the old value. */
void account_set_str(char **slot, const char *v);

#endif
