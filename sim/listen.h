/*
 * listen.h - the simulated listeners: the simulated clock and every user's
 * timeline of plays. Timelines are generated lazily in fixed one-hour blocks,
 * each seeded by (seed, user, hour since the epoch), so plays depend only on
 * the seed, the user and the time, never on how the clock was advanced.
 * A pending binge replaces a user's normal plays during the next advance.
 *
 * The world owns every play; a pointer into a user's plays stays valid until
 * the next listen_advance.
 */
#ifndef SIM_LISTEN_H
#define SIM_LISTEN_H

#include <stddef.h>
#include <stdint.h>

#include "catalog.h"

enum play_kind { PLAY_MUSIC, PLAY_PODCAST };
enum play_ctx { CTX_NONE, CTX_PLAYLIST, CTX_ALBUM };

struct play {
	int64_t end_ms;
	int32_t ms_played;
	int32_t item; /* track index, or episode index for podcasts */
	int32_t ctx;  /* playlist number or album index */
	uint8_t kind, incognito, shuffle, skipped, offline;
	uint8_t reason_start, reason_end, platform, ctx_kind;
};

struct listener {
	struct play *plays; /* sorted by end_ms */
	size_t n, alloc;
	int64_t next_hour; /* first hour block not generated yet */
	int64_t last_end;  /* end of the last generated play */
	int favs[40];
	int nfavs;
	double activity;
	int binge; /* plays of the pending binge, 0 if none */
};

struct world {
	const struct catalog *cat;
	uint64_t seed;
	int nusers;
	struct listener *users;
	int64_t start_ms, now_ms;
};

void listen_init(struct world *w, const struct catalog *cat, uint64_t seed, int nusers, int64_t start_ms);
void listen_release(struct world *w);

/*
 * Moves the clock forward by ms. Returns 0, or -1 with a message in err when
 * a pending binge does not fit the span (then nothing changes).
 */
int listen_advance(struct world *w, int64_t ms, char *err, size_t errlen);

/* Index of user "userN", or -1. */
int listen_user(const struct world *w, const char *name);

/* Number of plays of user u that have ended by now (they come first). */
size_t listen_visible(const struct world *w, int u);

/* 1 if recently-played lists the play: music, over 30 s, not incognito. */
int listen_listed(const struct play *p);

const char *listen_reason_name(int r);
const char *listen_platform_name(int p);

#endif
