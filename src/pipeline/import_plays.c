/*
 * Parsed events to store plays: the conversion, the batches of new plays,
 * and the merges into stored plays.
 */
#include <string.h>

#include "pipeline/import_plays.h"
#include "sources/format.h"
#include "core/banned.h"

/* One pool lookup per string (import_strlen would do a second one). */
static inline void text_of(struct store_text *t, uint32_t id)
{
	const unsigned char *s = (const unsigned char *)import_str(id);

	t->s = (const char *)s;
	t->len = s ? (uint32_t)s[-2] | (uint32_t)s[-1] << 8 : 0;
}

void import_play_of(struct store_import_play *p, const struct import_event *e,
		    const struct import_event *a)
{
	uint32_t tn = e->str[IS_TRACK], an = e->str[IS_ARTIST];

	if (a) {
		tn = tn ? tn : a->str[IS_TRACK];
		an = an ? an : a->str[IS_ARTIST];
	}
	p->played_ms = e->played_ms;
	p->precision_ms = source_by_bit(e->source)->precision_ms;
	p->offline_ms = e->offline_ms;
	p->kind = import_kind_names[e->kind];
	text_of(&p->track_id, e->str[IS_TRACK_ID]);
	text_of(&p->episode_id, e->str[IS_EPISODE_ID]);
	text_of(&p->track_name, tn);
	text_of(&p->artist_name, an);
	text_of(&p->album_name, e->str[IS_ALBUM]);
	text_of(&p->reason_start, e->str[IS_REASON_START]);
	text_of(&p->reason_end, e->str[IS_REASON_END]);
	text_of(&p->platform, e->str[IS_PLATFORM]);
	text_of(&p->country, e->str[IS_COUNTRY]);
	text_of(&p->ip_addr, e->str[IS_IP]);
	text_of(&p->user_agent, e->str[IS_UA]);
	p->ms_played = e->ms_played;
	p->skipped = e->skipped;
	p->shuffle = e->shuffle;
	p->offline = e->offline;
	p->incognito = e->incognito;
	/* only plays without an id need it (playmerge.h); the rest compute it */
	p->name_key = !e->str[IS_TRACK_ID] && !e->str[IS_EPISODE_ID]
		? import_event_namekey(e) : 0;
	/* a: the name-matched event merged into e; each keeps its fingerprint */
	p->sources = (uint8_t)(e->source | (a ? a->source : 0));
	memset(p->fp, 0, sizeof(p->fp));
	p->fp[source_by_bit(e->source)->id] = e->fp;
	if (a)
		p->fp[source_by_bit(a->source)->id] = a->fp;
}

void import_batch_init(struct import_batch *b, struct store_import *im)
{
	b->im = im;
	b->n = 0;
}

int import_batch_flush(struct import_batch *b, struct strbuf *err)
{
	int n = b->n;

	b->n = 0;
	return n ? store_import_add(b->im, b->p, (size_t)n, err) : 0;
}

int import_batch_add(struct import_batch *b, const struct import_event *e,
		     const struct import_event *a, struct strbuf *err)
{
	import_play_of(&b->p[b->n++], e, a);
	return b->n == IMPORT_BATCH ? import_batch_flush(b, err) : 0;
}

/* New plays and export merges, in time order; then the account merges. */
static int write_new_and_export(struct import_merge *m, struct store_import *im,
				struct import_batch *bt, struct strbuf *err)
{
	for (size_t i = 0; i < m->n; i++) {
		const struct import_event *e = m->ev[i];

		if (i + IMPORT_BATCH < m->n)
			import_prefetch_strings(m->ev[i + IMPORT_BATCH]);
		if (m->out[i] == OUT_NEW) {
			const struct import_event *a =
				m->acct_of[i] >= 0 ? m->ev[m->acct_of[i]] : NULL;
			if (import_batch_add(bt, e, a, err))
				return -1;
			m->added++;
		} else if (m->out[i] == OUT_ROW &&
			   format_source_match(e->source) == MATCH_BY_ID) {
			struct store_import_play p;
			import_play_of(&p, e, NULL);
			if (store_import_merge(im, m->rows[m->target[i]].id, &p,
					       err))
				return -1;
		}
	}
	return import_batch_flush(bt, err);
}

int import_plays_write(struct import_merge *m, struct store_import *im,
		       struct strbuf *err)
{
	struct import_batch bt;

	import_batch_init(&bt, im);
	if (write_new_and_export(m, im, &bt, err))
		return -1;
	/* name-matched sources after the export updates: they only fill gaps */
	for (size_t i = 0; i < m->n; i++) {
		const struct import_event *e = m->ev[i];
		struct store_import_play p;
		if (m->out[i] != OUT_ROW ||
		    format_source_match(e->source) != MATCH_BY_NAMES)
			continue;
		import_play_of(&p, e, NULL);
		if (store_import_merge(im, m->rows[m->target[i]].id, &p, err))
			return -1;
	}
	return 0;
}
