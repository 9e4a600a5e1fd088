/*
 * The PostgreSQL engine's own header: its handle, the statement helpers its
 * files share (conn.c), and the functions of each part. Only files under
 * store/postgres/ include it.
 *
 * Statements: every query is a static struct pg_q; pg_exec prepares it on
 * the handle's connection the first time it is used (PQprepare, named
 * "q<index>") and runs it with PQexecPrepared after that. Parameters are
 * collected in a struct pg_params: integers as text, strings with their
 * length (binary format, so a string need not end in a NUL). Results are
 * text; pg_int/pg_str/pg_num read them. A PGresult is cleared by the
 * caller (PQclear).
 */
#ifndef STORE_POSTGRES_PG_H
#define STORE_POSTGRES_PG_H

#include <libpq-fe.h>

#include "store/engine.h"

struct pg_q {
	const char *sql;
	int index; /* 0 until first use; then the statement's number */
	int binary; /* results in binary: for integer columns read by pg_get_int */
};
#define PG_Q(text) { text, 0, 0 }
/*
 * A query whose columns are all integers, its results in binary: no text
 * to write on the server and to parse here. One account's year (25k rows)
 * read 2-3 ms faster so.
 */
#define PG_Q_INTS(text) { text, 0, 1 }

#define PG_MAX_PARAMS 40

struct pg_params {
	int n;
	const char *v[PG_MAX_PARAMS];
	int len[PG_MAX_PARAMS], fmt[PG_MAX_PARAMS];
	char num[PG_MAX_PARAMS][32];
};

struct pg_import;

struct pg_store {
	struct store base;
	PGconn *conn;
	char *masked;          /* the url with its password masked */
	unsigned char *prepared; /* by pg_q index: prepared on conn */
	int nprepared;
	int in_tx, in_read;
	struct strbuf errmsg;  /* the last failure, for store_errmsg */
	int64_t seen_counter, version;
	struct pg_import *active; /* an import with rows not written yet */
	int bulk;              /* between bulk_begin and bulk_end */
	struct pg_refnames *refnames; /* trackref.c: within one read transaction */
	struct pg_scope {      /* trackref.c: the plays a scan in progress reads */
		int on;
		int64_t account_id, from, to;
	} scan;
	int *scan_tracks;      /* trackref.c: its tracks with an id, ascending */
	int nscan_tracks;
	struct pg_items *items; /* trackref.c: items' and name keys' refs */
	struct pg_kept_scan *kept; /* trackref.c: the widest scan read at a version */
	PGresult *refs;        /* trackref.c: store_track_refs' rows, */
	int64_t refs_version;  /* read at this store_data_version */
	struct pg_copy *copy;  /* copy.c: rows of a table being copied in */
	int indexes_off;       /* import.c: play_rows' indexes dropped */
	unsigned long stmts;   /* statements sent (import.c: has another run?) */
	int copy_pending;      /* conn.c: a COPY sent, its result not read */
};

static inline struct pg_store *pg_of(struct store *s)
{
	return (struct pg_store *)s;
}

/* conn.c */
int pg_connect(const char *url, struct pg_store *s, struct strbuf *err);
void pg_params_init(struct pg_params *p);
/* p as $1 from, $2 to and, unless account_id is 0, $3 account_id: a time
 * range's parameters, filled in place (they point into p itself, so a
 * copy returned by value would point into a dead frame). */
void pg_params_range(struct pg_params *p, int64_t from, int64_t to, int64_t account_id);
void pg_int(struct pg_params *p, int64_t v);
void pg_text(struct pg_params *p, const char *s); /* NULL: SQL NULL */
void pg_textn(struct pg_params *p, const char *s, size_t len);
/* v[0..n) as one text[] parameter (SQL: $k::text::text[]), its literal
 * written into buf, which must outlive the statement. */
