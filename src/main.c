/*
 * spinlog's entry point: global options, then one table of subcommands.
 *
 *   spinlog [--data-dir DIR] [--config FILE] [--set section.key=value]...
 *           COMMAND [ARGS]
 */
#include <errno.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "cmd/cmd.h"
#include "core/fsutil.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "landing/landing.h"
#include "store/store.h"
#include "core/banned.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv, struct ctx *ctx);
	const char *usage;
	int flags;
	const char *summary;
	/* What a failure on a full disk leaves: "nothing was changed" when NULL. */
	const char *kept;
};

static const struct command commands[] = {
	{ "auth", cmd_auth, cmd_auth_usage, NEED_DB,
	  "authorise a Spotify account (OAuth with PKCE)", "what was stored before is kept" },
	{ "collect", cmd_collect, cmd_collect_usage, NEED_DB | NEED_LANDING,
	  "poll recently-played once for every account", "what was stored before is kept" },
	{ "daemon", cmd_daemon, cmd_daemon_usage, NEED_LANDING, /* rounds open the db */
	  "collect (and run the ETL) on a schedule until stopped", NULL },
	{ "log", cmd_log, cmd_log_usage, NEED_DB,
	  "show stored plays, newest first", NULL },
	{ "status", cmd_status, cmd_status_usage, NEED_DB,
	  "show accounts, tokens, rate limits and gaps", NULL },
	{ "gaps", cmd_gaps, cmd_gaps_usage, NEED_DB,
	  "list spans where plays could not be collected", NULL },
	{ "etl", cmd_etl, cmd_etl_usage, NEED_DB | NEED_LANDING,
	  "turn landed pages into song records, enriching new tracks",
	  "what was stored before is kept" },
	{ "export", cmd_export, cmd_export_usage, NEED_DB,
	  "write song records (JSON lines, CSV) or ListenBrainz listens", NULL },
	{ "import", cmd_import, cmd_import_usage, NEED_DB | NEED_LANDING,
	  "import a history: Spotify's export, Last.fm, ListenBrainz, maloja, .scrobbler.log", "nothing was imported" },
	{ "serve", cmd_serve, cmd_serve_usage, NEED_DB,
	  "run the local dashboard", NULL },
	{ "site", cmd_site, cmd_site_usage, NEED_DB,
	  "write the dashboard as a static site", NULL },
	{ "analyze", cmd_analyze, cmd_analyze_usage, NEED_DB,
	  "analyse your own audio files: tempo, key, sections",
	  "what was stored before is kept" },
	{ "wrapped", cmd_wrapped, cmd_wrapped_usage, NEED_DB,
	  "print a year in review in the terminal", NULL },
	{ "token", cmd_token, cmd_token_usage, NEED_DB,
	  "make, list and revoke tokens for serve's ListenBrainz API", NULL },
	{ "card", cmd_card, cmd_card_usage, NEED_DB,
	  "draw the share card of a year as a PNG or an SVG", NULL },
	{ "similar", cmd_similar, cmd_similar_usage, NEED_DB,
	  "label pairs of tracks, train a model of what sounds alike to you, rank by it",
	  "the labels given before are kept" },
	{ "config", cmd_config, cmd_config_usage, NEED_CONFIG,
	  "print the effective settings", NULL },
	{ "resolve", cmd_resolve, cmd_resolve_usage, NEED_DB,
	  "find Spotify ids for plays with names but no id",
	  "what was resolved before is kept" },
	{ "store", cmd_store, cmd_store_usage, NEED_DB,
	  "copy the whole store to another engine or file (issue 12)", NULL },
};

static const char global_usage[] =
	"usage: spinlog [--data-dir DIR] [--config FILE] [--set section.key=value]\n"
	"               COMMAND [ARGS]\n"
	"       spinlog help [COMMAND]\n"
	"       spinlog --version\n";

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static void print_help(FILE *f)
{
	fputs(global_usage, f);
	fputs("\nspinlog keeps a complete, private record of what you listen to on Spotify.\n"
	      "\ncommands:\n", f);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "   %-9s %s\n", commands[i].name, commands[i].summary);
	fputs("\nglobal options:\n"
	      "   --data-dir DIR   where the database and landing store live\n"
	      "                    (default $XDG_DATA_HOME/spinlog)\n"
	      "   --config FILE    settings file (default $XDG_CONFIG_HOME/spinlog/config)\n"
	      "   --set S.K=V      override one setting; see 'spinlog config'\n"
	      "\n'spinlog COMMAND --help' tells more about one command.\n", f);
}

