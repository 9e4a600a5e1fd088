/*
 * png.h - flat-colour square PNG images for album and artist covers, written
 * by hand with stored (uncompressed) deflate blocks, so no image library.
 */
#ifndef SIM_PNG_H
#define SIM_PNG_H

#include <stddef.h>
#include <stdint.h>

/* Returns a new malloc'd PNG of size x size pixels in colour rgb; *len is
 * set to its length. The caller frees it. */
unsigned char *png_flat(int size, uint32_t rgb, size_t *len);

#endif
