/*
 * Request flow: libmicrohttpd calls handle() once to open the request, once
 * per chunk of body (capped at MAX_BODY) and once more to answer. The answer
 * is computed under the global lock into a struct reply; then, outside the
 * lock, an injected delay is slept and the reply is sent, cut or mangled if
 * a fault says so. Spotify-facing routes first pass the rate-limit penalty
 * check and the fault draw; /_sim/... and /authorize never do.
 */
#include "server.h"
#include "audio.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "catalog.h"
#include "core/strbuf.h"
#include "core/xalloc.h"
#include "export.h"
#include "search.h"
#include "faults.h"
#include "listen.h"
#include "cover.h"
#include "rng.h"
#include "core/timeutil.h"
#include "core/banned.h"

#define MAX_BODY 65536
#define WINDOW 50

struct counter {
	char *key;
	long n;
};

static struct sim {
	pthread_mutex_t lock;
	struct catalog cat;
	struct world world;
	struct auth auth;
	struct faults faults;
	struct counter *counters;
	size_t ncounters, counters_alloc;
	long early_calls;
	char base[128];
	int dev, verbose;
} S = { .lock = PTHREAD_MUTEX_INITIALIZER };

struct reply {
	int status;
	char *body; /* malloc'd */
	size_t len;
	const char *ctype;
	char *location; /* malloc'd */
	char retry_after[64];
	int drop;
	int hold_ms; /* a token refresh waiting for its hold (token_hold_ms) */
};

struct conn_ctx {
	struct strbuf body;
	int too_big;
};

/* --- small helpers ---------------------------------------------------------- */

static const char *arg(struct MHD_Connection *c, const char *name)
{
	return MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
}

static void reply_set(struct reply *r, int status, const char *ctype, char *body, size_t len)
{
	free(r->body);
	r->status = status;
	r->ctype = ctype;
	r->body = body;
	r->len = len;
}

static void reply_json(struct reply *r, int status, cJSON *o)
{
	char *s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	reply_set(r, status, "application/json; charset=utf-8", s, strlen(s));
}

/* {"error":{"status":N,"message":msg}}; msg NULL leaves the message out. */
static void reply_error(struct reply *r, int status, const char *msg)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *e = cJSON_AddObjectToObject(o, "error");
	cJSON_AddNumberToObject(e, "status", status);
	if (msg)
		cJSON_AddStringToObject(e, "message", msg);
	reply_json(r, status, o);
}

static void reply_text(struct reply *r, int status, const char *ctype, const char *text)
{
	reply_set(r, status, ctype, xstrdup(text), strlen(text));
}

static void count(const char *key)
{
	for (size_t i = 0; i < S.ncounters; i++)
		if (!strcmp(S.counters[i].key, key)) {
			S.counters[i].n++;
			return;
		}
	ALLOC_GROW(S.counters, S.ncounters + 1, S.counters_alloc);
	S.counters[S.ncounters].key = xstrdup(key);
	S.counters[S.ncounters++].n = 1;
}

static int parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;
	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* User named by ?user=, or -1 after answering 400. */
static int user_arg(struct MHD_Connection *c, struct reply *r)
{
	const char *u = arg(c, "user");
	int i = u ? listen_user(&S.world, u) : -1;
	if (i < 0)
		reply_error(r, 400, "\"user\" must name a simulated user such as user1");
	return i;
}

/* --- /_sim/... ------------------------------------------------------------------ */

static cJSON *clock_json(void)
{
	char buf[40];
	cJSON *o = cJSON_CreateObject();
	time_format_iso(S.world.now_ms, buf);
	cJSON_AddStringToObject(o, "now", buf);
	cJSON_AddNumberToObject(o, "now_ms", (double)S.world.now_ms);
	return o;
}

static void sim_advance(struct MHD_Connection *c, struct reply *r)
{
	const char *m = arg(c, "minutes");
	char *end, err[256];
	double minutes = m ? strtod(m, &end) : -1;
	if (!m || *end || minutes <= 0 || minutes > 60.0 * 24 * 3660) {
		reply_error(r, 400, "\"minutes\" must be a positive number of minutes");
		return;
	}
	if (listen_advance(&S.world, (int64_t)(minutes * 60000.0), err, sizeof(err))) {
		reply_error(r, 400, err);
		return;
	}
	reply_json(r, 200, clock_json());
}

static void sim_binge(struct MHD_Connection *c, struct reply *r)
{
	long n;
	int u = user_arg(c, r);
	if (u < 0)
		return;
	if (parse_long(arg(c, "plays"), 1, 10000, &n)) {
		reply_error(r, 400, "\"plays\" must be a number from 1 to 10000");
		return;
	}
	S.world.users[u].binge = (int)n;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "user", arg(c, "user"));
	cJSON_AddNumberToObject(o, "plays", (double)n);
	reply_json(r, 200, o);
}

