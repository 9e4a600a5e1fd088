#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/xalloc.h"
#include "core/banned.h"

/*
 * Every setting spinlog has. Add new ones here and nowhere else: the file
 * reader, the environment, --set and `spinlog config` all read this table.
 */
const struct config_def config_table[] = {
	{ "spotify.client_id", CFG_STRING, "",
	  "client ID of your Spotify app (developer.spotify.com dashboard)" },
	{ "spotify.client_secret", CFG_SECRET, "",
	  "client secret; not needed with PKCE, sent as HTTP basic auth when set" },
	{ "spotify.api_url", CFG_STRING, "https://api.spotify.com",
	  "base URL of the Spotify Web API" },
	{ "spotify.accounts_url", CFG_STRING, "https://accounts.spotify.com",
	  "base URL of the Spotify accounts service" },
	{ "spotify.redirect_port", CFG_INT, "8888",
	  "port of the loopback redirect URI http://127.0.0.1:PORT/callback" },
	{ "spotify.max_wait", CFG_INT, "60",
	  "longest Retry-After (seconds) to wait in-process; longer ones end the run" },
	{ "spotify.retries", CFG_INT, "5",
	  "attempts for a request failing with 5xx or a network error" },
	{ "spotify.timeout", CFG_INT, "30",
	  "seconds before an HTTP request is abandoned" },
	{ "timezone", CFG_STRING, "",
	  "IANA time zone for local dates (empty: the system zone)" },
	{ "collect.interval_max", CFG_INT, "1200",
	  "longest pause between two polls of an account, seconds" },
	{ "collect.interval_min", CFG_INT, "120",
	  "shortest pause between two polls of an account, seconds" },
	{ "collect.lock_wait", CFG_INT, "5",
	  "seconds to wait for another spinlog polling the same account" },
	{ "etl.providers", CFG_STRING, "spotify,reccobeats",
	  "audio feature providers, tried in order" },
	{ "etl.schedule", CFG_STRING, "daily",
	  "when the daemon runs the ETL: daily, hourly, never" },
	{ "etl.after_poll", CFG_BOOL, "false",
	  "also run the ETL after every poll that stored plays" },
	{ "etl.forbidden_ttl", CFG_INT, "604800",
	  "seconds to stop asking a provider that answered 403" },
	{ "reccobeats.url", CFG_STRING, "https://api.reccobeats.com",
	  "base URL of the ReccoBeats API" },
	{ "stats.min_ms_played", CFG_INT, "30000",
	  "a play counts in statistics from this many milliseconds" },
	{ "import.max_file_mb", CFG_INT, "512",
	  "largest export file (or ZIP entry, inflated) an import reads" },
	{ "import.max_total_mb", CFG_INT, "8192",
	  "most an import reads in all, inflated" },
	{ "serve.listen", CFG_STRING, "127.0.0.1:8080",
	  "address and port of the dashboard" },
	{ "serve.max_per_address", CFG_INT, "64",
	  "connections the dashboard accepts at once from one client address" },
	{ "serve.header_timeout", CFG_INT, "10",
	  "seconds a client has to send a request's headers, however slowly" },
	{ "serve.rate", CFG_INT, "500",
	  "requests per second per client address (bursts of twice that, at least"
	  " 1000); 0 for no limit" },
	{ "log.level", CFG_STRING, "info", "debug, info, warning or error" },
	{ "store.url", CFG_STRING, "",
	  "where the store is: sqlite:PATH, or postgresql://user@host:port/db"
	  " (a libpq URI; empty: spinlog.db in the data directory)" },
};
const size_t config_table_len = sizeof(config_table) / sizeof(config_table[0]);

static int find(const char *name)
{
	for (size_t i = 0; i < config_table_len; i++)
		if (!strcmp(config_table[i].name, name))
			return (int)i;
	return -1;
}

