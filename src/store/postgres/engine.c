/*
 * The PostgreSQL engine's table of operations (issue 12): opening
 * (conn.c, migrations in schema.c), transactions, the data version and the
 * state table. The store's url is a libpq URI, "postgresql://user@host:port/db"
 * (PGPASSFILE and the other PG* variables are honoured by libpq).
 *
 * Writers take one advisory lock at store_begin, so a second writer waits
 * at its start, as SQLite's BEGIN IMMEDIATE makes it, and the import's
 * checks of what is stored stay true until its commit.
 */
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/postgres/pg.h"
#include "store/postgres/copy.h"   /* issue 12: store copy */
#include "store/postgres/artist_image.h" /* issue 11: artist images */
#include "store/postgres/namekeyed.h" /* issue 12 round 6: name-keyed tracks */
#include "core/banned.h"

#define WRITE_LOCK "2020121"

static int pq_open(const char *where, struct store **out, struct strbuf *err)
{
	struct pg_store *s = xcalloc(1, sizeof(*s));
	struct strbuf url = STRBUF_INIT;

	strbuf_init(&s->errmsg, 0);
	strbuf_addf(&url, "postgresql:%s", where);
	if (pg_connect(url.buf, s, err) || pg_migrate(s, err)) {
		strbuf_release(&url);
		PQfinish(s->conn);
		free(s->masked);
		strbuf_release(&s->errmsg);
		free(s);
		return -1;
	}
	strbuf_release(&url);
	s->base.ops = &store_postgres_ops;
	s->base.where = xstrdup(s->masked);
	s->seen_counter = -1;
	*out = &s->base;
	return 0;
}

static void pq_close(struct store *st)
{
	struct pg_store *s = pg_of(st);

	pgt_refnames_drop(s);
	pgt_track_refs_drop(s);
	pgt_items_drop(s);
	pgt_kept_drop(s);
	free(s->scan_tracks);
	pgc_release(s->copy);
	PQfinish(s->conn);
	free(s->prepared);
	free(s->masked);
	free(s->base.where);
	strbuf_release(&s->errmsg);
	free(s);
}

static int pq_begin(struct store *st, struct strbuf *err)
{
	struct pg_store *s = pg_of(st);

	if (pg_sql(s, "BEGIN; SELECT pg_advisory_xact_lock(" WRITE_LOCK ")", err)) {
		pg_sql(s, "ROLLBACK", NULL);
		return -1;
	}
	s->in_tx = 1;
	return 0;
}

static int pq_commit(struct store *st, struct strbuf *err)
{
	struct pg_store *s = pg_of(st);

	if (pg_import_flush_active(s, err))
		return -1;
	s->in_tx = 0;
	return pg_sql(s, "COMMIT", err);
}

static void pq_rollback(struct store *st)
{
	struct pg_store *s = pg_of(st);

	if (PQtransactionStatus(s->conn) != PQTRANS_IDLE)
		pg_sql(s, "ROLLBACK", NULL);
	pg_import_forget_active(s);
	s->in_tx = 0;
}

/*
 * changes.n moves with every committed write of any connection (the
 * triggers of schema.c) and with this handle's own writes inside its
 * transaction; the version handed out grows whenever it moved.
 */
static int64_t pq_data_version(struct store *st)
{
	static struct pg_q q = PG_Q("SELECT n FROM changes");
	struct pg_store *s = pg_of(st);
	int64_t n = pg_scalar(s, &q, NULL, -1);

	if (n != s->seen_counter) {
		s->seen_counter = n;
		s->version++;
	}
	return s->version;
}

static char *pq_state_get(struct store *st, const char *key)
{
	static struct pg_q q = PG_Q("SELECT value FROM state WHERE key = $1");
	struct pg_params p;
	PGresult *r;
	char *v = NULL;

	pg_params_init(&p);
	pg_text(&p, key);
	r = pg_exec(pg_of(st), &q, &p, NULL);
	if (r && PQntuples(r))
		v = pg_get_dup(r, 0, 0);
	PQclear(r);
	return v;
}

static int pq_state_set(struct store *st, const char *key, const char *value)
{
	static struct pg_q q = PG_Q("INSERT INTO state (key, value) VALUES ($1, $2)"
		" ON CONFLICT (key) DO UPDATE SET value = excluded.value");
	struct pg_params p;

	pg_params_init(&p);
	pg_text(&p, key);
	pg_text(&p, value);
	return pg_run(pg_of(st), &q, &p, NULL, NULL);
}

static const char *pq_errmsg(struct store *st)
{
	return pg_of(st)->errmsg.buf;
}

