/*
 * The ListenBrainz API of serve (listenbrainz.h). The checks of a
 * submission run in ListenBrainz's order, so the first thing wrong is the
 * error a client gets, with ListenBrainz's words: the request (size, JSON,
 * payload, listen_type), then each listen in turn (listened_at, top-level
 * keys, names, tags, durations, MBIDs, unicode NUL). Then the listens are
 * imported and their accepted track_metadata kept for the read-backs.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <cjson/cJSON.h>
#include <openssl/evp.h>

#include "core/hash.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "pipeline/import_mem.h"
#include "sources/listenbrainz.h"
#include "store/store.h"
#include "web/listenbrainz.h"
#include "core/banned.h"

#define MAX_LISTEN_SIZE 10240
#define MAX_LISTENS 1000
#define MAX_TAGS 50
#define MAX_TAG_SIZE 64
#define ALLOWED_SKEW_S 3600            /* API_LISTENED_AT_ALLOWED_SKEW */
#define MAX_DURATION (24LL * 24 * 3600) /* MAX_DURATION_LIMIT */
#define PLAYING_NOW_MAX_S 600           /* PLAYING_NOW_MAX_DURATION */
#define MAX_ITEMS_PER_GET 1000
#define DEFAULT_ITEMS_PER_GET 25

enum lb_type { LB_SINGLE = 1, LB_IMPORT = 2, LB_PLAYING_NOW = 3 };

/* Appends s[0..n) as a JSON string (U+0000 as \u0000). */
static void json_str_n(struct strbuf *sb, const char *s, size_t n)
{
	strbuf_addch(sb, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			strbuf_addf(sb, "\\%c", c);
		else if (c < 0x20)
			strbuf_addf(sb, "\\u%04x", c);
		else
			strbuf_addch(sb, c);
	}
	strbuf_addch(sb, '"');
}

static unsigned error(struct strbuf *out, unsigned code, const char *msg, size_t n)
{
	strbuf_reset(out);
	strbuf_addf(out, "{\"code\": %u, \"error\": ", code);
	json_str_n(out, msg, n);
	strbuf_addstr(out, "}");
	return code;
}

/* An error with a literal message. */
#define ERR(out, code, lit) error(out, code, lit, sizeof(lit) - 1)

static unsigned bad(struct strbuf *out, const char *msg)
{
	return error(out, 400, msg, strlen(msg));
}

/* ---- tokens ---- */

void lb_token_hash(const char *token, char hex[65])
{
	unsigned char md[32];
	unsigned int n = 0;

	EVP_Digest(token, strlen(token), md, &n, EVP_sha256(), NULL);
	for (unsigned i = 0; i < 32; i++) {
		hex[2 * i] = "0123456789abcdef"[md[i] >> 4];
		hex[2 * i + 1] = "0123456789abcdef"[md[i] & 15];
	}
	hex[64] = '\0';
}

int lb_token_new(char out[37])
{
	unsigned char b[16];

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		return -1;
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* a version 4 UUID, as ListenBrainz's */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	for (int i = 0, o = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = "0123456789abcdef"[b[i] >> 4];
		out[o++] = "0123456789abcdef"[b[i] & 15];
	}
	out[36] = '\0';
	return 0;
}

/*
 * ListenBrainz takes the second word of "Authorization: Token T" whatever
 * the first one says ("split(' ')[1]").
 */
static char *auth_token(const char *header)
{
	const char *sp = header ? strchr(header, ' ') : NULL;
	const char *end;

	if (!sp)
		return NULL;
	end = strchr(sp + 1, ' ');
	return xstrndup(sp + 1, end ? (size_t)(end - sp - 1) : strlen(sp + 1));
}

/* 0 with the account, or the status of the 401 (or 500) in out. */
static unsigned authorise(struct store *s, const struct lb_request *r,
			  int64_t *account_id, char **account, struct strbuf *out)
{
	struct strbuf err = STRBUF_INIT;
	char hex[65], *tok;
	int found;

	if (!r->authorization || !*r->authorization)
		return ERR(out, 401, "You need to provide an Authorization header.");
	tok = auth_token(r->authorization);
	if (!tok) {
		static const char m[] = "Provided Authorization header is invalid.";
		return error(out, 401, m, sizeof(m) - 1);
	}
	lb_token_hash(tok, hex);
	free(tok);
	found = store_lb_token_find(s, hex, time_now_ms(), account_id, account, &err);
	strbuf_release(&err);
	if (found < 0)
		return ERR(out, 500, "Something went wrong. Please try again.");
	if (!found)
		return ERR(out, 401, "Invalid authorization token.");
	return 0;
}

