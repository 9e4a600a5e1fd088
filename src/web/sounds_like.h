/*
 * web/sounds_like: the "sounds like" card of a track page (issue 15): the
 * five tracks the newest similarity model (of any account) ranks nearest,
 * linked. No card while no model is stored. The library and model read
 * for it are kept until the store's data version changes (one page costs
 * the ranking only, about 2 ms at 50,000 tracks). Not thread-safe: the
 * server serialises page calls, as web/pages.h says.
 */
#ifndef WEB_SOUNDS_LIKE_H
#define WEB_SOUNDS_LIKE_H

#include "core/strbuf.h"
#include "web/pages.h"

/* Adds the card to a rendered track page in out, inside its <main>. */
void sounds_like_html(struct pages *p, const char *track_id, struct strbuf *out);

#endif
