#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/http.h"
#include "core/ids.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "pipeline/providers.h"
#include "spotify/client.h"
#include "store/store.h"
#include "core/banned.h"

struct prov_account {
	int64_t id;
	char *name;
	struct spotify_client *c;
	int dead; /* cannot be used in this run (no state, needs re-auth) */
};

struct prov {
	struct store *s;
	const struct config *cfg;
	const char *data_dir;
	int64_t now_ms;
	struct prov_account *acc;
	size_t nacc;
	long requests[EP_COUNT];
	int stopped[EP_COUNT]; /* unavailable for the rest of the run */
	int spotify_stopped;   /* a long rate-limit penalty */
	int64_t rl_until;
	struct http *http;
};

static const char *const ep_names[EP_COUNT] = {
	"tracks", "artists", "audio-features", "audio-analysis", "reccobeats",
	"search",
};

const char *prov_ep_name(enum prov_ep ep)
{
	return ep_names[ep];
}

struct prov *prov_open(struct store *s, const struct config *cfg,
		       const char *data_dir, const char *account,
		       int64_t now_ms)
{
	struct prov *p = xcalloc(1, sizeof(*p));
	struct store_account *acc = NULL;
	struct strbuf err = STRBUF_INIT;
	size_t n = 0;

	p->s = s;
	p->cfg = cfg;
	p->data_dir = data_dir;
	p->now_ms = now_ms;
	if (store_accounts_list(s, account, &acc, &n, &err))
		log_warn("etl: cannot list the accounts: %s", err.buf);
	p->acc = xcalloc(n + 1, sizeof(*p->acc));
	for (size_t i = 0; i < n; i++) {
		p->acc[i].id = acc[i].id;
		p->acc[i].name = acc[i].name; /* taken */
	}
	p->nacc = n;
	free(acc);
	strbuf_release(&err);
	return p;
}

void prov_free(struct prov *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nacc; i++) {
		spotify_client_free(p->acc[i].c);
		free(p->acc[i].name);
	}
	free(p->acc);
	http_free(p->http);
	free(p);
}

/* The provider_blocks key of an endpoint, or of the batch forms. */
static const char *block_key(enum prov_ep ep, int batch)
{
	if (batch && (ep == EP_TRACKS || ep == EP_ARTISTS))
		return "spotify:batch";
	switch (ep) {
	case EP_TRACKS:
		return "spotify:tracks";
	case EP_ARTISTS:
		return "spotify:artists";
	case EP_FEATURES:
		return "spotify:audio-features";
	case EP_ANALYSIS:
		return "spotify:audio-analysis";
	case EP_SEARCH:
		return "spotify:search";
	default:
		return "reccobeats";
	}
}

static int64_t block_until(struct prov *p, const char *key, int64_t account)
{
	return store_blocks_until(p->s, key, account, p->now_ms);
}

/* Records that key may not be asked for account_id before until_ms. */
static void block_store(struct prov *p, const char *key, int64_t account_id,
			int64_t until, const char *why)
{
	struct strbuf err = STRBUF_INIT;

	if (store_blocks_put(p->s, key, account_id, until, why, &err))
		log_warn("etl: cannot record the block of '%s': %s", key,
			 err.buf);
	strbuf_release(&err);
}

static void block(struct prov *p, const char *key, struct prov_account *a,
		  const char *why)
{
	long long ttl = config_get_int(p->cfg, "etl.forbidden_ttl");
	int64_t until = p->now_ms + (int64_t)ttl * 1000;
	char when[64];

	block_store(p, key, a->id, until, why);
	/* local time, as status prints it */
	time_format_local(until, "%Y-%m-%d %H:%M %Z", when, sizeof(when));
	log_warn("etl: '%s' answered 403 for account '%s' (%s); not asking "
		 "it again before %s", key, a->name, why, when);
}

/* ReccoBeats has no account: its rate-limit penalty is kept under id 0. */
#define RECCO_ACCOUNT 0