static unsigned validate_token(struct store *s, const struct lb_request *r,
			       struct strbuf *out)
{
	const char *h = r->authorization;
	struct strbuf err = STRBUF_INIT;
	char *tok = NULL, *account = NULL, hex[65];
	int64_t id;
	int found;

	if (h && !strncasecmp(h, "token ", 6))
		tok = auth_token(h);
	else if (r->query && r->query(r->query_cls, "token"))
		tok = xstrdup(r->query(r->query_cls, "token"));
	if (!tok || !*tok) {
		free(tok);
		return bad(out, "You need to provide an Authorization token.");
	}
	lb_token_hash(tok, hex);
	free(tok);
	found = store_lb_token_find(s, hex, time_now_ms(), &id, &account, &err);
	strbuf_release(&err);
	if (found < 0)
		return ERR(out, 500, "Something went wrong. Please try again.");
	strbuf_reset(out);
	if (!found) {
		strbuf_addstr(out, "{\"code\": 200, \"message\": \"Token invalid.\","
			      " \"valid\": false}");
		return 200;
	}
	strbuf_addstr(out, "{\"code\": 200, \"message\": \"Token valid.\","
		      " \"valid\": true, \"user_name\": ");
	strbuf_add_json_str(out, account);
	strbuf_addstr(out, "}");
	free(account);
	return 200;
}

/* ---- unicode NUL ---- */

/*
 * cJSON cuts a string at "\u0000", so the request's text is scanned for
 * them first: for each listen of the payload, the first string value
 * holding a U+0000, decoded (ListenBrainz's message shows it).
 */
struct nul_scan {
	const char *p, *end;
	int depth, payload_depth; /* payload_depth: the payload array's, or 0 */
	size_t listen;            /* index in the payload */
	char **hit;               /* per listen: the value, or NULL */
	size_t *hitlen, nhit;
	char key[16];
};

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
	     : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Decodes the string at p (after its quote) into sb; returns its end, and *nul. */
static const char *scan_string(const char *p, const char *end, struct strbuf *sb,
			       int *nul)
{
	*nul = 0;
	while (p < end && *p != '"') {
		if (*p != '\\') {
			*nul |= *p == '\0';
			strbuf_addch(sb, *p++);
			continue;
		}
		if (++p >= end)
			break;
		if (*p == 'u' && end - p >= 5) {
			int v = 0;
			for (int i = 1; i <= 4; i++)
				v = v * 16 + (hexval(p[i]) < 0 ? 0 : hexval(p[i]));
			*nul |= v == 0;
			if (v < 0x80)
				strbuf_addch(sb, v);
			else
				utf8_add_cp(sb, (uint32_t)v);
			p += 5;
			continue;
		}
		strbuf_addch(sb, *p == 'n' ? '\n' : *p == 't' ? '\t' : *p == 'r' ? '\r'
			     : *p == 'b' ? '\b' : *p == 'f' ? '\f' : *p);
		p++;
	}
	return p < end ? p + 1 : end;
}

static void scan_value_string(struct nul_scan *n, struct strbuf *sb, int nul)
{
	const char *q = n->p;

	while (q < n->end && isspace((unsigned char)*q))
		q++;
	if (q < n->end && *q == ':') { /* a key */
		if (n->depth == 1)
			snprintf(n->key, sizeof(n->key), "%s", sb->buf);
		return;
	}
	if (nul && n->payload_depth && n->depth > n->payload_depth &&
	    n->listen < n->nhit && !n->hit[n->listen]) {
		n->hit[n->listen] = xmalloc(sb->len + 1);
		memcpy(n->hit[n->listen], sb->buf, sb->len + 1);
		n->hitlen[n->listen] = sb->len;
	}
}

static void nul_scan_run(struct nul_scan *n)
{
	struct strbuf sb = STRBUF_INIT;
	int nul;

	while (n->p < n->end) {
		char c = *n->p++;
		if (c == '"') {
			strbuf_reset(&sb);
			n->p = scan_string(n->p, n->end, &sb, &nul);
			scan_value_string(n, &sb, nul);
		} else if (c == '{' || c == '[') {
			n->depth++;
			if (c == '[' && n->depth == 2 && !strcmp(n->key, "payload"))
				n->payload_depth = 2;
		} else if (c == '}' || c == ']') {
			if (n->depth == n->payload_depth)
				n->payload_depth = 0;
			n->depth--;
		} else if (c == ',' && n->payload_depth && n->depth == n->payload_depth) {
			n->listen++;
		}
	}
	strbuf_release(&sb);
}

/* ---- one listen ---- */

