/*
 * search.h - GET /v1/search?q=...&type=track of the simulated catalog, as
 * spotify-platform.md describes it for 2026: field filters track:, artist:,
 * album:, isrc: (a value in double quotes or up to the next space), other
 * words matched against the track, artist and album names; limit 1..50
 * (default 20; 1..10 in development mode, else 400 "Invalid limit"),
 * offset 0..1000; {tracks:{href, items, limit, next, offset, previous,
 * total}}. Matching is Spotify-like and loose on purpose: every word of a
 * filter must occur in the field, case-insensitive, with accents and
 * combining marks ignored (its own fold, not spinlog's).
 */
#ifndef SIM_SEARCH_H
#define SIM_SEARCH_H

#include <cjson/cJSON.h>

#include "catalog.h"

/* The answer, or NULL with *status and msg set (400). */
cJSON *search_tracks(const struct catalog *c, const char *q, const char *type,
		     const char *limit, const char *offset, const char *base,
		     int dev, int *status, const char **msg);

#endif
