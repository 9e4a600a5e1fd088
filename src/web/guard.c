#include "web/guard.h"

#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "core/hash.h"
#include "core/xalloc.h"
#include "core/banned.h"

/* ---- fetch metadata ----------------------------------------------------- */

static int is(const char *v, const char *want)
{
	return v && !strcmp(v, want);
}

/* Origin is exactly "http://" + the Host the request was sent to. */
static int origin_is_ours(const char *origin, const char *host)
{
	return host && !strncasecmp(origin, "http://", 7) && !strcasecmp(origin + 7, host);
}

/*
 * Sec-Fetch-Site is sent by every current browser (Chromium 76, Firefox 90,
 * Safari 16.4): "same-origin" for the dashboard's own pages, "none" when the
 * user typed the address or used a bookmark. Clients without it (curl,
 * scripts, old browsers) are not browsers acting for another site, except
 * that an old browser still sends Origin on cross-origin fetches: a foreign
 * Origin is refused whatever else the request says.
 */
int guard_fetch_ok(const struct guard_fetch *f, const char *path)
{
	if (f->origin && !origin_is_ours(f->origin, f->host))
		return 0;
	if (!f->site || is(f->site, "same-origin") || is(f->site, "none"))
		return 1;
	/* same-site (another port of this host) or cross-site: a link followed */
	return strncmp(path, "/api/", 5) && is(f->mode, "navigate") &&
	       is(f->dest, "document");
}

/* ---- token buckets per address --------------------------------------- */

#define RATE_SLOTS 4096 /* addresses tracked at once: 4096 * 40 bytes */
#define RATE_PROBE 8

struct bucket {
	unsigned char key[16]; /* IPv4 address, or an IPv6 /64 */
	int used;
	int64_t milli;         /* thousandths of a token */
	int64_t last_ms;
};

struct guard_rate {
	pthread_mutex_t lock;
	int64_t per_second, cap_milli;
	uint64_t seed;
	struct bucket slots[RATE_SLOTS];
};

struct guard_rate *guard_rate_new(int per_second)
{
	struct guard_rate *r = xcalloc(1, sizeof(*r));
	int64_t burst = 2 * (int64_t)per_second;

	pthread_mutex_init(&r->lock, NULL);
	r->per_second = per_second > 0 ? per_second : 0;
	r->cap_milli = (burst > GUARD_BURST_MIN ? burst : GUARD_BURST_MIN) * 1000;
	/* a secret seed, so nobody can pick addresses that share slots */
	if (getrandom(&r->seed, sizeof(r->seed), 0) != sizeof(r->seed))
		r->seed = (uint64_t)(uintptr_t)r;
	return r;
}

void guard_rate_free(struct guard_rate *r)
{
	if (!r)
		return;
	pthread_mutex_destroy(&r->lock);
	free(r);
}

/*
 * The bucket key of an address: an IPv4 address (also when mapped into
 * IPv6) or the /64 of an IPv6 one, as one host holds a whole /64.
 */