/* Python's int(v): numbers truncated, booleans, strings of digits. */
static int py_int(const cJSON *v, int64_t *out)
{
	if (cJSON_IsBool(v)) {
		*out = cJSON_IsTrue(v);
		return 0;
	}
	if (cJSON_IsNumber(v)) {
		if (v->valuedouble > 9e18 || v->valuedouble < -9e18)
			return -1;
		*out = (int64_t)v->valuedouble;
		return 0;
	}
	if (cJSON_IsString(v)) {
		const char *p = v->valuestring;
		char *end;
		while (isspace((unsigned char)*p))
			p++;
		if (!*p || (!isdigit((unsigned char)*p) && !isdigit((unsigned char)p[1])))
			return -1;
		long long n = strtoll(p, &end, 10);
		while (isspace((unsigned char)*end))
			end++;
		if (*end)
			return -1;
		*out = n;
		return 0;
	}
	return -1;
}

/* Python's bool(v) is False. */
static int falsy(const cJSON *v)
{
	return cJSON_IsNull(v) || cJSON_IsFalse(v) ||
	       (cJSON_IsNumber(v) && v->valuedouble == 0) ||
	       (cJSON_IsString(v) && !*v->valuestring) ||
	       ((cJSON_IsArray(v) || cJSON_IsObject(v)) && !v->child);
}

/* uuid.UUID(s): "urn:" and "uuid:", braces and hyphens aside, 32 hex digits. */
static int valid_uuid(const cJSON *v)
{
	const char *p;
	int n = 0;

	if (!cJSON_IsString(v))
		return 0;
	p = v->valuestring;
	if (!strncmp(p, "urn:", 4))
		p += 4;
	if (!strncmp(p, "uuid:", 5))
		p += 5;
	while (*p == '{')
		p++;
	for (; *p && *p != '}'; p++) {
		if (*p == '-')
			continue;
		if (hexval(*p) < 0)
			return 0;
		n++;
	}
	while (*p == '}')
		p++;
	return !*p && n == 32;
}

static size_t codepoints(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* track_metadata[key]: a string, stripped, not empty (when required). */
static const char *basic(cJSON *tm, const char *key, int required, char *msg,
			 size_t n)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(tm, key);
	const char *p, *e;

	if (!v) {
		if (required)
			snprintf(msg, n, "JSON document does not contain required "
				 "field track_metadata.%s.", key);
		return required ? msg : NULL;
	}
	if (!cJSON_IsString(v)) {
		snprintf(msg, n, "track_metadata.%s must be a single string.", key);
		return msg;
	}
	for (p = v->valuestring; isspace((unsigned char)*p); p++)
		;
	for (e = p + strlen(p); e > p && isspace((unsigned char)e[-1]); e--)
		;
	if (e == p) {
		snprintf(msg, n, "field track_metadata.%s is empty.", key);
		return msg;
	}
	char *t = xstrndup(p, (size_t)(e - p));
	cJSON_SetValuestring(v, t);
	free(t);
	return NULL;
}

static const char *check_tags(cJSON *ai, char *msg, size_t n)
{
	cJSON *tags = cJSON_GetObjectItemCaseSensitive(ai, "tags"), *t;

	if (!tags)
		return NULL;
	if (cJSON_GetArraySize(tags) > MAX_TAGS) {
		snprintf(msg, n, "JSON document may not contain more than %d items "
			 "in track_metadata.additional_info.tags.", MAX_TAGS);
		return msg;
	}
	cJSON_ArrayForEach(t, tags) {
		size_t len = cJSON_IsString(t) ? codepoints(t->valuestring)
			   : (size_t)cJSON_GetArraySize(t);
		if (len > MAX_TAG_SIZE) {
			snprintf(msg, n, "JSON document may not contain track_metadata."
				 "additional_info.tags longer than %d characters.",
				 MAX_TAG_SIZE);
			return msg;
		}
	}
	return NULL;
}

static const char *check_duration(cJSON *ai, const char *key, int64_t max,
				  char *msg, size_t n)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(ai, key);
	int64_t d;

	if (!v)
		return NULL;
	if (py_int(v, &d) || d <= 0) {
		snprintf(msg, n, "Value for %s is invalid, should be a positive "
			 "integer.", key);
		return msg;
	}
	if (d > max) {
		snprintf(msg, n, "Value for %s is too large, max permitted value is "
			 "%lld", key, (long long)max);
		return msg;
	}
	cJSON_ReplaceItemInObjectCaseSensitive(ai, key, cJSON_CreateNumber((double)d));
	return NULL;
}

