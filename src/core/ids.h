/*
 * Spotify ids at the boundary. A track, album, artist or episode id is 22
 * base-62 characters ([0-9A-Za-z]); anything else that arrives where an id
 * should be (an export's "spotify:track:<script>", "../../etc/passwd", an
 * API page's local file) is not an id, and is rejected or set aside by the
 * caller. Ids are safe in a URL path, a file name and HTML as they are.
 */
#ifndef CORE_IDS_H
#define CORE_IDS_H

#include <stddef.h>

#define SPOTIFY_ID_LEN 22

/* 1 when s[0..len) is a Spotify id. */
int spotify_id_valid(const char *s, size_t len);
/* The same for a NUL-terminated string; 0 for NULL. */
int spotify_id_valid_str(const char *s);

#endif