const struct store_ops store_postgres_ops = {
	.name = "postgresql",
	.open = pq_open,
	.close = pq_close,
	.begin = pq_begin,
	.commit = pq_commit,
	.rollback = pq_rollback,
	.data_version = pq_data_version,
	.state_get = pq_state_get,
	.state_set = pq_state_set,
	/* ---- plays and the collector ---- */
	.plays_add_api = pg_plays_add_api,
	.plays_merge_api = pg_plays_merge_api,
	.plays_newest_api_ms = pg_plays_newest_api_ms,
	.plays_count = pg_plays_count,
	.pages_add = pg_pages_add,
	.gaps_add = pg_gaps_add,
	.gaps_open_count = pg_gaps_open_count,
	.accounts_ensure = pg_accounts_ensure,
	.accounts_find = pg_accounts_find,
	.accounts_record_poll = pg_accounts_record_poll,
	.accounts_names = pg_accounts_names,
	.accounts_poll_info = pg_accounts_poll_info,
	.errmsg = pq_errmsg,
	/* ---- catalog and enrichment ---- */
	.catalog_put_tracks = pg_catalog_put_tracks,
	.catalog_put_albums = pg_catalog_put_albums,
	.catalog_put_artists = pg_catalog_put_artists,
	.catalog_put_features = pg_catalog_put_features,
	.catalog_put_analyses = pg_catalog_put_analyses,
	.catalog_clear = pg_catalog_clear,
	.catalog_count_tracks = pg_catalog_count_tracks,
	.catalog_track_isrc = pg_catalog_track_isrc,
	.catalog_track_view = pg_catalog_track_view,
	.song_plays = pg_song_plays,
	.pending = pg_pending,
	.blocks_until = pg_blocks_until,
	.blocks_put = pg_blocks_put,
	.setaside_add = pg_setaside_add,
	.setaside_has = pg_setaside_has,
	.setaside_count = pg_setaside_count,
	.setaside_list = pg_setaside_list,
	.setaside_forget = pg_setaside_forget,
	.accounts_list = pg_accounts_list,
	.pages_after = pg_pages_after,
	.etl_marks_clear = pg_etl_marks_clear,
	.savepoint = pg_savepoint,
	.savepoint_release = pg_savepoint_release,
	.savepoint_rollback = pg_savepoint_rollback,
	/* ---- imports ---- */
	.import_start = pg_import_start,
	.import_account_has_plays = pg_import_account_has_plays,
	.import_scan = pg_import_scan,
	.import_add = pg_import_add,
	.import_merge = pg_import_merge,
	.import_heal_gaps = pg_import_heal_gaps,
	.import_finish = pg_import_finish,
	.import_free = pg_import_free,
	.bulk_begin = pg_bulk_begin,
	.bulk_indexes_off = pg_bulk_indexes_off,
	.bulk_indexes_on = pg_bulk_indexes_on,
	.bulk_end = pg_bulk_end,
	/* ---- reports ---- */
	.read_begin = pgr_read_begin,
	.read_end = pgr_read_end,
	.tune_for_reads = pgr_tune_for_reads,
	.scan_music = pgk_scan_music, /* round 6: with name-keyed plays */
	.scan_plays = pgk_scan_plays, /* round 6: with name keys */
	.scan_sources = pgr_scan_sources,
	.play_span = pgr_play_span,
	.track_play_times = pgr_track_play_times,
	.any_play_before = pgr_any_play_before,
	.artists_played_before = pgr_artists_played_before,
	.track_names = pgr_track_names,
	.play_names = pgr_play_names,
	.artist_names = pgr_artist_names,
	.album_cover = pgr_album_cover,
	.catalog_scan = pgr_catalog_scan,
	.track_sections = pgr_track_sections,
	.track_features = pgr_track_features,
	.gaps_overlapping = pgr_gaps_overlapping,
	.gaps_list = pgr_gaps_list,
	.recent_plays = pgr_recent_plays,
	/* (end of reports) */
	/* ---- record fill ---- */
	.track_fill = pgf_track_fill,
	.album_covers = pgf_album_covers,
	.cover_failed = pgf_cover_failed,
	.cover_fetched = pgf_cover_fetched,
	/* ---- resolve ---- */
	.resolve_pending = pgv_resolve_pending,
	.resolve_set = pgv_resolve_set,
	.resolve_apply = pgv_resolve_apply,
	.resolve_unresolved = pgv_resolve_unresolved,
	.resolve_catalog = pgv_resolve_catalog,
	/* ---- plays by track reference ---- */
	.scan_music_refs = pgt_scan_music_refs,
	.track_refs = pgt_track_refs,
	.ref_play_names = pgt_ref_play_names,
	/* ---- account summary ---- */
	.account_summary = pga_account_summary,
	/* (end of account summary) */
	/* ---- listenbrainz, analysis, navigation, similarity ---- */
	.lb_token_add = pgl_token_add,
	.lb_token_find = pgl_token_find,
	.lb_token_list = pgl_token_list,
	.lb_token_revoke = pgl_token_revoke,
	.lb_playing_set = pgl_playing_set,
	.lb_playing_get = pgl_playing_get,
	.lb_keep = pgl_keep,
	.lb_listens = pgl_listens,
	.lb_listen_stats = pgl_listen_stats,
	.analysis_by_isrc = pga_by_isrc,
	.analysis_tracks = pga_tracks,
	.analysis_cached = pga_cached,
	.analysis_cache_put = pga_cache_put,
	.analysis_put_local = pga_put_local,
	.nav_track_plays = pgn_track_plays,
	.nav_album = pgn_album,
	.nav_names = pgn_names,
	.similar_tracks = pgs_similar_tracks,
	.similar_label_add = pgs_label_add,
	.similar_label_delete = pgs_label_delete,
	.similar_labels = pgs_labels,
	.similar_model_put = pgs_model_put,
	.similar_model_get = pgs_model_get,
	/* (end of listenbrainz, analysis, navigation, similarity) */
	/* ---- store copy ---- */
	.copy_count = pgc_copy_count,
	.copy_read = pgc_copy_read,
	.copy_write = pgc_copy_write,
	.copy_finish = pgc_copy_finish,
	/* (end of store copy) */
	/* artist images (issue 11, r6-look) */
	.artist_image_put = pga_artist_image_put,
	.artist_image = pga_artist_image,
	.artist_images = pga_artist_images,
	/* ---- tracks known by names, name-keyed track pages (issue 12, round 6) ---- */
	.ref_names = pgk_ref_names,
	.name_key_plays = pgk_name_key_plays,
};
