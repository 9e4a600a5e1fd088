/*
 * httpload: the hostile clients of the dashboard tests (t0503), in one
 * process so that a flood is fast enough to mean something on two cores.
 *
 *   httpload flood --port P --requests N [--conns C] [--from ADDR]
 *                  [--path TEMPLATE] [--header 'Name: value']
 *     N requests over C keep-alive connections, one in flight on each. In
 *     TEMPLATE (default /track-{}.html) "{}" becomes a fresh random 22
 *     character id per request, and "{day}" the next date from 2016-01-01
 *     on (wrapping after ten years), "{n}" the next number from 0 (wrapping
 *     at 2000: the artists and albums of bench/report_gen.sql), so each
 *     request asks for a new page;
 *     Prints one line of counts:
 *     "requests=N answered=N s200=.. s403=.. s404=.. s429=.. retry_after=..
 *      other=.. errors=.. ms=.. per_second=.." (retry_after: 429s that said
 *     when to come back).
 *
 *   httpload slow --port P --conns N --seconds S [--from ADDR]
 *     N connections that send a request line and then one header line a
 *     second, never ending their headers. Prints "ready open=.." once all
 *     connections were tried, then after S seconds
 *     "slow: tried=N connected=.. closed_1s=.. closed_later=.. open=..
 *      first_close_ms=.. last_close_ms=..": closed_1s counts connections the
 *     server dropped within a second of opening (refused), closed_later the
 *     ones it dropped after that.
 *
 * ADDR is the client's own source address (127.0.0.2 plays another host);
 * the server is always 127.0.0.1. Raises its own open file limit.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct opts {
	int port, requests, conns, seconds;
	const char *from, *path, *header;
};

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void raise_nofile(void)
{
	struct rlimit rl;
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* A non-blocking socket connecting from o->from (if set) to 127.0.0.1. */
static int dial(const struct opts *o)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons((uint16_t)o->port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (o->from) {
		struct sockaddr_in me = { .sin_family = AF_INET };
		inet_pton(AF_INET, o->from, &me.sin_addr);
		if (bind(fd, (struct sockaddr *)&me, sizeof(me))) {
			close(fd);
			return -1;
		}
	}
	inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
	if (connect(fd, (struct sockaddr *)&to, sizeof(to)) && errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

/* ---- flood ---------------------------------------------------------------- */

struct conn {
	int fd;
	char buf[16384];
	size_t len;
	long long body_left; /* -1: still reading headers */
	int closing;         /* the answer said Connection: close */
};

struct tally {
	long long sent, answered, s200, s403, s404, s429, retry_after, other, errors;
};

/* "{day}": the next date of 2016-01-01 .. 2025-12-28 (3650 days), civil from days. */
static void next_date(char out[40])
{
	static long n;
	long z = 16801 + (n++ % 3650) + 719468; /* 16801 = 2016-01-01 */
	long era = z / 146097, doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	long d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
	snprintf(out, 40, "%04d-%02d-%02d", (int)(yoe + era * 400 + (m <= 2)) % 10000,
		 (int)m, (int)d);
}

static void make_path(const char *tmpl, char *out, size_t len)
{
	static const char b62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	const char *at = strstr(tmpl, "{}"), *day = strstr(tmpl, "{day}");
	const char *num = strstr(tmpl, "{n}");
	static long n;
	char id[23];

	if (num) {
		snprintf(out, len, "%.*s%ld%s", (int)(num - tmpl), tmpl, n++ % 2000, num + 3);
		return;
	}
	if (day) {
		char date[40];
		next_date(date);
		snprintf(out, len, "%.*s%s%s", (int)(day - tmpl), tmpl, date, day + 5);
		return;
	}

	for (int i = 0; i < 22; i++)
		id[i] = b62[random() % 62];
	id[22] = '\0';
	if (!at)
		snprintf(out, len, "%s", tmpl);
	else
		snprintf(out, len, "%.*s%s%s", (int)(at - tmpl), tmpl, id, at + 2);
}

static int send_request(const struct opts *o, struct conn *c)
{
	char path[512], req[1024];
	make_path(o->path, path, sizeof(path));
	int n = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n%s%s\r\n",
			 path, o->port, o->header ? o->header : "", o->header ? "\r\n" : "");
	/* a small request on an idle socket: one send takes it all */
	return send(c->fd, req, (size_t)n, MSG_NOSIGNAL) == n ? 0 : -1;
}

static void count_status(struct tally *t, int status)
{
	t->answered++;
	switch (status) {
	case 200: t->s200++; break;
	case 403: t->s403++; break;
	case 404: t->s404++; break;
	case 429: t->s429++; break;
	default: t->other++; break;
	}
}

/* Parses the headers in c->buf: 1 when complete (body_left set), 0 when not. */
static int parse_head(struct conn *c, struct tally *t)
{
	char *end = memmem(c->buf, c->len, "\r\n\r\n", 4);
	if (!end)
		return 0;
	*end = '\0';
	int status = 0;
	sscanf(c->buf, "HTTP/1.%*d %d", &status);
	count_status(t, status);
	long long cl = 0;
	for (char *l = strstr(c->buf, "\r\n"); l; l = strstr(l + 2, "\r\n")) {
		if (!strncasecmp(l + 2, "Content-Length:", 15))
			cl = strtoll(l + 17, NULL, 10);
		if (status == 429 && !strncasecmp(l + 2, "Retry-After: ", 13) && l[15] >= '1' &&
		    l[15] <= '9')
			t->retry_after++;
		if (!strncasecmp(l + 2, "Connection: close", 17))
			c->closing = 1;
	}
	size_t head = (size_t)(end - c->buf) + 4;
	c->body_left = cl - (long long)(c->len - head);
	c->len = 0;
	return 1;
}

/* Reads what is there; 1 when an answer is complete, 0 not yet, -1 error. */
static int on_readable(struct conn *c, struct tally *t)
{
	for (;;) {
		char *dst = c->body_left < 0 ? c->buf + c->len : c->buf;
		size_t room = c->body_left < 0 ? sizeof(c->buf) - c->len - 1 : sizeof(c->buf);
		ssize_t n = recv(c->fd, dst, room, 0);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n <= 0)
			return -1;
		if (c->body_left < 0) {
			c->len += (size_t)n;
			if (!parse_head(c, t))
				continue;
		} else {
			c->body_left -= n;
		}
		if (c->body_left <= 0)
			return 1;
	}
}

