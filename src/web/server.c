#include "core/hash.h"
#include "web/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/fsutil.h"
#include "core/http.h"
#include "core/log.h"
#include "core/lru.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "web/accounts.h"
#include "web/covers.h"
#include "web/guard.h"
#include "web/listenbrainz.h"
#include "web/pages.h"
#include "web/routes.h"
#include "report/nav.h" /* issue 12 round 6: covers under /u/NAME/ */
#include "core/banned.h"

#define CACHE_KEY_MAX 200
/*
 * The answers kept, least recently used out first. Only pages that exist
 * (200) are kept, so the bound is reached only by real pages: a calendar
 * page is about 250 kB, so 32 MB holds some 130 of them and far more of the
 * small day and track pages.
 */
#define CACHE_ENTRIES 2048
#define CACHE_BYTES (32u << 20)
#define CONNECTION_LIMIT 2000u

struct server {
	pthread_mutex_t lock;
	struct pages pages;        /* every account's: an empty store, the store */
	struct wacc_set accts;     /* each account's pages (web/accounts.h) */
	int accts_failed;          /* they could not be read: answer nothing */
	int64_t version;           /* data version * 2^20 + cover generation */
	atomic_int cover_gen;
	atomic_llong last_page; /* time_mono_ms of the last page asked, 0 none */
	struct lru cache;          /* key -> struct MHD_Response * */
	struct guard_rate *rate;
	struct guard_conns *conns;
	char host[256];
	int port;
	const struct server_options *opt;
	atomic_int stop;
};

int server_parse_listen(const char *s, char *host, size_t hlen, int *port)
{
	const char *colon;
	size_t n;
	char *end;

	if (s[0] == '[') {
		const char *rb = strchr(s, ']');
		if (!rb || rb[1] != ':')
			return -1;
		n = (size_t)(rb - s - 1);
		if (n + 1 > hlen)
			return -1;
		memcpy(host, s + 1, n);
		colon = rb + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return -1;
		n = (size_t)(colon - s);
		if (!n || n + 1 > hlen || memchr(s, ':', n))
			return -1;
		memcpy(host, s, n);
	}
	host[n] = '\0';
	errno = 0;
	long p = strtol(colon + 1, &end, 10);
	if (errno || *end || end == colon + 1 || p < 0 || p > 65535)
		return -1;
	*port = (int)p;
	return 0;
}

/* Queued responses hold their own reference, so dropping one is safe. */
static void free_response(void *r)
{
	MHD_destroy_response(r);
}

/* Drops everything cached when the database or the covers changed. */
static void check_version(struct server *s)
{
	int64_t v = store_data_version(s->pages.store);
	v = v * (1 << 20) + atomic_load(&s->cover_gen);
	if (v == s->version)
		return;
	struct strbuf err = STRBUF_INIT;
	lru_clear(&s->cache);
	if (pages_invalidate(&s->pages, &err))
		log_warn("serve: %s", err.buf);
	/* made again: an import may have added an account (or its first years) */
	wacc_release(&s->accts);
	strbuf_reset(&err);
	s->accts_failed = wacc_load(&s->accts, s->pages.store, s->opt->data_dir,
				    s->opt->min_ms_played, &err) != 0;
	if (s->accts_failed)
		log_warn("serve: %s", err.buf);
	strbuf_release(&err);
	s->version = v;
}

static void add_headers(struct MHD_Response *r, const char *ctype)
{
	MHD_add_response_header(r, "Content-Type", ctype);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "Content-Security-Policy",
		"default-src 'none'; img-src 'self'; style-src 'unsafe-inline';"
		" frame-ancestors 'none'");
	MHD_add_response_header(r, "Cache-Control", "no-cache");
	MHD_add_response_header(r, "Cross-Origin-Resource-Policy", "same-origin");
}

static enum MHD_Result answer_text(struct MHD_Connection *c, unsigned status,
				   const char *text)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text),
		(void *)text, MHD_RESPMEM_MUST_COPY);
	add_headers(r, "text/plain; charset=utf-8");
	enum MHD_Result ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static int host_ok(struct server *s, const char *host)
{
	char h[300];
	size_t n;