int cmd_usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;

	if (fmt) {
		fputs("spinlog: ", stderr);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	fputs(usage, stderr);
	return 2;
}

static char *xdg_dir(const char *env, const char *fallback, const char *leaf)
{
	const char *base = getenv(env);
	const char *home = getenv("HOME");
	struct strbuf sb = STRBUF_INIT;

	if (base && *base)
		strbuf_addf(&sb, "%s/spinlog%s", base, leaf);
	else
		strbuf_addf(&sb, "%s/%s/spinlog%s", home ? home : ".", fallback,
			    leaf);
	return strbuf_detach(&sb, NULL);
}

/* Settings: defaults, file, environment, then every --set in order. */
static int load_config(struct ctx *ctx, const char *path, char **sets,
		       int nsets)
{
	struct strbuf err = STRBUF_INIT;
	char *def = NULL;
	int must = path != NULL;

	if (!path)
		path = def = xdg_dir("XDG_CONFIG_HOME", ".config", "/config");
	if (config_load_file(&ctx->cfg, path, must, &err) ||
	    config_load_env(&ctx->cfg, &err))
		goto fail;
	for (int i = 0; i < nsets; i++)
		if (config_set_arg(&ctx->cfg, sets[i], &err))
			goto fail;
	if (fs_exists(path))
		ctx->config_path = xstrdup(path);
	free(def);
	return 0;
fail:
	fprintf(stderr, "spinlog: %s\n", err.buf);
	strbuf_release(&err);
	free(def);
	return -1;
}

char *ctx_store_url(const struct ctx *ctx)
{
	const char *url = config_get(&ctx->cfg, "store.url");

	if (*url)
		return xstrdup(url);
	return fs_join(ctx->data_dir, "spinlog.db");
}

int ctx_open_store(struct ctx *ctx, struct strbuf *err)
{
	return store_open(ctx->db_path, &ctx->store, err);
}

void ctx_close_store(struct ctx *ctx)
{
	store_close(ctx->store);
	ctx->store = NULL;
}

static int prepare(struct ctx *ctx, int flags)
{
	struct strbuf err = STRBUF_INIT;
	const char *tz = config_get(&ctx->cfg, "timezone");
	const char *lvl = config_get(&ctx->cfg, "log.level");

	if (time_set_zone(tz)) {
		fprintf(stderr, "spinlog: unknown time zone '%s' (setting "
			"'timezone'; use a name like Europe/Berlin)\n", tz);
		return -1;
	}
	if (!strcmp(lvl, "debug"))
		log_set_level(LOG_DEBUG);
	else if (!strcmp(lvl, "warning"))
		log_set_level(LOG_WARN);
	else if (!strcmp(lvl, "error"))
		log_set_level(LOG_ERROR);
	if ((flags & NEED_DATADIR) == NEED_DATADIR &&
	    fs_mkdir_p(ctx->data_dir, 0700)) {
		fprintf(stderr, "spinlog: cannot create data directory '%s': %s\n",
			ctx->data_dir, strerror(errno));
		return -1;
	}
	if ((flags & NEED_DB) == NEED_DB) {
		ctx->db_path = ctx_store_url(ctx);
		if (ctx_open_store(ctx, &err)) {
			if (!fs_full_path()) /* else said by disk_full() */
				fprintf(stderr, "spinlog: %s\n", err.buf);
			strbuf_release(&err);
			return -1;
		}
	}
	if ((flags & NEED_LANDING) == NEED_LANDING)
		ctx->landing = landing_open(ctx->data_dir);
	return 0;
}

