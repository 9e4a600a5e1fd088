/*
 * export.h - the privacy export ("Download your data") of one simulated
 * user for all simulated time so far, as an in-memory ZIP: the extended
 * streaming history and/or the account data package.
 */
#ifndef SIM_EXPORT_H
#define SIM_EXPORT_H

#include <stddef.h>

#include "listen.h"

enum export_package { EXPORT_EXTENDED = 1, EXPORT_ACCOUNT = 2, EXPORT_BOTH = 3 };

/* Returns a new malloc'd ZIP (caller frees) and sets *len, or NULL on a
 * libzip failure. */
unsigned char *export_zip(const struct world *w, int u, int packages, size_t *len);

#endif