	if (!host)
		return 1; /* HTTP/1.0 */
	if (host[0] == '[') {
		const char *rb = strchr(host, ']');
		if (!rb)
			return 0;
		n = (size_t)(rb - host - 1);
		host++;
	} else {
		const char *colon = strchr(host, ':');
		n = colon ? (size_t)(colon - host) : strlen(host);
	}
	if (n >= sizeof(h))
		return 0;
	memcpy(h, host, n);
	h[n] = '\0';
	return !strcasecmp(h, "localhost") || !strcmp(h, "127.0.0.1") ||
	       !strcmp(h, "::1") || !strcasecmp(h, s->host);
}

static enum MHD_Result serve_cover(struct server *s, struct MHD_Connection *c,
				   const char *name)
{
	char path[4096];
	const char *ct = covers_type(name);
	struct stat st;

	if (!ct)
		return answer_text(c, MHD_HTTP_NOT_FOUND, "no such cover\n");
	snprintf(path, sizeof(path), "%s/%s", s->pages.covers.dir, name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		return answer_text(c, MHD_HTTP_NOT_FOUND, "no such cover\n");
	}
	struct MHD_Response *r = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
	MHD_add_response_header(r, "Content-Type", ct);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Cache-Control", "max-age=86400");
	MHD_add_response_header(r, "Cross-Origin-Resource-Policy", "same-origin");
	enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

static const char *header(struct MHD_Connection *c, const char *name)
{
	return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

static enum MHD_Result answer_busy(struct MHD_Connection *c, int wait_s)
{
	static const char text[] = "too many requests from your address; wait and retry\n";
	char ra[16];
	struct MHD_Response *r = MHD_create_response_from_buffer(sizeof(text) - 1,
		(void *)text, MHD_RESPMEM_PERSISTENT);
	add_headers(r, "text/plain; charset=utf-8");
	snprintf(ra, sizeof(ra), "%d", wait_s);
	MHD_add_response_header(r, "Retry-After", ra);
	enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_TOO_MANY_REQUESTS, r);
	MHD_destroy_response(r);
	return ret;
}

/*
 * The checks before any work, cheapest first: a request another site sent
 * through the user's browser is refused without costing the address any of
 * its rate, so a page full of <img> tags cannot use up the user's own.
 * Returns 1 with an answer queued in *ret when the request is refused.
 */
static int refused(struct server *s, struct MHD_Connection *c, const char *url,
		   const char *method, enum MHD_Result *ret)
{
	const char *host = header(c, "Host");
	struct guard_fetch f = { header(c, "Sec-Fetch-Site"), header(c, "Sec-Fetch-Mode"),
				 header(c, "Sec-Fetch-Dest"), header(c, "Origin"), host };
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	int wait;

	if (strcmp(method, "GET") && strcmp(method, "HEAD") &&
	    !(!strcmp(method, "POST") && !strncmp(url, "/1/", 3)))
		*ret = answer_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "read-only\n");
	else if (!host_ok(s, host))
		*ret = answer_text(c, MHD_HTTP_FORBIDDEN, "unexpected Host\n");
	else if (!guard_fetch_ok(&f, url))
		*ret = answer_text(c, MHD_HTTP_FORBIDDEN,
				   "cross-site request refused: open the dashboard itself\n");
	else if ((wait = guard_rate_take(s->rate, ci ? ci->client_addr : NULL,
					 time_mono_ms())))
		*ret = answer_busy(c, wait);
	else
		return 0;
	return 1;
}

static const char *query_arg(void *cls, const char *name)
{
	return MHD_lookup_connection_value(cls, MHD_GET_ARGUMENT_KIND, name);
}

static enum MHD_Result queue_page(struct MHD_Connection *c, enum page_status st,
				  const struct strbuf *out, const char *ctype)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(out->len, out->buf,
		MHD_RESPMEM_MUST_COPY);
	add_headers(r, ctype);
	enum MHD_Result ret = MHD_queue_response(c, (unsigned)st, r);
	MHD_destroy_response(r);
	return ret;
}

/*
 * The pages a request is for (the caller holds the lock): account name's
 * (n bytes) under /u/NAME/, else the one account's, else every account's
 * (an empty store). NULL: no such account, or (*several set) an unprefixed
 * path while several listeners share the store.
 */