/* The MBID fields: empty ones dropped, the rest must be UUIDs. */
static const char *check_mbids(cJSON *ai, char *msg, size_t n)
{
	static const char *const one[] = { "release_mbid", "recording_mbid",
					   "release_group_mbid", "track_mbid" };
	static const char *const many[] = { "artist_mbids", "work_mbids" };

	for (size_t i = 0; i < 4; i++) {
		cJSON *v = cJSON_GetObjectItemCaseSensitive(ai, one[i]);
		if (v && falsy(v))
			cJSON_DeleteItemFromObjectCaseSensitive(ai, one[i]);
		else if (v && !valid_uuid(v))
			return snprintf(msg, n, "%s MBID format invalid.", one[i]), msg;
	}
	for (size_t i = 0; i < 2; i++) {
		cJSON *v = cJSON_GetObjectItemCaseSensitive(ai, many[i]), *m, *next;
		if (v && falsy(v)) {
			cJSON_DeleteItemFromObjectCaseSensitive(ai, many[i]);
			continue;
		}
		if (v && !cJSON_IsArray(v))
			return snprintf(msg, n, "%s MBID format invalid.", many[i]), msg;
		for (m = v ? v->child : NULL; m; m = next) {
			next = m->next;
			if (falsy(m))
				cJSON_Delete(cJSON_DetachItemViaPointer(v, m));
			else if (!valid_uuid(m))
				return snprintf(msg, n, "%s MBID format invalid.",
						many[i]), msg;
		}
	}
	return NULL;
}

static const char *check_additional(cJSON *tm, char *msg, size_t n)
{
	cJSON *ai = cJSON_GetObjectItemCaseSensitive(tm, "additional_info");
	const char *why;

	if (!cJSON_IsObject(ai))
		return NULL;
	if ((why = check_tags(ai, msg, n)))
		return why;
	if (cJSON_GetObjectItemCaseSensitive(ai, "duration") &&
	    cJSON_GetObjectItemCaseSensitive(ai, "duration_ms"))
		return "JSON document should not contain both duration and duration_ms.";
	if ((why = check_duration(ai, "duration", MAX_DURATION, msg, n)) ||
	    (why = check_duration(ai, "duration_ms", MAX_DURATION * 1000, msg, n)))
		return why;
	return check_mbids(ai, msg, n);
}

static const char *check_listened_at(cJSON *l, int64_t now_s, char *msg, size_t n)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(l, "listened_at");
	int64_t ts;

	(void)msg;
	(void)n;
	if (!v)
		return "JSON document must contain the key listened_at at the top level.";
	if (py_int(v, &ts))
		return "JSON document must contain an int value for listened_at.";
	if (ts >= now_s + ALLOWED_SKEW_S)
		return "Value for key listened_at is too high.";
	/* (sic: ListenBrainz's message names 1033410600, its check 1033430400) */
	if (ts < SCROBBLE_MIN_TS)
		return "Value for key listened_at is too low. listened_at timestamp "
		       "should be greater than 1033410600 (2002-10-01 00:00:00 UTC).";
	cJSON_ReplaceItemInObjectCaseSensitive(l, "listened_at",
					       cJSON_CreateNumber((double)ts));
	return NULL;
}

static const char *check_top(cJSON *l, int type, int64_t now_s, char *msg, size_t n)
{
	static const char no_tm[] = "JSON document must contain the key "
		"track_metadata at the top level.";
	const char *why;

	if (type != LB_PLAYING_NOW) {
		if ((why = check_listened_at(l, now_s, msg, n)))
			return why;
		if (!cJSON_GetObjectItemCaseSensitive(l, "track_metadata"))
			return no_tm;
		if (cJSON_GetArraySize(l) > 2)
			return "JSON document may only contain listened_at and "
			       "track_metadata top level keys";
		return NULL;
	}
	if (cJSON_GetObjectItemCaseSensitive(l, "listened_at"))
		return "JSON document must not contain listened_at while submitting"
		       " playing_now.";
	if (!cJSON_GetObjectItemCaseSensitive(l, "track_metadata"))
		return no_tm;
	if (cJSON_GetArraySize(l) > 1)
		return "JSON document may only contain track_metadata as top level"
		       " key when submitting playing_now.";
	return NULL;
}

