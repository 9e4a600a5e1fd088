/*
 * The engine-independent half of the store: picking the engine from the
 * url, and one trampoline per domain call into the engine's ops.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/engine.h"
#include "core/banned.h"

/*
 * An engine may lack the calls of a newer section (their ops are NULL): the
 * trampoline then fails as its contract says (fail), with err (when the call
 * has one) saying what is missing, instead of calling through NULL.
 */
static void op_missing(struct store *s, const char *what, struct strbuf *err)
{
	if (err)
		strbuf_addf(err, "%s is not supported by the %s engine yet", what,
			    s->ops->name);
}

#define OP_NEEDED(s, op, what, err, fail) do { \
		if (!(s)->ops->op) { \
			op_missing((s), (what), (err)); \
			return (fail); \
		} \
	} while (0)

static const struct store_ops *const engines[] = {
	&store_sqlite_ops,
	&store_postgres_ops,
};

int store_open(const char *url, struct store **out, struct strbuf *err)
{
	const char *colon = strchr(url, ':');

	*out = NULL;
	for (size_t i = 0; colon && i < sizeof(engines) / sizeof(*engines); i++) {
		size_t n = strlen(engines[i]->name);
		if ((size_t)(colon - url) == n && !strncmp(url, engines[i]->name, n))
			return engines[i]->open(colon + 1, out, err);
	}
	/*
	 * "scheme://..." names an engine this build lacks; anything else with
	 * a colon ("backup:2026/spinlog.db") is a file name.
	 */
	if (colon && colon > url && !strncmp(colon, "://", 3) &&
	    strspn(url, "abcdefghijklmnopqrstuvwxyz+") == (size_t)(colon - url)) {
		/* not the whole url: it may hold a password */
		strbuf_addf(err, "this spinlog has no store engine '%.*s' (known: sqlite, postgresql)",
			    (int)(colon - url), url);
		return -1;
	}
	return store_sqlite_ops.open(url, out, err); /* a plain path */
}

void store_close(struct store *s)
{
	if (s)
		s->ops->close(s);
}

const char *store_engine(const struct store *s)
{
	return s->ops->name;
}

const char *store_where(const struct store *s)
{
	return s->where;
}

int store_begin(struct store *s, struct strbuf *err)
{
	return s->ops->begin(s, err);
}

int store_commit(struct store *s, struct strbuf *err)
{
	return s->ops->commit(s, err);
}

void store_rollback(struct store *s)
{
	s->ops->rollback(s);
}

int64_t store_data_version(struct store *s)
{
	return s->ops->data_version(s);
}

char *store_state_get(struct store *s, const char *key)
{
	return s->ops->state_get(s, key);
}

int store_state_set(struct store *s, const char *key, const char *value)
{
	return s->ops->state_set(s, key, value);
}

int store_state_get_int(struct store *s, const char *key, int64_t *out)
{
	char *v = store_state_get(s, key);

	if (!v)
		return -1;
	*out = strtoll(v, NULL, 10);
	free(v);
	return 0;
}

int store_state_set_int(struct store *s, const char *key, int64_t value)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", (long long)value);
	return store_state_set(s, key, buf);
}

/* ---- plays and the collector ---- */
int store_plays_add_api(struct store *s, int64_t account_id, int64_t page_id,
			const struct api_play *p)
{
	return s->ops->plays_add_api(s, account_id, page_id, p);
}

int store_plays_merge_api(struct store *s, int64_t account_id, int64_t page_id,
			  const struct api_play *p)
{
	return s->ops->plays_merge_api(s, account_id, page_id, p);
}

int64_t store_plays_newest_api_ms(struct store *s, int64_t account_id)
{
	return s->ops->plays_newest_api_ms(s, account_id);
}

int64_t store_plays_count(struct store *s, int64_t account_id)
{
	return s->ops->plays_count(s, account_id);
}

int64_t store_pages_add(struct store *s, int64_t account_id,
			const struct page_info *p)
{
	return s->ops->pages_add(s, account_id, p);
}

int store_gaps_add(struct store *s, int64_t account_id, int64_t from_ms,
		   int64_t to_ms, int64_t detected_ms)
{
	return s->ops->gaps_add(s, account_id, from_ms, to_ms, detected_ms);
}