static void sim_truth(struct MHD_Connection *c, struct reply *r)
{
	int u = user_arg(c, r);
	if (u < 0)
		return;
	const struct listener *l = &S.world.users[u];
	size_t n = listen_visible(&S.world, u);
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; i < n; i++) {
		const struct play *p = &l->plays[i];
		cJSON *o = cJSON_CreateObject();
		char ts[40];
		if (p->kind == PLAY_MUSIC) {
			cJSON_AddStringToObject(o, "track_id", S.cat.tracks[p->item].id);
			cJSON_AddNullToObject(o, "episode_id");
		} else {
			cJSON_AddNullToObject(o, "track_id");
			cJSON_AddStringToObject(o, "episode_id", S.cat.episodes[p->item].id);
		}
		cJSON_AddStringToObject(o, "kind", p->kind == PLAY_MUSIC ? "music" : "podcast");
		time_format_iso(p->end_ms, ts);
		cJSON_AddStringToObject(o, "ended_at", ts);
		cJSON_AddNumberToObject(o, "ms_played", p->ms_played);
		cJSON_AddBoolToObject(o, "listed", listen_listed(p));
		cJSON_AddBoolToObject(o, "incognito", p->incognito);
		cJSON_AddItemToArray(arr, o);
	}
	reply_json(r, 200, arr);
}

/* GET /_sim/similar?a=ID&b=ID: the truth of issue 15, whether the two
 * tracks share their hidden style. */
static void sim_similar(struct MHD_Connection *c, struct reply *r)
{
	const char *a = arg(c, "a"), *b = arg(c, "b");
	int ta = a ? catalog_find_track(&S.cat, a) : -1;
	int tb = b ? catalog_find_track(&S.cat, b) : -1;
	if (ta < 0 || tb < 0) {
		reply_error(r, 404, "\"a\" and \"b\" must both name tracks of the catalog");
		return;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddBoolToObject(o, "similar", catalog_similar(&S.cat, ta, tb));
	reply_json(r, 200, o);
}

static void sim_requests(struct reply *r)
{
	cJSON *o = cJSON_CreateObject();
	for (size_t i = 0; i < S.ncounters; i++)
		cJSON_AddNumberToObject(o, S.counters[i].key, (double)S.counters[i].n);
	cJSON_AddNumberToObject(o, "early_calls", (double)S.early_calls);
	reply_json(r, 200, o);
}

static void sim_requests_reset(struct reply *r)
{
	for (size_t i = 0; i < S.ncounters; i++)
		S.counters[i].n = 0;
	S.early_calls = 0;
	sim_requests(r);
}

static void sim_export(struct MHD_Connection *c, struct reply *r)
{
	const char *pkg = arg(c, "package"), *quirks = arg(c, "quirks"), *schema = arg(c, "schema");
	int packages = EXPORT_BOTH;
	struct export_opts opts = { 0 };
	size_t len;
	int u = user_arg(c, r);
	if (u < 0)
		return;
	if (pkg && !strcmp(pkg, "extended"))
		packages = EXPORT_EXTENDED;
	else if (pkg && !strcmp(pkg, "account"))
		packages = EXPORT_ACCOUNT;
	else if (pkg && strcmp(pkg, "both")) {
		reply_error(r, 400, "\"package\" must be extended, account or both");
		return;
	}
	if (quirks && strcmp(quirks, "0") && strcmp(quirks, "1")) {
		reply_error(r, 400, "\"quirks\" must be 0 or 1");
		return;
	}
	opts.quirks = quirks && !strcmp(quirks, "1");
	opts.noise = arg(c, "noise") && !strcmp(arg(c, "noise"), "1");
	if (schema && !strcmp(schema, "endsong"))
		opts.endsong = 1;
	else if (schema && strcmp(schema, "current")) {
		reply_error(r, 400, "\"schema\" must be current or endsong");
		return;
	}
	unsigned char *zip = export_zip(&S.world, u, packages, &opts, &len);
	if (!zip) {
		reply_error(r, 500, "could not build the export zip");
		return;
	}
	reply_set(r, 200, "application/zip", (char *)zip, len);
}

static int faults_from_args(const char *query, char *err, size_t errlen);

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct strbuf *sb = cls;
	(void)kind;
	if (sb->len)
		strbuf_addch(sb, '&');
	strbuf_addstr(sb, key);
	strbuf_addch(sb, '=');
	strbuf_addstr(sb, value ? value : "");
	return MHD_YES;
}

static void sim_faults(struct MHD_Connection *c, const char *method, struct reply *r)
{
	if (!strcmp(method, "POST")) {
		struct strbuf q = STRBUF_INIT;
		char err[200];
		MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_arg, &q);
		int rc = faults_from_args(q.buf, err, sizeof(err));
		strbuf_release(&q);
		if (rc) {
			reply_error(r, 400, err);
			return;
		}
	}
	reply_json(r, 200, faults_json(&S.faults));
}

/* Parses "k=v&k=v" (already decoded values, no '&' inside) into the fault
 * configuration, replacing it; performs the one-shot actions. */
static int faults_from_args(const char *query, char *err, size_t errlen)
{
	struct faults saved = S.faults;
	char *copy = xstrdup(query), *save = NULL;
	int rc = 0;
	faults_clear(&S.faults);
	for (char *kv = strtok_r(copy, "&", &save); kv; kv = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(kv, '=');
		const char *val = eq ? eq + 1 : "";
		if (eq)
			*eq = '\0';
		if (!strcmp(kv, "expire_access")) {
			if (strcmp(val, "0"))
				auth_expire_all(&S.auth);
		} else if (!strcmp(kv, "revoke_refresh")) {
			int u = listen_user(&S.world, val);
			if (u < 0) {
				snprintf(err, errlen, "revoke_refresh: unknown user \"%s\"", val);
				rc = -1;
				break;
			}
			auth_revoke_user(&S.auth, u);
		} else if (!strcmp(kv, "replay_refresh")) {
			int u = listen_user(&S.world, val);
			if (u < 0) {
				snprintf(err, errlen, "replay_refresh: unknown user \"%s\"", val);
				rc = -1;
				break;
			}
			auth_unrevoke_user(&S.auth, u);
		} else if (faults_set(&S.faults, kv, val, err, errlen)) {
			rc = -1;
			break;
		}
	}
	if (rc) {
		struct faults now = S.faults;
		S.faults = saved;
		S.faults.rng = now.rng;
	}
	free(copy);
	return rc;
}