void pg_text_array(struct pg_params *p, struct strbuf *buf, const char *const *v, int n);
void pg_null(struct pg_params *p);
/* NaN: NULL; as_int: the number rounded toward zero */
void pg_num(struct pg_params *p, double v, int as_int);
/*
 * Runs q with p (NULL: none): the result, or NULL with the message in
 * s->errmsg and appended to err when err is not NULL.
 */
PGresult *pg_exec(struct pg_store *s, struct pg_q *q,
		  const struct pg_params *p, struct strbuf *err);
/* pg_exec for statements without rows: 0, or -1. *changed: rows changed. */
int pg_run(struct pg_store *s, struct pg_q *q, const struct pg_params *p,
	   int64_t *changed, struct strbuf *err);
/* Calls fn for each row of the answer, stopping at its first non-zero
 * return, which is returned; -1 with err on failure. */
int pg_each(struct pg_store *s, struct pg_q *q, const struct pg_params *p,
	    int (*fn)(void *arg, const PGresult *r, int row), void *arg,
	    struct strbuf *err);
/* One-off SQL (several statements allowed, no parameters): 0 or -1. */
int pg_sql(struct pg_store *s, const char *sql, struct strbuf *err);
int pg_copy_in(struct pg_store *s, const char *copy_sql,
	       const struct strbuf *buf, struct strbuf *err);
/*
 * pg_copy_in in two halves: pg_copy_send sends the rows and returns while
 * the server writes them; pg_copy_wait reads the outcome. Every statement
 * (pg_exec, pg_sql, another COPY) waits for it first, so the import's own
 * reads see the rows and a failure is the next call's, with the COPY's
 * message (import.c: the client makes the next batch meanwhile).
 */
int pg_copy_send(struct pg_store *s, const char *copy_sql,
		 const struct strbuf *buf, struct strbuf *err);
int pg_copy_wait(struct pg_store *s, struct strbuf *err);
void pg_copy_str(struct strbuf *b, const char *s, size_t len);
/* The first column of the first row as an integer; dflt when none/NULL. */
int64_t pg_scalar(struct pg_store *s, struct pg_q *q,
		  const struct pg_params *p, int64_t dflt);
int64_t pg_get_int(const PGresult *r, int row, int col, int64_t dflt);
const char *pg_get_str(const PGresult *r, int row, int col); /* NULL: NULL */
char *pg_get_dup(const PGresult *r, int row, int col);       /* NULL: NULL */
double pg_get_num(const PGresult *r, int row, int col);      /* NaN: NULL */
/* Appends the connection's last message, one line. */
void pg_error(struct pg_store *s, struct strbuf *err);
void pg_forget_prepared(struct pg_store *s);

/* schema.c */
int pg_migrate(struct pg_store *s, struct strbuf *err);

/* collector.c */
int pg_plays_add_api(struct store *s, int64_t account_id, int64_t page_id,
		     const struct api_play *p);
int pg_plays_merge_api(struct store *s, int64_t account_id, int64_t page_id,
		       const struct api_play *p);
int64_t pg_plays_newest_api_ms(struct store *s, int64_t account_id);
int64_t pg_plays_count(struct store *s, int64_t account_id);
int64_t pg_pages_add(struct store *s, int64_t account_id,
		     const struct page_info *p);
int pg_gaps_add(struct store *s, int64_t account_id, int64_t from_ms,
		int64_t to_ms, int64_t detected_ms);
int64_t pg_gaps_open_count(struct store *s, int64_t account_id);
int64_t pg_accounts_ensure(struct store *s, const char *name);
int64_t pg_accounts_find(struct store *s, const char *name);
int pg_accounts_record_poll(struct store *s, int64_t id, int64_t when_ms,
			    const char *status, int ok);
int pg_accounts_names(struct store *s, struct strvec *names);
int pg_accounts_poll_info(struct store *s, int64_t id,
			  struct store_poll_info *out);

/* catalog.c */
int pg_catalog_put_tracks(struct store *s, const struct store_track *v,
			  size_t n, struct strbuf *err);