static struct pages *pages_for(struct server *s, const char *name, size_t n, int *several)
{
	struct wacc *a;

	*several = 0;
	if (s->accts_failed) /* never every account's pages instead */
		return NULL;
	if (name)
		return (a = wacc_find(&s->accts, name, n)) ? &a->pages : NULL;
	if (s->accts.n > 1) {
		*several = 1;
		return NULL;
	}
	return s->accts.n == 1 ? &s->accts.v[0].pages : &s->pages;
}

/* The answer when pages_for found none: the picker at "/", else a 404. */
static enum MHD_Result answer_no_pages(struct server *s, struct MHD_Connection *c,
				       const struct route *rt, int several)
{
	struct strbuf out = STRBUF_INIT;
	const char *ctype = "text/html; charset=utf-8";
	enum page_status st = PAGE_OK;

	if (several && rt->fn && (!strcmp(rt->pattern, "/") ||
				  !strcmp(rt->pattern, "/index.html")))
		wacc_picker(&s->accts, 0, &out);
	else if (s->accts_failed)
		st = route_fail(PAGE_ERROR, rt->json, "cannot read the accounts", &out, &ctype);
	else
		st = route_fail(PAGE_NOT_FOUND, rt->json, several ?
				"several listeners share this dashboard: pick one at /" :
				"no such listener", &out, &ctype);
	pthread_mutex_unlock(&s->lock);
	enum MHD_Result ret = queue_page(c, st, &out, ctype);
	strbuf_release(&out);
	return ret;
}

/* The cache key of a route under an account's prefix ("/u/NAME/..."). */
static int prefixed_key(const struct route *rt, const struct route_args *a, const char *name,
			size_t n, char *key, size_t len)
{
	if (!name)
		return route_path(rt, a, key, len);
	if (n + 3 >= len)
		return -1;
	memcpy(key, "/u/", 3);
	memcpy(key + 3, name, n);
	return route_path(rt, a, key + 3 + n, len - 3 - n);
}

/*
 * A page or API answer of the route table, from the cache when it is there.
 * The key is the instance's own path, so "?year=2025&x=1" and "?year=2025"
 * share one entry. Only pages that exist (200) are kept: what a client
 * makes up is not ours to keep.
 */
static enum MHD_Result answer_route(struct server *s, struct MHD_Connection *c,
				    const struct route *rt, const struct route_args *a,
				    const char *name, size_t nlen)
{
	char key[CACHE_KEY_MAX];
	int cacheable = rt->cache == ROUTE_KEEP &&
			!prefixed_key(rt, a, name, nlen, key, sizeof(key));
	struct strbuf out = STRBUF_INIT;
	const char *ctype;
	enum MHD_Result ret;
	int several;

	pthread_mutex_lock(&s->lock);
	check_version(s);
	struct pages *pg = pages_for(s, name, nlen, &several);
	if (!pg)
		return answer_no_pages(s, c, rt, several);
	struct MHD_Response *r = cacheable ? lru_get(&s->cache, key) : NULL;
	if (r) {
		ret = MHD_queue_response(c, MHD_HTTP_OK, r);
		pthread_mutex_unlock(&s->lock);
		return ret;
	}
	enum page_status st = route_render(pg, rt, a, &out, &ctype);
	size_t size = out.len + sizeof(key) + 512; /* body, key, headers */
	r = MHD_create_response_from_buffer(out.len, out.buf, MHD_RESPMEM_MUST_COPY);
	strbuf_release(&out);
	add_headers(r, ctype);
	ret = MHD_queue_response(c, (unsigned)st, r);
	if (cacheable && st == PAGE_OK)
		lru_put(&s->cache, key, r, size);
	else
		MHD_destroy_response(r);
	pthread_mutex_unlock(&s->lock);
	return ret;
}

/*
 * A POST being read (the ListenBrainz API only): its body, of which the
 * first LB_MAX_PAYLOAD bytes are kept; a longer one is read to its end and
 * refused by its length (ListenBrainz's 400), never held in memory.
 */
struct upload {
	struct strbuf body;
	size_t total;
};