static void sim_img(const char *url, struct reply *r)
{
	/* /_sim/img/<id>/<size>.png */
	char id[64];
	long size;
	const char *p = url + strlen("/_sim/img/"), *slash = strchr(p, '/');
	if (!slash || (size_t)(slash - p) >= sizeof(id)) {
		reply_error(r, 404, "no such image");
		return;
	}
	memcpy(id, p, (size_t)(slash - p));
	id[slash - p] = '\0';
	char *end;
	size = strtol(slash + 1, &end, 10);
	if (!catalog_valid_id(id) || strcmp(end, ".png") || (size != 640 && size != 320 && size != 300 &&
						   size != 160 && size != 64)) {
		reply_error(r, 404, "no such image");
		return;
	}
	/* The catalog is read-only after start: no lock needed to read names. */
	int al = catalog_find_album(&S.cat, id), ar = al < 0 ? catalog_find_artist(&S.cat, id) : -1;
	const char *title = al >= 0 ? S.cat.albums[al].name : ar >= 0 ? S.cat.artists[ar].name : NULL;
	const char *artist = al >= 0 ? S.cat.artists[S.cat.albums[al].artists[0]].name : NULL;
	size_t len;
	unsigned char *png = cover_png(rng_hash_str(id), ar >= 0 ? COVER_ARTIST : COVER_ALBUM,
				       title, artist, (int)size, &len);
	if (!png) {
		reply_error(r, 500, "could not draw the image");
		return;
	}
	reply_set(r, 200, "image/png", (char *)png, len);
}

/* GET /_sim/audio/<id>.flac|.wav[?seconds=S]: the track rendered from its
 * own analysis (audio.h); seconds renders whole sections until that long.
 * <id>.json is the truth of that rendering. Rendering holds the global lock:
 * about 0.3 s of CPU a minute of audio. */
static void sim_audio(struct MHD_Connection *c, const char *url, struct reply *r)
{
	const char *p = url + strlen("/_sim/audio/"), *dot = strrchr(p, '.'), *sec = arg(c, "seconds");
	char id[CAT_ID_LEN + 1], err[128];
	long seconds = 0;
	int t = -1;
	if (dot && dot - p == CAT_ID_LEN) {
		memcpy(id, p, CAT_ID_LEN);
		id[CAT_ID_LEN] = '\0';
		t = catalog_find_track(&S.cat, id);
	}
	if (t < 0 || (strcmp(dot, ".flac") && strcmp(dot, ".wav") && strcmp(dot, ".json"))) {
		reply_error(r, 404, "no such track audio: use /_sim/audio/<track id>.flac, .wav or .json");
		return;
	}
	if (sec && parse_long(sec, 1, 100000, &seconds)) {
		reply_error(r, 400, "\"seconds\" must be a number from 1 to 100000");
		return;
	}
	unsigned char *body;
	size_t len;
	cJSON *truth;
	int flac = !strcmp(dot, ".flac");
	if (sim_audio_render(&S.cat, t, flac ? SIM_AUDIO_FLAC : SIM_AUDIO_WAV, (double)seconds, &body, &len,
			     &truth, err, sizeof(err))) {
		reply_error(r, 500, err);
		return;
	}
	if (!strcmp(dot, ".json")) { /* the truth of what .flac renders */
		free(body);
		reply_json(r, 200, truth);
		return;
	}
	cJSON_Delete(truth);
	reply_set(r, 200, flac ? "audio/flac" : "audio/wav", (char *)body, len);
}

static void route_sim(struct MHD_Connection *c, const char *method, const char *url, struct reply *r)
{
	int get = !strcmp(method, "GET"), post = !strcmp(method, "POST");
	if (!strncmp(url, "/_sim/img/", 10) && get) {
		count("GET /_sim/img");
		sim_img(url, r);
	} else if (!strncmp(url, "/_sim/audio/", 12) && get) {
		count("GET /_sim/audio");
		sim_audio(c, url, r);
	} else if (!strcmp(url, "/_sim/clock") && get)
		reply_json(r, 200, clock_json());
	else if (!strcmp(url, "/_sim/advance") && post)
		sim_advance(c, r);
	else if (!strcmp(url, "/_sim/binge") && post)
		sim_binge(c, r);
	else if (!strcmp(url, "/_sim/truth") && get)
		sim_truth(c, r);
	else if (!strcmp(url, "/_sim/similar") && get)
		sim_similar(c, r);
	else if (!strcmp(url, "/_sim/requests") && get)
		sim_requests(r);
	else if (!strcmp(url, "/_sim/requests/reset") && post)
		sim_requests_reset(r);
	else if (!strcmp(url, "/_sim/export") && get)
		sim_export(c, r);
	else if (!strcmp(url, "/_sim/faults") && (get || post))
		sim_faults(c, method, r);
	else
		reply_error(r, 404, "no such simulator endpoint (or wrong method)");
}

/* --- accounts ------------------------------------------------------------------ */