int64_t store_gaps_open_count(struct store *s, int64_t account_id)
{
	return s->ops->gaps_open_count(s, account_id);
}

int64_t store_accounts_ensure(struct store *s, const char *name)
{
	return s->ops->accounts_ensure(s, name);
}

int64_t store_accounts_find(struct store *s, const char *name)
{
	return s->ops->accounts_find(s, name);
}

int store_accounts_record_poll(struct store *s, int64_t id, int64_t when_ms,
			       const char *status, int ok)
{
	return s->ops->accounts_record_poll(s, id, when_ms, status, ok);
}

int store_accounts_names(struct store *s, struct strvec *names)
{
	return s->ops->accounts_names(s, names);
}

int store_accounts_poll_info(struct store *s, int64_t id,
			     struct store_poll_info *out)
{
	return s->ops->accounts_poll_info(s, id, out);
}

void store_poll_info_release(struct store_poll_info *p)
{
	free(p->last_status);
	p->last_status = NULL;
}

const char *store_errmsg(struct store *s)
{
	return s->ops->errmsg(s);
}
/* (end of plays and the collector) */

/* ---- catalog and enrichment ---- */
int store_catalog_put_tracks(struct store *s, const struct store_track *v,
			     size_t n, struct strbuf *err)
{
	return s->ops->catalog_put_tracks(s, v, n, err);
}

int store_catalog_put_albums(struct store *s, const struct store_album *v,
			     size_t n, struct strbuf *err)
{
	return s->ops->catalog_put_albums(s, v, n, err);
}

int store_catalog_put_artists(struct store *s, const struct store_artist *v,
			      size_t n, int64_t now_ms, struct strbuf *err)
{
	return s->ops->catalog_put_artists(s, v, n, now_ms, err);
}

int store_catalog_put_features(struct store *s,
			       const struct store_features *v, size_t n,
			       int64_t now_ms, struct strbuf *err)
{
	return s->ops->catalog_put_features(s, v, n, now_ms, err);
}

int store_catalog_put_analyses(struct store *s,
			       const struct store_analysis *v, size_t n,
			       int64_t now_ms, struct strbuf *err)
{
	return s->ops->catalog_put_analyses(s, v, n, now_ms, err);
}

int store_catalog_clear(struct store *s, struct strbuf *err)
{
	return s->ops->catalog_clear(s, err);
}

int64_t store_catalog_count_tracks(struct store *s)
{
	return s->ops->catalog_count_tracks(s);
}

char *store_catalog_track_isrc(struct store *s, const char *id)
{
	return s->ops->catalog_track_isrc(s, id);
}

int store_catalog_track_view(struct store *s, const char *id, int extended,
			     struct store_track_view *out, struct strbuf *err)
{
	return s->ops->catalog_track_view(s, id, extended, out, err);
}

void store_track_view_release(struct store_track_view *v)
{
	free(v->name);
	free(v->album);
	free(v->cover);
	free(v->artists);
	free(v->features_source);
	free(v->analysis_source);
	free(v->sections);
	for (size_t i = 0; i < v->ngenres; i++)
		free(v->genres[i]);
	free(v->genres);
	memset(v, 0, sizeof(*v));
}

int store_song_plays(struct store *s, int64_t account_id, int64_t from_ms, int64_t to_ms,
		     int (*fn)(void *arg, const struct store_song_play *p),
		     void *arg, struct strbuf *err)
{
	return s->ops->song_plays(s, account_id, from_ms, to_ms, fn, arg, err);
}

int store_pending(struct store *s, enum store_pending what,
		  struct strvec *ids, struct strbuf *err)
{
	return s->ops->pending(s, what, ids, err);
}

int64_t store_blocks_until(struct store *s, const char *provider,
			   int64_t account_id, int64_t now_ms)
{
	return s->ops->blocks_until(s, provider, account_id, now_ms);
}

int store_blocks_put(struct store *s, const char *provider,
		     int64_t account_id, int64_t until_ms, const char *reason,
		     struct strbuf *err)
{
	return s->ops->blocks_put(s, provider, account_id, until_ms, reason,
				  err);
}

