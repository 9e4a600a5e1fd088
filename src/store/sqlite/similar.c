/*
 * The SQLite engine's similarity tables (migration 5) and the one sweep of
 * the library 'spinlog similar' compares tracks from. The sweep is one
 * statement: catalog tracks joined with their audio features, analysis,
 * section aggregates, artists and genres, then the account's played track
 * ids the catalog lacks. Plays are only read (counted by track).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/sqlite/db.h"
#include "store/sqlite/similar.h"
#include "core/banned.h"

static const char sweep_sql[] =
	"WITH pc AS (SELECT track_id, count(*) AS n FROM plays"
	"  WHERE account_id = ?1 AND kind = 'music' AND track_id IS NOT NULL"
	"  GROUP BY track_id),"
	" sa AS (SELECT track_id, count(*) AS n, avg(duration) AS dur, avg(loudness) AS loud,"
	"  avg(loudness * loudness) AS loud2, avg(tempo) AS tempo, count(DISTINCT key) AS keys"
	"  FROM sections GROUP BY track_id)"
	" SELECT t.id, t.name,"
	"  (SELECT group_concat(name, ', ') FROM (SELECT ar.name FROM track_artists ta"
	"    JOIN artists ar ON ar.id = ta.artist_id WHERE ta.track_id = t.id ORDER BY ta.position)),"
	"  coalesce(pc.n, 0), f.track_id IS NOT NULL,"
	"  f.acousticness, f.danceability, f.energy, f.instrumentalness, f.liveness,"
	"  f.speechiness, f.valence,"
	"  coalesce(an.tempo, f.tempo), coalesce(an.loudness, f.loudness),"
	"  coalesce(an.key, f.key), coalesce(an.mode, f.mode),"
	"  sa.n, sa.dur, sa.loud, sa.loud2, sa.tempo, sa.keys,"
	"  (SELECT CASE WHEN count(*) = 0 THEN NULL"
	"    ELSE coalesce(group_concat(g.genre, char(31)), '') END"
	"    FROM track_artists ta JOIN artists ar ON ar.id = ta.artist_id"
	"    AND ar.enriched_ms IS NOT NULL"
	"    LEFT JOIN artist_genres g ON g.artist_id = ta.artist_id"
	"    WHERE ta.track_id = t.id)"
	" FROM tracks t"
	" LEFT JOIN audio_features f ON f.track_id = t.id"
	" LEFT JOIN audio_analysis an ON an.track_id = t.id"
	" LEFT JOIN sa ON sa.track_id = t.id"
	" LEFT JOIN pc ON pc.track_id = t.id"
	" UNION ALL"
	" SELECT pc.track_id, NULL, NULL, pc.n, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
	"  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL"
	" FROM pc WHERE pc.track_id NOT IN (SELECT id FROM tracks)";

static double num(sqlite3_stmt *q, int i)
{
	return sqlite3_column_type(q, i) == SQLITE_NULL ? NAN : sqlite3_column_double(q, i);
}

static const char *txt(sqlite3_stmt *q, int i)
{
	return (const char *)sqlite3_column_text(q, i);
}

static void sweep_row(sqlite3_stmt *q, struct store_sim_track *t)
{
	double *af[] = { &t->acousticness, &t->danceability, &t->energy, &t->instrumentalness,
			 &t->liveness, &t->speechiness, &t->valence, &t->tempo, &t->loudness,
			 &t->key, &t->mode, &t->sections, &t->section_duration_avg,
			 &t->section_loudness_avg, &t->section_loudness_sq_avg,
			 &t->section_tempo_avg, &t->section_keys };

	t->id = txt(q, 0);
	t->name = txt(q, 1);
	t->artists = txt(q, 2);
	t->plays = sqlite3_column_int64(q, 3);
	t->has_features = sqlite3_column_int(q, 4);
	for (size_t i = 0; i < sizeof(af) / sizeof(af[0]); i++)
		*af[i] = num(q, 5 + (int)i);
	t->genres = txt(q, 22);
}

static int finish(sqlite3 *db, sqlite3_stmt *q, int rc, int stop, struct strbuf *err)
{
	sqlite3_finalize(q);
	if (stop || rc == SQLITE_DONE)
		return stop;
	db_error(db, err);
	return -1;
}

int sqs_similar_tracks(struct store *s, int64_t account_id,
		       int (*fn)(void *, const struct store_sim_track *), void *arg,
		       struct strbuf *err)
{
	sqlite3 *db = sqlite_of(s)->db;
	sqlite3_stmt *q = db_prepare(db, sweep_sql);
	struct store_sim_track t;
	int rc, stop = 0;

	sqlite3_bind_int64(q, 1, account_id);
	while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		sweep_row(q, &t);
		stop = fn(arg, &t);
	}
	return finish(db, q, rc, stop, err);
}

int64_t sqs_label_add(struct store *s, int64_t account_id, const struct store_sim_label *l,
		      struct strbuf *err)
{
	sqlite3 *db = sqlite_of(s)->db;
	sqlite3_stmt *q = db_prepare(db, "INSERT INTO similar_labels (account_id, track_a, track_b,"
				     " similar, labelled_ms, source) VALUES (?, ?, ?, ?, ?, ?)");
	int64_t id = -1;

	sqlite3_bind_int64(q, 1, account_id);
	sqlite3_bind_text(q, 2, l->track_a, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, l->track_b, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 4, l->similar ? 1 : 0);
	sqlite3_bind_int64(q, 5, l->labelled_ms);
	sqlite3_bind_text(q, 6, l->source ? l->source : "label", -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_DONE)
		id = sqlite3_last_insert_rowid(db);
	else
		db_error(db, err);
	sqlite3_finalize(q);
	return id;
}

int sqs_label_delete(struct store *s, int64_t account_id, int64_t id, struct strbuf *err)
{
	sqlite3 *db = sqlite_of(s)->db;
	sqlite3_stmt *q = db_prepare(db, "DELETE FROM similar_labels WHERE account_id = ? AND id = ?");
	int ret = -1;

	sqlite3_bind_int64(q, 1, account_id);
	sqlite3_bind_int64(q, 2, id);
	if (sqlite3_step(q) == SQLITE_DONE)
		ret = sqlite3_changes(db) > 0;
	else
		db_error(db, err);
	sqlite3_finalize(q);
	return ret;
}

int sqs_labels(struct store *s, int64_t account_id,
	       int (*fn)(void *, const struct store_sim_label *), void *arg,
	       struct strbuf *err)
{
	sqlite3 *db = sqlite_of(s)->db;
	sqlite3_stmt *q = db_prepare(db, "SELECT id, track_a, track_b, similar, labelled_ms, source"
				     " FROM similar_labels WHERE account_id = ? ORDER BY id");
	struct store_sim_label l;
	int rc, stop = 0;

	sqlite3_bind_int64(q, 1, account_id);
	while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		l.id = sqlite3_column_int64(q, 0);
		l.track_a = txt(q, 1);
		l.track_b = txt(q, 2);
		l.similar = sqlite3_column_int(q, 3);
		l.labelled_ms = sqlite3_column_int64(q, 4);
		l.source = txt(q, 5);
		stop = fn(arg, &l);
	}
	return finish(db, q, rc, stop, err);
}

int sqs_model_put(struct store *s, const struct store_sim_model *m, struct strbuf *err)
{
	sqlite3 *db = sqlite_of(s)->db;
	sqlite3_stmt *q = db_prepare(db, "INSERT INTO similar_models (account_id, version, features,"
				     " params, labels, trained_ms, auc, auc_sd, accuracy, accuracy_sd,"
				     " baseline_auc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	const double figs[] = { m->auc, m->auc_sd, m->accuracy, m->accuracy_sd, m->baseline_auc };
	int ret = 0;

	sqlite3_bind_int64(q, 1, m->account_id);
	sqlite3_bind_int(q, 2, m->version);
	sqlite3_bind_text(q, 3, m->features, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, m->params, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 5, m->labels);
	sqlite3_bind_int64(q, 6, m->trained_ms);
	for (int i = 0; i < 5; i++)
		if (!isnan(figs[i]))
			sqlite3_bind_double(q, 7 + i, figs[i]);
	if (sqlite3_step(q) != SQLITE_DONE) {
		db_error(db, err);
		ret = -1;
	}
	sqlite3_finalize(q);
	return ret;
}

int sqs_model_get(struct store *s, int64_t account_id, struct store_sim_model *out,
		  struct strbuf *err)
{
	sqlite3 *db = sqlite_of(s)->db;
	sqlite3_stmt *q = db_prepare(db, "SELECT account_id, version, features, params, labels,"
				     " trained_ms, auc, auc_sd, accuracy, accuracy_sd, baseline_auc"
				     " FROM similar_models WHERE ?1 = 0 OR account_id = ?1"
				     " ORDER BY id DESC LIMIT 1");
	int rc, ret = 0;

	memset(out, 0, sizeof(*out));
	sqlite3_bind_int64(q, 1, account_id);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		out->account_id = sqlite3_column_int64(q, 0);
		out->version = sqlite3_column_int(q, 1);
		out->features = xstrdup(txt(q, 2));
		out->params = xstrdup(txt(q, 3));
		out->labels = sqlite3_column_int64(q, 4);
		out->trained_ms = sqlite3_column_int64(q, 5);
		out->auc = num(q, 6);
		out->auc_sd = num(q, 7);
		out->accuracy = num(q, 8);
		out->accuracy_sd = num(q, 9);
		out->baseline_auc = num(q, 10);
		ret = 1;
	} else if (rc != SQLITE_DONE) {
		db_error(db, err);
		ret = -1;
	}
	sqlite3_finalize(q);
	return ret;
}
