#include <math.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/sqlite/db.h"
#include "store/sqlite/fill.h"
#include "core/banned.h"

static double num(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL
		? NAN : sqlite3_column_double(st, i);
}

int sq_track_fill(struct store *s, const char *id,
		  struct store_track_fill *out, struct strbuf *err)
{
	sqlite3 *db = sqlite_of(s)->db;
	sqlite3_stmt *st = db_prepare(db,
		"SELECT t.duration_ms, f.provider, f.tempo, f.key, f.mode, "
		"f.loudness FROM (SELECT ?1 AS id) q "
		"LEFT JOIN tracks t ON t.id = q.id "
		"LEFT JOIN audio_features f ON f.track_id = q.id");
	int rc;

	out->duration_ms = out->tempo = out->key = NAN;
	out->mode = out->loudness = NAN;
	out->features_source = NULL;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->duration_ms = num(st, 0);
		if (sqlite3_column_type(st, 1) != SQLITE_NULL) {
			out->features_source = xstrdup(
				(const char *)sqlite3_column_text(st, 1));
			out->tempo = num(st, 2);
			out->key = num(st, 3);
			out->mode = num(st, 4);
			out->loudness = num(st, 5);
		}
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return 0;
	db_error(db, err);
	return -1;
}
