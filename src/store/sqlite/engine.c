/*
 * The SQLite engine's table of operations: opening (WAL, migrations: see
 * store/db.c), transactions, the data version and the state table.
 */
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/sqlite/db.h"
#include "store/sqlite/catalog.h"
#include "store/sqlite/collector.h"
#include "store/sqlite/import.h"
#include "store/sqlite/sqlite.h"
#include "store/sqlite/report.h"
#include "store/sqlite/listenbrainz.h"
#include "store/sqlite/stmtcache.h"
#include "store/sqlite/analysis.h"
#include "store/sqlite/nav.h"
#include "store/sqlite/secondreader.h"
#include "store/sqlite/fill.h"       /* issue 10 */
#include "store/sqlite/resolve.h"    /* issue 10 */
#include "store/sqlite/similar.h"
#include "store/sqlite/trackref.h"
#include "store/sqlite/namekeyed.h"
#include "store/sqlite/summary.h"
#include "store/sqlite/copy.h"        /* issue 12: store copy */
#include "store/sqlite/copyplays.h"
#include "store/sqlite/artist_image.h" /* issue 11: artist images */
#include "core/banned.h"

static int sq_open(const char *where, struct store **out, struct strbuf *err)
{
	struct sqlite_store *s = xcalloc(1, sizeof(*s));

	if (db_open(where, &s->db, err)) {
		free(s);
		return -1;
	}
	s->base.ops = &store_sqlite_ops;
	s->base.where = xstrdup(where);
	*out = &s->base;
	return 0;
}

static void sq_close(struct store *st)
{
	struct sqlite_store *s = sqlite_of(st);

	sqr_release(s->report);
	sqn_release(s->nav);
	sqlite3_finalize(s->q_ref_names);
	sqt_refnames_free(s); /* r6-pages */
	sqlite3_finalize(s->q_copy);
	sqc_plays_release(s);
	sqlite3_finalize(s->q_data_version);
	stc_free(s->stc); /* issue 14 */
	db_close(s->db);
	free(s->base.where);
	free(s);
}

static int sq_begin(struct store *s, struct strbuf *err)
{
	return db_begin(sqlite_of(s)->db, err);
}

static int sq_commit(struct store *s, struct strbuf *err)
{
	return db_commit(sqlite_of(s)->db, err);
}

static void sq_rollback(struct store *s)
{
	db_rollback(sqlite_of(s)->db);
}

/*
 * PRAGMA data_version moves when another connection commits; this
 * connection's own writes show in total_changes. Either moving bumps the
 * version handed out, so it only ever grows.
 */
static int64_t sq_data_version(struct store *st)
{
	struct sqlite_store *s = sqlite_of(st);
	int64_t dv = -1, ch = sqlite3_total_changes64(s->db);

	if (!s->q_data_version)
		s->q_data_version = db_prepare(s->db, "PRAGMA data_version");
	if (sqlite3_step(s->q_data_version) == SQLITE_ROW)
		dv = sqlite3_column_int64(s->q_data_version, 0);
	sqlite3_reset(s->q_data_version);

	if (dv != s->seen_data_version || ch != s->seen_changes) {
		s->seen_data_version = dv;
		s->seen_changes = ch;
		s->version++;
	}
	return s->version;
}

static char *sq_state_get(struct store *s, const char *key)
{
	return db_state_get(sqlite_of(s)->db, key);
}

static int sq_state_set(struct store *s, const char *key, const char *value)
{
	return db_state_set(sqlite_of(s)->db, key, value);
}

