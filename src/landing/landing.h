/*
 * The landing store keeps every raw API answer untouched, addressed by
 * object keys like "recently-played/<account>/2026/05/13/151040-1778668531000.json",
 * the way the S3 bucket of the system spinlog replaces did. This backend
 * writes files under <data-dir>/landing; put is atomic (temp file, fsync,
 * rename), so a crash leaves either no object or the whole object. Temp
 * files are made in <data-dir>/landing/.tmp, the one place a crash can
 * leave one, so landing_clean_temps need not walk the whole tree (a year of
 * polling is ~100k objects). The
 * interface is small so an S3-compatible backend can follow.
 *
 * Keys are relative paths of [A-Za-z0-9._-] segments; anything else
 * (absolute, "..", empty segments) is refused with -1.
 */
#ifndef LANDING_LANDING_H
#define LANDING_LANDING_H

#include <stddef.h>

#include "core/strbuf.h"
#include "core/strvec.h"

struct landing;

/* Returns a new store rooted at <data_dir>/landing; free with landing_free. */
struct landing *landing_open(const char *data_dir);
void landing_free(struct landing *l);

int landing_put(struct landing *l, const char *key, const void *data,
		size_t len);
/* Like landing_put, but -1 with errno EEXIST when the key is taken. */
int landing_put_new(struct landing *l, const char *key, const void *data,
		    size_t len);
/*
 * Removes temp files a crashed writer left in landing/.tmp: the writer's
 * pid is gone, or the file is older than LANDING_TEMP_MAX_AGE_S (a write
 * takes milliseconds). Returns how many, -1 when the folder is unreadable.
 */
#define LANDING_TEMP_MAX_AGE_S 3600
int landing_clean_temps(struct landing *l);
/* Appends the object to out. -1 with errno ENOENT when it does not exist. */
int landing_get(struct landing *l, const char *key, struct strbuf *out);
int landing_exists(struct landing *l, const char *key);
/* Appends every key under prefix (a folder, "" for all), sorted, to out. */
int landing_list(struct landing *l, const char *prefix, struct strvec *out);
int landing_valid_key(const char *key);

#endif