static enum MHD_Result answer_lb(struct server *s, struct MHD_Connection *c,
				 const struct route *rt, const struct route_args *a,
				 const char *method, const struct upload *up)
{
	struct strbuf out = STRBUF_INIT;
	struct lb_request r = { rt->pattern, method, a->user, header(c, "Authorization"),
				query_arg, c, up ? up->body.buf : "",
				up ? up->total : 0, s->opt->min_ms_played };
	unsigned st;
	enum MHD_Result ret;

	pthread_mutex_lock(&s->lock);
	st = lb_answer(s->pages.store, &r, &out);
	pthread_mutex_unlock(&s->lock);
	ret = queue_page(c, (enum page_status)st, &out, "application/json");
	strbuf_release(&out);
	return ret;
}

/* GET /api/accounts: every account, with its pages and API prefix. */
static enum MHD_Result answer_accounts(struct server *s, struct MHD_Connection *c)
{
	struct strbuf out = STRBUF_INIT;

	pthread_mutex_lock(&s->lock);
	check_version(s);
	wacc_picker(&s->accts, 1, &out);
	pthread_mutex_unlock(&s->lock);
	enum MHD_Result ret = queue_page(c, PAGE_OK, &out, "application/json");
	strbuf_release(&out);
	return ret;
}

/* 1 while a POST's body is still arriving (the call is answered MHD_YES). */
static int reading_body(struct upload **up, const char *upload_data,
			size_t *upload_size)
{
	struct upload *u = *up;

	if (!*upload_size)
		return 0;
	if (u->body.len + *upload_size <= LB_MAX_PAYLOAD)
		strbuf_add(&u->body, upload_data, *upload_size);
	u->total += *upload_size;
	*upload_size = 0;
	return 1;
}

/* Renders path into the cache when it is not there (the caller holds the lock). */
static void warm_one(struct server *s, struct pages *pg, const char *path)
{
	const struct route *rt;
	struct route_args a;
	const char *why, *ctype;
	char key[CACHE_KEY_MAX];
	struct strbuf out = STRBUF_INIT;

	if (route_match(path, NULL, NULL, &rt, &a, &why) != PAGE_OK || !rt->fn ||
	    rt->cache != ROUTE_KEEP || route_path(rt, &a, key, sizeof(key)) ||
	    lru_get(&s->cache, key))
		return;
	if (route_render(pg, rt, &a, &out, &ctype) == PAGE_OK) {
		struct MHD_Response *r = MHD_create_response_from_buffer(out.len, out.buf,
			MHD_RESPMEM_MUST_COPY);
		add_headers(r, ctype);
		lru_put(&s->cache, key, r, out.len + sizeof(key) + 512);
	}
	strbuf_release(&out);
}

/*
 * The pages a visit starts with, rendered before anyone asks: after the
 * start, and again within a second of a change of the store (an import,
 * an ETL round) or of the covers while someone is looking (a page asked in
 * the last WARM_IDLE_MS). At 1M plays the first calendar otherwise costs
 * its year pass (100-130 ms) on the first click; a request that comes
 * while this runs waits for it as it would have waited for its own render.
 * A server nobody visits does not re-render after every ETL round of the
 * night (about 150 ms CPU each at 1M plays); its next visitor's first page
 * pays the pass, and the warm follows within a second. What is checked
 * every second is PRAGMA data_version: one step of a prepared statement.
 */
#define WARM_IDLE_MS (15 * 60 * 1000)
/*
 * While writes keep coming (a player scrobbling, a ListenBrainz import in
 * batches), the version changes every second: the re-render waits until a
 * second passes without a change, or WARM_BUSY_MS since the last one. A
 * re-render each second held the lock for its pass, and the submissions
 * waited for it (issue 14; bench/lb_bench.sh LOOK=1 measures a visited
 * server).
 */