static int loopback_redirect(const char *uri)
{
	const char *p;
	if (!strncmp(uri, "http://127.0.0.1:", 17))
		p = uri + 17;
	else if (!strncmp(uri, "http://[::1]:", 13))
		p = uri + 13;
	else
		return 0;
	if (*p < '0' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	return *p == '\0' || *p == '/';
}

static void authorize_page(struct reply *r, const char *msg)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "<!DOCTYPE html><html><head><title>Error</title></head><body><h1>INVALID_CLIENT: ");
	strbuf_add_html(&sb, msg);
	strbuf_addstr(&sb, "</h1></body></html>\n");
	size_t len;
	char *s = strbuf_detach(&sb, &len);
	reply_set(r, 400, "text/html; charset=utf-8", s, len);
}

static void h_authorize(struct MHD_Connection *c, struct reply *r)
{
	const char *client = arg(c, "client_id"), *rt = arg(c, "response_type"), *redirect = arg(c, "redirect_uri");
	const char *state = arg(c, "state"), *scope = arg(c, "scope"), *method = arg(c, "code_challenge_method");
	const char *challenge = arg(c, "code_challenge"), *who = arg(c, "sim_user");
	int u = who ? listen_user(&S.world, who) : 0;

	if (!client || !*client)
		return authorize_page(r, "Invalid client");
	if (!redirect || !loopback_redirect(redirect))
		return authorize_page(r, "Invalid redirect URI");
	if (!rt || strcmp(rt, "code"))
		return authorize_page(r, "response_type must be code");
	if (!method || strcmp(method, "S256") || !challenge || strlen(challenge) != 43)
		return authorize_page(r, "code_challenge_method must be S256 with a code_challenge");
	if (u < 0)
		return authorize_page(r, "unknown sim_user");

	const char *code = auth_new_code(&S.auth, u, client, redirect, challenge, scope ? scope : "",
					 S.world.now_ms);
	struct strbuf loc = STRBUF_INIT;
	strbuf_addstr(&loc, redirect);
	strbuf_addstr(&loc, strchr(redirect, '?') ? "&code=" : "?code=");
	strbuf_add_urlencoded(&loc, code);
	if (state) {
		strbuf_addstr(&loc, "&state=");
		strbuf_add_urlencoded(&loc, state);
	}
	r->location = strbuf_detach(&loc, NULL);
	reply_text(r, 302, "text/html; charset=utf-8", "<html><body>Redirecting</body></html>\n");
}

/* Decodes one form value in place: '+' is a space, then %XX. */
static void form_decode(char *s)
{
	for (char *p = s; *p; p++)
		if (*p == '+')
			*p = ' ';
	MHD_http_unescape(s);
}

static void h_token(struct conn_ctx *ctx, struct reply *r)
{
	struct auth_token_req req = { 0 };
	char *copy = xstrdup(ctx->body.buf), *save = NULL;
	int status;
	for (char *kv = strtok_r(copy, "&", &save); kv; kv = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(kv, '=');
		if (!eq)
			continue;
		*eq = '\0';
		form_decode(kv);
		form_decode(eq + 1);
		if (!strcmp(kv, "grant_type"))
			req.grant_type = eq + 1;
		else if (!strcmp(kv, "code"))
			req.code = eq + 1;
		else if (!strcmp(kv, "redirect_uri"))
			req.redirect_uri = eq + 1;
		else if (!strcmp(kv, "client_id"))
			req.client_id = eq + 1;
		else if (!strcmp(kv, "code_verifier"))
			req.code_verifier = eq + 1;
		else if (!strcmp(kv, "refresh_token"))
			req.refresh_token = eq + 1;
	}
	cJSON *o = auth_token(&S.auth, &req, S.world.now_ms, &status);
	reply_json(r, status, o);
	if (status == 200 && req.grant_type && !strcmp(req.grant_type, "refresh_token") &&
	    S.faults.lose_token_answers > 0) {
		/* rotated above; the client never hears of it */
		S.faults.lose_token_answers--;
		count("token answers lost");
		r->drop = 1;
	}
	free(copy);
}

static int is_refresh(const struct conn_ctx *ctx)
{
	return ctx->body.buf && strstr(ctx->body.buf, "grant_type=refresh_token") != NULL;
}

