/*
 * The one HTTP module: wraps libcurl and answers in domain terms, so no
 * CURLcode or status arithmetic leaks upward. A struct http keeps one curl
 * handle so connections are reused; it is not thread-safe (one per thread).
 * Response bodies are capped (max_body, default 32 MiB): a hostile or broken
 * server cannot make us allocate without bound.
 */
#ifndef CORE_HTTP_H
#define CORE_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"

enum http_result {
	HTTP_OK,            /* 2xx */
	HTTP_BAD_REQUEST,   /* 400 and other 4xx not below */
	HTTP_UNAUTHORIZED,  /* 401 */
	HTTP_FORBIDDEN,     /* 403 */
	HTTP_NOT_FOUND,     /* 404 */
	HTTP_RATE_LIMITED,  /* 429: see retry_after_s */
	HTTP_SERVER_ERROR,  /* 5xx */
	HTTP_NETWORK,       /* no answer: DNS, connect, reset, timeout */
	HTTP_TOO_LARGE,     /* body over max_body */
};

struct http_request {
	const char *method;       /* NULL = GET, or "POST" */
	const char *url;
	const char *bearer;       /* Authorization: Bearer, or NULL */
	const char *basic_user;   /* Authorization: Basic, or NULL */
	const char *basic_pass;
	const char *form;         /* application/x-www-form-urlencoded body */
	long timeout_s;           /* 0 = 30 */
	size_t max_body;          /* 0 = 32 MiB */
	/*
	 * Never send twice: on a new connection. On a reused connection that
	 * dies without an answer, libcurl silently sends the request again;
	 * for a single-use refresh token that second send is a refusal that
	 * hides the lost answer (seen with the simulator's lose_token_answers).
	 */
	int once;
};

struct http_response {
	long status;              /* HTTP status, 0 when there was none */
	struct strbuf body;
	long retry_after_s;       /* from Retry-After (seconds or date), -1 if absent */
	char error[256];          /* human-readable reason when not HTTP_OK */
};

struct http;

struct http *http_new(void);
void http_free(struct http *h);

void http_response_init(struct http_response *res);
void http_response_release(struct http_response *res);

/* Performs one request; never retries (retry policy belongs to callers). */
enum http_result http_perform(struct http *h, const struct http_request *req,
			      struct http_response *res);
const char *http_result_name(enum http_result r);

/*
 * Decodes n bytes of a URL query value ("%2F" and "+" forms); returns a new
 * string the caller frees.
 */
char *http_urldecode(const char *s, size_t n);

/* Parses a Retry-After value: delta seconds or an HTTP-date. -1 if neither. */
long http_parse_retry_after(const char *v, int64_t now_ms);

#endif
