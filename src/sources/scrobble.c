#include <string.h>

#include "core/hash.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "sources/scrobble.h"
#include "core/banned.h"

/* Interns a text field, replacing invalid UTF-8 with a warning. */
static uint32_t text(const struct format_input *in, struct import_file *out,
		     const char *where, const char *field, const char *p,
		     size_t len)
{
	struct strbuf t = STRBUF_INIT;
	uint32_t id;
	long r;

	if (!p || !len)
		return 0;
	if (utf8_valid(p, len))
		return import_pool_intern(in->pool, p, len);
	r = utf8_add_replacing(&t, p, len);
	out->replaced++;
	if (out->warnings.n < IMPORT_FILE_WARNINGS) {
		struct strbuf sb = STRBUF_INIT;
		strbuf_addf(&sb, "%s: \"%s\": %ld invalid character%s replaced "
			    "with U+FFFD (not UTF-8 or U+0000)", where, field, r,
			    r == 1 ? "" : "s");
		strvec_push_nodup(&out->warnings, strbuf_detach(&sb, NULL));
	}
	id = import_pool_intern(in->pool, t.buf, t.len);
	strbuf_release(&t);
	return id;
}

int scrobble_add(const struct scrobble *s, int source,
		 const struct format_input *in, struct import_file *out,
		 const char *where, struct strbuf *err)
{
	struct import_event *e;
	uint64_t h;

	ALLOC_GROW(out->ev, out->n + 1, out->alloc);
	e = &out->ev[out->n];
	memset(e, 0, sizeof(*e));
	e->kind = KIND_MUSIC;
	/* a scrobble says nothing of skips, shuffle, offline or incognito:
	 * unknown, not false (as account data; a skip rate of 0.0% would be
	 * made up) */
	e->skipped = e->shuffle = e->offline = e->incognito = TRI_NULL;
	e->played_ms = s->start_s * 1000 + s->start_extra_ms;
	if (s->has_ms_played) {
		e->played_ms += s->ms_played;
		e->ms_played = (int32_t)s->ms_played;
	} else {
		e->played_ms += s->duration_ms > 0 ? s->duration_ms : 0;
		e->ms_played = s->duration_ms > 0 ? (int32_t)s->duration_ms : -1;
	}
	if (s->track_id)
		e->str[IS_TRACK_ID] = import_pool_intern(in->pool, s->track_id, 22);
	e->str[IS_ARTIST] = text(in, out, where, "artist", s->artist, s->alen);
	e->str[IS_TRACK] = text(in, out, where, "track", s->track, s->tlen);
	e->str[IS_ALBUM] = text(in, out, where, "album", s->album, s->blen);
	if (in->pool->full) {
		format_pool_full(err, where, in->pool);
		return -1;
	}
	e->namekey = import_event_namekey(e);
	h = hash_words_mix(HASH_WORDS_SEED, SOURCE_BIT(source));
	h = hash_words_mix(h, (uint64_t)s->start_s);
	h = hash_words_mix(h, e->namekey);
	if (s->exact) {
		h = hash_words_mix(h, (uint64_t)s->start_extra_ms);
		h = hash_words_mix(h, s->has_ms_played ? (uint64_t)s->ms_played
						       : UINT64_MAX);
	}
	e->fp = h ? h : 1;
	import_file_keep(out, (uint32_t)out->n, (uint8_t)SOURCE_BIT(source), 1000);
	return 0;
}