#define WARM_BUSY_MS (10 * 1000)
static void *warm_thread(void *arg)
{
	struct server *s = arg;
	int64_t warmed = -2, last = -2;
	long long warm_at = 0;

	while (!atomic_load(&s->stop)) {
		int several;
		pthread_mutex_lock(&s->lock);
		check_version(s);
		/* one listener's short URLs; several: each opens their own */
		struct pages *pg = pages_for(s, NULL, 0, &several);
		long long seen = atomic_load(&s->last_page), now = time_mono_ms();
		int looking = warmed == -2 || (seen && now - seen < WARM_IDLE_MS);
		int due = warmed == -2 || s->version == last || now - warm_at >= WARM_BUSY_MS;
		last = s->version;
		if (due && s->version != warmed && pg && pg->nyears && looking) {
			char path[64];
			int y = pg->years[pg->nyears - 1];
			static const char *const pages[] = { "/calendar-%d.html", "/year-%d.html" };
			warm_at = now;
			warm_one(s, pg, "/");
			for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
				snprintf(path, sizeof(path), pages[i], y);
				warm_one(s, pg, path);
			}
		}
		if (due && looking)
			warmed = s->version;
		pthread_mutex_unlock(&s->lock);
		for (int i = 0; i < 10 && !atomic_load(&s->stop); i++)
			usleep(100000);
	}
	return NULL;
}

/*
 * issue 12, round 6: a cover or artist image only where its listener's
 * pages could show it (pages_cover_shown, as the static site): under
 * /u/NAME/ of one listener among several, only an album or artist NAME
 * played; unprefixed, none while several listeners share the store. One
 * listener's store serves every cover.
 */
static int cover_shown(struct server *s, const char *name, size_t nlen, const char *file)
{
	int several, ok;

	pthread_mutex_lock(&s->lock);
	check_version(s);
	struct pages *pg = pages_for(s, name, nlen, &several);
	ok = pg && pages_cover_shown(pg, file);
	pthread_mutex_unlock(&s->lock);
	return ok;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version,
			      const char *upload_data, size_t *upload_size,
			      void **con_cls)
{
	struct server *s = cls;
	enum MHD_Result ret;
	const struct route *rt;
	struct route_args a;
	const char *why, *name = NULL;
	char rest[1024];
	size_t nlen = 0;
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	(void)version;
	if (ci && ci->socket_context)
		guard_conn_busy(s->conns, ci->socket_context);
	if (!*con_cls) {
		if (refused(s, c, url, method, &ret))
			return ret;
		if (!strcmp(method, "POST")) {
			struct upload *u = xcalloc(1, sizeof(*u));
			strbuf_init(&u->body, 0);
			*con_cls = u;
			return MHD_YES;
		}
	} else if (reading_body((struct upload **)con_cls, upload_data, upload_size)) {
		return MHD_YES;
	}
	*upload_size = 0;
	/* /u/NAME/... and /api/u/NAME/...: the same routes, one account's pages */
	int prefixed = wacc_split(url, &name, &nlen, rest, sizeof(rest));
	if (prefixed < 0)
		return answer_text(c, MHD_HTTP_NOT_FOUND, "no such listener\n");
	if (!prefixed && !strcmp(url, "/api/accounts"))
		return answer_accounts(s, c);
	enum page_status st = route_match(prefixed ? rest : url, query_arg, c, &rt, &a, &why);
	if (st == PAGE_OK && rt->cache == ROUTE_LISTENBRAINZ && !prefixed)
		return answer_lb(s, c, rt, &a, method, *con_cls);
	if (st == PAGE_OK && rt->cache == ROUTE_LISTENBRAINZ)
		st = PAGE_NOT_FOUND, why = "the ListenBrainz API is not under /u/";
	if (*con_cls)
		return answer_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "read-only\n");
	if (st == PAGE_OK && rt->cache == ROUTE_FILE)
		return cover_shown(s, name, nlen, a.file) ? serve_cover(s, c, a.file)
			: answer_text(c, MHD_HTTP_NOT_FOUND, "no such cover\n");
	if (st == PAGE_OK) {
		atomic_store(&s->last_page, (long long)time_mono_ms());
		return answer_route(s, c, rt, &a, name, nlen);
	}
	struct strbuf out = STRBUF_INIT;
	const char *ctype;
	route_fail(st, rt ? rt->json : !strncmp(url, "/api/", 5), why, &out, &ctype);
	ret = queue_page(c, st, &out, ctype);
	strbuf_release(&out);
	return ret;
}

