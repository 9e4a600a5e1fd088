/*
 * store copy (issue 12): a whole store as logical tables, whatever the
 * engine keeps physically, and the copy from one store into an empty one
 * with a count and SHA-256 per table on both sides. The engines read and
 * write the rows (store/<engine>/copy.c); this file decides which tables
 * there are, in which order they are written (a row's references first),
 * and what the digest covers.
 *
 * The digest of a table is SHA-256 over its rows in its order (its key
 * columns ascending, texts by bytes), each value as one tag byte: 'N' for
 * NULL; 'I' and 8 bytes big-endian for an integer; 'R' and the 8 bytes of
 * the IEEE double big-endian; 'T', the length as 8 bytes big-endian and the
 * bytes of a text. So two engines agree exactly when every value does.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "core/xalloc.h"
#include "store/store.h"
#include "core/banned.h"

#define T(name, nkey, types, ...) \
	{ name, (const char *const[]){ __VA_ARGS__, NULL }, types, \
	  (int)sizeof(types) - 1, nkey }

/*
 * The logical tables, in the order a copy writes them. plays is the
 * column list of the old plays table (the view both engines keep), so
 * neither engine's dictionaries (strs, track_keys, texts, items) are part
 * of it; the sources table is filled from store/sources.c by every engine.
 */
const struct store_copy_table store_copy_tables[] = {
	T("accounts", 1, "ittiitii", "id", "name", "spotify_user", "created_ms",
	  "last_poll_ms", "last_poll_status", "last_success_ms", "polls"),
	T("pages", 1, "iitiiiii", "id", "account_id", "key", "fetched_ms",
	  "after_ms", "items", "newest_ms", "oldest_ms"),
	T("imports", 1, "iiitiiiiiiiii", "id", "started_ms", "finished_ms", "paths",
	  "files", "records", "added", "merged", "account_id", "duplicates",
	  "ignored", "from_ms", "to_ms"),
	T("plays", 1, "iiiittttttittt" "iiiiitttt" "iiii",
	  "id", "account_id", "played_ms", "precision_ms", "kind", "track_id",
	  "episode_id", "track_name", "artist_name", "album_name", "ms_played",
	  "context_uri", "reason_start", "reason_end", "skipped", "shuffle",
	  "offline", "offline_ms", "incognito", "platform", "country", "ip_addr",
	  "user_agent", "sources", "page_id", "import_id", "name_key"),
	T("play_fps", 2, "iii", "play_id", "source", "fp"),
	T("gaps", 1, "iiiiiit", "id", "account_id", "from_ms", "to_ms",
	  "detected_ms", "healed_ms", "healed_by"),
	T("artists", 1, "ttiiit", "id", "name", "popularity", "followers",
	  "enriched_ms", "image_url"), /* image_url: issue 11, r6-look */
	T("artist_genres", 2, "tit", "artist_id", "position", "genre"),
	T("albums", 1, "tttti", "id", "name", "album_type", "release_date",
	  "total_tracks"),
	T("album_artists", 2, "tit", "album_id", "position", "artist_id"),
	T("album_images", 2, "titii", "album_id", "position", "url", "width",
	  "height"),
	T("tracks", 1, "tttiiitii", "id", "name", "album_id", "duration_ms",
	  "explicit", "popularity", "isrc", "track_number", "disc_number"),
	T("track_artists", 2, "tit", "track_id", "position", "artist_id"),
	T("audio_features", 1, "ttrrrrrrrrriiiii", "track_id", "provider",
	  "acousticness", "danceability", "energy", "instrumentalness",
	  "liveness", "loudness", "speechiness", "valence", "tempo", "key",
	  "mode", "time_signature", "duration_ms", "fetched_ms"),
	T("audio_analysis", 1, "ttrrriiiiii", "track_id", "provider", "duration",
	  "loudness", "tempo", "key", "mode", "time_signature", "num_sections",
	  "num_segments", "fetched_ms"),
	T("sections", 2, "tirrrrrriririr", "track_id", "idx", "start",
	  "duration", "confidence", "loudness", "tempo", "tempo_confidence",
	  "key", "key_confidence", "mode", "mode_confidence", "time_signature",
	  "time_signature_confidence"),
	T("segments", 2, "tirrrrrrrtt", "track_id", "idx", "start", "duration",
	  "confidence", "loudness_start", "loudness_max", "loudness_max_time",
	  "loudness_end", "pitches", "timbre"),
	T("provider_blocks", 2, "tiit", "provider", "account_id", "until_ms",
	  "reason"),
	T("set_aside", 2, "ttti", "kind", "id", "reason", "set_ms"),
	T("state", 1, "tt", "key", "value"),
	T("cover_misses", 1, "tiiit", "album_id", "failures", "failed_ms",
	  "retry_ms", "reason"),
	T("resolve_names", 1, "itttti" "i", "name_key", "artist", "track",
	  "track_id", "why", "asked_ms", "retry_ms"),
	T("lb_tokens", 1, "iittii", "id", "account_id", "hash", "prefix",
	  "created_ms", "last_used_ms"),
	T("lb_playing_now", 1, "iti", "account_id", "metadata", "expires_ms"),
	T("lb_listens", 2, "iiiit", "account_id", "fp", "listened_at",
	  "inserted_ms", "metadata"),
	T("local_analyses", 1, "tttti", "content_hash", "path", "track_id",
	  "result", "analysed_ms"),
	T("similar_labels", 1, "iittiit", "id", "account_id", "track_a",
	  "track_b", "similar", "labelled_ms", "source"),
	T("similar_models", 1, "iiittiirrrrr", "id", "account_id", "version",
	  "features", "params", "labels", "trained_ms", "auc", "auc_sd",
	  "accuracy", "accuracy_sd", "baseline_auc"),
};
const size_t store_copy_ntables =
	sizeof(store_copy_tables) / sizeof(store_copy_tables[0]);

