/*
 * How a listener behaves, per one-hour block: the hour of day (UTC) gives the
 * chance that a session starts in it (little at night, most in the evening);
 * a session is 3..25 items back to back from one context (a playlist, an
 * album, or nothing), drawn from the user's favourites or the whole catalog,
 * with skips, repeats, a few podcast episodes and private-session plays.
 * A session that starts while the previous one is still playing waits for it,
 * so a block depends on the blocks before it, but all are generated in order
 * from the start of the clock and so stay independent of advance sizes.
 */
#include "listen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "rng.h"
#include "core/banned.h"

#define HOUR_MS 3600000LL

enum reason { R_TRACKDONE, R_FWDBTN, R_CLICKROW, R_PLAYBTN, R_ENDPLAY, R_BACKBTN, R_LOGOUT, R_APPLOAD, R_REMOTE };

static const char *reason_names[] = { "trackdone", "fwdbtn",  "clickrow", "playbtn", "endplay",
				      "backbtn",   "logout",  "appload",  "remote" };
static const char *platform_names[] = { "android", "ios", "windows", "osx", "linux", "web_player" };

/* Chance that a session starts in each UTC hour. */
static const double hour_weight[24] = {
	0.12, 0.08, 0.02, 0.015, 0.015, 0.015, 0.03, 0.08, 0.15, 0.12, 0.10, 0.12,
	0.18, 0.15, 0.12, 0.15, 0.20, 0.25, 0.30, 0.33, 0.33, 0.30, 0.22, 0.18,
};

const char *listen_reason_name(int r)
{
	return reason_names[r];
}

const char *listen_platform_name(int p)
{
	return platform_names[p];
}

int listen_listed(const struct play *p)
{
	return p->kind == PLAY_MUSIC && p->ms_played > 30000 && !p->incognito;
}

int listen_user(const struct world *w, const char *name)
{
	char *end;
	long n;
	if (strncmp(name, "user", 4) || !name[4])
		return -1;
	n = strtol(name + 4, &end, 10);
	if (*end || n < 1 || n > w->nusers)
		return -1;
	return (int)n - 1;
}

void listen_init(struct world *w, const struct catalog *cat, uint64_t seed, int nusers, int64_t start_ms)
{
	memset(w, 0, sizeof(*w));
	w->cat = cat;
	w->seed = seed;
	w->nusers = nusers;
	w->start_ms = w->now_ms = start_ms;
	w->users = xcalloc((size_t)nusers, sizeof(*w->users));
	for (int u = 0; u < nusers; u++) {
		struct listener *l = &w->users[u];
		struct rng r;
		rng_init(&r, seed, (uint64_t)u + 1, 0xfa7);
		l->next_hour = start_ms / HOUR_MS;
		l->last_end = start_ms;
		l->activity = u == 0 ? 1.0 : rng_range(&r, 0.5, 1.3);
		l->nfavs = 40;
		for (int i = 0; i < l->nfavs; i++)
			l->favs[i] = (int)rng_int(&r, 0, cat->ntracks - 1);
		if (u == 0) /* user1 loves the hostile names */
			for (int i = 0; i < cat->nhostile; i++)
				l->favs[i] = cat->hostile[i];
	}
}

void listen_release(struct world *w)
{
	for (int u = 0; u < w->nusers; u++)
		free(w->users[u].plays);
	free(w->users);
	memset(w, 0, sizeof(*w));
}

static void push_play(struct listener *l, const struct play *p)
{
	ALLOC_GROW(l->plays, l->n + 1, l->alloc);
	l->plays[l->n++] = *p;
}

static int pick_track(const struct world *w, const struct listener *l, struct rng *r)
{
	if (rng_unit(r) < 0.4) {
		/* favourites, the first six most of all (user1: the hostile names) */
		int n = rng_unit(r) < 0.5 ? 6 : l->nfavs;
		return l->favs[rng_int(r, 0, n - 1)];
	}
	return (int)rng_int(r, 0, w->cat->ntracks - 1);
}

/* One session of back-to-back plays starting at `start`. */
static void gen_session(struct world *w, struct listener *l, struct rng *r, int64_t start)
{
	const struct catalog *c = w->cat;
	int n = (int)rng_int(r, 3, 25);
	double ctx_u = rng_unit(r);
	int ctx_kind = ctx_u < 0.45 ? CTX_PLAYLIST : ctx_u < 0.7 ? CTX_ALBUM : CTX_NONE;
	int ctx = 0, album_pos = 0;
	int shuffle = rng_unit(r) < 0.4;
	int platform = (int)(rng_unit(r) < 0.6 ? rng_int(r, 0, 1) : rng_int(r, 2, 5));
	int incognito = rng_unit(r) < 0.02;
	int prev_track = -1, prev_end_reason = R_CLICKROW;

	if (ctx_kind == CTX_PLAYLIST)
		ctx = (int)rng_int(r, 0, 7);
	else if (ctx_kind == CTX_ALBUM)
		ctx = c->tracks[pick_track(w, l, r)].album;

	for (int i = 0; i < n; i++) {
		struct play p;
		memset(&p, 0, sizeof(p));
		p.shuffle = (uint8_t)shuffle;
		p.platform = (uint8_t)platform;
		p.ctx_kind = (uint8_t)ctx_kind;
		p.ctx = ctx;
		p.incognito = (uint8_t)(incognito || rng_unit(r) < 0.012);
		p.reason_start = (uint8_t)(i == 0 ? (rng_unit(r) < 0.5 ? R_CLICKROW : R_PLAYBTN)
					  : prev_end_reason == R_FWDBTN ? R_FWDBTN : R_TRACKDONE);
		if (rng_unit(r) < 0.05) {
			int e = (int)rng_int(r, 0, c->nepisodes - 1);
			p.kind = PLAY_PODCAST;
			p.item = e;
			int dur = c->episodes[e].duration_ms;
			p.ms_played = (int32_t)(rng_unit(r) < 0.7 ? rng_int(r, 300000, dur) : rng_int(r, 0, 300000));
			p.reason_end = p.ms_played == dur ? R_TRACKDONE : R_ENDPLAY;
		} else {
			int t;
			if (prev_track >= 0 && rng_unit(r) < 0.06)
				t = prev_track; /* on repeat */
			else if (ctx_kind == CTX_ALBUM && album_pos < c->albums[ctx].total_tracks)
				t = c->albums[ctx].first_track + album_pos++;
			else
				t = pick_track(w, l, r);
			int dur = c->tracks[t].duration_ms;
			double u = rng_unit(r);
			p.kind = PLAY_MUSIC;
			p.item = t;
			if (u < 0.12) {
				p.ms_played = (int32_t)(rng_unit(r) < 0.05 ? 0 : rng_int(r, 200, 29999));
				p.reason_end = R_FWDBTN;
				p.skipped = 1;
			} else if (u < 0.85) {
				p.ms_played = dur;
				p.reason_end = R_TRACKDONE;
			} else {
				p.ms_played = (int32_t)rng_int(r, 30001, dur);
				p.reason_end = rng_unit(r) < 0.3 ? R_LOGOUT : R_ENDPLAY;
			}
			prev_track = t;
		}
		p.end_ms = start + p.ms_played + rng_int(r, 1, 999);
		prev_end_reason = p.reason_end;
		push_play(l, &p);
		l->last_end = p.end_ms;
		start = p.end_ms + rng_int(r, 0, 2500);
		if (p.reason_end == R_LOGOUT)
			break;
	}
}

