/*
 * store copy on SQLite: plays written into play_rows with the ids of the
 * rows they refer to (strs, track_keys, play_names, play_ctx) found or made
 * by the import's dictionaries (dict.h), kept in memory for the whole table.
 * Through the plays view, its INSTEAD OF trigger looked every string up
 * again with a dozen statements per play: PostgreSQL -> SQLite of 1M plays
 * had not finished after 7.5 min (doc/scale.md). The rows written are the
 * trigger's (schema.c, PLAY_INTERN and PLAY_REFS): t1210 compares the
 * digests of both sides. Owns s->copy_plays from the first play to the
 * end of the table.
 */
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/sqlite/copyplays.h"
#include "store/sqlite/db.h"
#include "store/sqlite/dict.h"
#include "core/banned.h"

/* The logical columns a play row is made from, by name (store/copy.c). */
enum pc { PC_ID, PC_ACCOUNT, PC_PLAYED, PC_PRECISION, PC_KIND, PC_TRACK_ID,
	  PC_EPISODE, PC_TRACK_NAME, PC_ARTIST, PC_ALBUM, PC_MS_PLAYED, PC_CONTEXT,
	  PC_REASON_START, PC_REASON_END, PC_SKIPPED, PC_SHUFFLE, PC_OFFLINE,
	  PC_OFFLINE_MS, PC_INCOGNITO, PC_PLATFORM, PC_COUNTRY, PC_IP, PC_AGENT,
	  PC_SOURCES, PC_PAGE, PC_IMPORT, PC_NAME_KEY, PC_COUNT };

static const char *const pc_names[PC_COUNT] = {
	"id", "account_id", "played_ms", "precision_ms", "kind", "track_id",
	"episode_id", "track_name", "artist_name", "album_name", "ms_played",
	"context_uri", "reason_start", "reason_end", "skipped", "shuffle",
	"offline", "offline_ms", "incognito", "platform", "country", "ip_addr",
	"user_agent", "sources", "page_id", "import_id", "name_key",
};

struct sqc_plays {
	struct sq_dict dict;
	sqlite3_stmt *ins;
	int col[PC_COUNT]; /* logical column of each */
};

void sqc_plays_release(struct sqlite_store *s)
{
	if (!s->copy_plays)
		return;
	sq_dict_free(&s->copy_plays->dict);
	sqlite3_finalize(s->copy_plays->ins);
	free(s->copy_plays);
	s->copy_plays = NULL;
}

static struct sqc_plays *plays_open(struct sqlite_store *s, const struct store_copy_table *t,
				    struct strbuf *err)
{
	struct sqc_plays *p = xcalloc(1, sizeof(*p));

	for (int k = 0; k < PC_COUNT; k++) {
		p->col[k] = -1;
		for (int c = 0; c < t->ncols; c++)
			if (!strcmp(t->cols[c], pc_names[k]))
				p->col[k] = c;
		if (p->col[k] < 0) {
			strbuf_addf(err, "cannot write plays: no column '%s'", pc_names[k]);
			free(p);
			return NULL;
		}
	}
	sq_dict_init(&p->dict, s->db);
	p->ins = db_prepare(s->db, "INSERT INTO play_rows (id, played_ms, kind, track,"
			    " ms_played, flags, account_id, precision_ms, sources, names,"
			    " episode, offline_d, ctx, context, page_id, import_id)"
			    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
			    " ?13, ?14, ?15, ?16)");
	return s->copy_plays = p;
}

/* A text or integer field of a dictionary key (dict.h) from a value. */
static struct sq_dv dv_of(const struct store_copy_value *v, int is_int)
{
	if (v->null)
		return (struct sq_dv){ 0 };
	if (is_int)
		return (struct sq_dv){ .i = v->i, .is_int = 1 };
	return (struct sq_dv){ .s = v->s ? v->s : "", .len = v->len };
}

#define V(k) (&row[p->col[k]])

/* The id of the strs row of a text value; 0 for NULL. */
static int64_t str_id(struct sqc_plays *p, const struct store_copy_value *v)
{
	struct sq_dv f = dv_of(v, 0);
	return sq_dict_id(&p->dict, SQD_STR, &f);
}

/* The flags of migration 5: 2 bits a flag, 0 unknown, 1 false, 2 true. */
static int tri(const struct store_copy_value *v)
{
	return v->null ? 0 : v->i ? 2 : 1;
}

static void bind_ref(sqlite3_stmt *q, int i, int64_t id)
{
	if (id > 0)
		sqlite3_bind_int64(q, i, id);
	else
		sqlite3_bind_null(q, i);
}

static void bind_num(sqlite3_stmt *q, int i, const struct store_copy_value *v)
{
	if (v->null)
		sqlite3_bind_null(q, i);
	else
		sqlite3_bind_int64(q, i, v->i);
}