/* NULL when the listen is valid (and normalised as ListenBrainz does). */
static const char *validate_listen(cJSON *l, int type, int64_t now_s, char *msg,
				   size_t n)
{
	cJSON *tm;
	const char *why;

	if (!l || cJSON_IsNull(l))
		return "Listen is empty and cannot be validated.";
	if (!cJSON_IsObject(l))
		return "Invalid JSON document submitted.";
	if ((why = check_top(l, type, now_s, msg, n)))
		return why;
	tm = cJSON_GetObjectItemCaseSensitive(l, "track_metadata");
	if (cJSON_IsNull(tm))
		return "JSON document may not have track_metadata with null value.";
	if (!cJSON_IsObject(tm))
		return "JSON document does not contain required field "
		       "track_metadata.track_name.";
	if ((why = basic(tm, "track_name", 1, msg, n)) ||
	    (why = basic(tm, "artist_name", 1, msg, n)) ||
	    (why = basic(tm, "release_name", 0, msg, n)))
		return why;
	return check_additional(tm, msg, n);
}

/* ---- submit-listens ---- */

struct submit {
	cJSON *doc, *payload;
	int type;
	size_t n;
	struct nul_scan nul;
};

static void submit_release(struct submit *sm)
{
	for (size_t i = 0; i < sm->nul.nhit; i++)
		free(sm->nul.hit[i]);
	free(sm->nul.hit);
	free(sm->nul.hitlen);
	cJSON_Delete(sm->doc);
}

/* The request as a whole, as ListenBrainz checks it before the listens. */
static unsigned check_envelope(const struct lb_request *r, struct submit *sm,
			       struct strbuf *out)
{
	cJSON *lt;
	char msg[160];

	if (r->body_len > LB_MAX_PAYLOAD) {
		snprintf(msg, sizeof(msg), "Payload too large. Payload cannot exceed "
			 "%u bytes", LB_MAX_PAYLOAD);
		return bad(out, msg);
	}
	sm->doc = cJSON_ParseWithLength(r->body, r->body_len);
	if (!sm->doc || !utf8_valid(r->body, r->body_len)) {
		const char *at = sm->doc ? r->body : cJSON_GetErrorPtr();
		snprintf(msg, sizeof(msg), "Cannot parse JSON document: %s (char %zu)",
			 sm->doc ? "invalid UTF-8 or a unicode null" : "invalid JSON",
			 at && at >= r->body ? (size_t)(at - r->body) : 0);
		return bad(out, msg);
	}
	if (!cJSON_IsObject(sm->doc))
		return bad(out, "Invalid JSON document submitted. Top level of JSON "
			   "document should be a json object.");
	sm->payload = cJSON_GetObjectItemCaseSensitive(sm->doc, "payload");
	if (!sm->payload)
		return bad(out, "Invalid JSON document submitted.");
	if (!cJSON_IsArray(sm->payload))
		return bad(out, "The payload in the JSON document should be a list of listens.");
	sm->n = (size_t)cJSON_GetArraySize(sm->payload);
	if (!sm->n)
		return bad(out, "JSON document does not contain any listens");
	if (sm->n > MAX_LISTENS)
		return bad(out, "Too many listens. You may not submit more than 1000 "
			   "listens at once.");
	if (r->body_len > sm->n * MAX_LISTEN_SIZE)
		return bad(out, "JSON document is too large. Each listens may not be "
			   "larger than 10240 bytes.");
	lt = cJSON_GetObjectItemCaseSensitive(sm->doc, "listen_type");
	if (!lt)
		return bad(out, "Invalid JSON document submitted.");
	sm->type = !cJSON_IsString(lt) ? 0 : !strcmp(lt->valuestring, "single") ? LB_SINGLE
		 : !strcmp(lt->valuestring, "import") ? LB_IMPORT
		 : !strcmp(lt->valuestring, "playing_now") ? LB_PLAYING_NOW : 0;
	if (!sm->type)
		return bad(out, "JSON document requires a valid listen_type key.");
	if (sm->type != LB_IMPORT && sm->n > 1)
		return bad(out, "JSON document contains more than listen for a "
			   "single/playing_now. It should contain only one.");
	return 0;
}

static unsigned check_listens(const struct lb_request *r, struct submit *sm,
			      struct strbuf *out)
{
	int64_t now_s = time_now_ms() / 1000;
	size_t i = 0;
	cJSON *l;
	char msg[200];

	sm->nul = (struct nul_scan){ .p = r->body, .end = r->body + r->body_len };
	sm->nul.nhit = sm->n;
	sm->nul.hit = xcalloc(sm->n, sizeof(*sm->nul.hit));
	sm->nul.hitlen = xcalloc(sm->n, sizeof(*sm->nul.hitlen));
	nul_scan_run(&sm->nul);
	cJSON_ArrayForEach(l, sm->payload) {
		const char *why = validate_listen(l, sm->type, now_s, msg, sizeof(msg));
		if (why)
			return bad(out, why);
		if (sm->nul.hit[i]) {
			struct strbuf m = STRBUF_INIT;
			strbuf_add(&m, sm->nul.hit[i], sm->nul.hitlen[i]);
			strbuf_addstr(&m, " contains a unicode null");
			error(out, 400, m.buf, m.len);
			strbuf_release(&m);
			return 400;
		}
		i++;
	}
	return 0;
}

