/*
 * cover.h - the pictures the simulator serves as Spotify's image CDN does:
 * one square PNG per size for every album (640, 300, 64 px, as its
 * "images" list) and artist (640, 320, 160 px; 300 and 64 are served too).
 * Each is drawn with cairo from a seed (the id's hash), so an album looks
 * the same at every size and in every run: one of six styles (gradient and
 * sun, rings, stripes, blocks, mountains, a portrait for artists) in a
 * palette from the seed, with the title and the artist set by pango
 * (DejaVu Sans, ellipsized, right-to-left names in their own order).
 * Thread-safe: drawing is serialised (pango's font map is shared).
 */
#ifndef SIM_COVER_H
#define SIM_COVER_H

#include <stddef.h>
#include <stdint.h>

enum cover_kind { COVER_ALBUM, COVER_ARTIST };

/*
 * A new malloc'd PNG of size x size pixels (*len its length), or NULL when
 * cairo fails. title and artist may be NULL (an id the catalog does not
 * know: shapes only). The caller frees it.
 */
unsigned char *cover_png(uint64_t seed, enum cover_kind kind, const char *title,
			 const char *artist, int size, size_t *len);

#endif