int pg_catalog_put_albums(struct store *s, const struct store_album *v,
			  size_t n, struct strbuf *err);
int pg_catalog_put_artists(struct store *s, const struct store_artist *v,
			   size_t n, int64_t now_ms, struct strbuf *err);
int pg_catalog_put_features(struct store *s, const struct store_features *v,
			    size_t n, int64_t now_ms, struct strbuf *err);
int pg_catalog_put_analyses(struct store *s, const struct store_analysis *v,
			    size_t n, int64_t now_ms, struct strbuf *err);
int pg_catalog_clear(struct store *s, struct strbuf *err);
int64_t pg_catalog_count_tracks(struct store *s);
char *pg_catalog_track_isrc(struct store *s, const char *id);
int pg_catalog_track_view(struct store *s, const char *id, int extended,
			  struct store_track_view *out, struct strbuf *err);
int pg_song_plays(struct store *s, int64_t account_id, int64_t from_ms, int64_t to_ms,
		  int (*fn)(void *arg, const struct store_song_play *p),
		  void *arg, struct strbuf *err);

/* enrich.c */
int pg_pending(struct store *s, enum store_pending what, struct strvec *ids,
	       struct strbuf *err);
int64_t pg_blocks_until(struct store *s, const char *provider,
			int64_t account_id, int64_t now_ms);
int pg_blocks_put(struct store *s, const char *provider, int64_t account_id,
		  int64_t until_ms, const char *reason, struct strbuf *err);
int pg_setaside_add(struct store *s, enum setaside_kind k, const char *id,
		    const char *reason, int64_t now_ms, struct strbuf *err);
int pg_setaside_has(struct store *s, enum setaside_kind k, const char *id);
int64_t pg_setaside_count(struct store *s);
int pg_setaside_list(struct store *s, size_t max, struct setaside_list *out,
		     struct strbuf *err);
int64_t pg_setaside_forget(struct store *s, struct strbuf *err);
int pg_accounts_list(struct store *s, const char *only,
		     struct store_account **out, size_t *n, struct strbuf *err);
int pg_pages_after(struct store *s, int64_t account_id, int64_t after_id,
		   int (*fn)(void *arg, int64_t id, const char *key), void *arg,
		   struct strbuf *err);
int pg_etl_marks_clear(struct store *s, struct strbuf *err);
int pg_savepoint(struct store *s, struct strbuf *err);
int pg_savepoint_release(struct store *s, struct strbuf *err);
void pg_savepoint_rollback(struct store *s);

/* import.c */
int pg_import_start(struct store *s, int64_t account_id, const char *paths,
		    int64_t started_ms, struct store_import **out,
		    struct strbuf *err);
int pg_import_account_has_plays(struct store_import *im);
int pg_import_scan(struct store_import *im, int64_t lo, int64_t hi,
		   int (*fn)(void *arg, const struct store_import_row *r),
		   void *arg, struct strbuf *err);
int pg_import_add(struct store_import *im, const struct store_import_play *p,
		  size_t n, struct strbuf *err);
int pg_import_merge(struct store_import *im, int64_t play_id,
		    const struct store_import_play *p, struct strbuf *err);
int pg_import_heal_gaps(struct store_import *im, int64_t lo, int64_t hi,
			int64_t now_ms, size_t *healed, struct strbuf *err);
int pg_import_finish(struct store_import *im,
		     const struct store_import_counts *c, struct strbuf *err);
void pg_import_free(struct store_import *im);
/* Writes the rows an import holds back (before a commit). */
int pg_import_flush_active(struct pg_store *s, struct strbuf *err);
/* Drops them (a rollback). */
void pg_import_forget_active(struct pg_store *s);
int pg_bulk_begin(struct store *s, size_t rows, struct strbuf *err);
int pg_bulk_indexes_off(struct store *s, size_t new_rows, struct strbuf *err);
int pg_bulk_indexes_on(struct store *s, struct strbuf *err);
void pg_bulk_end(struct store *s);