/* Each table's types are as many as its columns (a slip is a crash here). */
static void check_tables(void)
{
	for (size_t i = 0; i < store_copy_ntables; i++) {
		const struct store_copy_table *t = &store_copy_tables[i];
		int n = 0;
		while (t->cols[n])
			n++;
		if (n != t->ncols || t->nkey < 1 || t->nkey > n)
			abort();
	}
}

static void put_u64(EVP_MD_CTX *md, uint64_t v)
{
	unsigned char b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (56 - 8 * i));
	EVP_DigestUpdate(md, b, 8);
}

static void digest_row(EVP_MD_CTX *md, const struct store_copy_table *t,
		       const struct store_copy_value *row)
{
	for (int c = 0; c < t->ncols; c++) {
		const struct store_copy_value *v = &row[c];
		uint64_t bits;

		if (v->null) {
			EVP_DigestUpdate(md, "N", 1);
		} else if (t->types[c] == 'i') {
			EVP_DigestUpdate(md, "I", 1);
			put_u64(md, (uint64_t)v->i);
		} else if (t->types[c] == 'r') {
			memcpy(&bits, &v->r, 8);
			EVP_DigestUpdate(md, "R", 1);
			put_u64(md, bits);
		} else {
			EVP_DigestUpdate(md, "T", 1);
			put_u64(md, (uint64_t)v->len);
			EVP_DigestUpdate(md, v->s, v->len);
		}
	}
}

/* One table's pass: the digest, and the rows written on to another store. */
struct pass {
	const struct store_copy_table *t;
	EVP_MD_CTX *md;
	struct store_copy_sum *sum;
	struct store *to;     /* NULL: only the digest */
	struct strbuf *err;
	store_copy_progress_fn *progress;
	void *arg;
	int64_t total;
};

static int pass_row(void *arg, const struct store_copy_value *row)
{
	struct pass *p = arg;

	digest_row(p->md, p->t, row);
	p->sum->rows++;
	if (p->to && store_copy_write(p->to, p->t, row, p->err))
		return -1;
	if (p->progress && p->sum->rows % 2000 == 0 && p->sum->rows < p->total)
		p->progress(p->arg, p->t->name, p->sum->rows, p->total);
	return 0;
}