/* Stamps each connection's start (and closes it) for the header deadline. */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	struct server *s = cls;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		*socket_context = guard_conn_open(s->conns, ci ? ci->connect_fd : -1,
						  time_mono_ms());
	} else if (*socket_context) {
		guard_conn_close(s->conns, *socket_context);
		*socket_context = NULL;
	}
}

/* An answer is sent: the next request on the connection has a new deadline. */
static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct server *s = cls;
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	(void)toe;
	if (con_cls && *con_cls) {
		struct upload *u = *con_cls;
		strbuf_release(&u->body);
		free(u);
		*con_cls = NULL;
	}
	if (ci && ci->socket_context)
		guard_conn_idle(s->conns, ci->socket_context, time_mono_ms());
}

/*
 * Downloads missing covers of every year with its own connection, then
 * again whenever the database changes, until the server stops.
 */
static void *cover_thread(void *arg)
{
	struct server *s = arg;
	struct strbuf err = STRBUF_INIT;
	struct http *h = http_new();
	struct covers cv;
	struct report_cache rs; /* the catalog, read once while nothing changes */
	struct store *db = NULL;
	int64_t seen = -1;

	covers_init(&cv, s->opt->data_dir);
	if (store_open(s->opt->db_path, &db, &err)) {
		log_warn("serve: covers: %s", err.buf);
		goto out;
	}
	report_cache_init(&rs, db);
	while (!atomic_load(&s->stop)) {
		int64_t v = store_data_version(db);
		if (v != seen) {
			int *years = NULL, n = 0, added = 0, failed = 0;
			struct report_options ro = { s->opt->min_ms_played, 0 };
			seen = v;
			strbuf_reset(&err);
			if (!report_years(db, 0, &years, &n, &err)) /* everyone's covers */
				for (int i = n - 1; i >= 0 && !atomic_load(&s->stop); i--) {
					struct report_year y;
					if (report_year_with(&rs, years[i], &ro, &y, &err))
						break;
					added += covers_sync_year(&cv, h, db, &y, &failed);
					report_year_release(&y);
				}
			free(years);
			if (added)
				atomic_fetch_add(&s->cover_gen, 1);
			if (failed)
				log_warn("serve: %d covers could not be downloaded", failed);
		}
		for (int i = 0; i < 20 && !atomic_load(&s->stop); i++)
			usleep(100000);
	}
out:
	if (db) {
		report_cache_release(&rs);
		store_close(db);
	}
	covers_release(&cv);
	http_free(h);
	strbuf_release(&err);
	return NULL;
}

static int bind_addr(const char *host, int port, struct sockaddr_storage *ss,
		     socklen_t *len, struct strbuf *err)
{
	struct addrinfo hints = { 0 }, *res = NULL;
	char ps[16];

	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(ps, sizeof(ps), "%d", port);
	int rc = getaddrinfo(host, ps, &hints, &res);
	if (rc || !res) {
		strbuf_addf(err, "cannot resolve '%s': %s", host, gai_strerror(rc));
		return -1;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

/*
 * The daemon needs a descriptor per connection besides the database, the
 * covers and the listening socket: the soft limit is raised to the hard one
 * (often 1024 soft, 4096 or more hard) so the connection limit is the limit.
 */
static void raise_fd_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur >= CONNECTION_LIMIT + 64)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > CONNECTION_LIMIT + 64 ?
		      CONNECTION_LIMIT + 64 : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		log_warn("serve: cannot raise the open file limit: %s", strerror(errno));
}

/* Waits for SIGINT or SIGTERM, closing connections past their header deadline. */
static void wait_for_signal(struct server *s, const sigset_t *set)
{
	const struct timespec tick = { 0, 250 * 1000 * 1000 };
	while (sigtimedwait(set, NULL, &tick) < 0) {
		int n = guard_conns_sweep(s->conns, time_mono_ms());
		if (n)
			log_debug("serve: closed %d connections that sent no complete"
				  " headers in %d s", n, s->opt->header_timeout_s);
	}
}

static void options_defaults(struct server_options *o)
{
	if (o->threads <= 0)
		o->threads = 2;
	if (o->max_per_address <= 0)
		o->max_per_address = SERVER_MAX_PER_ADDRESS;
	if (o->header_timeout_s <= 0)
		o->header_timeout_s = SERVER_HEADER_TIMEOUT;
}