/* The track_keys row: the Spotify id's, else the name key's (with names). */
static int64_t track_ref(struct sqc_plays *p, const struct store_copy_value *row,
			 int64_t names)
{
	struct sq_dv f[2];

	if (!V(PC_TRACK_ID)->null) {
		f[0] = dv_of(V(PC_TRACK_ID), 0);
		return sq_dict_id(&p->dict, SQD_TRACK_ID, f);
	}
	if (V(PC_NAME_KEY)->null)
		return 0;
	f[0] = dv_of(V(PC_NAME_KEY), 1);
	f[1] = (struct sq_dv){ .i = names, .is_int = 1 };
	return sq_dict_id(&p->dict, SQD_TRACK_NAME, f);
}

/* Binds the references of a play to the rows of its strings. */
static int bind_refs(struct sqc_plays *p, const struct store_copy_value *row)
{
	static const struct store_copy_value music = { .s = "music", .len = 5 };
	struct sq_dv f[6];
	int64_t kind, names, track, episode, ctx, context;

	kind = str_id(p, V(PC_KIND)->null ? &music : V(PC_KIND));
	episode = str_id(p, V(PC_EPISODE));
	context = str_id(p, V(PC_CONTEXT));
	f[0] = dv_of(V(PC_TRACK_NAME), 0);
	f[1] = dv_of(V(PC_ARTIST), 0);
	f[2] = dv_of(V(PC_ALBUM), 0);
	f[3] = dv_of(V(PC_NAME_KEY), 1);
	names = sq_dict_id(&p->dict, SQD_NAMES, f);
	track = names < 0 ? -1 : track_ref(p, row, names);
	f[0] = dv_of(V(PC_PLATFORM), 0);
	f[1] = dv_of(V(PC_COUNTRY), 0);
	f[2] = dv_of(V(PC_IP), 0);
	f[3] = dv_of(V(PC_AGENT), 0);
	f[4] = dv_of(V(PC_REASON_START), 0);
	f[5] = dv_of(V(PC_REASON_END), 0);
	ctx = sq_dict_id(&p->dict, SQD_CTX, f);
	if (kind <= 0 || episode < 0 || context < 0 || names < 0 || track < 0 || ctx < 0)
		return -1;
	bind_ref(p->ins, 3, kind);
	bind_ref(p->ins, 4, track);
	bind_ref(p->ins, 10, names);
	bind_ref(p->ins, 11, episode);
	bind_ref(p->ins, 13, ctx);
	bind_ref(p->ins, 14, context);
	return 0;
}

static int write_play(struct sqc_plays *p, const struct store_copy_value *row)
{
	sqlite3_stmt *q = p->ins;
	const struct store_copy_value *off = V(PC_OFFLINE_MS);

	if (bind_refs(p, row))
		return -1;
	bind_num(q, 1, V(PC_ID));
	bind_num(q, 2, V(PC_PLAYED));
	bind_num(q, 5, V(PC_MS_PLAYED));
	sqlite3_bind_int(q, 6, tri(V(PC_SKIPPED)) | tri(V(PC_SHUFFLE)) << 2 |
			 tri(V(PC_OFFLINE)) << 4 | tri(V(PC_INCOGNITO)) << 6);
	bind_num(q, 7, V(PC_ACCOUNT));
	sqlite3_bind_int64(q, 8, V(PC_PRECISION)->null ? 1 : V(PC_PRECISION)->i);
	bind_num(q, 9, V(PC_SOURCES));
	if (off->null || V(PC_PLAYED)->null)
		sqlite3_bind_null(q, 12);
	else
		sqlite3_bind_int64(q, 12, V(PC_PLAYED)->i - off->i);
	bind_num(q, 15, V(PC_PAGE));
	bind_num(q, 16, V(PC_IMPORT));
	int rc = sqlite3_step(q);
	sqlite3_reset(q);
	return rc == SQLITE_DONE ? 0 : -1;
}

#undef V

int sqc_plays_write(struct sqlite_store *s, const struct store_copy_table *t,
		    const struct store_copy_value *row, struct strbuf *err)
{
	struct sqc_plays *p = s->copy_plays;
	int r;

	if (!row) {
		r = p && sq_dict_flush(&p->dict) ? -1 : 0;
		if (r) {
			strbuf_addstr(err, "cannot write the plays' names: ");
			db_error(s->db, err);
		}
		sqc_plays_release(s);
		return r;
	}
	if (!p && !(p = plays_open(s, t, err)))
		return -1;
	if (write_play(p, row)) {
		strbuf_addf(err, "cannot write play %lld: ", (long long)row[p->col[PC_ID]].i);
		db_error(s->db, err);
		sqc_plays_release(s);
		return -1;
	}
	return 0;
}
