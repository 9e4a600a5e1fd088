/*
 * The SQLite engine's reads for navigation. Of plays, only the columns
 * id, account_id, played_ms, kind, track_id, ms_played and skipped are
 * read, so the queries follow a redesign of the table's other columns.
 * Every query is prepared once per handle, on first use (an artist page
 * asks once per track of the artist), and reset as soon as it is read.
 */
#include <stdlib.h>
#include <string.h>

#include "core/strvec.h"
#include "core/xalloc.h"
#include "store/sqlite/db.h"
#include "store/sqlite/nav.h"
#include "core/banned.h"

enum q { Q_TRACK_PLAYS, Q_ALBUM, Q_ALBUM_ARTISTS, Q_TRACKS, Q_ARTISTS, Q_ALBUMS, Q_COUNT };

static const char *const sql[Q_COUNT] = {
	/* over the plays_track index (track_id, played_ms) */
	[Q_TRACK_PLAYS] = "SELECT played_ms, ms_played FROM plays WHERE track_id = ?1"
		" AND kind = 'music' AND (?2 = 0 OR account_id = ?2) ORDER BY played_ms, id",
	[Q_ALBUM] = "SELECT name FROM albums WHERE id = ?1",
	[Q_ALBUM_ARTISTS] = "SELECT artist_id FROM album_artists WHERE album_id = ?1"
		" ORDER BY position",
	[Q_TRACKS] = "SELECT id, name FROM tracks ORDER BY id",
	[Q_ARTISTS] = "SELECT id, name FROM artists ORDER BY id",
	[Q_ALBUMS] = "SELECT id, name FROM albums ORDER BY id",
};

struct sqlite_nav {
	sqlite3_stmt *q[Q_COUNT];
};

void sqn_release(struct sqlite_nav *n)
{
	if (!n)
		return;
	for (int i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(n->q[i]);
	free(n);
}

static sqlite3_stmt *stmt(struct store *st, enum q i)
{
	struct sqlite_store *s = sqlite_of(st);

	if (!s->nav)
		s->nav = xcalloc(1, sizeof(*s->nav));
	if (!s->nav->q[i])
		s->nav->q[i] = db_prepare(s->db, sql[i]);
	return s->nav->q[i];
}

static int finish(struct store *st, sqlite3_stmt *q, int rc, int stop, struct strbuf *err)
{
	sqlite3_reset(q);
	if (stop)
		return stop;
	if (rc != SQLITE_DONE) {
		strbuf_addf(err, "database: %s", sqlite3_errmsg(sqlite_of(st)->db));
		return -1;
	}
	return 0;
}

int sqn_track_plays(struct store *s, int64_t account_id, const char *track_id,
		    int (*fn)(void *, const struct store_nav_play *), void *arg,
		    struct strbuf *err)
{
	sqlite3_stmt *q = stmt(s, Q_TRACK_PLAYS);
	struct store_nav_play p;
	int rc = SQLITE_DONE, stop = 0;

	sqlite3_bind_text(q, 1, track_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, account_id);
	while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		p.played_ms = sqlite3_column_int64(q, 0);
		p.ms_played = sqlite3_column_type(q, 1) == SQLITE_NULL ? -1 :
			      sqlite3_column_int64(q, 1);
		stop = fn(arg, &p);
	}
	return finish(s, q, rc, stop, err);
}

int sqn_album(struct store *s, const char *album_id, char **name,
	      struct strvec *artist_ids, struct strbuf *err)
{
	sqlite3_stmt *q = stmt(s, Q_ALBUM);
	int rc;

	*name = NULL;
	sqlite3_bind_text(q, 1, album_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(q, 0);
		*name = xstrdup(t ? t : "");
		rc = SQLITE_DONE;
	} else if (rc == SQLITE_DONE) {
		sqlite3_reset(q);
		return 0;
	}
	if (finish(s, q, rc, 0, err))
		return -1;
	q = stmt(s, Q_ALBUM_ARTISTS);
	sqlite3_bind_text(q, 1, album_id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(q, 0);
		if (t)
			strvec_push(artist_ids, t);
	}
	if (finish(s, q, rc, 0, err)) {
		free(*name);
		*name = NULL;
		return -1;
	}
	return 1;
}

int sqn_names(struct store *s, enum store_nav_kind kind,
	      int (*fn)(void *, const char *, const char *), void *arg,
	      struct strbuf *err)
{
	sqlite3_stmt *q = stmt(s, kind == NAV_TRACKS ? Q_TRACKS :
				  kind == NAV_ARTISTS ? Q_ARTISTS : Q_ALBUMS);
	int rc = SQLITE_DONE, stop = 0;

	while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(q, 0);
		const char *name = (const char *)sqlite3_column_text(q, 1);
		if (id)
			stop = fn(arg, id, name ? name : "");
	}
	return finish(s, q, rc, stop, err);
}
