/*
 * The import's dictionary of texts and items (dict.h): two open-addressing
 * hash tables, the texts' bytes in one arena, new rows held as COPY text.
 */
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "core/xalloc.h"
#include "store/postgres/pg.h"
#include "store/postgres/dict.h"
#include "core/banned.h"

/* Ids reserved at a time (unused ones are holes in the sequence). */
#define TEXT_IDS 1024
#define ITEM_IDS 256

struct text_slot {
	uint64_t h;
	size_t off;
	uint32_t len;
	int32_t id; /* 0: empty */
};

struct item_slot {
	int32_t k[5];
	int32_t id; /* 0: empty */
};

struct id_pool {
	int64_t *v;
	size_t n, next;
};

struct pgd {
	struct text_slot *texts;
	size_t ntexts, text_mask;
	struct item_slot *items;
	size_t nitems, item_mask;
	struct strbuf arena;       /* the texts' bytes */
	int64_t text_max, item_max; /* the highest id known or reserved */
	struct id_pool text_ids, item_ids;
	struct strbuf new_texts, new_items; /* COPY text, not written yet */
	int loaded;
};

struct pgd *pgd_new(void)
{
	struct pgd *d = xcalloc(1, sizeof(*d));

	strbuf_init(&d->arena, 0);
	strbuf_init(&d->new_texts, 0);
	strbuf_init(&d->new_items, 0);
	return d;
}

void pgd_forget(struct pgd *d)
{
	free(d->texts);
	free(d->items);
	free(d->text_ids.v);
	free(d->item_ids.v);
	d->texts = NULL;
	d->items = NULL;
	d->ntexts = d->nitems = d->text_mask = d->item_mask = 0;
	memset(&d->text_ids, 0, sizeof(d->text_ids));
	memset(&d->item_ids, 0, sizeof(d->item_ids));
	d->text_max = d->item_max = 0;
	strbuf_reset(&d->arena);
	strbuf_reset(&d->new_texts);
	strbuf_reset(&d->new_items);
	d->loaded = 0;
}

void pgd_free(struct pgd *d)
{
	if (!d)
		return;
	pgd_forget(d);
	strbuf_release(&d->arena);
	strbuf_release(&d->new_texts);
	strbuf_release(&d->new_items);
	free(d);
}

static uint64_t item_hash(const int32_t k[5])
{
	return hash_words(HASH_WORDS_SEED, k, 5 * sizeof(*k));
}

/* The slot of text (h, s, len): its own, or the empty one it would take. */
static struct text_slot *text_find(struct pgd *d, uint64_t h, const char *s,
				   size_t len)
{
	size_t i = (size_t)h & d->text_mask;

	for (;; i = (i + 1) & d->text_mask) {
		struct text_slot *t = &d->texts[i];
		if (!t->id || (t->h == h && t->len == len &&
			       !memcmp(d->arena.buf + t->off, s, len)))
			return t;
	}
}

static struct item_slot *item_find(struct pgd *d, const int32_t k[5])
{
	size_t i = (size_t)item_hash(k) & d->item_mask;

	for (;; i = (i + 1) & d->item_mask) {
		struct item_slot *t = &d->items[i];
		if (!t->id || !memcmp(t->k, k, sizeof(t->k)))
			return t;
	}
}

/* Doubles a table when it is half full (or makes the first). */
static void texts_room(struct pgd *d)
{
	struct text_slot *old = d->texts;
	size_t size = d->text_mask + 1;

	if (old && d->ntexts * 2 < size)
		return;
	size = old ? size * 2 : 4096;
	d->texts = xcalloc(size, sizeof(*d->texts));
	d->text_mask = size - 1;
	for (size_t i = 0; old && i < size / 2; i++)
		if (old[i].id)
			*text_find(d, old[i].h, d->arena.buf + old[i].off,
				   old[i].len) = old[i];
	free(old);
}

static void items_room(struct pgd *d)
{
	struct item_slot *old = d->items;
	size_t size = d->item_mask + 1;

	if (old && d->nitems * 2 < size)
		return;
	size = old ? size * 2 : 4096;
	d->items = xcalloc(size, sizeof(*d->items));
	d->item_mask = size - 1;
	for (size_t i = 0; old && i < size / 2; i++)
		if (old[i].id)
			*item_find(d, old[i].k) = old[i];
	free(old);
}

static void text_add(struct pgd *d, const char *s, size_t len, int32_t id)
{
	uint64_t h = hash_words(HASH_WORDS_SEED, s, len);
	struct text_slot *t;

	texts_room(d);
	t = text_find(d, h, s, len);
	if (t->id)
		return;
	t->h = h;
	t->off = d->arena.len;
	t->len = (uint32_t)len;
	t->id = id;
	strbuf_add(&d->arena, s, len);
	d->ntexts++;
	if (id > d->text_max)
		d->text_max = id;
}

static void item_add(struct pgd *d, const int32_t k[5], int32_t id)
{
	struct item_slot *t;

	items_room(d);
	t = item_find(d, k);
	if (t->id)
		return;
	memcpy(t->k, k, sizeof(t->k));
	t->id = id;
	d->nitems++;
	if (id > d->item_max)
		d->item_max = id;
}