static int pass_table(struct store *s, struct pass *p)
{
	unsigned int n = 0;
	int r;

	p->sum->table = p->t->name;
	p->sum->rows = 0;
	if (!(p->md = EVP_MD_CTX_new()) ||
	    !EVP_DigestInit_ex(p->md, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(p->md);
		strbuf_addstr(p->err, "cannot start a SHA-256 digest");
		return -1;
	}
	if (p->progress && p->total > 0)
		p->progress(p->arg, p->t->name, 0, p->total);
	r = store_copy_read(s, p->t, pass_row, p, p->err);
	if (!r && p->to)
		r = store_copy_write(p->to, p->t, NULL, p->err);
	if (!r && p->progress)
		p->progress(p->arg, p->t->name, p->sum->rows, p->total);
	EVP_DigestFinal_ex(p->md, p->sum->digest, &n);
	EVP_MD_CTX_free(p->md);
	return r ? -1 : 0;
}

/* Every table of s into sums (to: written on there as well). */
static int pass_all(struct store *s, struct store *to, struct store_copy_sum *sums,
		    store_copy_progress_fn *progress, void *arg, struct strbuf *err)
{
	check_tables();
	for (size_t i = 0; i < store_copy_ntables; i++) {
		struct pass p = { &store_copy_tables[i], NULL, &sums[i], to, err,
				  progress, arg, 0 };
		if (progress && (p.total = store_copy_count(s, p.t, err)) < 0)
			return -1;
		if (pass_table(s, &p))
			return -1;
	}
	return 0;
}

int store_copy_digest(struct store *s, struct store_copy_sum **out,
		      struct strbuf *err)
{
	struct store_copy_sum *sums = xcalloc(store_copy_ntables, sizeof(*sums));
	int r;

	*out = NULL;
	if (store_read_begin(s, err)) {
		free(sums);
		return -1;
	}
	r = pass_all(s, NULL, sums, NULL, NULL, err);
	store_read_end(s);
	if (r) {
		free(sums);
		return -1;
	}
	*out = sums;
	return 0;
}

/* 0 when every table of s is empty; -1 saying which is not. */
static int check_empty(struct store *s, struct strbuf *err)
{
	for (size_t i = 0; i < store_copy_ntables; i++) {
		const struct store_copy_table *t = &store_copy_tables[i];
		int64_t n = store_copy_count(s, t, err);
		if (n < 0)
			return -1;
		if (n > 0) {
			strbuf_addf(err, "the destination is not empty: '%s' holds %lld"
				    " rows (store copy writes only into an empty store)",
				    t->name, (long long)n);
			return -1;
		}
	}
	return 0;
}

static int sums_equal(const struct store_copy_sum *a, const struct store_copy_sum *b)
{
	for (size_t i = 0; i < store_copy_ntables; i++)
		if (a[i].rows != b[i].rows || memcmp(a[i].digest, b[i].digest, 32))
			return 0;
	return 1;
}

int store_copy(struct store *from, struct store *to,
	       store_copy_progress_fn *progress, void *arg,
	       struct store_copy_sum **from_sums, struct store_copy_sum **to_sums,
	       struct strbuf *err)
{
	struct store_copy_sum *a = xcalloc(store_copy_ntables, sizeof(*a));
	struct store_copy_sum *b = xcalloc(store_copy_ntables, sizeof(*b));
	int r = -1;

	*from_sums = *to_sums = NULL;
	if (check_empty(to, err) || store_read_begin(from, err))
		goto out;
	if (store_begin(to, err)) {
		store_read_end(from);
		goto out;
	}
	if (pass_all(from, to, a, progress, arg, err) ||
	    store_copy_finish(to, err) || pass_all(to, NULL, b, NULL, NULL, err)) {
		store_rollback(to);
	} else if (!sums_equal(a, b)) {
		store_rollback(to);
		r = 1;
	} else {
		r = store_commit(to, err) ? -1 : 0;
	}
	store_read_end(from);
out:
	if (r < 0) {
		free(a);
		free(b);
	} else {
		*from_sums = a;
		*to_sums = b;
	}
	return r;
}