void config_init(struct config *cfg)
{
	cfg->values = xcalloc(config_table_len, sizeof(char *));
	cfg->origins = xcalloc(config_table_len, sizeof(char *));
	for (size_t i = 0; i < config_table_len; i++) {
		cfg->values[i] = xstrdup(config_table[i].def);
		cfg->origins[i] = xstrdup("default");
	}
}

void config_release(struct config *cfg)
{
	for (size_t i = 0; i < config_table_len; i++) {
		free(cfg->values[i]);
		free(cfg->origins[i]);
	}
	free(cfg->values);
	free(cfg->origins);
	cfg->values = cfg->origins = NULL;
}

static int check_value(const struct config_def *d, const char *v,
		       struct strbuf *err)
{
	char *end;

	switch (d->type) {
	case CFG_INT:
		errno = 0;
		(void)strtoll(v, &end, 10);
		if (!*v || *end || errno) {
			strbuf_addf(err, "'%s' must be an integer, not \"%s\"",
				    d->name, v);
			return -1;
		}
		break;
	case CFG_BOOL:
		if (strcmp(v, "true") && strcmp(v, "false") && strcmp(v, "1") &&
		    strcmp(v, "0") && strcmp(v, "yes") && strcmp(v, "no")) {
			strbuf_addf(err, "'%s' must be true or false, not \"%s\"",
				    d->name, v);
			return -1;
		}
		break;
	default:
		break;
	}
	if (!strcmp(d->name, "timezone") && (strstr(v, "..") || v[0] == '/')) {
		strbuf_addf(err, "'timezone' must be an IANA zone name like Europe/Berlin");
		return -1;
	}
	return 0;
}

int config_set(struct config *cfg, const char *name, const char *value,
	       const char *origin, struct strbuf *err)
{
	int i = find(name);

	if (i < 0) {
		strbuf_addf(err, "unknown setting '%s' (see 'spinlog config')",
			    name);
		return -1;
	}
	if (check_value(&config_table[i], value, err))
		return -1;
	free(cfg->values[i]);
	free(cfg->origins[i]);
	cfg->values[i] = xstrdup(value);
	cfg->origins[i] = xstrdup(origin);
	return 0;
}

struct ini_state {
	struct config *cfg;
	const char *path;
	struct strbuf *err;
	int line;
	int failed;
};

static int on_ini_line(void *user, const char *section, const char *key,
		       const char *value)
{
	struct ini_state *st = user;
	char name[256], origin[512];
	struct strbuf msg = STRBUF_INIT;

	if (st->failed)
		return 0;
	if (*section)
		snprintf(name, sizeof(name), "%s.%s", section, key);
	else
		snprintf(name, sizeof(name), "%s", key);
	snprintf(origin, sizeof(origin), "%s", st->path);
	if (config_set(st->cfg, name, value, origin, &msg)) {
		st->failed = 1;
		strbuf_addstr(st->err, msg.buf);
		strbuf_release(&msg);
		return 0;
	}
	return 1;
}

int config_load_stream(struct config *cfg, FILE *f, const char *name,
		       struct strbuf *err)
{
	struct ini_state st = { cfg, name, err, 0, 0 };
	struct strbuf msg = STRBUF_INIT;
	int line;

	st.err = &msg;
	line = ini_parse_file(f, on_ini_line, &st);
	if (line) {
		strbuf_addf(err, "%s:%d: %s", name, line,
			    msg.len ? msg.buf : "not a 'key = value' line");
		strbuf_release(&msg);
		return -1;
	}
	strbuf_release(&msg);
	return 0;
}

int config_load_file(struct config *cfg, const char *path, int must_exist,
		     struct strbuf *err)
{
	FILE *f = fopen(path, "r");
	int r;

	if (!f) {
		if (!must_exist && errno == ENOENT)
			return 0;
		strbuf_addf(err, "%s: cannot read: %s", path, strerror(errno));
		return -1;
	}
	r = config_load_stream(cfg, f, path, err);
	fclose(f);
	return r;
}