/* report.c */
int pgr_read_begin(struct store *s, struct strbuf *err);
void pgr_read_end(struct store *s);
void pgr_tune_for_reads(struct store *s);
int pgr_scan_sources(struct store *s, int64_t account_id, int64_t from, int64_t to,
		     int (*fn)(void *, int64_t, int), void *arg, struct strbuf *err);
int pgr_play_span(struct store *s, int64_t account_id, int64_t *first_ms, int64_t *last_ms,
		  struct strbuf *err);
int pgr_track_play_times(struct store *s, int64_t account_id, const char *track_id, int64_t **v,
			 int *n, struct strbuf *err);
int pgr_any_play_before(struct store *s, int64_t account_id, int64_t ms);
int pgr_artists_played_before(struct store *s, int64_t account_id, const char *const *ids,
			      int n, int64_t ms, int *out);
int pgr_track_names(struct store *s, const char *const *ids, int n,
		    struct store_track_names *out);
int pgr_play_names(struct store *s, const char *track_id, char **artist,
		   char **album);
int pgr_artist_names(struct store *s, const char *const *ids, int n, char **out);
char *pgr_album_cover(struct store *s, const char *album_id);
int pgr_catalog_scan(struct store *s, const struct store_catalog_fns *f,
		     struct strbuf *err);
int pgr_track_sections(struct store *s, const char *track_id,
		       struct store_page_section **v, int *n, struct strbuf *err);
int pgr_track_features(struct store *s, const char *track_id,
		       struct store_page_features *f);
int pgr_gaps_overlapping(struct store *s, int64_t account_id, int64_t from, int64_t to,
			 int (*fn)(void *, const struct store_gap *), void *arg,
			 struct strbuf *err);
int pgr_gaps_list(struct store *s, const char *account,
		  int (*fn)(void *, const struct store_gap *), void *arg,
		  struct strbuf *err);
int pgr_recent_plays(struct store *s, const char *account, int64_t n,
		     int (*fn)(void *, const struct store_log_play *), void *arg,
		     struct strbuf *err);

/* trackref.c */
int pgt_scan_music_refs(struct store *s, int64_t account_id, int64_t from, int64_t to,
			int (*fn)(void *, const struct store_music_ref *), void *arg,
			struct strbuf *err);
int pgt_track_refs(struct store *s, int (*fn)(void *, const struct store_track_ref *),
		   void *arg, struct strbuf *err);
int pgt_ref_play_names(struct store *s, int64_t ref, char **artist, char **album);
/* A read transaction ended: what pgt_ref_play_names read at once is checked
 * against store_data_version in the next; _drop forgets it (the handle closes). */
void pgt_refnames_end(struct pg_store *s);
void pgt_refnames_drop(struct pg_store *s);
/* Forgets store_track_refs' rows (the handle closes). */
void pgt_track_refs_drop(struct pg_store *s);
void pgt_items_drop(struct pg_store *s);
void pgt_kept_drop(struct pg_store *s);

/* fill.c */
int pgf_track_fill(struct store *s, const char *id,
		   struct store_track_fill *out, struct strbuf *err);
int pgf_album_covers(struct store *s, int64_t now_ms,
		     int (*fn)(void *, const char *, const char *), void *arg,
		     struct strbuf *err);
int pgf_cover_failed(struct store *s, const char *album_id, int64_t now_ms,
		     const char *reason, struct strbuf *err);
int pgf_cover_fetched(struct store *s, const char *album_id,
		      struct strbuf *err);

/* resolve.c */
int pgv_resolve_pending(struct store *s, int64_t now_ms,
			int (*fn)(void *, const struct store_resolve_name *),
			void *arg, struct strbuf *err);
int pgv_resolve_set(struct store *s, uint64_t name_key, const char *artist,
		    const char *track, const char *track_id, const char *why,
		    int64_t now_ms, int64_t retry_ms, struct strbuf *err);