static int open_flood_conn(const struct opts *o, int ep, struct conn *c)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
	c->fd = dial(o);
	c->len = 0;
	c->body_left = -1;
	c->closing = 0;
	if (c->fd < 0)
		return -1;
	/* wait for the connection, then send (EPOLLOUT once) */
	ev.events = EPOLLOUT;
	return epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
}

static int flood(const struct opts *o)
{
	struct conn *cs = calloc((size_t)o->conns, sizeof(*cs));
	struct tally t = { 0 };
	int ep = epoll_create1(EPOLL_CLOEXEC), inflight = 0;
	long long start = now_ms();

	for (int i = 0; i < o->conns && t.sent < o->requests; i++) {
		if (open_flood_conn(o, ep, &cs[i]) == 0) {
			t.sent++;
			inflight++;
		} else {
			t.errors++;
		}
	}
	while (inflight > 0) {
		struct epoll_event evs[64];
		int n = epoll_wait(ep, evs, 64, 5000);
		if (n <= 0)
			break; /* 5 s without an answer: give up, the counts tell */
		for (int i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;
			int r;
			if (evs[i].events & EPOLLOUT) {
				struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
				epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
				r = send_request(o, c) ? -1 : 0;
			} else {
				r = on_readable(c, &t);
			}
			if (r == 0)
				continue;
			inflight--;
			if (r < 0)
				t.errors++;
			if (r < 0 || c->closing) {
				close(c->fd);
				if (t.sent < o->requests && open_flood_conn(o, ep, c) == 0) {
					t.sent++;
					inflight++;
				}
				continue;
			}
			if (t.sent < o->requests) {
				c->body_left = -1;
				if (send_request(o, c) == 0) {
					t.sent++;
					inflight++;
				} else {
					t.errors++;
				}
			}
		}
	}
	long long ms = now_ms() - start;
	printf("requests=%lld answered=%lld s200=%lld s403=%lld s404=%lld s429=%lld retry_after=%lld"
	       " other=%lld errors=%lld ms=%lld per_second=%lld\n", t.sent, t.answered, t.s200, t.s403,
	       t.s404, t.s429, t.retry_after, t.other, t.errors, ms, ms ? t.answered * 1000 / ms : 0);
	for (int i = 0; i < o->conns; i++)
		if (cs[i].fd > 0)
			close(cs[i].fd);
	free(cs);
	close(ep);
	return 0;
}

/* ---- slow ----------------------------------------------------------------- */

struct slow {
	int fd;
	int state; /* 0 connecting, 1 open, 2 closed by the server */
	long long opened_ms, closed_ms;
};