/* 1 when the client has closed its end of the connection. */
static int peer_gone(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	char b;
	ssize_t n;
	if (!ci)
		return 0;
	n = recv(ci->connect_fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
	return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

/*
 * Waits out a token refresh's hold outside the global lock, then answers it,
 * unless the client hung up meanwhile: then it is dropped unprocessed (the
 * refresh token does not rotate). Returns 0 when dropped.
 */
static int token_after_hold(struct MHD_Connection *c, struct conn_ctx *ctx, struct reply *r)
{
	int64_t end = faults_now_ms() + r->hold_ms;
	while (faults_now_ms() < end) {
		struct timespec ts = { 0, 5 * 1000000L };
		if (peer_gone(c)) {
			pthread_mutex_lock(&S.lock);
			count("token refreshes abandoned");
			pthread_mutex_unlock(&S.lock);
			return 0;
		}
		nanosleep(&ts, NULL);
	}
	pthread_mutex_lock(&S.lock);
	r->hold_ms = 0;
	h_token(ctx, r);
	pthread_mutex_unlock(&S.lock);
	return 1;
}

/* --- Web API --------------------------------------------------------------------- */

static cJSON *context_json(const struct play *p, int u)
{
	char id[CAT_ID_LEN + 1];
	const char *kind;
	if (p->ctx_kind == CTX_NONE)
		return cJSON_CreateNull();
	if (p->ctx_kind == CTX_ALBUM) {
		kind = "album";
		memcpy(id, S.cat.albums[p->ctx].id, sizeof(id));
	} else {
		static const char b62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
		struct rng rg;
		kind = "playlist";
		rng_init(&rg, S.cat.seed, (uint64_t)u + 1, 0x9a71157ULL + (uint64_t)p->ctx);
		for (int i = 0; i < CAT_ID_LEN; i++)
			id[i] = b62[rng_next(&rg) % 62];
		id[CAT_ID_LEN] = '\0';
	}
	cJSON *o = cJSON_CreateObject();
	struct strbuf sb = STRBUF_INIT;
	cJSON_AddStringToObject(o, "type", kind);
	cJSON *ext = cJSON_AddObjectToObject(o, "external_urls");
	strbuf_addf(&sb, "https://open.spotify.com/%s/%s", kind, id);
	cJSON_AddStringToObject(ext, "spotify", sb.buf);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s/v1/%ss/%s", S.base, kind, id);
	cJSON_AddStringToObject(o, "href", sb.buf);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "spotify:%s:%s", kind, id);
	cJSON_AddStringToObject(o, "uri", sb.buf);
	strbuf_release(&sb);
	return o;
}

static void h_recent(struct MHD_Connection *c, int u, struct reply *r)
{
	const char *after_s = arg(c, "after"), *before_s = arg(c, "before"), *limit_s = arg(c, "limit");
	long limit = 20, after = -1, before = -1;
	const struct play *win[WINDOW];
	int nwin = 0, from, to;
	const struct listener *l = &S.world.users[u];

	if (limit_s && parse_long(limit_s, 1, 50, &limit))
		return reply_error(r, 400, "Invalid limit");
	if (after_s && before_s)
		return reply_error(r, 400, "Only one of after or before may be given");
	if (after_s && parse_long(after_s, 0, LONG_MAX, &after))
		return reply_error(r, 400, "Invalid after");
	if (before_s && parse_long(before_s, 0, LONG_MAX, &before))
		return reply_error(r, 400, "Invalid before");

	/* the window: the last 50 listed plays, newest first */
	for (size_t i = listen_visible(&S.world, u); i-- > 0 && nwin < WINDOW;)
		if (listen_listed(&l->plays[i]))
			win[nwin++] = &l->plays[i];

	if (after_s) {
		int m = 0;
		while (m < nwin && win[m]->end_ms > after)
			m++;
		from = m > limit ? m - (int)limit : 0;
		to = m;
	} else {
		from = 0;
		if (before_s)
			while (from < nwin && win[from]->end_ms >= before)
				from++;
		to = from + (int)limit < nwin ? from + (int)limit : nwin;
	}

	cJSON *o = cJSON_CreateObject();
	cJSON *items = cJSON_AddArrayToObject(o, "items");
	for (int i = from; i < to; i++) {
		cJSON *it = cJSON_CreateObject();
		char ts[40];
		cJSON_AddItemToObject(it, "track", catalog_track_json(&S.cat, win[i]->item, S.base, S.dev));
		time_format_iso(win[i]->end_ms, ts);
		cJSON_AddStringToObject(it, "played_at", ts);
		cJSON_AddItemToObject(it, "context", context_json(win[i], u));
		cJSON_AddItemToArray(items, it);
	}
	struct strbuf sb = STRBUF_INIT;
	if (to > from) {
		char a[24], b[24];
		snprintf(a, sizeof(a), "%lld", (long long)win[from]->end_ms);
		snprintf(b, sizeof(b), "%lld", (long long)win[to - 1]->end_ms);
		if (after_s)
			strbuf_addf(&sb, "%s/v1/me/player/recently-played?after=%s&limit=%ld", S.base, a, limit);
		else if (to < nwin)
			strbuf_addf(&sb, "%s/v1/me/player/recently-played?before=%s&limit=%ld", S.base, b, limit);
		if (sb.len)
			cJSON_AddStringToObject(o, "next", sb.buf);
		else
			cJSON_AddNullToObject(o, "next");
		cJSON *cur = cJSON_AddObjectToObject(o, "cursors");
		cJSON_AddStringToObject(cur, "after", a);
		cJSON_AddStringToObject(cur, "before", b);
	} else {
		cJSON_AddNullToObject(o, "next");
		cJSON_AddNullToObject(o, "cursors");
	}
	cJSON_AddNumberToObject(o, "limit", (double)limit);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s/v1/me/player/recently-played", S.base);
	struct strbuf q = STRBUF_INIT;
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_arg, &q);
	if (q.len)
		strbuf_addf(&sb, "?%s", q.buf);
	cJSON_AddStringToObject(o, "href", sb.buf);
	strbuf_release(&q);
	strbuf_release(&sb);
	reply_json(r, 200, o);
}

enum kind { K_TRACK, K_ARTIST, K_ALBUM, K_FEATURES, K_ANALYSIS, K_RECCO };

static int find_kind(enum kind k, const char *id)
{
	switch (k) {
	case K_ARTIST:
		return catalog_find_artist(&S.cat, id);
	case K_ALBUM:
		return catalog_find_album(&S.cat, id);
	default:
		return catalog_find_track(&S.cat, id);
	}
}