/* playing_now: kept until its duration passes, unless it is the same track again. */
static unsigned put_playing_now(struct store *s, struct submit *sm, int64_t account_id,
				struct strbuf *out)
{
	cJSON *tm = cJSON_GetObjectItemCaseSensitive(sm->payload->child, "track_metadata");
	cJSON *ai = cJSON_GetObjectItemCaseSensitive(tm, "additional_info");
	cJSON *d = cJSON_GetObjectItemCaseSensitive(ai, "duration");
	cJSON *dm = cJSON_GetObjectItemCaseSensitive(ai, "duration_ms");
	int64_t now = time_now_ms(), timeout = PLAYING_NOW_MAX_S;
	struct strbuf err = STRBUF_INIT;
	char *old = NULL, *json;
	int same = 0, rc;

	if (cJSON_IsNumber(d))
		timeout = (int64_t)d->valuedouble;
	else if (cJSON_IsNumber(dm))
		timeout = (int64_t)dm->valuedouble / 1000;
	rc = store_lb_playing_get(s, account_id, now, &old, &err);
	if (rc > 0) {
		cJSON *o = cJSON_Parse(old);
		cJSON *ot = cJSON_GetObjectItemCaseSensitive(o, "track_name");
		cJSON *oa = cJSON_GetObjectItemCaseSensitive(o, "artist_name");
		same = cJSON_IsString(ot) && cJSON_IsString(oa) &&
		       !strcmp(ot->valuestring, cJSON_GetStringValue(
			       cJSON_GetObjectItemCaseSensitive(tm, "track_name"))) &&
		       !strcmp(oa->valuestring, cJSON_GetStringValue(
			       cJSON_GetObjectItemCaseSensitive(tm, "artist_name")));
		cJSON_Delete(o);
	}
	free(old);
	json = cJSON_PrintUnformatted(tm);
	if (rc >= 0 && !same)
		rc = store_lb_playing_set(s, account_id, json, now + timeout * 1000, &err);
	free(json);
	strbuf_release(&err);
	if (rc < 0)
		return ERR(out, 503, "Cannot record playing_now at this time.");
	return 0;
}

/* The listens as one in-memory import, then their metadata kept by fingerprint. */
static int import_listens(struct store *s, struct submit *sm, int64_t account_id,
			  const char *account, struct strbuf *err)
{
	struct import_file f = { 0 };
	struct import_opts o = { 0 };
	struct import_result res = { 0 };
	struct format_input in = { "submit-listens", NULL, 0, 1, 1, { -1, 0 }, 0, NULL };
	struct store_lb_kept *kept = xcalloc(sm->n, sizeof(*kept));
	int64_t now_s = time_now_ms() / 1000;
	size_t i = 0;
	cJSON *l;
	int ret = 0;

	in.pool = import_mem_begin();
	f.min_ms = INT64_MAX;
	f.max_ms = INT64_MIN;
	f.format = FMT_LISTENBRAINZ;
	f.kind = KIND_MUSIC;
	cJSON_ArrayForEach(l, sm->payload) {
		struct scrobble sc;
		if (lb_listen_scrobble(l, now_s, &sc, err) ||
		    scrobble_add(&sc, SOURCE_LISTENBRAINZ, &in, &f, "submit-listens", err)) {
			ret = -1;
			break;
		}
		kept[i].fp = f.ev[i].fp;
		kept[i].listened_at = sc.start_s;
		kept[i].json = cJSON_PrintUnformatted(
			cJSON_GetObjectItemCaseSensitive(l, "track_metadata"));
		i++;
	}
	f.records = f.n;
	o.account = account;
	if (!ret)
		ret = import_mem_run(s, &o, sm->type == LB_SINGLE ? "listenbrainz:single"
				     : "listenbrainz:import", &f, &res, err);
	import_mem_end();
	if (!ret)
		ret = store_lb_keep(s, account_id, kept, i, time_now_ms(), err);
	for (size_t k = 0; k < i; k++)
		free((char *)kept[k].json);
	free(kept);
	import_file_release(&f);
	import_result_release(&res);
	return ret;
}

static unsigned submit_listens(struct store *s, const struct lb_request *r,
			       struct strbuf *out)
{
	struct submit sm = { 0 };
	struct strbuf err = STRBUF_INIT;
	char *account = NULL;
	int64_t account_id = 0;
	unsigned st;

