#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/http.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "core/banned.h"

struct http {
	CURL *curl;
};

/*
 * libcurl is loaded on first use (dlopen), not when spinlog starts. With its
 * dependencies (OpenSSL, GnuTLS, Kerberos, LDAP, ...) it is most of what a
 * process has resident: commands that never speak HTTP, and the daemon's
 * sleeping parent, stay without it (measured: 8.7 -> about 7 MB idle RSS
 * for the daemon). Every libcurl call in spinlog is in this file, through
 * this table.
 */
#define CURL_FUNCS(X)                                                        \
	X(global_init, CURLcode, (long))                                     \
	X(easy_init, CURL *, (void))                                         \
	X(easy_cleanup, void, (CURL *))                                      \
	X(easy_reset, void, (CURL *))                                        \
	X(easy_setopt, CURLcode, (CURL *, CURLoption, ...))                  \
	X(easy_perform, CURLcode, (CURL *))                                  \
	X(easy_getinfo, CURLcode, (CURL *, CURLINFO, ...))                   \
	X(easy_strerror, const char *, (CURLcode))                           \
	X(slist_append, struct curl_slist *, (struct curl_slist *, const char *)) \
	X(slist_free_all, void, (struct curl_slist *))                       \
	X(getdate, time_t, (const char *, const time_t *))                   \
	X(easy_unescape, char *, (CURL *, const char *, int, int *))         \
	X(free, void, (void *))

static struct {
#define X(name, ret, args) ret (*name) args;
	CURL_FUNCS(X)
#undef X
} lc;

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_setup(void)
{
	void *h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);

	if (!h) {
		fprintf(stderr, "fatal: cannot load libcurl (%s); install "
			"the libcurl4 package\n", dlerror());
		exit(1);
	}