/*
 * After a command failed on a full disk (core/fsutil.h: any write of the
 * process, the store's included), one line that says what happened, what
 * was kept and what to do, whatever the layer that met it said before.
 */
static void disk_full(const struct command *cmd)
{
	const char *kept = cmd->kept ? cmd->kept : "nothing was changed";

	if (!fs_full_path())
		return;
	fprintf(stderr, "spinlog: %s: disk full while writing '%s'; %s; free "
		"space and run again\n", cmd->name, fs_full_path(), kept);
}

int main(int argc, char **argv)
{
	struct ctx ctx;
	const struct command *cmd;
	char **sets = xcalloc((size_t)argc + 1, sizeof(char *));
	const char *config_path = NULL, *data_dir = NULL;
	int nsets = 0, i, ret = 1;

	setlocale(LC_CTYPE, "");
	/*
	 * cJSON allocates through xmalloc, so running out of memory while
	 * parsing is the same clean abort as anywhere else, not a parse error
	 * that reads as "not a valid account file; run 'spinlog auth'"
	 * (t0802's allocation walk showed both).
	 */
	cJSON_InitHooks(&(cJSON_Hooks){ .malloc_fn = xmalloc, .free_fn = free });
	umask(077);
	memset(&ctx, 0, sizeof(ctx));
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--version")) {
			printf("spinlog %s\n", SPINLOG_VERSION);
			free(sets);
			return 0;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			print_help(stdout);
			free(sets);
			return 0;
		} else if (!strcmp(a, "--data-dir") && i + 1 < argc) {
			data_dir = argv[++i];
		} else if (!strncmp(a, "--data-dir=", 11)) {
			data_dir = a + 11;
		} else if (!strcmp(a, "--config") && i + 1 < argc) {
			config_path = argv[++i];
		} else if (!strncmp(a, "--config=", 9)) {
			config_path = a + 9;
		} else if (!strcmp(a, "--set") && i + 1 < argc) {
			sets[nsets++] = argv[++i];
		} else if (!strncmp(a, "--set=", 6)) {
			sets[nsets++] = argv[i] + 6;
		} else {
			free(sets);
			return cmd_usage_error(global_usage, "unknown option '%s'", a);
		}
	}
	if (i >= argc) {
		print_help(stderr);
		free(sets);
		return 2;
	}
	if (!strcmp(argv[i], "help")) {
		free(sets);
		if (i + 1 < argc) {
			cmd = find_command(argv[i + 1]);
			if (!cmd)
				return cmd_usage_error(global_usage, "no command '%s'",
						       argv[i + 1]);
			fputs(cmd->usage, stdout);
			return 0;
		}
		print_help(stdout);
		return 0;
	}
	if (!strcmp(argv[i], "version")) {
		printf("spinlog %s\n", SPINLOG_VERSION);
		free(sets);
		return 0;
	}
	cmd = find_command(argv[i]);
	if (!cmd) {
		free(sets);
		return cmd_usage_error(global_usage,
				       "'%s' is not a spinlog command; see 'spinlog help'",
				       argv[i]);
	}
	for (int j = i + 1; j < argc; j++) {
		if (!strcmp(argv[j], "--"))
			break;
		if (!strcmp(argv[j], "--help") || !strcmp(argv[j], "-h")) {
			fputs(cmd->usage, stdout);
			free(sets);
			return 0;
		}
	}

	config_init(&ctx.cfg);
	if (load_config(&ctx, config_path, sets, nsets))
		goto out;
	ctx.data_dir = data_dir ? xstrdup(data_dir)
				: xdg_dir("XDG_DATA_HOME", ".local/share", "");
	if (prepare(&ctx, cmd->flags)) {
		disk_full(cmd);
		goto out;
	}
	ret = cmd->fn(argc - i, argv + i, &ctx);
	if (ret == 1)
		disk_full(cmd);
out:
	landing_free(ctx.landing);
	ctx_close_store(&ctx);
	free(ctx.db_path);
	free(ctx.data_dir);
	if (ctx.cfg.values)
		config_release(&ctx.cfg);
	free(ctx.config_path);
	free(sets);
	return ret;
}