	if ((st = authorise(s, r, &account_id, &account, out)))
		return st;
	if (!(st = check_envelope(r, &sm, out)) && !(st = check_listens(r, &sm, out))) {
		if (sm.type == LB_PLAYING_NOW)
			st = put_playing_now(s, &sm, account_id, out);
		else if (import_listens(s, &sm, account_id, account, &err)) {
			log_warn("serve: listenbrainz: %s", err.buf);
			st = ERR(out, 500, "Something went wrong. Please try again.");
		}
	}
	if (!st) {
		strbuf_reset(out);
		strbuf_addstr(out, "{\"status\": \"ok\"}");
		st = 200;
	}
	submit_release(&sm);
	strbuf_release(&err);
	free(account);
	return st;
}

/* ---- the read-backs ---- */

/* 0 with the account's id, or the 404's status. */
static unsigned find_user(struct store *s, const struct lb_request *r, int64_t *id,
			  struct strbuf *out)
{
	struct strbuf m = STRBUF_INIT;

	*id = r->user ? store_accounts_find(s, r->user) : 0;
	if (*id > 0)
		return 0;
	strbuf_addf(&m, "Cannot find user: %s", r->user ? r->user : "");
	error(out, 404, m.buf, m.len);
	strbuf_release(&m);
	return 404;
}

/* A stable UUID for a play (spinlog has no MessyBrainz ids). */
static void play_uuid(int64_t id, struct strbuf *out)
{
	uint64_t a = hash_words_mix(HASH_WORDS_SEED, (uint64_t)id);
	uint64_t b = hash_words_mix(a, 0x6c62);

	strbuf_addf(out, "\"%08x-%04x-4%03x-%04x-%012llx\"", (unsigned)(a >> 32),
		    (unsigned)(a >> 16) & 0xffff, (unsigned)a & 0xfff,
		    0x8000 | ((unsigned)(b >> 48) & 0x3fff),
		    (unsigned long long)(b & 0xffffffffffffULL));
}

/* A play's track_metadata when none was submitted: what the store knows. */
static void synth_metadata(const struct store_lb_listen *l, struct strbuf *out)
{
	strbuf_addstr(out, "{\"artist_name\": ");
	strbuf_add_json_str(out, l->artist_name);
	strbuf_addstr(out, ", \"track_name\": ");
	strbuf_add_json_str(out, l->track_name);
	if (l->album_name) {
		strbuf_addstr(out, ", \"release_name\": ");
		strbuf_add_json_str(out, l->album_name);
	}
	strbuf_addstr(out, ", \"additional_info\": {");
	if (l->ms_played > 0)
		strbuf_addf(out, "\"duration_ms\": %lld, ", (long long)l->ms_played);
	if (l->track_id) {
		strbuf_addstr(out, "\"music_service\": \"spotify.com\", \"spotify_id\": ");
		strbuf_addf(out, "\"https://open.spotify.com/track/%s\", ", l->track_id);
	}
	strbuf_addstr(out, "\"submission_client\": \"spinlog\"}}");
}

struct listens_out {
	struct strbuf *out;
	const char *user;
	size_t n;
};

static int add_listen(void *arg, const struct store_lb_listen *l)
{
	struct listens_out *o = arg;

	strbuf_addstr(o->out, o->n++ ? ", " : "");
	strbuf_addf(o->out, "{\"inserted_at\": %lld, \"listened_at\": %lld, "
		    "\"recording_msid\": ", (long long)(l->inserted_ms / 1000),
		    (long long)l->listened_at);
	play_uuid(l->play_id, o->out);
	strbuf_addstr(o->out, ", \"track_metadata\": ");
	if (l->json)
		strbuf_addstr(o->out, l->json);
	else
		synth_metadata(l, o->out);
	strbuf_addstr(o->out, ", \"user_name\": ");
	strbuf_add_json_str(o->out, o->user);
	strbuf_addstr(o->out, "}");
	return 0;
}

/* _parse_int_arg: absent or empty is the default; else a whole number. */
static int int_arg(const struct lb_request *r, const char *name, int64_t def,
		   int64_t *v, struct strbuf *out)
{
	const char *s = r->query ? r->query(r->query_cls, name) : NULL;
	cJSON str = { 0 };

	*v = def;
	if (!s || !*s)
		return 0;
	str.type = cJSON_String;
	str.valuestring = (char *)s;
	if (!py_int(&str, v))
		return 0;
	struct strbuf m = STRBUF_INIT;
	strbuf_addf(&m, "Invalid %s argument: %s", name, s);
	error(out, 400, m.buf, m.len);
	strbuf_release(&m);
	return -1;
}