static int slow(const struct opts *o)
{
	struct slow *v = calloc((size_t)o->conns, sizeof(*v));
	int ep = epoll_create1(EPOLL_CLOEXEC), connected = 0, c1 = 0, later = 0;
	long long start = now_ms(), first = -1, last = -1, next_line = start + 1000;
	char req[256];

	for (int i = 0; i < o->conns; i++) {
		struct epoll_event ev = { .events = EPOLLOUT | EPOLLIN | EPOLLRDHUP, .data.u32 = (uint32_t)i };
		v[i].fd = dial(o);
		v[i].opened_ms = now_ms();
		if (v[i].fd >= 0)
			epoll_ctl(ep, EPOLL_CTL_ADD, v[i].fd, &ev);
		else
			v[i].state = 2;
	}
	int ready = 0, line = 0;
	while (now_ms() - start < (long long)o->seconds * 1000) {
		struct epoll_event evs[256];
		int n = epoll_wait(ep, evs, 256, 50);
		for (int k = 0; k < n; k++) {
			struct slow *s = &v[evs[k].data.u32];
			char junk[4096];
			if (s->state == 0 && (evs[k].events & EPOLLOUT)) {
				struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP,
							  .data.u32 = evs[k].data.u32 };
				epoll_ctl(ep, EPOLL_CTL_MOD, s->fd, &ev);
				int m = snprintf(req, sizeof(req), "GET / HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n",
						 o->port);
				if (send(s->fd, req, (size_t)m, MSG_NOSIGNAL) == m) {
					s->state = 1;
					connected++;
				}
			}
			if (s->state != 2 && (evs[k].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) {
				if (recv(s->fd, junk, sizeof(junk), MSG_DONTWAIT) > 0)
					continue; /* an answer (408?) before the close */
				long long t = now_ms();
				if (s->state == 0)
					connected++;
				s->state = 2;
				s->closed_ms = t;
				epoll_ctl(ep, EPOLL_CTL_DEL, s->fd, NULL);
				close(s->fd);
				if (t - s->opened_ms < 1000) {
					c1++;
				} else {
					later++;
					if (first < 0)
						first = t - s->opened_ms;
					last = t - s->opened_ms;
				}
			}
		}
		if (!ready && now_ms() - start >= 500) {
			int open = 0;
			for (int i = 0; i < o->conns; i++)
				open += v[i].state == 1;
			printf("ready open=%d\n", open);
			fflush(stdout);
			ready = 1;
		}
		if (now_ms() >= next_line) {
			int m = snprintf(req, sizeof(req), "X-Slow-%d: a\r\n", line++);
			for (int i = 0; i < o->conns; i++)
				if (v[i].state == 1)
					send(v[i].fd, req, (size_t)m, MSG_NOSIGNAL);
			next_line += 1000;
		}
	}
	int open = 0;
	for (int i = 0; i < o->conns; i++)
		if (v[i].state == 1) {
			open++;
			close(v[i].fd);
		}
	printf("slow: tried=%d connected=%d closed_1s=%d closed_later=%d open=%d"
	       " first_close_ms=%lld last_close_ms=%lld\n", o->conns, connected, c1, later,
	       open, first, last);
	free(v);
	close(ep);
	return 0;
}

static int num(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);
	return *s && !*end && v >= 0 && v < (1L << 30) ? (int)v : -1;
}

int main(int argc, char **argv)
{
	struct opts o = { .conns = 32, .seconds = 5, .path = "/track-{}.html" };

	if (argc < 2)
		goto usage;
	for (int i = 2; i + 1 < argc; i += 2) {
		const char *k = argv[i], *v = argv[i + 1];
		if (!strcmp(k, "--port")) o.port = num(v);
		else if (!strcmp(k, "--requests")) o.requests = num(v);
		else if (!strcmp(k, "--conns")) o.conns = num(v);
		else if (!strcmp(k, "--seconds")) o.seconds = num(v);
		else if (!strcmp(k, "--from")) o.from = v;
		else if (!strcmp(k, "--path")) o.path = v;
		else if (!strcmp(k, "--header")) o.header = v;
		else goto usage;
	}
	if (o.port <= 0 || o.conns < 1 || o.requests < 0 || o.seconds < 0)
		goto usage;
	raise_nofile();
	srandom((unsigned)(now_ms() ^ getpid()));
	if (!strcmp(argv[1], "flood") && o.requests > 0)
		return flood(&o);
	if (!strcmp(argv[1], "slow"))
		return slow(&o);
usage:
	fprintf(stderr, "usage: httpload flood|slow --port P [--requests N] [--conns C]"
		" [--seconds S] [--from ADDR] [--path T] [--header H]\n");
	return 2;
}
