/*
 * Settings come from one table (config.c: name, type, default, help), read in
 * this order, later winning: built-in default, the INI file
 * ($XDG_CONFIG_HOME/spinlog/config or --config), the environment
 * (SPINLOG_<SECTION>_<KEY>, e.g. SPINLOG_SPOTIFY_CLIENT_ID), and
 * --set section.key=value. Values are borrowed from the config and live as
 * long as it does. Errors are written into err as "file:line: message".
 */
#ifndef CORE_CONFIG_H
#define CORE_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#include "core/strbuf.h"

enum config_type { CFG_STRING, CFG_INT, CFG_BOOL, CFG_SECRET };

struct config_def {
	const char *name;
	enum config_type type;
	const char *def;
	const char *help;
};

struct config {
	char **values;   /* parallel to config_table */
	char **origins;  /* "default", "env", a file:line, "--set" */
};

extern const struct config_def config_table[];
extern const size_t config_table_len;

void config_init(struct config *cfg);
void config_release(struct config *cfg);
/* Missing files are fine when !must_exist. 0 or -1 with err filled. */
int config_load_file(struct config *cfg, const char *path, int must_exist,
		     struct strbuf *err);
/* The same from an open stream; name is used in messages ("name:line: ..."). */
int config_load_stream(struct config *cfg, FILE *f, const char *name,
		       struct strbuf *err);
int config_load_env(struct config *cfg, struct strbuf *err);
/* "section.key=value". */
int config_set_arg(struct config *cfg, const char *arg, struct strbuf *err);
int config_set(struct config *cfg, const char *name, const char *value,
	       const char *origin, struct strbuf *err);

const char *config_get(const struct config *cfg, const char *name);
long long config_get_int(const struct config *cfg, const char *name);
int config_get_bool(const struct config *cfg, const char *name);
/* Prints "name = value  # origin" for every setting, secrets masked. */
void config_print(const struct config *cfg, struct strbuf *out, int verbose);
/*
 * Appends url with its password (the "user:PASSWORD@" of the authority, and
 * a password= parameter) replaced by ********, for messages and listings.
 */
void config_mask_url(struct strbuf *out, const char *url);

#endif