static struct MHD_Daemon *start_daemon(struct server *s, const struct sockaddr_storage *ss)
{
	const struct server_options *o = s->opt;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
			 MHD_USE_TURBO;
	if (ss->ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	return MHD_start_daemon(flags, 0, NULL, NULL, handle, s,
				MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)ss,
				MHD_OPTION_THREAD_POOL_SIZE, (unsigned)o->threads,
				MHD_OPTION_CONNECTION_LIMIT, CONNECTION_LIMIT,
				MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)o->max_per_address,
				/* idle time while an answer is sent; headers have their deadline */
				MHD_OPTION_CONNECTION_TIMEOUT, 30u,
				MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
				MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
				MHD_OPTION_END);
}

/* The port the daemon listens on (the one chosen when asked for port 0). */
static int bound_port(const struct server *s, struct MHD_Daemon *d)
{
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_LISTEN_FD);
	struct sockaddr_storage bound;
	socklen_t bl = sizeof(bound);

	if (!info || getsockname(info->listen_fd, (struct sockaddr *)&bound, &bl))
		return s->port;
	return ntohs(bound.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&bound)->sin6_port
						 : ((struct sockaddr_in *)&bound)->sin_port);
}

/* Says where the dashboard is, on stdout and in the port file. */
static void announce(const struct server *s, int port)
{
	const char *pf = s->opt->port_file;

	printf("spinlog: serving http://%s%s%s:%d/ (Ctrl-C stops)\n",
	       strchr(s->host, ':') ? "[" : "", s->host, strchr(s->host, ':') ? "]" : "",
	       port);
	fflush(stdout);
	if (pf) {
		char buf[16];
		int n = snprintf(buf, sizeof(buf), "%d\n", port);
		if (fs_write_atomic(pf, buf, (size_t)n, 0644))
			log_warn("serve: cannot write '%s': %s", pf, strerror(errno));
	}
}

int server_run(struct store *db, const struct server_options *opt, struct strbuf *err)
{
	struct server_options o_copy = *opt, *o = &o_copy;
	struct server *s = xcalloc(1, sizeof(*s));
	struct sockaddr_storage ss;
	socklen_t sl;
	struct MHD_Daemon *d = NULL;
	pthread_t th, warm;
	int have_thread = 0, have_warm = 0, ret = -1;
	sigset_t set;

	options_defaults(o);
	s->opt = o;
	pthread_mutex_init(&s->lock, NULL);
	lru_init(&s->cache, CACHE_ENTRIES, CACHE_BYTES, free_response);
	s->rate = guard_rate_new(o->rate_per_second);
	s->conns = guard_conns_new(o->header_timeout_s);
	raise_fd_limit();
	s->version = -1;
	if (server_parse_listen(o->listen, s->host, sizeof(s->host), &s->port)) {
		strbuf_addf(err, "'%s' is not an address like 127.0.0.1:8080", o->listen);
		goto out;
	}
	if (bind_addr(s->host, s->port, &ss, &sl, err))
		goto out;
	if (pages_init(&s->pages, db, o->data_dir, o->min_ms_played, err))
		goto out;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	d = start_daemon(s, &ss);
	if (!d) {
		strbuf_addf(err, "cannot listen on '%s' (in use, or not an address of this"
			    " machine?)", o->listen);
		goto out;
	}
	if (o->fetch_covers && !pthread_create(&th, NULL, cover_thread, s))
		have_thread = 1;
	if (!pthread_create(&warm, NULL, warm_thread, s))
		have_warm = 1;
	announce(s, bound_port(s, d));
	wait_for_signal(s, &set);
	ret = 0;
out:
	atomic_store(&s->stop, 1);
	if (have_thread)
		pthread_join(th, NULL);
	if (have_warm)
		pthread_join(warm, NULL);
	if (d)
		MHD_stop_daemon(d);
	lru_release(&s->cache);
	guard_conns_free(s->conns);
	guard_rate_free(s->rate);
	if (s->pages.store)
		pages_release(&s->pages);
	wacc_release(&s->accts);
	pthread_mutex_destroy(&s->lock);
	free(s);
	return ret;
}