static cJSON *object_json(enum kind k, int i)
{
	switch (k) {
	case K_TRACK:
		return catalog_track_json(&S.cat, i, S.base, S.dev);
	case K_ARTIST:
		return catalog_artist_json(&S.cat, i, S.base, S.dev);
	case K_ALBUM:
		return catalog_album_json(&S.cat, i, S.base, S.dev);
	case K_FEATURES:
		return catalog_features_json(&S.cat, i, S.base);
	case K_ANALYSIS:
		return catalog_analysis_json(&S.cat, i);
	case K_RECCO:
		return catalog_recco_json(&S.cat, i);
	}
	return NULL;
}

static void h_single(enum kind k, const char *id, struct reply *r)
{
	if (S.dev && (k == K_FEATURES || k == K_ANALYSIS))
		return reply_error(r, 403, NULL);
	if (!catalog_valid_id(id))
		return reply_error(r, 400, "Invalid base62 id");
	int i = find_kind(k, id);
	if (i < 0)
		return reply_error(r, 404, "Resource not found");
	reply_json(r, 200, object_json(k, i));
}

static void h_batch(struct MHD_Connection *c, enum kind k, struct reply *r)
{
	static const char *keys[] = { "tracks", "artists", "albums", "audio_features", "", "content" };
	static const int max[] = { 50, 50, 20, 100, 0, 40 };
	const char *ids = arg(c, "ids");
	if (S.dev && (k == K_TRACK || k == K_ARTIST || k == K_ALBUM))
		return reply_error(r, 403, "Batch endpoints are not available to development-mode apps");
	if (S.dev && k == K_FEATURES)
		return reply_error(r, 403, NULL);
	if (!ids || !*ids)
		return reply_error(r, 400, "invalid request: ids is required");
	char *copy = xstrdup(ids), *save = NULL;
	int n = 0;
	for (const char *p = ids; *p; p++)
		n += *p == ',';
	if (n + 1 > max[k]) {
		free(copy);
		return reply_error(r, 400, "Too many ids requested");
	}
	cJSON *o = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(o, keys[k]);
	for (char *id = strtok_r(copy, ",", &save); id; id = strtok_r(NULL, ",", &save)) {
		if (!catalog_valid_id(id)) {
			if (k == K_RECCO)
				continue;
			cJSON_Delete(o);
			free(copy);
			return reply_error(r, 400, "Invalid base62 id");
		}
		int i = find_kind(k, id);
		if (i >= 0)
			cJSON_AddItemToArray(arr, object_json(k, i));
		else if (k != K_RECCO)
			cJSON_AddItemToArray(arr, cJSON_CreateNull());
	}
	free(copy);
	reply_json(r, 200, o);
}

static void h_search(struct MHD_Connection *c, struct reply *r)
{
	int status;
	const char *msg = NULL;
	cJSON *o = search_tracks(&S.cat, arg(c, "q"), arg(c, "type"), arg(c, "limit"),
				 arg(c, "offset"), S.base, S.dev, &status, &msg);
	if (!o)
		return reply_error(r, status, msg);
	reply_json(r, 200, o);
}

/* The Spotify-facing route of a request: its counter key and how to answer. */
struct route {
	const char *prefix; /* path, or prefix ending in '/' for {id} forms */
	const char *tmpl;
	enum kind kind;
	int single, auth;
};

static const struct route routes[] = {
	{ "/v1/tracks/", "GET /v1/tracks/{id}", K_TRACK, 1, 1 },
	{ "/v1/tracks", "GET /v1/tracks", K_TRACK, 0, 1 },
	{ "/v1/artists/", "GET /v1/artists/{id}", K_ARTIST, 1, 1 },
	{ "/v1/artists", "GET /v1/artists", K_ARTIST, 0, 1 },
	{ "/v1/albums/", "GET /v1/albums/{id}", K_ALBUM, 1, 1 },
	{ "/v1/albums", "GET /v1/albums", K_ALBUM, 0, 1 },
	{ "/v1/audio-features/", "GET /v1/audio-features/{id}", K_FEATURES, 1, 1 },
	{ "/v1/audio-features", "GET /v1/audio-features", K_FEATURES, 0, 1 },
	{ "/v1/audio-analysis/", "GET /v1/audio-analysis/{id}", K_ANALYSIS, 1, 1 },
	{ "/reccobeats/v1/audio-features", "GET /reccobeats/v1/audio-features", K_RECCO, 0, 0 },
};

static const struct route *find_route(const char *url)
{
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		const struct route *rt = &routes[i];
		size_t n = strlen(rt->prefix);
		if (rt->single ? !strncmp(url, rt->prefix, n) && url[n] && !strchr(url + n, '/') : !strcmp(url, rt->prefix))
			return rt;
	}
	return NULL;
}

static void answer_fault(enum fault_kind fk, const char *key, struct reply *r)
{
	if (fk == FAULT_RESET) {
		r->drop = 1;
	} else if (fk == FAULT_5XX) {
		static const int codes[] = { 500, 502, 503 };
		static const char *msgs[] = { "Server error.", "Bad gateway.", "Service unavailable" };
		int i = (int)(rng_next(&S.faults.rng) % 3);
		reply_error(r, codes[i], msgs[i]);
	} else if (fk == FAULT_429) {
		cJSON *o = cJSON_CreateObject();
		cJSON *e = cJSON_AddObjectToObject(o, "error");
		cJSON_AddNumberToObject(e, "status", 429);
		cJSON_AddStringToObject(e, "message", "API rate limit exceeded");
		if (S.faults.quota)
			cJSON_AddStringToObject(e, "reason", "QUOTA_EXCEEDED");
		reply_json(r, 429, o);
		faults_penalise(&S.faults, key, (int64_t)S.faults.retry_after_s * 1000);
		faults_retry_after(&S.faults, S.faults.retry_after_s, r->retry_after, sizeof(r->retry_after));
	}
}