/* A penalty of until_ms met by this run: the summary says when to go on. */
static void note_rate_limit(struct prov *p, int64_t until_ms)
{
	if (until_ms > p->rl_until)
		p->rl_until = until_ms;
}

/* The first account that may ask the endpoint, its client opened. */
static struct prov_account *pick(struct prov *p, const char *key)
{
	struct strbuf err = STRBUF_INIT;

	for (size_t i = 0; i < p->nacc; i++) {
		struct prov_account *a = &p->acc[i];
		if (a->dead || block_until(p, key, a->id))
			continue;
		if (!a->c) {
			a->c = spotify_client_open(p->cfg, p->data_dir, a->name,
						   &err);
			if (!a->c) {
				log_warn("etl: account '%s': %s", a->name,
					 err.buf);
				strbuf_reset(&err);
				a->dead = 1;
				continue;
			}
		}
		strbuf_release(&err);
		return a;
	}
	strbuf_release(&err);
	return NULL;
}

int prov_blocked(struct prov *p, enum prov_ep ep, int batch)
{
	if (p->stopped[ep])
		return 1;
	if (ep == EP_RECCOBEATS) {
		int64_t until = block_until(p, "reccobeats", RECCO_ACCOUNT);
		if (until)
			note_rate_limit(p, until);
		return until != 0;
	}
	if (p->spotify_stopped)
		return 1;
	for (size_t i = 0; i < p->nacc; i++)
		if (!p->acc[i].dead &&
		    !block_until(p, block_key(ep, batch), p->acc[i].id))
			return 0;
	return 1;
}

static enum prov_result spotify(struct prov *p, enum prov_ep ep, int batch,
				const char *path, struct strbuf *body,
				struct strbuf *err)
{
	const char *key = block_key(ep, batch);
	struct prov_account *a;

	while ((a = pick(p, key))) {
		enum sp_result r;
		int64_t nb = spotify_client_not_before(a->c);

		if (nb > time_now_ms()) {
			/* a penalty from an earlier run: ask nothing */
			p->spotify_stopped = 1;
			note_rate_limit(p, nb);
			strbuf_addf(err, "account '%s' is rate limited", a->name);
			return PR_STOPPED;
		}
		p->requests[ep]++;
		r = spotify_get(a->c, path, body, err);
		switch (r) {
		case SP_OK:
			return PR_OK;
		case SP_NOT_FOUND:
		case SP_BAD_REQUEST:
			return PR_NOT_FOUND;
		case SP_FORBIDDEN:
			block(p, key, a, "403 Forbidden");
			return PR_FORBIDDEN;
		case SP_RATE_LIMITED:
			p->spotify_stopped = 1;
			note_rate_limit(p, spotify_client_not_before(a->c));
			return PR_STOPPED;
		case SP_UNAVAILABLE:
			p->stopped[ep] = 1;
			return PR_STOPPED;
		case SP_REAUTH:
		case SP_NO_ACCOUNT:
			p->requests[ep]--;
			log_warn("etl: account '%s': %s", a->name, err->buf);
			strbuf_reset(err);
			a->dead = 1;
			break;
		}
	}
	if (!err->len)
		strbuf_addf(err, "no account may ask '%s'", ep_names[ep]);
	return PR_STOPPED;
}

/* ReccoBeats: short Retry-After waits and a few retries on 5xx. */
static enum prov_result recco(struct prov *p, const char *path,
			      struct strbuf *body, struct strbuf *err)
{
	struct strbuf url = STRBUF_INIT;
	struct http_request req;
	struct http_response res;
	long max_wait = (long)config_get_int(p->cfg, "spotify.max_wait");
	enum prov_result r = PR_STOPPED;