int config_load_env(struct config *cfg, struct strbuf *err)
{
	for (size_t i = 0; i < config_table_len; i++) {
		char env[128], *p;
		const char *v;

		snprintf(env, sizeof(env), "SPINLOG_%s", config_table[i].name);
		for (p = env; *p; p++)
			*p = *p == '.' ? '_' : (char)toupper((unsigned char)*p);
		v = getenv(env);
		if (v && config_set(cfg, config_table[i].name, v, "environment",
				    err)) {
			strbuf_addf(err, " (from %s)", env);
			return -1;
		}
	}
	return 0;
}

int config_set_arg(struct config *cfg, const char *arg, struct strbuf *err)
{
	const char *eq = strchr(arg, '=');
	char *name;
	int r;

	if (!eq || eq == arg) {
		strbuf_addf(err, "--set wants section.key=value, not \"%s\"",
			    arg);
		return -1;
	}
	name = xstrndup(arg, (size_t)(eq - arg));
	r = config_set(cfg, name, eq + 1, "--set", err);
	free(name);
	return r;
}

const char *config_get(const struct config *cfg, const char *name)
{
	int i = find(name);

	if (i < 0) {
		fprintf(stderr, "BUG: unknown setting '%s'\n", name);
		abort();
	}
	return cfg->values[i];
}

long long config_get_int(const struct config *cfg, const char *name)
{
	return strtoll(config_get(cfg, name), NULL, 10);
}

int config_get_bool(const struct config *cfg, const char *name)
{
	const char *v = config_get(cfg, name);
	return !strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "yes");
}

void config_print(const struct config *cfg, struct strbuf *out, int verbose)
{
	for (size_t i = 0; i < config_table_len; i++) {
		const struct config_def *d = &config_table[i];
		const char *v = cfg->values[i];

		if (verbose)
			strbuf_addf(out, "# %s\n", d->help);
		if (d->type == CFG_SECRET && *v)
			v = "********";
		if (!strcmp(d->name, "store.url")) {
			strbuf_addf(out, "%s = ", d->name);
			config_mask_url(out, v);
		} else {
			strbuf_addf(out, "%s = %s", d->name, v);
		}
		if (strcmp(cfg->origins[i], "default"))
			strbuf_addf(out, "  # from %s", cfg->origins[i]);
		strbuf_addch(out, '\n');
	}
}

/* The length of the password in "user:PASSWORD@" of a url's authority. */
static size_t userinfo_password(const char *auth, size_t len, size_t *at)
{
	const char *amp = memchr(auth, '@', len), *colon;

	if (!amp)
		return 0;
	colon = memchr(auth, ':', (size_t)(amp - auth));
	if (!colon)
		return 0;
	*at = (size_t)(colon + 1 - auth);
	return (size_t)(amp - colon - 1);
}

void config_mask_url(struct strbuf *out, const char *url)
{
	const char *auth = strstr(url, "://"), *p;
	size_t alen, at = 0, plen;

	if (!auth) {
		strbuf_addstr(out, url);
		return;
	}
	auth += 3;
	alen = strcspn(auth, "/?#");
	plen = userinfo_password(auth, alen, &at);
	strbuf_add(out, url, (size_t)(auth - url));
	if (plen) {
		strbuf_add(out, auth, at);
		strbuf_addstr(out, "********");
		strbuf_add(out, auth + at + plen, alen - at - plen);
	} else {
		strbuf_add(out, auth, alen);
	}
	/* a password=... parameter of the query */
	for (p = auth + alen; *p;) {
		size_t n = strcspn(p + 1, "?&#") + 1;
		if (n > 10 && !strncmp(p + 1, "password=", 9)) {
			strbuf_add(out, p, 10);
			strbuf_addstr(out, "********");
		} else {
			strbuf_add(out, p, n);
		}
		p += n;
	}
}