static void addr_key(const struct sockaddr *sa, unsigned char key[16])
{
	memset(key, 0, 16);
	if (sa && sa->sa_family == AF_INET) {
		memcpy(key, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	} else if (sa && sa->sa_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
		if (IN6_IS_ADDR_V4MAPPED(a))
			memcpy(key, a->s6_addr + 12, 4);
		else
			memcpy(key + 4, a->s6_addr, 8);
		key[15] = 6;
	}
}

/* The slot of key: its own, else a free one, else the longest unused. */
static struct bucket *find_bucket(struct guard_rate *r, const unsigned char key[16])
{
	uint64_t h = HASH_FNV_OFFSET ^ r->seed;
	struct bucket *victim = NULL;

	for (int i = 0; i < 16; i++)
		h = hash_fnv1a_byte(h, key[i]);
	for (int i = 0; i < RATE_PROBE; i++) {
		struct bucket *b = &r->slots[(h + (uint64_t)i) & (RATE_SLOTS - 1)];
		if (b->used && !memcmp(b->key, key, 16))
			return b;
		if (!victim || (victim->used && (!b->used || b->last_ms < victim->last_ms)))
			victim = b;
	}
	memcpy(victim->key, key, 16);
	victim->used = 1;
	victim->milli = r->cap_milli;
	victim->last_ms = 0;
	return victim;
}

int guard_rate_take(struct guard_rate *r, const struct sockaddr *addr, int64_t now_ms)
{
	unsigned char key[16];
	int wait = 0;

	if (!r || !r->per_second)
		return 0;
	addr_key(addr, key);
	pthread_mutex_lock(&r->lock);
	struct bucket *b = find_bucket(r, key);
	if (b->last_ms && now_ms > b->last_ms) {
		b->milli += (now_ms - b->last_ms) * r->per_second;
		if (b->milli > r->cap_milli)
			b->milli = r->cap_milli;
	}
	if (now_ms > b->last_ms)
		b->last_ms = now_ms;
	if (b->milli >= 1000) {
		b->milli -= 1000;
	} else {
		/* seconds until one token is back, rounded up */
		int64_t need = 1000 - b->milli;
		wait = (int)((need + r->per_second * 1000 - 1) / (r->per_second * 1000));
		if (wait < 1)
			wait = 1;
	}
	pthread_mutex_unlock(&r->lock);
	return wait;
}

/* ---- header deadlines ---------------------------------------------------- */

struct guard_conn {
	int fd;
	int64_t deadline_ms; /* 0: none (a request is being answered) */
	struct guard_conn *prev, *next;
};

struct guard_conns {
	pthread_mutex_t lock;
	int64_t timeout_ms;
	struct guard_conn *list;
};

struct guard_conns *guard_conns_new(int header_timeout_s)
{
	struct guard_conns *g = xcalloc(1, sizeof(*g));
	pthread_mutex_init(&g->lock, NULL);
	g->timeout_ms = (int64_t)header_timeout_s * 1000;
	return g;
}

void guard_conns_free(struct guard_conns *g)
{
	if (!g)
		return;
	while (g->list)
		guard_conn_close(g, g->list);
	pthread_mutex_destroy(&g->lock);
	free(g);
}

struct guard_conn *guard_conn_open(struct guard_conns *g, int fd, int64_t now_ms)
{
	struct guard_conn *c = xcalloc(1, sizeof(*c));
	c->fd = fd;
	c->deadline_ms = g->timeout_ms > 0 ? now_ms + g->timeout_ms : 0;
	pthread_mutex_lock(&g->lock);
	c->next = g->list;
	if (g->list)
		g->list->prev = c;
	g->list = c;
	pthread_mutex_unlock(&g->lock);
	return c;
}

void guard_conn_busy(struct guard_conns *g, struct guard_conn *c)
{
	pthread_mutex_lock(&g->lock);
	c->deadline_ms = 0;
	pthread_mutex_unlock(&g->lock);
}

void guard_conn_idle(struct guard_conns *g, struct guard_conn *c, int64_t now_ms)
{
	pthread_mutex_lock(&g->lock);
	if (c->fd >= 0 && g->timeout_ms > 0)
		c->deadline_ms = now_ms + g->timeout_ms;
	pthread_mutex_unlock(&g->lock);
}

void guard_conn_close(struct guard_conns *g, struct guard_conn *c)
{
	pthread_mutex_lock(&g->lock);
	if (c->prev)
		c->prev->next = c->next;
	else
		g->list = c->next;
	if (c->next)
		c->next->prev = c->prev;
	pthread_mutex_unlock(&g->lock);
	free(c);
}

/*
 * Runs under the lock that guard_conn_close takes, and the server calls
 * guard_conn_close before it closes the socket, so fd is still this
 * connection's and never a reused number. shutdown() rather than close():
 * the server sees end of file and closes the connection itself.
 */
int guard_conns_sweep(struct guard_conns *g, int64_t now_ms)
{
	int n = 0;

	pthread_mutex_lock(&g->lock);
	for (struct guard_conn *c = g->list; c; c = c->next) {
		if (!c->deadline_ms || now_ms < c->deadline_ms || c->fd < 0)
			continue;
		shutdown(c->fd, SHUT_RDWR);
		c->fd = -1; /* once */
		c->deadline_ms = 0;
		n++;
	}
	pthread_mutex_unlock(&g->lock);
	return n;
}