	if (!p->http)
		p->http = http_new();
	strbuf_addf(&url, "%s%s", config_get(p->cfg, "reccobeats.url"), path);
	memset(&req, 0, sizeof(req));
	req.url = url.buf;
	req.timeout_s = (long)config_get_int(p->cfg, "spotify.timeout");
	for (int attempt = 0; attempt < 4; attempt++) {
		enum http_result hr;
		http_response_init(&res);
		p->requests[EP_RECCOBEATS]++;
		hr = http_perform(p->http, &req, &res);
		if (hr == HTTP_OK) {
			strbuf_add(body, res.body.buf, res.body.len);
			r = PR_OK;
		} else if (hr == HTTP_NOT_FOUND || hr == HTTP_BAD_REQUEST) {
			r = PR_NOT_FOUND;
		} else if (hr == HTTP_RATE_LIMITED && res.retry_after_s >= 0 &&
			   res.retry_after_s <= max_wait && attempt < 3) {
			sleep((unsigned)res.retry_after_s);
			http_response_release(&res);
			continue;
		} else if ((hr == HTTP_SERVER_ERROR || hr == HTTP_NETWORK) &&
			   attempt < 3) {
			sleep(1u << attempt);
			http_response_release(&res);
			continue;
		} else {
			strbuf_addf(err, "reccobeats: %s (%s)",
				    http_result_name(hr), res.error);
			p->stopped[EP_RECCOBEATS] = 1;
			if (hr == HTTP_RATE_LIMITED) {
				/* persisted, so no later run calls early */
				int64_t until = time_now_ms() +
					(res.retry_after_s > 0 ? res.retry_after_s : 60) * 1000LL;
				block_store(p, "reccobeats", RECCO_ACCOUNT, until,
					    "429 rate limited");
				note_rate_limit(p, until);
			}
		}
		http_response_release(&res);
		break;
	}
	strbuf_release(&url);
	return r;
}

/* 1 when every id a path names is a Spotify id, so none can bend the URL
 * (a space, "../", a '#') or make libcurl refuse it. */
static int path_ids_valid(const char *path)
{
	const char *ids = strstr(path, "ids="), *end;

	ids = ids ? ids + 4 : strrchr(path, '/');
	if (!ids)
		return 0;
	if (*ids == '/')
		ids++;
	for (;;) {
		end = strchr(ids, ',');
		if (!spotify_id_valid(ids, end ? (size_t)(end - ids)
					       : strlen(ids)))
			return 0;
		if (!end)
			return 1;
		ids = end + 1;
	}
}

enum prov_result prov_get(struct prov *p, enum prov_ep ep, int batch,
			  const char *path, struct strbuf *body,
			  struct strbuf *err)
{
	if (ep == EP_SEARCH ? strncmp(path, "/v1/search?q=", 13) ||
			      strpbrk(path, " #\r\n")
			    : !path_ids_valid(path))
		return PR_BAD_ID;
	if (prov_blocked(p, ep, batch))
		return PR_STOPPED;
	if (ep == EP_RECCOBEATS)
		return recco(p, path, body, err);
	return spotify(p, ep, batch, path, body, err);
}

int prov_stopped(const struct prov *p, enum prov_ep ep)
{
	return p->stopped[ep] || (ep != EP_RECCOBEATS && p->spotify_stopped);
}

long prov_requests(const struct prov *p, enum prov_ep ep)
{
	return p->requests[ep];
}

int64_t prov_rate_limited_until(const struct prov *p)
{
	return p->rl_until;
}

void prov_describe_blocks(struct prov *p, struct strbuf *out)
{
	static const enum prov_ep eps[] = { EP_FEATURES, EP_ANALYSIS };

	for (size_t i = 0; i < sizeof(eps) / sizeof(eps[0]); i++) {
		int64_t until = 0;
		char when[64];
		for (size_t j = 0; j < p->nacc; j++) {
			int64_t u = block_until(p, block_key(eps[i], 0),
						p->acc[j].id);
			if (!u) {
				until = 0;
				break;
			}
			if (!until || u < until)
				until = u;
		}
		if (!until)
			continue;
		time_format_local(until, "%Y-%m-%d %H:%M %Z", when, sizeof(when));
		strbuf_addf(out, "%s%s blocked until %s", out->len ? ", " : "",
			    ep_names[eps[i]], when);
	}
}