static const char *const setaside_kinds[SA_KINDS] = {
	"track", "artist", "audio-features", "audio-analysis", "landed-page",
};

const char *store_setaside_kind_name(enum setaside_kind k)
{
	return setaside_kinds[k];
}

int store_setaside_add(struct store *s, enum setaside_kind k, const char *id,
		       const char *reason, int64_t now_ms, struct strbuf *err)
{
	return s->ops->setaside_add(s, k, id, reason, now_ms, err);
}

int store_setaside_has(struct store *s, enum setaside_kind k, const char *id)
{
	return s->ops->setaside_has(s, k, id);
}

int64_t store_setaside_count(struct store *s)
{
	return s->ops->setaside_count(s);
}

int store_setaside_list(struct store *s, size_t max, struct setaside_list *out,
			struct strbuf *err)
{
	return s->ops->setaside_list(s, max, out, err);
}

void store_setaside_list_release(struct setaside_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].id);
		free(l->v[i].reason);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int64_t store_setaside_forget(struct store *s, struct strbuf *err)
{
	return s->ops->setaside_forget(s, err);
}

/* The longest id a message shows: a set-aside id may be any length. 96 bytes
 * keep a landed page's key whole ("recently-played/<account>/2026/05/13/
 * 151040-1778668531000.json" is 56 plus the account's name). */
#define SETASIDE_SHOW_MAX 96

void store_setaside_describe(struct strbuf *out, const char *id,
			     const char *reason)
{
	size_t n = strlen(id), start = out->len;

	strbuf_addch(out, '\'');
	if (n > SETASIDE_SHOW_MAX) {
		/* cut on a character boundary: no UTF-8 continuation byte first */
		n = SETASIDE_SHOW_MAX;
		while (n && ((unsigned char)id[n] & 0xC0) == 0x80)
			n--;
		strbuf_add(out, id, n);
		strbuf_addstr(out, "…");
	} else {
		strbuf_add(out, id, n);
	}
	str_make_printable(out->buf + start);
	strbuf_addf(out, "': %s", reason);
}

int store_accounts_list(struct store *s, const char *only,
			struct store_account **out, size_t *n,
			struct strbuf *err)
{
	return s->ops->accounts_list(s, only, out, n, err);
}