static int sync_texts(struct pgd *d, struct pg_store *s, struct strbuf *err)
{
	static struct pg_q q = PG_Q("SELECT id, s FROM texts WHERE id > $1");
	struct pg_params p;
	PGresult *r;

	pg_params_init(&p);
	pg_int(&p, d->text_max);
	if (!(r = pg_exec(s, &q, &p, err)))
		return -1;
	for (int i = 0; i < PQntuples(r); i++)
		text_add(d, PQgetvalue(r, i, 1), (size_t)PQgetlength(r, i, 1),
			 (int32_t)pg_get_int(r, i, 0, 0));
	PQclear(r);
	return 0;
}

static int sync_items(struct pgd *d, struct pg_store *s, struct strbuf *err)
{
	static struct pg_q q = PG_Q("SELECT id, track_id, episode_id,"
		" track_name, artist_name, album_name FROM items WHERE id > $1");
	struct pg_params p;
	PGresult *r;

	pg_params_init(&p);
	pg_int(&p, d->item_max);
	if (!(r = pg_exec(s, &q, &p, err)))
		return -1;
	for (int i = 0; i < PQntuples(r); i++) {
		int32_t k[5];
		for (int c = 0; c < 5; c++)
			k[c] = (int32_t)pg_get_int(r, i, c + 1, 0);
		item_add(d, k, (int32_t)pg_get_int(r, i, 0, 0));
	}
	PQclear(r);
	return 0;
}

int pgd_sync(struct pgd *d, struct pg_store *s, struct strbuf *err)
{
	if (sync_texts(d, s, err) || sync_items(d, s, err))
		return -1;
	d->loaded = 1;
	return 0;
}

/* The next id of a pool, reserving more from sequence seq when empty. */
static int64_t pool_next(struct pg_store *s, struct pg_q *q,
			 struct id_pool *pool, size_t n, struct strbuf *err)
{
	struct pg_params p;
	PGresult *r;

	if (pool->next < pool->n)
		return pool->v[pool->next++];
	pg_params_init(&p);
	pg_int(&p, (int64_t)n);
	if (!(r = pg_exec(s, q, &p, err)))
		return -1;
	pool->v = xrealloc(pool->v, (size_t)PQntuples(r) * sizeof(*pool->v) + 1);
	pool->n = (size_t)PQntuples(r);
	pool->next = 0;
	for (size_t i = 0; i < pool->n; i++)
		pool->v[i] = pg_get_int(r, (int)i, 0, -1);
	PQclear(r);
	if (!pool->n) {
		strbuf_addstr(err, "no ids reserved");
		return -1;
	}
	return pool->v[pool->next++];
}

int32_t pgd_text(struct pgd *d, struct pg_store *s, const char *str,
		 size_t len, struct strbuf *err)
{
	static struct pg_q q = PG_Q("SELECT nextval('texts_id_seq')"
		" FROM generate_series(1, $1)");
	struct strbuf clean = STRBUF_INIT;
	struct text_slot *t;
	int64_t id;

	if (!str)
		return 0;
	if (memchr(str, '\0', len)) {
		for (size_t i = 0; i < len; i++)
			if (str[i])
				strbuf_addch(&clean, str[i]);
		str = clean.buf;
		len = clean.len;
	}
	texts_room(d);
	t = text_find(d, hash_words(HASH_WORDS_SEED, str, len), str, len);
	if (t->id || (id = pool_next(s, &q, &d->text_ids, TEXT_IDS, err)) < 0) {
		strbuf_release(&clean);
		return t->id ? t->id : -1;
	}
	text_add(d, str, len, (int32_t)id);
	strbuf_addf(&d->new_texts, "%lld\t", (long long)id);
	pg_copy_str(&d->new_texts, str, len);
	strbuf_addch(&d->new_texts, '\n');
	strbuf_release(&clean);
	return (int32_t)id;
}

int32_t pgd_item(struct pgd *d, struct pg_store *s, const int32_t k[5],
		 struct strbuf *err)
{
	static struct pg_q q = PG_Q("SELECT nextval('items_id_seq')"
		" FROM generate_series(1, $1)");
	struct item_slot *t;
	int64_t id;

	items_room(d);
	t = item_find(d, k);
	if (t->id)
		return t->id;
	if ((id = pool_next(s, &q, &d->item_ids, ITEM_IDS, err)) < 0)
		return -1;
	item_add(d, k, (int32_t)id);
	strbuf_addf(&d->new_items, "%lld\t%d\t%d\t%d\t%d\t%d\n", (long long)id,
		    k[0], k[1], k[2], k[3], k[4]);
	return (int32_t)id;
}

int pgd_write(struct pgd *d, struct pg_store *s, struct strbuf *err)
{
	if (d->new_texts.len &&
	    pg_copy_in(s, "COPY texts (id, s) FROM STDIN", &d->new_texts, err))
		return -1;
	strbuf_reset(&d->new_texts);
	if (d->new_items.len &&
	    pg_copy_in(s, "COPY items (id, track_id, episode_id, track_name,"
		       " artist_name, album_name) FROM STDIN", &d->new_items, err))
		return -1;
	strbuf_reset(&d->new_items);
	return 0;
}