static void gen_block(struct world *w, int u, int64_t hour)
{
	struct listener *l = &w->users[u];
	struct rng r;
	rng_init(&r, w->seed, (uint64_t)u + 1, (uint64_t)hour);
	double p = hour_weight[hour % 24] * l->activity;
	int64_t starts[2];
	int n = 0;
	if (rng_unit(&r) < p)
		starts[n++] = hour * HOUR_MS + rng_int(&r, 0, HOUR_MS - 1);
	if (rng_unit(&r) < p / 3)
		starts[n++] = hour * HOUR_MS + rng_int(&r, 0, HOUR_MS - 1);
	if (n == 2 && starts[1] < starts[0]) {
		int64_t t = starts[0];
		starts[0] = starts[1];
		starts[1] = t;
	}
	for (int i = 0; i < n; i++) {
		int64_t s = starts[i];
		if (s < w->start_ms)
			continue;
		if (s < l->last_end + 1000)
			s = l->last_end + rng_int(&r, 1000, 60000);
		gen_session(w, l, &r, s);
	}
}

static int cmp_play(const void *a, const void *b)
{
	const struct play *x = a, *y = b;
	return x->end_ms < y->end_ms ? -1 : x->end_ms > y->end_ms;
}

/* Replaces user u's plays in (t0, t1] with n listed plays spread evenly. */
static void apply_binge(struct world *w, int u, int64_t t0, int64_t t1, int n)
{
	struct listener *l = &w->users[u];
	struct rng r;
	size_t k = 0;
	int64_t slot = (t1 - t0) / n;
	rng_init(&r, w->seed, (uint64_t)u + 1, (uint64_t)t0 ^ 0xb1b1b1b1ULL);
	for (size_t i = 0; i < l->n; i++) {
		const struct play *p = &l->plays[i];
		if (p->end_ms > t0 && p->end_ms - p->ms_played < t1)
			continue;
		l->plays[k++] = *p;
	}
	l->n = k;
	for (int i = 0; i < n; i++) {
		struct play p;
		memset(&p, 0, sizeof(p));
		p.kind = PLAY_MUSIC;
		p.item = pick_track(w, l, &r);
		int dur = w->cat->tracks[p.item].duration_ms;
		p.ms_played = (int32_t)(dur < slot - 500 ? dur : slot - 500);
		p.end_ms = t0 + (i + 1) * slot - rng_int(&r, 0, 300);
		p.reason_start = i ? R_TRACKDONE : R_CLICKROW;
		p.reason_end = p.ms_played == dur ? R_TRACKDONE : R_ENDPLAY;
		p.ctx_kind = CTX_PLAYLIST;
		p.ctx = 0;
		p.platform = 1;
		push_play(l, &p);
	}
	qsort(l->plays, l->n, sizeof(*l->plays), cmp_play);
}

int listen_advance(struct world *w, int64_t ms, char *err, size_t errlen)
{
	int64_t t0 = w->now_ms, t1 = w->now_ms + ms;
	for (int u = 0; u < w->nusers; u++) {
		int n = w->users[u].binge;
		if (n && ms / n <= 31000) {
			snprintf(err, errlen,
				 "binge of %d plays for \"user%d\" does not fit in %lld minutes: each play needs over "
				 "30 s; advance by at least %lld minutes",
				 n, u + 1, (long long)(ms / 60000), (long long)((int64_t)n * 31001 / 60000 + 1));
			return -1;
		}
	}
	for (int u = 0; u < w->nusers; u++) {
		struct listener *l = &w->users[u];
		while (l->next_hour * HOUR_MS <= t1)
			gen_block(w, u, l->next_hour++);
		if (l->binge) {
			apply_binge(w, u, t0, t1, l->binge);
			l->binge = 0;
		}
	}
	w->now_ms = t1;
	return 0;
}

size_t listen_visible(const struct world *w, int u)
{
	const struct listener *l = &w->users[u];
	size_t lo = 0, hi = l->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (l->plays[mid].end_ms <= w->now_ms)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}