int pgv_resolve_apply(struct store *s, int64_t *plays, struct strbuf *err);
int pgv_resolve_unresolved(struct store *s, int64_t *plays, int64_t *names,
			   struct strbuf *err);
int pgv_resolve_catalog(struct store *s,
			int (*fn)(void *, const struct store_resolve_track *),
			void *arg, struct strbuf *err);

/* summary.c (the account summary section) */
int pga_account_summary(struct store *s, int64_t account_id,
			struct store_account_summary *out, struct strbuf *err);
/* ---- listenbrainz, analysis, navigation, similarity (round 5) ---- */
/* listenbrainz.c */
int pgl_token_add(struct store *s, int64_t account_id, const char *hash,
		  const char *prefix, int64_t now_ms, int64_t *id, struct strbuf *err);
int pgl_token_find(struct store *s, const char *hash, int64_t now_ms,
		   int64_t *account_id, char **account, struct strbuf *err);
int pgl_token_list(struct store *s, const char *account,
		   int (*fn)(void *, const struct store_lb_token *), void *arg,
		   struct strbuf *err);
int pgl_token_revoke(struct store *s, int64_t id, const char *account,
		     struct strbuf *err);
int pgl_playing_set(struct store *s, int64_t account_id, const char *json,
		    int64_t expires_ms, struct strbuf *err);
int pgl_playing_get(struct store *s, int64_t account_id, int64_t now_ms,
		    char **json, struct strbuf *err);
int pgl_keep(struct store *s, int64_t account_id, const struct store_lb_kept *v,
	     size_t n, int64_t now_ms, struct strbuf *err);
int pgl_listens(struct store *s, int64_t account_id, int64_t min_ts,
		int64_t max_ts, int64_t count,
		int (*fn)(void *, const struct store_lb_listen *), void *arg,
		struct strbuf *err);
int pgl_listen_stats(struct store *s, int64_t account_id, int64_t *count,
		     int64_t *oldest, int64_t *latest, struct strbuf *err);
/* analysis.c */
int pga_by_isrc(struct store *s, const char *isrc, struct strvec *ids,
		struct strbuf *err);
int pga_tracks(struct store *s, int (*fn)(void *, const struct store_named_track *),
	       void *arg, struct strbuf *err);
char *pga_cached(struct store *s, const char *hash, char **track_id);
int pga_cache_put(struct store *s, const char *hash, const char *path,
		  const char *track_id, const char *json, int64_t now_ms,
		  struct strbuf *err);
int pga_put_local(struct store *s, const struct store_analysis *a,
		  int64_t now_ms, struct strbuf *err);
/* nav.c */
int pgn_track_plays(struct store *s, int64_t account_id, const char *track_id,
		    int (*fn)(void *, const struct store_nav_play *), void *arg,
		    struct strbuf *err);
int pgn_album(struct store *s, const char *album_id, char **name,
	      struct strvec *artist_ids, struct strbuf *err);
int pgn_names(struct store *s, enum store_nav_kind kind,
	      int (*fn)(void *, const char *, const char *), void *arg,
	      struct strbuf *err);
/* similar.c */
int pgs_similar_tracks(struct store *s, int64_t account_id,
		       int (*fn)(void *, const struct store_sim_track *), void *arg,
		       struct strbuf *err);
int64_t pgs_label_add(struct store *s, int64_t account_id,
		      const struct store_sim_label *l, struct strbuf *err);
int pgs_label_delete(struct store *s, int64_t account_id, int64_t id,
		     struct strbuf *err);
int pgs_labels(struct store *s, int64_t account_id,
	       int (*fn)(void *, const struct store_sim_label *), void *arg,
	       struct strbuf *err);
int pgs_model_put(struct store *s, const struct store_sim_model *m,
		  struct strbuf *err);
int pgs_model_get(struct store *s, int64_t account_id,
		  struct store_sim_model *out, struct strbuf *err);
/* (end of listenbrainz, analysis, navigation, similarity) */

#endif
