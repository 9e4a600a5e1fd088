#include "web/sounds_like.h"

#include <string.h>

#include "core/ids.h"
#include "similar/rank.h"
#include "similar/train.h"
#include "store/store.h"
#include "core/banned.h"

#define SOUNDS_LIKE_N 5

static struct {
	struct store *store;
	int64_t version;
	int loaded, have_model;
	struct sim_library lib;
	struct lr_model model;
} cache;

static void forget(void)
{
	if (cache.loaded)
		simlib_release(&cache.lib);
	if (cache.have_model)
		lr_release(&cache.model);
	memset(&cache, 0, sizeof(cache));
}

/* The model and library of the store, read again when its data changed. */
static int load(struct store *s)
{
	struct strbuf err = STRBUF_INIT;
	struct store_sim_model info;
	int64_t v = store_data_version(s);

	if (cache.loaded && cache.store == s && cache.version == v)
		return cache.have_model;
	forget();
	cache.store = s;
	cache.version = v;
	cache.loaded = 1;
	cache.have_model = simtrain_load(s, 0, &cache.model, &info, &err) == 1;
	if (cache.have_model) {
		store_similar_model_release(&info);
		if (simlib_load(s, 0, &cache.lib, &err)) {
			lr_release(&cache.model);
			cache.have_model = 0;
		}
	}
	strbuf_release(&err);
	return cache.have_model;
}

static void card(struct pages *p, const struct simrank_hit *hits, size_t k, struct strbuf *sb)
{
	strbuf_addstr(sb, "<div class=\"card\"><h2>Sounds like</h2><ol>");
	for (size_t i = 0; i < k; i++) {
		const struct sim_track *t = &cache.lib.t[hits[i].track];
		if (!spotify_id_valid_str(t->id))
			continue;
		strbuf_addf(sb, "<li><a href=\"track-%s.html\"><span class=\"track\" dir=\"auto\">",
			    t->id);
		strbuf_add_html(sb, t->name);
		strbuf_addstr(sb, "</span></a> · <span class=\"artist\" dir=\"auto\">");
		strbuf_add_html(sb, t->artists);
		strbuf_addf(sb, "</span> <span class=\"note\">%.0f%%</span></li>", hits[i].p * 100);
		if (p->linked)
			p->linked(p->linked_arg, t->id);
	}
	strbuf_addstr(sb, "</ol><p class=\"note\">Your own similarity model ('spinlog similar "
		      "train'): the chance that you would call the two alike.</p></div>");
}

void sounds_like_html(struct pages *p, const char *track_id, struct strbuf *out)
{
	static const char tail[] = "</main></body></html>\n";
	size_t tl = sizeof(tail) - 1;
	struct strbuf sb = STRBUF_INIT;
	struct simrank_hit hits[SOUNDS_LIKE_N];

	if (!load(p->store) || out->len < tl || strcmp(out->buf + out->len - tl, tail))
		return;
	long q = simlib_find(&cache.lib, track_id);
	if (q < 0 || !cache.lib.t[q].has_features) {
		strbuf_addstr(&sb, "<div class=\"card\"><h2>Sounds like</h2><p class=\"note\">No "
			      "audio features stored for this track, so it is not compared.</p></div>");
	} else {
		size_t k = simrank_top(&cache.lib, &cache.model, q, SOUNDS_LIKE_N, hits, NULL);
		card(p, hits, k, &sb);
	}
	strbuf_setlen(out, out->len - tl);
	strbuf_addstr(out, sb.buf);
	strbuf_addstr(out, tail);
	strbuf_release(&sb);
}