/* Spotify-facing requests: penalty, fault draw, auth, then the route. */
static void route_api(struct MHD_Connection *c, const char *method, const char *url, struct conn_ctx *ctx,
		      struct reply *r, enum fault_kind *fk, int *slow)
{
	const struct route *rt = NULL;
	int is_token = !strcmp(url, "/api/token"), is_recent = !strcmp(url, "/v1/me/player/recently-played");
	int is_search = !strcmp(url, "/v1/search");
	const char *tmpl;
	char key[32];
	int user = -1;

	if (is_token)
		tmpl = "POST /api/token";
	else if (is_recent)
		tmpl = "GET /v1/me/player/recently-played";
	else if (is_search)
		tmpl = "GET /v1/search";
	else if ((rt = find_route(url)))
		tmpl = rt->tmpl;
	else
		return reply_error(r, 404, "Service not found");
	if (strcmp(method, is_token ? "POST" : "GET"))
		return reply_error(r, 405, "Method not allowed");
	count(tmpl);

	if (!is_token && !(rt && !rt->auth))
		user = auth_bearer(&S.auth, MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization"),
				   S.world.now_ms);
	if (is_token)
		snprintf(key, sizeof(key), "accounts");
	else if (rt && !rt->auth)
		snprintf(key, sizeof(key), "reccobeats");
	else if (user >= 0)
		snprintf(key, sizeof(key), "user%d", user + 1);
	else
		snprintf(key, sizeof(key), "anonymous");

	int64_t left = faults_penalty_left(&S.faults, key);
	if (left > 0) {
		S.early_calls++;
		reply_error(r, 429, "API rate limit exceeded");
		faults_retry_after(&S.faults, (left + 999) / 1000, r->retry_after, sizeof(r->retry_after));
		return;
	}
	*fk = faults_draw(&S.faults, slow);
	if (*fk == FAULT_RESET || *fk == FAULT_5XX || *fk == FAULT_429) {
		answer_fault(*fk, key, r);
		*fk = FAULT_NONE;
		return;
	}
	if (ctx->too_big)
		return reply_error(r, 413, "request body too large");
	if (is_token && is_refresh(ctx) && S.faults.token_hold_ms > 0) {
		r->hold_ms = S.faults.token_hold_ms;
		return;
	}
	if (is_token)
		return h_token(ctx, r);
	if (user == -1 && !(rt && !rt->auth))
		return reply_error(r, 401, "No token provided");
	if (user == -2)
		return reply_error(r, 401, "The access token expired");
	if (is_recent)
		return h_recent(c, user, r);
	if (is_search)
		return h_search(c, r);
	if (rt->single)
		return h_single(rt->kind, url + strlen(rt->prefix), r);
	h_batch(c, rt->kind, r);
}

/* --- sending -------------------------------------------------------------------- */

struct cut {
	char *body;
	size_t len, sent;
};

static ssize_t cut_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct cut *cut = cls;
	size_t half = cut->len / 2;
	if (pos >= half)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	size_t n = half - (size_t)pos < max ? half - (size_t)pos : max;
	memcpy(buf, cut->body + pos, n);
	return (ssize_t)n;
}

static void cut_free(void *cls)
{
	struct cut *cut = cls;
	free(cut->body);
	free(cut);
}

