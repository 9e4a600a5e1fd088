/*
 * 'spinlog similar' on PostgreSQL (store.h's "similarity"), as
 * sqlite/similar.c: the listener's labels and models (migration 3) and the
 * one sweep of the library: catalog tracks with their features, analysis,
 * section aggregates, artists and genres, then the account's played track
 * ids the catalog lacks. Lists are joined in the order SQLite walks them
 * (artists by position, each artist's genres by position).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/postgres/pg.h"
#include "core/banned.h"

struct walk {
	void *fn, *arg;
};

static struct pg_q sweep = PG_Q(
	"WITH pc AS (SELECT t.s AS track_id, count(*) AS n FROM play_rows p"
	"  JOIN items i ON i.id = p.item JOIN texts t ON t.id = i.track_id"
	"  WHERE p.account_id = $1 AND p.kind = (SELECT text_id('music'))"
	"  AND i.track_id != 0 GROUP BY t.s),"
	" sa AS (SELECT track_id, count(*) AS n, avg(duration) AS dur, avg(loudness) AS loud,"
	"  avg(loudness * loudness) AS loud2, avg(tempo) AS tempo, count(DISTINCT key) AS keys"
	"  FROM sections GROUP BY track_id)"
	" (SELECT t.id, t.name,"
	"  (SELECT string_agg(ar.name, ', ' ORDER BY ta.position) FROM track_artists ta"
	"    JOIN artists ar ON ar.id = ta.artist_id WHERE ta.track_id = t.id),"
	"  coalesce(pc.n, 0), f.track_id IS NOT NULL,"
	"  f.acousticness, f.danceability, f.energy, f.instrumentalness, f.liveness,"
	"  f.speechiness, f.valence,"
	"  coalesce(an.tempo, f.tempo), coalesce(an.loudness, f.loudness),"
	"  coalesce(an.key, f.key), coalesce(an.mode, f.mode),"
	"  sa.n, sa.dur, sa.loud, sa.loud2, sa.tempo, sa.keys,"
	"  (SELECT CASE WHEN count(*) = 0 THEN NULL ELSE coalesce(string_agg(g.genre,"
	"    chr(31) ORDER BY ta.position, g.position), '') END"
	"    FROM track_artists ta JOIN artists ar ON ar.id = ta.artist_id"
	"    AND ar.enriched_ms IS NOT NULL"
	"    LEFT JOIN artist_genres g ON g.artist_id = ta.artist_id"
	"    WHERE ta.track_id = t.id)"
	" FROM tracks t"
	" LEFT JOIN audio_features f ON f.track_id = t.id"
	" LEFT JOIN audio_analysis an ON an.track_id = t.id"
	" LEFT JOIN sa ON sa.track_id = t.id"
	" LEFT JOIN pc ON pc.track_id = t.id ORDER BY t.id COLLATE \"C\")"
	" UNION ALL"
	" (SELECT pc.track_id, NULL, NULL, pc.n, false, NULL, NULL, NULL, NULL, NULL,"
	"  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL"
	" FROM pc WHERE pc.track_id NOT IN (SELECT id FROM tracks)"
	" ORDER BY pc.track_id COLLATE \"C\")");

static int sweep_row(void *arg, const PGresult *r, int i)
{
	struct walk *w = arg;
	struct store_sim_track t;
	double *af[] = { &t.acousticness, &t.danceability, &t.energy, &t.instrumentalness,
			 &t.liveness, &t.speechiness, &t.valence, &t.tempo, &t.loudness,
			 &t.key, &t.mode, &t.sections, &t.section_duration_avg,
			 &t.section_loudness_avg, &t.section_loudness_sq_avg,
			 &t.section_tempo_avg, &t.section_keys };

	memset(&t, 0, sizeof(t));
	t.id = pg_get_str(r, i, 0);
	t.name = pg_get_str(r, i, 1);
	t.artists = pg_get_str(r, i, 2);
	t.plays = pg_get_int(r, i, 3, 0);
	t.has_features = (int)pg_get_int(r, i, 4, 0);
	for (size_t k = 0; k < sizeof(af) / sizeof(af[0]); k++)
		*af[k] = pg_get_num(r, i, 5 + (int)k);
	t.genres = pg_get_str(r, i, 22);
	return ((int (*)(void *, const struct store_sim_track *))w->fn)(w->arg, &t);
}

int pgs_similar_tracks(struct store *st, int64_t account_id,
		       int (*fn)(void *, const struct store_sim_track *), void *arg,
		       struct strbuf *err)
{
	struct walk w = { (void *)fn, arg };
	struct pg_params p;

	pg_params_init(&p);
	pg_int(&p, account_id);
	return pg_each(pg_of(st), &sweep, &p, sweep_row, &w, err);
}

int64_t pgs_label_add(struct store *st, int64_t account_id,
		      const struct store_sim_label *l, struct strbuf *err)
{
	static struct pg_q q = PG_Q("INSERT INTO similar_labels (account_id,"
		" track_a, track_b, \"similar\", labelled_ms, source)"
		" VALUES ($1, $2, $3, $4, $5, $6) RETURNING id");
	struct pg_params p;
	PGresult *r;
	int64_t id;

	pg_params_init(&p);
	pg_int(&p, account_id);
	pg_text(&p, l->track_a);
	pg_text(&p, l->track_b);
	pg_int(&p, l->similar ? 1 : 0);
	pg_int(&p, l->labelled_ms);
	pg_text(&p, l->source ? l->source : "label");
	if (!(r = pg_exec(pg_of(st), &q, &p, err)))
		return -1;
	id = pg_get_int(r, 0, 0, -1);
	PQclear(r);
	return id;
}

int pgs_label_delete(struct store *st, int64_t account_id, int64_t id,
		     struct strbuf *err)
{
	static struct pg_q q = PG_Q("DELETE FROM similar_labels"
		" WHERE account_id = $1 AND id = $2");
	struct pg_params p;
	int64_t n = 0;

	pg_params_init(&p);
	pg_int(&p, account_id);
	pg_int(&p, id);
	if (pg_run(pg_of(st), &q, &p, &n, err))
		return -1;
	return n > 0;
}

static int label_row(void *arg, const PGresult *r, int i)
{
	struct walk *w = arg;
	struct store_sim_label l = {
		.id = pg_get_int(r, i, 0, 0),
		.track_a = pg_get_str(r, i, 1),
		.track_b = pg_get_str(r, i, 2),
		.similar = (int)pg_get_int(r, i, 3, 0),
		.labelled_ms = pg_get_int(r, i, 4, 0),
		.source = pg_get_str(r, i, 5),
	};
	return ((int (*)(void *, const struct store_sim_label *))w->fn)(w->arg, &l);
}

int pgs_labels(struct store *st, int64_t account_id,
	       int (*fn)(void *, const struct store_sim_label *), void *arg,
	       struct strbuf *err)
{
	static struct pg_q q = PG_Q("SELECT id, track_a, track_b, \"similar\","
		" labelled_ms, source FROM similar_labels WHERE account_id = $1"
		" ORDER BY id");
	struct walk w = { (void *)fn, arg };
	struct pg_params p;

	pg_params_init(&p);
	pg_int(&p, account_id);
	return pg_each(pg_of(st), &q, &p, label_row, &w, err);
}

int pgs_model_put(struct store *st, const struct store_sim_model *m,
		  struct strbuf *err)
{
	static struct pg_q q = PG_Q("INSERT INTO similar_models (account_id,"
		" version, features, params, labels, trained_ms, auc, auc_sd,"
		" accuracy, accuracy_sd, baseline_auc)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)");
	const double figs[] = { m->auc, m->auc_sd, m->accuracy, m->accuracy_sd,
				m->baseline_auc };
	struct pg_params p;

	pg_params_init(&p);
	pg_int(&p, m->account_id);
	pg_int(&p, m->version);
	pg_text(&p, m->features);
	pg_text(&p, m->params);
	pg_int(&p, m->labels);
	pg_int(&p, m->trained_ms);
	for (int i = 0; i < 5; i++)
		pg_num(&p, figs[i], 0);
	return pg_run(pg_of(st), &q, &p, NULL, err);
}

int pgs_model_get(struct store *st, int64_t account_id,
		  struct store_sim_model *out, struct strbuf *err)
{
	static struct pg_q q = PG_Q("SELECT account_id, version, features, params,"
		" labels, trained_ms, auc, auc_sd, accuracy, accuracy_sd, baseline_auc"
		" FROM similar_models WHERE $1 = 0 OR account_id = $1"
		" ORDER BY id DESC LIMIT 1");
	struct pg_params p;
	PGresult *r;
	int found;

	memset(out, 0, sizeof(*out));
	pg_params_init(&p);
	pg_int(&p, account_id);
	if (!(r = pg_exec(pg_of(st), &q, &p, err)))
		return -1;
	found = PQntuples(r) > 0;
	if (found) {
		out->account_id = pg_get_int(r, 0, 0, 0);
		out->version = (int)pg_get_int(r, 0, 1, 0);
		out->features = pg_get_dup(r, 0, 2);
		out->params = pg_get_dup(r, 0, 3);
		out->labels = pg_get_int(r, 0, 4, 0);
		out->trained_ms = pg_get_int(r, 0, 5, 0);
		out->auc = pg_get_num(r, 0, 6);
		out->auc_sd = pg_get_num(r, 0, 7);
		out->accuracy = pg_get_num(r, 0, 8);
		out->accuracy_sd = pg_get_num(r, 0, 9);
		out->baseline_auc = pg_get_num(r, 0, 10);
	}
	PQclear(r);
	return found;
}