void store_accounts_free(struct store_account *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

int store_pages_after(struct store *s, int64_t account_id, int64_t after_id,
		      int (*fn)(void *arg, int64_t id, const char *key),
		      void *arg, struct strbuf *err)
{
	return s->ops->pages_after(s, account_id, after_id, fn, arg, err);
}

int store_etl_marks_clear(struct store *s, struct strbuf *err)
{
	return s->ops->etl_marks_clear(s, err);
}

int store_savepoint(struct store *s, struct strbuf *err)
{
	return s->ops->savepoint(s, err);
}

int store_savepoint_release(struct store *s, struct strbuf *err)
{
	return s->ops->savepoint_release(s, err);
}

void store_savepoint_rollback(struct store *s)
{
	s->ops->savepoint_rollback(s);
}
/* (end of catalog and enrichment) */

/* ---- imports ---- */
int store_import_start(struct store *s, int64_t account_id, const char *paths,
		       int64_t started_ms, struct store_import **out,
		       struct strbuf *err)
{
	return s->ops->import_start(s, account_id, paths, started_ms, out, err);
}

int64_t store_import_id(const struct store_import *im)
{
	return im->id;
}

int store_import_account_has_plays(struct store_import *im)
{
	return im->store->ops->import_account_has_plays(im);
}

int store_import_scan(struct store_import *im, int64_t lo, int64_t hi,
		      int (*fn)(void *arg, const struct store_import_row *r),
		      void *arg, struct strbuf *err)
{
	return im->store->ops->import_scan(im, lo, hi, fn, arg, err);
}

int store_import_add(struct store_import *im, const struct store_import_play *p,
		     size_t n, struct strbuf *err)
{
	return im->store->ops->import_add(im, p, n, err);
}

int store_import_merge(struct store_import *im, int64_t play_id,
		       const struct store_import_play *p, struct strbuf *err)
{
	return im->store->ops->import_merge(im, play_id, p, err);
}

int store_import_heal_gaps(struct store_import *im, int64_t lo, int64_t hi,
			   int64_t now_ms, size_t *healed, struct strbuf *err)
{
	return im->store->ops->import_heal_gaps(im, lo, hi, now_ms, healed, err);
}

int store_import_finish(struct store_import *im,
			const struct store_import_counts *c, struct strbuf *err)
{
	return im->store->ops->import_finish(im, c, err);
}

void store_import_free(struct store_import *im)
{
	if (im)
		im->store->ops->import_free(im);
}

int store_bulk_begin(struct store *s, size_t rows, struct strbuf *err)
{
	return s->ops->bulk_begin(s, rows, err);
}

int store_bulk_indexes_off(struct store *s, size_t new_rows,
			   struct strbuf *err)
{
	return s->ops->bulk_indexes_off(s, new_rows, err);
}

int store_bulk_indexes_on(struct store *s, struct strbuf *err)
{
	return s->ops->bulk_indexes_on(s, err);
}

void store_bulk_end(struct store *s)
{
	s->ops->bulk_end(s);
}
/* (end of imports) */

/* ---- reports ---- */
int store_read_begin(struct store *s, struct strbuf *err)
{
	return s->ops->read_begin(s, err);
}

void store_read_end(struct store *s)
{
	s->ops->read_end(s);
}

void store_tune_for_reads(struct store *s)
{
	s->ops->tune_for_reads(s);
}

int store_scan_music(struct store *s, int64_t account_id, int64_t from, int64_t to,
		     int (*fn)(void *arg, const struct store_music_play *p), void *arg,
		     struct strbuf *err)
{
	return s->ops->scan_music(s, account_id, from, to, fn, arg, err);
}

int store_scan_plays(struct store *s, int64_t account_id, int64_t from, int64_t to,
		     int (*fn)(void *arg, const struct store_play_row *p), void *arg,
		     struct strbuf *err)
{
	return s->ops->scan_plays(s, account_id, from, to, fn, arg, err);
}

int store_scan_sources(struct store *s, int64_t account_id, int64_t from, int64_t to,
		       int (*fn)(void *arg, int64_t played_ms, int sources), void *arg,
		       struct strbuf *err)
{
	return s->ops->scan_sources(s, account_id, from, to, fn, arg, err);
}

int store_play_span(struct store *s, int64_t account_id, int64_t *first_ms, int64_t *last_ms,
		    struct strbuf *err)
{
	return s->ops->play_span(s, account_id, first_ms, last_ms, err);
}

int store_track_play_times(struct store *s, int64_t account_id, const char *track_id, int64_t **v, int *n,
			   struct strbuf *err)
{
	return s->ops->track_play_times(s, account_id, track_id, v, n, err);
}

int store_any_play_before(struct store *s, int64_t account_id, int64_t ms)
{
	return s->ops->any_play_before(s, account_id, ms);
}

int store_artist_played_before(struct store *s, int64_t account_id, const char *artist_id, int64_t ms)
{
	int yes = 0;
	store_artists_played_before(s, account_id, &artist_id, 1, ms, &yes);
	return yes;
}

int store_artists_played_before(struct store *s, int64_t account_id, const char *const *ids,
				int n, int64_t ms, int *out)
{
	for (int i = 0; i < n; i++)
		out[i] = 0;
	return n > 0 ? s->ops->artists_played_before(s, account_id, ids, n, ms, out) : 0;
}

int store_track_names(struct store *s, const char *track_id,
		      struct store_track_names *out)
{
	return store_track_names_many(s, &track_id, 1, out);
}

int store_track_names_many(struct store *s, const char *const *ids, int n,
			   struct store_track_names *out)
{
	return n > 0 ? s->ops->track_names(s, ids, n, out) : 0;
}

void store_track_names_release(struct store_track_names *t)
{
	free(t->name);
	free(t->artists);
	free(t->album_id);
	free(t->album);
	free(t->cover_url);
	memset(t, 0, sizeof(*t));
}

int store_play_names(struct store *s, const char *track_id, char **artist, char **album)
{
	return s->ops->play_names(s, track_id, artist, album);
}

char *store_artist_name(struct store *s, const char *artist_id)
{
	char *name = NULL;
	store_artist_names_many(s, &artist_id, 1, &name);
	return name;
}

int store_artist_names_many(struct store *s, const char *const *ids, int n, char **out)
{
	for (int i = 0; i < n; i++)
		out[i] = NULL;
	return n > 0 ? s->ops->artist_names(s, ids, n, out) : 0;
}

char *store_album_cover(struct store *s, const char *album_id)
{
	return s->ops->album_cover(s, album_id);
}

int store_catalog_scan(struct store *s, const struct store_catalog_fns *fns,
		       struct strbuf *err)
{
	return s->ops->catalog_scan(s, fns, err);
}

int store_track_sections(struct store *s, const char *track_id,
			 struct store_page_section **v, int *n, struct strbuf *err)
{
	return s->ops->track_sections(s, track_id, v, n, err);
}

int store_track_features(struct store *s, const char *track_id, struct store_page_features *f)
{
	return s->ops->track_features(s, track_id, f);
}

int store_gaps_overlapping(struct store *s, int64_t account_id, int64_t from, int64_t to,
			   int (*fn)(void *arg, const struct store_gap *g), void *arg,
			   struct strbuf *err)
{
	return s->ops->gaps_overlapping(s, account_id, from, to, fn, arg, err);
}

int store_gaps_list(struct store *s, const char *account,
		    int (*fn)(void *arg, const struct store_gap *g), void *arg,
		    struct strbuf *err)
{
	return s->ops->gaps_list(s, account, fn, arg, err);
}

int store_recent_plays(struct store *s, const char *account, int64_t n,
		       int (*fn)(void *arg, const struct store_log_play *p), void *arg,
		       struct strbuf *err)
{
	return s->ops->recent_plays(s, account, n, fn, arg, err);
}
/* (end of reports) */

/* ---- listenbrainz ---- */
int store_lb_token_add(struct store *s, int64_t account_id, const char *hash,
		       const char *prefix, int64_t now_ms, int64_t *id,
		       struct strbuf *err)
{
	OP_NEEDED(s, lb_token_add, "listenbrainz", err, -1);
	return s->ops->lb_token_add(s, account_id, hash, prefix, now_ms, id, err);
}

int store_lb_token_find(struct store *s, const char *hash, int64_t now_ms,
			int64_t *account_id, char **account, struct strbuf *err)
{
	OP_NEEDED(s, lb_token_find, "listenbrainz", err, -1);
	return s->ops->lb_token_find(s, hash, now_ms, account_id, account, err);
}

int store_lb_token_list(struct store *s, const char *account,
			int (*fn)(void *arg, const struct store_lb_token *t),
			void *arg, struct strbuf *err)
{
	OP_NEEDED(s, lb_token_list, "listenbrainz", err, -1);
	return s->ops->lb_token_list(s, account, fn, arg, err);
}

int store_lb_token_revoke(struct store *s, int64_t id, const char *account,
			  struct strbuf *err)
{
	OP_NEEDED(s, lb_token_revoke, "listenbrainz", err, -1);
	return s->ops->lb_token_revoke(s, id, account, err);
}

int store_lb_playing_set(struct store *s, int64_t account_id, const char *json,
			 int64_t expires_ms, struct strbuf *err)
{
	OP_NEEDED(s, lb_playing_set, "listenbrainz", err, -1);
	return s->ops->lb_playing_set(s, account_id, json, expires_ms, err);
}

int store_lb_playing_get(struct store *s, int64_t account_id, int64_t now_ms,
			 char **json, struct strbuf *err)
{
	OP_NEEDED(s, lb_playing_get, "listenbrainz", err, -1);
	return s->ops->lb_playing_get(s, account_id, now_ms, json, err);
}

int store_lb_keep(struct store *s, int64_t account_id,
		  const struct store_lb_kept *v, size_t n, int64_t now_ms,
		  struct strbuf *err)
{
	OP_NEEDED(s, lb_keep, "listenbrainz", err, -1);
	return s->ops->lb_keep(s, account_id, v, n, now_ms, err);
}

int store_lb_listens(struct store *s, int64_t account_id, int64_t min_ts,
		     int64_t max_ts, int64_t count,
		     int (*fn)(void *arg, const struct store_lb_listen *l),
		     void *arg, struct strbuf *err)
{
	OP_NEEDED(s, lb_listens, "listenbrainz", err, -1);
	return s->ops->lb_listens(s, account_id, min_ts, max_ts, count, fn, arg, err);
}

int store_lb_listen_stats(struct store *s, int64_t account_id, int64_t *count,
			  int64_t *oldest, int64_t *latest, struct strbuf *err)
{
	OP_NEEDED(s, lb_listen_stats, "listenbrainz", err, -1);
	return s->ops->lb_listen_stats(s, account_id, count, oldest, latest, err);
}
/* (end of listenbrainz) */
/* ---- analysis ---- */
int store_analysis_by_isrc(struct store *s, const char *isrc,
			   struct strvec *ids, struct strbuf *err)
{
	OP_NEEDED(s, analysis_by_isrc, "local audio analysis", err, -1);
	return s->ops->analysis_by_isrc(s, isrc, ids, err);
}

int store_analysis_tracks(struct store *s,
			  int (*fn)(void *arg, const struct store_named_track *t),
			  void *arg, struct strbuf *err)
{
	OP_NEEDED(s, analysis_tracks, "local audio analysis", err, -1);
	return s->ops->analysis_tracks(s, fn, arg, err);
}

char *store_analysis_cached(struct store *s, const char *hash,
			    char **track_id)
{
	OP_NEEDED(s, analysis_cached, "local audio analysis", NULL, NULL);
	return s->ops->analysis_cached(s, hash, track_id);
}

int store_analysis_cache_put(struct store *s, const char *hash,
			     const char *path, const char *track_id,
			     const char *json, int64_t now_ms,
			     struct strbuf *err)
{
	OP_NEEDED(s, analysis_cache_put, "local audio analysis", err, -1);
	return s->ops->analysis_cache_put(s, hash, path, track_id, json, now_ms,
					  err);
}

int store_analysis_put_local(struct store *s, const struct store_analysis *a,
			     int64_t now_ms, struct strbuf *err)
{
	OP_NEEDED(s, analysis_put_local, "local audio analysis", err, -1);
	return s->ops->analysis_put_local(s, a, now_ms, err);
}
/* (end of analysis) */
/* ---- navigation ---- */
int store_nav_track_plays(struct store *s, int64_t account_id, const char *track_id,
			  int (*fn)(void *arg, const struct store_nav_play *p), void *arg,
			  struct strbuf *err)
{
	OP_NEEDED(s, nav_track_plays, "navigation", err, -1);
	return s->ops->nav_track_plays(s, account_id, track_id, fn, arg, err);
}

int store_nav_album(struct store *s, const char *album_id, char **name,
		    struct strvec *artist_ids, struct strbuf *err)
{
	OP_NEEDED(s, nav_album, "navigation", err, -1);
	return s->ops->nav_album(s, album_id, name, artist_ids, err);
}

int store_nav_names(struct store *s, enum store_nav_kind kind,
		    int (*fn)(void *arg, const char *id, const char *name), void *arg,
		    struct strbuf *err)
{
	OP_NEEDED(s, nav_names, "navigation", err, -1);
	return s->ops->nav_names(s, kind, fn, arg, err);
}
/* (end of navigation) */
/* ---- record fill ---- */
int store_track_fill(struct store *s, const char *id,
		     struct store_track_fill *out, struct strbuf *err)
{
	OP_NEEDED(s, track_fill, "the record fill", err, -1);
	return s->ops->track_fill(s, id, out, err);
}

void store_track_fill_release(struct store_track_fill *f)
{
	free(f->features_source);
	f->features_source = NULL;
}

int store_album_covers(struct store *s, int64_t now_ms,
		       int (*fn)(void *arg, const char *album_id,
				 const char *url),
		       void *arg, struct strbuf *err)
{
	OP_NEEDED(s, album_covers, "the record fill", err, -1);
	return s->ops->album_covers(s, now_ms, fn, arg, err);
}

int store_cover_failed(struct store *s, const char *album_id, int64_t now_ms,
		       const char *reason, struct strbuf *err)
{
	OP_NEEDED(s, cover_failed, "the record fill", err, -1);
	return s->ops->cover_failed(s, album_id, now_ms, reason, err);
}

int store_cover_fetched(struct store *s, const char *album_id,
			struct strbuf *err)
{
	OP_NEEDED(s, cover_fetched, "the record fill", err, -1);
	return s->ops->cover_fetched(s, album_id, err);
}
/* (end of record fill) */

/* ---- resolve ---- */
int store_resolve_pending(struct store *s, int64_t now_ms,
			  int (*fn)(void *arg, const struct store_resolve_name *n),
			  void *arg, struct strbuf *err)
{
	OP_NEEDED(s, resolve_pending, "name resolution", err, -1);
	return s->ops->resolve_pending(s, now_ms, fn, arg, err);
}

int store_resolve_set(struct store *s, uint64_t name_key, const char *artist,
		      const char *track, const char *track_id, const char *why,
		      int64_t now_ms, int64_t retry_ms, struct strbuf *err)
{
	OP_NEEDED(s, resolve_set, "name resolution", err, -1);
	return s->ops->resolve_set(s, name_key, artist, track, track_id, why,
				   now_ms, retry_ms, err);
}

int store_resolve_apply(struct store *s, int64_t *plays, struct strbuf *err)
{
	OP_NEEDED(s, resolve_apply, "name resolution", err, -1);
	return s->ops->resolve_apply(s, plays, err);
}

int store_resolve_unresolved(struct store *s, int64_t *plays, int64_t *names,
			     struct strbuf *err)
{
	OP_NEEDED(s, resolve_unresolved, "name resolution", err, -1);
	return s->ops->resolve_unresolved(s, plays, names, err);
}

int store_resolve_catalog(struct store *s,
			  int (*fn)(void *arg, const struct store_resolve_track *t),
			  void *arg, struct strbuf *err)
{
	OP_NEEDED(s, resolve_catalog, "name resolution", err, -1);
	return s->ops->resolve_catalog(s, fn, arg, err);
}
/* (end of resolve) */
/* ---- similarity ---- */
int store_similar_tracks(struct store *s, int64_t account_id,
			 int (*fn)(void *arg, const struct store_sim_track *t),
			 void *arg, struct strbuf *err)
{
	OP_NEEDED(s, similar_tracks, "similarity", err, -1);
	return s->ops->similar_tracks(s, account_id, fn, arg, err);
}

int64_t store_similar_label_add(struct store *s, int64_t account_id,
				const struct store_sim_label *l, struct strbuf *err)
{
	OP_NEEDED(s, similar_label_add, "similarity", err, -1);
	return s->ops->similar_label_add(s, account_id, l, err);
}

int store_similar_label_delete(struct store *s, int64_t account_id, int64_t id,
			       struct strbuf *err)
{
	OP_NEEDED(s, similar_label_delete, "similarity", err, -1);
	return s->ops->similar_label_delete(s, account_id, id, err);
}

int store_similar_labels(struct store *s, int64_t account_id,
			 int (*fn)(void *arg, const struct store_sim_label *l),
			 void *arg, struct strbuf *err)
{
	OP_NEEDED(s, similar_labels, "similarity", err, -1);
	return s->ops->similar_labels(s, account_id, fn, arg, err);
}

int store_similar_model_put(struct store *s, const struct store_sim_model *m,
			    struct strbuf *err)
{
	OP_NEEDED(s, similar_model_put, "similarity", err, -1);
	return s->ops->similar_model_put(s, m, err);
}

int store_similar_model_get(struct store *s, int64_t account_id,
			    struct store_sim_model *out, struct strbuf *err)
{
	OP_NEEDED(s, similar_model_get, "similarity", err, -1);
	return s->ops->similar_model_get(s, account_id, out, err);
}

void store_similar_model_release(struct store_sim_model *m)
{
	free(m->features);
	free(m->params);
	m->features = m->params = NULL;
}
/* (end of similarity) */
/* ---- plays by track reference ---- */
int store_scan_music_refs(struct store *s, int64_t account_id, int64_t from, int64_t to,
			  int (*fn)(void *arg, const struct store_music_ref *p), void *arg,
			  struct strbuf *err)
{
	OP_NEEDED(s, scan_music_refs, "reading plays by track reference", err, -1);
	return s->ops->scan_music_refs(s, account_id, from, to, fn, arg, err);
}

int store_track_refs(struct store *s, int (*fn)(void *arg, const struct store_track_ref *t),
		     void *arg, struct strbuf *err)
{
	OP_NEEDED(s, track_refs, "reading plays by track reference", err, -1);
	return s->ops->track_refs(s, fn, arg, err);
}

int store_ref_play_names(struct store *s, int64_t ref, char **artist, char **album)
{
	OP_NEEDED(s, ref_play_names, "reading plays by track reference", NULL, 0);
	return s->ops->ref_play_names(s, ref, artist, album);
}
/* (end of plays by track reference) */
/* ---- tracks known by names ---- */
int store_ref_names(struct store *s, int64_t ref, char **name, char **artist, char **album)
{
	*name = *artist = *album = NULL;
	return s->ops->ref_names ? s->ops->ref_names(s, ref, name, artist, album) : 0;
}
/* (end of tracks known by names) */

/* ---- account summary ---- */
int store_account_summary(struct store *s, int64_t account_id,
			  struct store_account_summary *out, struct strbuf *err)
{
	memset(out, 0, sizeof(*out));
	OP_NEEDED(s, account_summary, "account summary", err, -1);
	return s->ops->account_summary(s, account_id, out, err);
}

void store_account_summary_release(struct store_account_summary *a)
{
	free(a->last_import_paths);
	memset(a, 0, sizeof(*a));
}
/* (end of account summary) */

/* ---- name-keyed track pages ---- */
int store_name_key_plays(struct store *s, uint64_t name_key, int64_t *ref,
			 int64_t **v, int *n, struct strbuf *err)
{
	*ref = 0;
	*v = NULL;
	*n = 0;
	OP_NEEDED(s, name_key_plays, "name-keyed track pages", err, -1);
	return s->ops->name_key_plays(s, name_key, ref, v, n, err);
}
/* (end of name-keyed track pages) */
/* ---- store copy ---- */
int64_t store_copy_count(struct store *s, const struct store_copy_table *t,
			 struct strbuf *err)
{
	OP_NEEDED(s, copy_count, "store copy", err, -1);
	return s->ops->copy_count(s, t, err);
}

int store_copy_read(struct store *s, const struct store_copy_table *t,
		    int (*fn)(void *arg, const struct store_copy_value *row),
		    void *arg, struct strbuf *err)
{
	OP_NEEDED(s, copy_read, "store copy", err, -1);
	return s->ops->copy_read(s, t, fn, arg, err);
}

int store_copy_write(struct store *s, const struct store_copy_table *t,
		     const struct store_copy_value *row, struct strbuf *err)
{
	OP_NEEDED(s, copy_write, "store copy", err, -1);
	return s->ops->copy_write(s, t, row, err);
}

int store_copy_finish(struct store *s, struct strbuf *err)
{
	OP_NEEDED(s, copy_finish, "store copy", err, -1);
	return s->ops->copy_finish(s, err);
}
/* (end of store copy) */
/* ---- a second reader (issue 11) ---- */
void store_tune_second_reader(struct store *s)
{
	if (s->ops->tune_second_reader)
		s->ops->tune_second_reader(s);
}
/* (end of a second reader) */
/* ---- artist images (issue 11, r6-look) ---- */
int store_artist_image_put(struct store *s, const char *artist_id,
			   const char *url, struct strbuf *err)
{
	OP_NEEDED(s, artist_image_put, "artist images", err, -1);
	return s->ops->artist_image_put(s, artist_id, url, err);
}

char *store_artist_image(struct store *s, const char *artist_id)
{
	return s->ops->artist_image ? s->ops->artist_image(s, artist_id) : NULL;
}

int store_artist_images(struct store *s, int64_t now_ms,
			int (*fn)(void *arg, const char *artist_id,
				  const char *url),
			void *arg, struct strbuf *err)
{
	OP_NEEDED(s, artist_images, "artist images", err, -1);
	return s->ops->artist_images(s, now_ms, fn, arg, err);
}
/* (end of artist images) */