const struct store_ops store_sqlite_ops = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.data_version = sq_data_version,
	.state_get = sq_state_get,
	.state_set = sq_state_set,
	/* ---- plays and the collector ---- */
	.plays_add_api = sq_plays_add_api,
	.plays_merge_api = sq_plays_merge_api,
	.plays_newest_api_ms = sq_plays_newest_api_ms,
	.plays_count = sq_plays_count,
	.pages_add = sq_pages_add,
	.gaps_add = sq_gaps_add,
	.gaps_open_count = sq_gaps_open_count,
	.accounts_ensure = sq_accounts_ensure,
	.accounts_find = sq_accounts_find,
	.accounts_record_poll = sq_accounts_record_poll,
	.accounts_names = sq_accounts_names,
	/* ---- imports ---- */
	.import_start = sq_import_start,
	.import_account_has_plays = sq_import_account_has_plays,
	.import_scan = sq_import_scan,
	.import_add = sq_import_add,
	.import_merge = sq_import_merge,
	.import_heal_gaps = sq_import_heal_gaps,
	.import_finish = sq_import_finish,
	.import_free = sq_import_free,
	.bulk_begin = sq_bulk_begin,
	.bulk_indexes_off = sq_bulk_indexes_off,
	.bulk_indexes_on = sq_bulk_indexes_on,
	.bulk_end = sq_bulk_end,
	/* ---- reports ---- */
	.read_begin = sqr_read_begin,
	.read_end = sqr_read_end,
	.tune_for_reads = sqr_tune_for_reads,
	.scan_music = sqr_scan_music,
	.scan_plays = sqr_scan_plays,
	.scan_sources = sqr_scan_sources,
	.play_span = sqr_play_span,
	.track_play_times = sqr_track_play_times,
	.any_play_before = sqr_any_play_before,
	.artists_played_before = sqr_artists_played_before,
	.track_names = sqr_track_names,
	.play_names = sqr_play_names,
	.artist_names = sqr_artist_names,
	.album_cover = sqr_album_cover,
	.catalog_scan = sqr_catalog_scan,
	.track_sections = sqr_track_sections,
	.track_features = sqr_track_features,
	.gaps_overlapping = sqr_gaps_overlapping,
	.gaps_list = sqr_gaps_list,
	.recent_plays = sqr_recent_plays,
	/* (end of reports) */
	/* ---- plays and the collector: status and messages ---- */
	.accounts_poll_info = sq_accounts_poll_info,
	.errmsg = sq_errmsg,
	/* ---- catalog and enrichment ---- */
	.catalog_put_tracks = sq_catalog_put_tracks,
	.catalog_put_albums = sq_catalog_put_albums,
	.catalog_put_artists = sq_catalog_put_artists,
	.catalog_put_features = sq_catalog_put_features,
	.catalog_put_analyses = sq_catalog_put_analyses,
	.catalog_clear = sq_catalog_clear,
	.catalog_count_tracks = sq_catalog_count_tracks,
	.catalog_track_isrc = sq_catalog_track_isrc,
	.catalog_track_view = sq_catalog_track_view,
	.song_plays = sq_song_plays,
	.pending = sq_pending,
	.blocks_until = sq_blocks_until,
	.blocks_put = sq_blocks_put,
	.setaside_add = sq_setaside_add,
	.setaside_has = sq_setaside_has,
	.setaside_count = sq_setaside_count,
	.setaside_list = sq_setaside_list,
	.setaside_forget = sq_setaside_forget,
	.accounts_list = sq_accounts_list,
	.pages_after = sq_pages_after,
	.etl_marks_clear = sq_etl_marks_clear,
	.savepoint = sq_savepoint,
	.savepoint_release = sq_savepoint_release,
	.savepoint_rollback = sq_savepoint_rollback,
	/* ---- listenbrainz ---- */
	.lb_token_add = sqlb_token_add,
	.lb_token_find = sqlb_token_find,
	.lb_token_list = sqlb_token_list,
	.lb_token_revoke = sqlb_token_revoke,
	.lb_playing_set = sqlb_playing_set,
	.lb_playing_get = sqlb_playing_get,
	.lb_keep = sqlb_keep,
	.lb_listens = sqlb_listens,
	.lb_listen_stats = sqlb_listen_stats,
	/* (end of listenbrainz) */
	/* ---- analysis ---- */
	.analysis_by_isrc = sq_analysis_by_isrc,
	.analysis_tracks = sq_analysis_tracks,
	.analysis_cached = sq_analysis_cached,
	.analysis_cache_put = sq_analysis_cache_put,
	.analysis_put_local = sq_analysis_put_local,
	/* (end of analysis) */
	/* ---- navigation ---- */
	.nav_track_plays = sqn_track_plays,
	.nav_album = sqn_album,
	.nav_names = sqn_names,
	/* (end of navigation) */
	/* ---- record fill ---- */
	.track_fill = sq_track_fill,
	.album_covers = sq_album_covers,
	.cover_failed = sq_cover_failed,
	.cover_fetched = sq_cover_fetched,
	/* (end of record fill) */
	/* ---- resolve ---- */
	.resolve_pending = sq_resolve_pending,
	.resolve_set = sq_resolve_set,
	.resolve_apply = sq_resolve_apply,
	.resolve_unresolved = sq_resolve_unresolved,
	.resolve_catalog = sq_resolve_catalog,
	/* (end of resolve) */
	/* ---- similarity ---- */
	.similar_tracks = sqs_similar_tracks,
	.similar_label_add = sqs_label_add,
	.similar_label_delete = sqs_label_delete,
	.similar_labels = sqs_labels,
	.similar_model_put = sqs_model_put,
	.similar_model_get = sqs_model_get,
	/* (end of similarity) */
	/* plays by track reference */
	.scan_music_refs = sqt_scan_music_refs,
	.track_refs = sqt_track_refs,
	.ref_play_names = sqt_ref_play_names,
	/* tracks known by names */
	.ref_names = sqn_ref_names,
	/* ---- account summary ---- */
	.account_summary = sqa_account_summary,
	/* (end of account summary) */
	/* ---- name-keyed track pages ---- */
	.name_key_plays = sqa_name_key_plays,
	/* (end of name-keyed track pages) */
	/* ---- store copy ---- */
	.copy_count = sqc_copy_count,
	.copy_read = sqc_copy_read,
	.copy_write = sqc_copy_write,
	.copy_finish = sqc_copy_finish,
	/* (end of store copy) */
	/* a second reader (issue 11) */
	.tune_second_reader = sqs_tune_second_reader,
	/* artist images (issue 11, r6-look) */
	.artist_image_put = sqa_artist_image_put,
	.artist_image = sqa_artist_image,
	.artist_images = sqa_artist_images,
};

sqlite3 *store_sqlite_db(struct store *s)
{
	return s && s->ops == &store_sqlite_ops ? sqlite_of(s)->db : NULL;
}