static enum MHD_Result send_reply(struct MHD_Connection *c, struct reply *r, enum fault_kind fk)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	if (fk == FAULT_MALFORMED) {
		struct strbuf sb = STRBUF_INIT;
		strbuf_add(&sb, r->body, r->len / 2);
		strbuf_addstr(&sb, "<html><body><h1>502 Bad Gateway</h1></body></html>");
		free(r->body);
		r->body = strbuf_detach(&sb, &r->len);
		r->status = 200;
	}
	if (fk == FAULT_TRUNCATE && r->len > 1) {
		struct cut *cut = xmalloc(sizeof(*cut));
		cut->body = r->body;
		cut->len = r->len;
		cut->sent = 0;
		r->body = NULL;
		r->status = 200;
		resp = MHD_create_response_from_callback(cut->len, 4096, cut_reader, cut, cut_free);
	} else {
		resp = MHD_create_response_from_buffer(r->len, r->body, MHD_RESPMEM_MUST_FREE);
		r->body = NULL;
	}
	if (!resp)
		return MHD_NO;
	if (r->ctype)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->ctype);
	if (r->location)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, r->location);
	if (r->retry_after[0])
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, r->retry_after);
	ret = MHD_queue_response(c, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	free(r->location);
	return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
			      const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct conn_ctx *ctx = *con_cls;
	struct reply r;
	enum fault_kind fk = FAULT_NONE;
	int slow = 0;
	(void)cls;
	(void)version;

	if (!ctx) {
		ctx = xcalloc(1, sizeof(*ctx));
		strbuf_init(&ctx->body, 0);
		*con_cls = ctx;
		return MHD_YES;
	}
	if (*upload_size) {
		if (ctx->body.len + *upload_size > MAX_BODY)
			ctx->too_big = 1;
		else
			strbuf_add(&ctx->body, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}

	memset(&r, 0, sizeof(r));
	pthread_mutex_lock(&S.lock);
	if (!strncmp(url, "/_sim/", 6))
		route_sim(c, method, url, &r);
	else if (!strcmp(url, "/authorize")) {
		count("GET /authorize");
		h_authorize(c, &r);
	} else
		route_api(c, method, url, ctx, &r, &fk, &slow);
	pthread_mutex_unlock(&S.lock);
	if (r.hold_ms && !token_after_hold(c, ctx, &r)) {
		free(r.body);
		return MHD_NO;
	}

	if (S.verbose)
		fprintf(stderr, "spotify-sim: %s %s -> %d%s\n", method, url, r.status, r.drop ? " (dropped)" : "");
	if (slow) {
		struct timespec ts = { slow / 1000, (long)(slow % 1000) * 1000000L };
		nanosleep(&ts, NULL);
	}
	if (r.drop) {
		free(r.body);
		free(r.location);
		return MHD_NO;
	}
	if (!r.body)
		reply_text(&r, r.status ? r.status : 500, "text/plain", "");
	return send_reply(c, &r, fk);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct conn_ctx *ctx = *con_cls;
	(void)cls;
	(void)c;
	(void)toe;
	if (!ctx)
		return;
	strbuf_release(&ctx->body);
	free(ctx);
	*con_cls = NULL;
}

/* --- start and stop ---------------------------------------------------------------- */

static int write_port_file(const char *path, int port)
{
	struct strbuf tmp = STRBUF_INIT;
	FILE *f;
	int rc = -1;
	strbuf_addf(&tmp, "%s.tmp.%ld", path, (long)getpid());
	f = fopen(tmp.buf, "w");
	if (!f)
		goto out;
	fprintf(f, "%d\n", port);
	if (fclose(f) == 0 && rename(tmp.buf, path) == 0)
		rc = 0;
out:
	if (rc)
		fprintf(stderr, "spotify-sim: cannot write port file \"%s\": %s\n", path, strerror(errno));
	strbuf_release(&tmp);
	return rc;
}

int server_run(const struct sim_config *cfg)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
	struct MHD_Daemon *d;
	sigset_t set;
	int sig, port, v6 = 0;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, cfg->bind, &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
		struct sockaddr_in *sa = (struct sockaddr_in *)&ss;
		sa->sin_family = AF_INET;
		sa->sin_port = htons((uint16_t)cfg->port);
		sslen = sizeof(*sa);
	} else if (inet_pton(AF_INET6, cfg->bind, &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		struct sockaddr_in6 *sa = (struct sockaddr_in6 *)&ss;
		sa->sin6_family = AF_INET6;
		sa->sin6_port = htons((uint16_t)cfg->port);
		sslen = sizeof(*sa);
		flags |= MHD_USE_IPv6;
		v6 = 1;
	} else {
		fprintf(stderr, "spotify-sim: --bind \"%s\" is not an IP address\n", cfg->bind);
		return -1;
	}
	(void)sslen;

	catalog_init(&S.cat, cfg->seed);
	listen_init(&S.world, &S.cat, cfg->seed, cfg->users, cfg->start_ms);
	auth_init(&S.auth, cfg->seed, cfg->token_ttl_s * 1000);
	faults_init(&S.faults, cfg->seed);
	S.dev = cfg->dev;
	S.verbose = cfg->verbose;
	if (cfg->faults) {
		char err[200];
		if (faults_from_args(cfg->faults, err, sizeof(err))) {
			fprintf(stderr, "spotify-sim: --faults: %s\n", err);
			return -1;
		}
	}

	/* block the signals before any thread starts, then wait for them here */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	d = MHD_start_daemon(flags, 0, NULL, NULL, handle, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
			     MHD_OPTION_NOTIFY_COMPLETED, completed, NULL, MHD_OPTION_CONNECTION_TIMEOUT,
			     (unsigned)120, MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "spotify-sim: cannot listen on %s port %d: %s\n", cfg->bind, cfg->port,
			strerror(errno));
		return -1;
	}
	port = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)->port;
	{
		const char *host = cfg->bind;
		if (!strcmp(host, "0.0.0.0"))
			host = "127.0.0.1";
		else if (!strcmp(host, "::"))
			host = "::1";
		pthread_mutex_lock(&S.lock);
		snprintf(S.base, sizeof(S.base), v6 ? "http://[%s]:%d" : "http://%s:%d", host, port);
		pthread_mutex_unlock(&S.lock);
	}
	if (cfg->port_file && write_port_file(cfg->port_file, port)) {
		MHD_stop_daemon(d);
		return -1;
	}
	if (cfg->verbose)
		fprintf(stderr, "spotify-sim: listening on %s (seed %llu, %d users, %s mode, %d tracks)\n", S.base,
			(unsigned long long)cfg->seed, cfg->users, cfg->dev ? "development" : "legacy", S.cat.ntracks);

	while (sigwait(&set, &sig) != 0)
		;
	MHD_stop_daemon(d);
	listen_release(&S.world);
	auth_release(&S.auth);
	catalog_release(&S.cat);
	for (size_t i = 0; i < S.ncounters; i++)
		free(S.counters[i].key);
	free(S.counters);
	return 0;
}