static unsigned get_listens(struct store *s, const struct lb_request *r,
			    struct strbuf *out)
{
	struct strbuf err = STRBUF_INIT, body = STRBUF_INIT;
	struct listens_out lo = { &body, r->user, 0 };
	int64_t id, min_ts, max_ts, count, n, oldest, latest;
	unsigned st;

	if ((st = find_user(s, r, &id, out)))
		return st;
	if (int_arg(r, "max_ts", 0, &max_ts, out) || int_arg(r, "min_ts", 0, &min_ts, out) ||
	    int_arg(r, "count", DEFAULT_ITEMS_PER_GET, &count, out))
		return 400;
	if (max_ts && min_ts && max_ts < min_ts)
		return bad(out, "max_ts should be greater than min_ts");
	count = count > MAX_ITEMS_PER_GET ? MAX_ITEMS_PER_GET : count;
	if (count < 0)
		return bad(out, "Number of items requested should be positive");
	if (min_ts && max_ts && min_ts >= max_ts)
		return bad(out, "min_ts should be less than max_ts");
	if (store_lb_listens(s, id, min_ts, max_ts, count, add_listen, &lo, &err) ||
	    store_lb_listen_stats(s, id, &n, &oldest, &latest, &err)) {
		log_warn("serve: listenbrainz: %s", err.buf);
		st = ERR(out, 503, "Cannot fetch user listens right now.");
	} else {
		strbuf_reset(out);
		strbuf_addf(out, "{\"payload\": {\"count\": %zu, \"latest_listen_ts\": "
			    "%lld, \"listens\": [%s], \"oldest_listen_ts\": %lld, "
			    "\"user_id\": ", lo.n, (long long)latest, body.buf,
			    (long long)oldest);
		strbuf_add_json_str(out, r->user);
		strbuf_addstr(out, "}}");
		st = 200;
	}
	strbuf_release(&err);
	strbuf_release(&body);
	return st;
}

static unsigned listen_count(struct store *s, const struct lb_request *r,
			     struct strbuf *out)
{
	struct strbuf err = STRBUF_INIT;
	int64_t id, n, oldest, latest;
	unsigned st;

	if ((st = find_user(s, r, &id, out)))
		return st;
	if (store_lb_listen_stats(s, id, &n, &oldest, &latest, &err)) {
		strbuf_release(&err);
		return ERR(out, 503, "Cannot fetch user listen count right now.");
	}
	strbuf_reset(out);
	strbuf_addf(out, "{\"payload\": {\"count\": %lld}}", (long long)n);
	return 200;
}

static unsigned playing_now(struct store *s, const struct lb_request *r,
			    struct strbuf *out)
{
	struct strbuf err = STRBUF_INIT;
	char *json = NULL;
	int64_t id;
	unsigned st;
	int rc;

	if ((st = find_user(s, r, &id, out)))
		return st;
	rc = store_lb_playing_get(s, id, time_now_ms(), &json, &err);
	strbuf_release(&err);
	if (rc < 0)
		return ERR(out, 503, "Cannot fetch playing-now right now.");
	strbuf_reset(out);
	strbuf_addf(out, "{\"payload\": {\"count\": %d, \"listens\": [", rc);
	if (rc)
		strbuf_addf(out, "{\"playing_now\": true, \"track_metadata\": %s}", json);
	strbuf_addstr(out, "], \"playing_now\": true, \"user_id\": ");
	strbuf_add_json_str(out, r->user);
	strbuf_addstr(out, "}}");
	free(json);
	return 200;
}

/* ---- the table ---- */

static const struct {
	const char *pattern, *method;
	unsigned (*fn)(struct store *s, const struct lb_request *r, struct strbuf *out);
} endpoints[] = {
	{ "/1/submit-listens", "POST", submit_listens },
	{ "/1/validate-token", "GET", validate_token },
	{ "/1/user/%U/listens", "GET", get_listens },
	{ "/1/user/%U/listen-count", "GET", listen_count },
	{ "/1/user/%U/playing-now", "GET", playing_now },
};

unsigned lb_answer(struct store *s, const struct lb_request *r, struct strbuf *out)
{
	for (size_t i = 0; i < sizeof(endpoints) / sizeof(endpoints[0]); i++) {
		if (strcmp(endpoints[i].pattern, r->pattern))
			continue;
		if (strcmp(endpoints[i].method, r->method) &&
		    !(!strcmp(r->method, "HEAD") && !strcmp(endpoints[i].method, "GET")))
			return ERR(out, 405, "The method is not allowed for the "
				     "requested URL.");
		return endpoints[i].fn(s, r, out);
	}
	return ERR(out, 404, "The requested URL was not found on the server.");
}