#define X(name, ret, args)                                                   \
	*(void **)&lc.name = dlsym(h, "curl_" #name);                        \
	if (!lc.name) {                                                      \
		fprintf(stderr, "fatal: libcurl lacks curl_%s\n", #name);   \
		exit(1);                                                     \
	}
	CURL_FUNCS(X)
#undef X
	if (lc.global_init(CURL_GLOBAL_DEFAULT)) {
		fprintf(stderr, "fatal: cannot initialise libcurl\n");
		abort();
	}
}

static void curl_load(void)
{
	pthread_once(&curl_once, curl_setup);
}

struct http *http_new(void)
{
	struct http *h = xcalloc(1, sizeof(*h));

	curl_load();
	h->curl = lc.easy_init();
	if (!h->curl) {
		fprintf(stderr, "fatal: cannot initialise libcurl\n");
		abort();
	}
	return h;
}

void http_free(struct http *h)
{
	if (!h)
		return;
	lc.easy_cleanup(h->curl);
	free(h);
}

void http_response_init(struct http_response *res)
{
	res->status = 0;
	strbuf_init(&res->body, 0);
	res->retry_after_s = -1;
	res->error[0] = '\0';
}

void http_response_release(struct http_response *res)
{
	strbuf_release(&res->body);
}

long http_parse_retry_after(const char *v, int64_t now_ms)
{
	char *end;
	long n;
	time_t t;

	while (*v == ' ')
		v++;
	n = strtol(v, &end, 10);
	if (end != v && (*end == '\0' || *end == '\r' || *end == ' ') && n >= 0)
		return n;
	curl_load();
	t = lc.getdate(v, NULL);
	if (t == (time_t)-1)
		return -1;
	n = (long)(t - now_ms / 1000);
	return n < 0 ? 0 : n;
}

struct sink {
	struct http_response *res;
	int overflow;
};

static size_t on_body(char *data, size_t size, size_t n, void *user)
{
	struct sink *s = user;

	if (strbuf_add(&s->res->body, data, size * n)) {
		s->overflow = 1;
		return 0;
	}
	return size * n;
}

static size_t on_header(char *data, size_t size, size_t n, void *user)
{
	struct sink *s = user;
	size_t len = size * n;
	static const char name[] = "retry-after:";

	if (len > sizeof(name) && !strncasecmp(data, name, sizeof(name) - 1)) {
		char *v = xstrndup(data + sizeof(name) - 1,
				   len - (sizeof(name) - 1));
		char *nl = strpbrk(v, "\r\n");
		if (nl)
			*nl = '\0';
		s->res->retry_after_s = http_parse_retry_after(v, time_now_ms());
		free(v);
	}
	return len;
}

static enum http_result classify(long status)
{
	if (status >= 200 && status < 300)
		return HTTP_OK;
	switch (status) {
	case 401: return HTTP_UNAUTHORIZED;
	case 403: return HTTP_FORBIDDEN;
	case 404: return HTTP_NOT_FOUND;
	case 429: return HTTP_RATE_LIMITED;
	}
	return status >= 500 ? HTTP_SERVER_ERROR : HTTP_BAD_REQUEST;
}

enum http_result http_perform(struct http *h, const struct http_request *req,
			      struct http_response *res)
{
	struct sink sink = { res, 0 };
	struct curl_slist *hdrs = NULL;
	struct strbuf auth = STRBUF_INIT;
	enum http_result r;
	CURLcode cc;
	CURL *c = h->curl;

	strbuf_reset(&res->body);
	res->body.cap = req->max_body ? req->max_body : 32u << 20;
	res->status = 0;
	res->retry_after_s = -1;
	res->error[0] = '\0';

	lc.easy_reset(c);
	lc.easy_setopt(c, CURLOPT_URL, req->url);
	lc.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	lc.easy_setopt(c, CURLOPT_TIMEOUT, req->timeout_s ? req->timeout_s : 30L);
	lc.easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 15L);
	if (req->once)
		lc.easy_setopt(c, CURLOPT_FRESH_CONNECT, 1L);
	lc.easy_setopt(c, CURLOPT_USERAGENT, "spinlog/" SPINLOG_VERSION);
	lc.easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	lc.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	lc.easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	lc.easy_setopt(c, CURLOPT_WRITEDATA, &sink);
	lc.easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	lc.easy_setopt(c, CURLOPT_HEADERDATA, &sink);
	if (req->bearer) {
		strbuf_addf(&auth, "Authorization: Bearer %s", req->bearer);
		hdrs = lc.slist_append(hdrs, auth.buf);
	}
	if (req->basic_user) {
		lc.easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
		lc.easy_setopt(c, CURLOPT_USERNAME, req->basic_user);
		lc.easy_setopt(c, CURLOPT_PASSWORD,
				 req->basic_pass ? req->basic_pass : "");
	}
	if (req->form) {
		lc.easy_setopt(c, CURLOPT_POSTFIELDS, req->form);
		hdrs = lc.slist_append(
			hdrs, "Content-Type: application/x-www-form-urlencoded");
	} else if (req->method && !strcmp(req->method, "POST")) {
		lc.easy_setopt(c, CURLOPT_POSTFIELDS, "");
	}
	hdrs = lc.slist_append(hdrs, "Accept: application/json");
	lc.easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);

	cc = lc.easy_perform(c);
	lc.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &res->status);
	if (sink.overflow) {
		snprintf(res->error, sizeof(res->error),
			 "answer larger than %zu bytes", res->body.cap);
		r = HTTP_TOO_LARGE;
	} else if (cc != CURLE_OK) {
		snprintf(res->error, sizeof(res->error), "%s",
			 lc.easy_strerror(cc));
		r = HTTP_NETWORK;
	} else {
		r = classify(res->status);
		if (r != HTTP_OK)
			snprintf(res->error, sizeof(res->error), "HTTP %ld",
				 res->status);
	}
	/* Wipe the header buffer: it held a token. */
	if (auth.alloc)
		memset(auth.buf, 0, auth.len);
	strbuf_release(&auth);
	lc.slist_free_all(hdrs);
	return r;
}

char *http_urldecode(const char *s, size_t n)
{
	char *plus = xstrndup(s, n), *dec, *res;
	int len = 0;

	for (char *p = plus; *p; p++)
		if (*p == '+')
			*p = ' ';
	curl_load();
	dec = lc.easy_unescape(NULL, plus, 0, &len);
	if (!dec) {
		fprintf(stderr, "fatal: out of memory decoding a URL\n");
		abort();
	}
	res = xstrndup(dec, (size_t)len);
	lc.free(dec);
	free(plus);
	return res;
}

const char *http_result_name(enum http_result r)
{
	static const char *const names[] = {
		"ok", "bad request", "unauthorized", "forbidden", "not found",
		"rate limited", "server error", "network error", "too large",
	};
	return (unsigned)r < sizeof(names) / sizeof(names[0]) ? names[r] : "?";
}
