/*
 * lb-client: a ListenBrainz submit-listens client for bench/lb_bench.sh.
 * One connection kept alive (HTTP/1.1), requests one after another, each
 * answer read whole before the next is sent, so the figure is the server's
 * turnaround on loopback.
 *
 *   lb-client PORT TOKEN single N T0     N requests of one listen each
 *   lb-client PORT TOKEN import B N T0   B requests of N listens each
 *
 * Listens start at T0, 400 s apart, each a new song. Prints the requests,
 * listens, seconds and rates; exits 1 on any answer but 200.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/strbuf.h"
#include "core/banned.h"

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void body(struct strbuf *b, const char *type, long first, long n, long t0)
{
	strbuf_reset(b);
	strbuf_addf(b, "{\"listen_type\":\"%s\",\"payload\":[", type);
	for (long i = first; i < first + n; i++)
		strbuf_addf(b, "%s{\"listened_at\":%ld,\"track_metadata\":{\"artist_name\":"
			    "\"Bench Artist %ld\",\"track_name\":\"Bench Song %ld\","
			    "\"release_name\":\"Bench Album\",\"additional_info\":"
			    "{\"duration_ms\":180000,\"submission_client\":\"lb-client\"}}}",
			    i > first ? "," : "", t0 + 400 * i, i % 500, i);
	strbuf_addstr(b, "]}");
}

/* Reads one answer; its status, or -1. */
static int answer(int fd)
{
	static char buf[65536];
	size_t have = 0;
	char *hdr_end, *cl;
	long len;
	int status;

	for (;;) {
		ssize_t r = read(fd, buf + have, sizeof(buf) - 1 - have);
		if (r <= 0)
			return -1;
		have += (size_t)r;
		buf[have] = '\0';
		if ((hdr_end = strstr(buf, "\r\n\r\n")))
			break;
	}
	status = (int)strtol(buf + 9, NULL, 10);
	cl = strcasestr(buf, "content-length:");
	len = cl ? strtol(cl + 15, NULL, 10) : 0;
	while ((long)(have - (size_t)(hdr_end + 4 - buf)) < len) {
		ssize_t r = read(fd, buf + have, sizeof(buf) - 1 - have);
		if (r <= 0)
			return -1;
		have += (size_t)r;
	}
	return status;
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { 0 };
	struct strbuf b = STRBUF_INIT, req = STRBUF_INIT;
	int fd, one = 1, imp;
	long reqs, per, t0;
	double t;

	if (argc < 6 || (strcmp(argv[3], "single") && (strcmp(argv[3], "import") || argc < 7))) {
		fputs("usage: lb-client PORT TOKEN single N T0 | import B N T0\n", stderr);
		return 2;
	}
	imp = !strcmp(argv[3], "import");
	reqs = strtol(argv[4], NULL, 10);
	per = imp ? strtol(argv[5], NULL, 10) : 1;
	t0 = strtol(argv[imp ? 6 : 5], NULL, 10);
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)strtol(argv[1], NULL, 10));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		perror("lb-client: connect");
		return 1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	t = now();
	for (long i = 0; i < reqs; i++) {
		body(&b, imp ? "import" : "single", i * per, per, t0);
		strbuf_reset(&req);
		strbuf_addf(&req, "POST /1/submit-listens HTTP/1.1\r\nHost: 127.0.0.1\r\n"
			    "Authorization: Token %s\r\nContent-Type: application/json\r\n"
			    "Content-Length: %zu\r\n\r\n%s", argv[2], b.len, b.buf);
		if (write(fd, req.buf, req.len) != (ssize_t)req.len) {
			perror("lb-client: write");
			return 1;
		}
		int st = answer(fd);
		if (st != 200) {
			fprintf(stderr, "lb-client: request %ld: status %d\n", i, st);
			return 1;
		}
	}
	t = now() - t;
	printf("%ld requests, %ld listens, %.3f s: %.0f requests/s, %.0f listens/s\n",
	       reqs, reqs * per, t, (double)reqs / t, (double)(reqs * per) / t);
	close(fd);
	strbuf_release(&b);
	strbuf_release(&req);
	return 0;
}
