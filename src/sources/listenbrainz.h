/*
 * ListenBrainz listens (listenbrainz.readthedocs.io "JSON documentation"):
 * {"listened_at": unix seconds of the start, "track_metadata":
 * {"artist_name", "track_name", "release_name", "additional_info":
 * {"duration_ms" | "duration", ...}}}. The same object is what clients
 * submit to serve's /1/submit-listens (web/listenbrainz.h) and what
 * ListenBrainz's export holds, one per line, so both read it here.
 *
 * Ownership: the scrobble's strings point into the cJSON object.
 */
#ifndef SOURCES_LISTENBRAINZ_H
#define SOURCES_LISTENBRAINZ_H

#include <cjson/cJSON.h>

#include "sources/scrobble.h"

/*
 * The scrobble of a listen object: 0, or -1 with err set to what is wrong
 * ("\"listened_at\" is not a whole number of seconds"). now_s bounds
 * listened_at (a day of clock skew).
 */
int lb_listen_scrobble(const cJSON *listen, int64_t now_s, struct scrobble *s,
		       struct strbuf *err);

#endif
