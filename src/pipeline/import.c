/*
 * The import, end to end: find the files (ZIPs, folders, JSON files), parse
 * them on two threads, merge (merge.h), write in one transaction, heal gaps.
 *
 * Why everything is parsed before anything is written: an import lands whole
 * or not at all, and the merge needs every source at once (account data is
 * matched against the extended export of the same download). Parsed events
 * are ~100 bytes each with interned strings, so a million plays fit in about
 * 100 MB.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "core/fsutil.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "pipeline/import.h"
#include "pipeline/merge.h"
#include "store/accounts.h"
#include "store/db.h"
#include "core/banned.h"

#define THREADS 2
/* From this size on, the first import of an account streams (store_streaming) */
#define STREAM_MIN_BYTES ((uint64_t)64 << 20)

struct task {
	char *path;          /* the file, or the ZIP holding it */
	char *name;          /* for messages: path, or zip path:entry */
	size_t own;          /* ZIP entry: where its own name starts in name */
	zip_int64_t entry;   /* -1 for a plain file */
	uint64_t size;
	int strict;          /* given by name on the command line */
	int status;          /* 0 parsed, 1 not a streaming history, -1 error */
	atomic_int ready;    /* status and f are final */
	struct strbuf err;
	struct import_file f;
};

struct job {
	struct task *tasks;
	size_t ntasks, alloc;
	const struct import_opts *o;
	uint64_t total;
	struct strvec *ignored;
	struct strvec *skipped;  /* "\"PATH\": why", for the folder walk */
	struct dirid { dev_t dev; ino_t ino; } *dirs; /* folders being walked */
	size_t ndirs, adirs;
	atomic_size_t next, done, records;
	atomic_int failed;
	struct import_pool pools[THREADS];
};

/* ---- finding the files ---- */

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcasecmp(s + n - m, suffix);
}

static struct task *add_task(struct job *j, const char *path, const char *name,
			     zip_int64_t entry, uint64_t size, int strict)
{
	struct task *t;
	ALLOC_GROW(j->tasks, j->ntasks + 1, j->alloc);
	t = &j->tasks[j->ntasks++];
	memset(t, 0, sizeof(*t));
	t->path = xstrdup(path);
	t->name = xstrdup(name);
	t->entry = entry;
	t->size = size;
	t->strict = strict;
	strbuf_init(&t->err, 0);
	return t;
}

static int check_total(struct job *j, uint64_t size, const char *name,
		       struct strbuf *err)
{
	const struct import_limits *l = &j->o->limits;
	if (size > l->max_file) {
		strbuf_addf(err, "%s: %llu bytes is larger than the limit of %llu "
			    "for one file (setting 'import.max_file_mb')", name,
			    (unsigned long long)size,
			    (unsigned long long)l->max_file);
		return -1;
	}
	j->total += size;
	if (j->total > l->max_total) {
		strbuf_addf(err, "%s: the files add up to more than the limit of "
			    "%llu bytes (setting 'import.max_total_mb')", name,
			    (unsigned long long)l->max_total);
		return -1;
	}
	return 0;
}

static int unsafe_entry(const char *n)
{
	if (n[0] == '/' || n[0] == '\\' || (n[0] && n[1] == ':'))
		return 1;
	for (const char *p = n; *p; p++) {
		if (p[0] == '.' && p[1] == '.' &&
		    (p == n || p[-1] == '/' || p[-1] == '\\') &&
		    (p[2] == '/' || p[2] == '\\' || p[2] == '\0'))
			return 1;
	}
	return 0;
}

/*
 * Lists a ZIP's entries as tasks, refusing unsafe names and anything that
 * looks like a ZIP bomb before a single byte is inflated: declared sizes
 * against the caps, and the compression ratio.
 */
static int add_zip(struct job *j, const char *path, struct strbuf *err)
{
	const char *base = strrchr(path, '/');
	int zerr = 0, ret = -1;
	zip_t *za = zip_open(path, ZIP_RDONLY, &zerr);
	zip_int64_t n;

	base = base ? base + 1 : path;
	if (!za) {
		zip_error_t ze;
		zip_error_init_with_code(&ze, zerr);
		strbuf_addf(err, "%s: cannot read the ZIP (%s)", path,
			    zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return -1;
	}
	n = zip_get_num_entries(za, 0);
	if (n > 100000) {
		strbuf_addf(err, "%s: %lld entries is too many for an export",
			    path, (long long)n);
		goto out;
	}
	for (zip_int64_t i = 0; i < n; i++) {
		zip_stat_t zs;
		struct strbuf name = STRBUF_INIT;

		if (zip_stat_index(za, (zip_uint64_t)i, 0, &zs) ||
		    !(zs.valid & ZIP_STAT_NAME) || !(zs.valid & ZIP_STAT_SIZE)) {
			strbuf_addf(err, "%s: entry %lld cannot be read (%s)",
				    path, (long long)i, zip_strerror(za));
			goto out;
		}
		if (unsafe_entry(zs.name)) {
			strbuf_addf(err, "%s: entry \"%s\" has an unsafe path "
				    "(absolute or with \"..\"); not an export as "
				    "Spotify writes it", path, zs.name);
			goto out;
		}
		if (ends_with(zs.name, "/"))
			continue;
		strbuf_addf(&name, "%s:%s", base, zs.name);
		if (!ends_with(zs.name, ".json")) {
			strvec_push(j->ignored, name.buf);
			strbuf_release(&name);
			continue;
		}
		if ((zs.valid & ZIP_STAT_COMP_SIZE) && zs.size > 1048576 &&
		    zs.size / (zs.comp_size ? zs.comp_size : 1) >
			    j->o->limits.max_ratio) {
			strbuf_addf(err, "%s: compressed %llu:1, which is no "
				    "export but a ZIP bomb; refusing to inflate it",
				    name.buf, (unsigned long long)(zs.size /
				    (zs.comp_size ? zs.comp_size : 1)));
			strbuf_release(&name);
			goto out;
		}
		if (check_total(j, zs.size, name.buf, err)) {
			strbuf_release(&name);
			goto out;
		}
		{
			const char *own = strrchr(zs.name, '/');
			own = own ? own + 1 : zs.name;
			add_task(j, path, name.buf, i, zs.size, 0)->own =
				strlen(base) + 1 + (size_t)(own - zs.name);
		}
		strbuf_release(&name);
	}
	ret = 0;
out:
	zip_discard(za);
	return ret;
}

static int is_zip_file(const char *path)
{
	char magic[4];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	if (fd < 0)
		return 0;
	n = read(fd, magic, 4);
	close(fd);
	return n == 4 && !memcmp(magic, "PK\3\4", 4);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int add_path(struct job *j, const char *path, int top,
		    struct strbuf *err);

/*
 * Walks a folder in name order. A folder already being walked further up
 * (a symlink loop such as "sub/up -> ..") is skipped with a note, not
 * walked again until the path is too long.
 */
static int add_dir(struct job *j, const char *path, const struct stat *st,
		   struct strbuf *err)
{
	DIR *d;
	struct dirent *de;
	struct strvec names = STRVEC_INIT;
	int ret = 0;

	for (size_t i = 0; i < j->ndirs; i++) {
		if (j->dirs[i].dev == st->st_dev && j->dirs[i].ino == st->st_ino) {
			struct strbuf sb = STRBUF_INIT;
			strbuf_addf(&sb, "\"%s\": a symlink loop (a folder it is "
				    "inside); not read twice", path);
			strvec_push_nodup(j->skipped, strbuf_detach(&sb, NULL));
			return 0;
		}
	}
	if (!(d = opendir(path))) {
		strbuf_addf(err, "%s: cannot read the folder: %s", path,
			    strerror(errno));
		return -1;
	}
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			strvec_push(&names, de->d_name);
	closedir(d);
	if (names.n)
		qsort(names.v, names.n, sizeof(char *), cmp_str);
	ALLOC_GROW(j->dirs, j->ndirs + 1, j->adirs);
	j->dirs[j->ndirs].dev = st->st_dev;
	j->dirs[j->ndirs++].ino = st->st_ino;
	for (size_t i = 0; i < names.n && !ret; i++) {
		char *p = fs_join(path, names.v[i]);
		ret = add_path(j, p, 0, err);
		free(p);
	}
	j->ndirs--;
	strvec_clear(&names);
	return ret;
}

/* Inside a folder, a symlink that leads nowhere is skipped with a note. */
static int bad_link(struct job *j, const char *path, int e)
{
	struct stat lst;
	struct strbuf sb = STRBUF_INIT;

	if (lstat(path, &lst) || !S_ISLNK(lst.st_mode))
		return 0;
	strbuf_addf(&sb, "\"%s\": %s", path, e == ELOOP ? "a symlink loop"
			: "a symlink to nothing");
	strvec_push_nodup(j->skipped, strbuf_detach(&sb, NULL));
	return 1;
}

static int add_path(struct job *j, const char *path, int top,
		    struct strbuf *err)
{
	struct stat st;

	if (stat(path, &st)) {
		if (!top && bad_link(j, path, errno))
			return 0;
		strbuf_addf(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode))
		return add_dir(j, path, &st, err);
	if (!S_ISREG(st.st_mode)) {
		if (top) {
			strbuf_addf(err, "%s: not a file or folder", path);
			return -1;
		}
		strvec_push(j->ignored, path);
		return 0;
	}
	if (ends_with(path, ".zip") || (top && is_zip_file(path)))
		return add_zip(j, path, err);
	if (!top && !ends_with(path, ".json")) {
		strvec_push(j->ignored, path);
		return 0;
	}
	if (check_total(j, (uint64_t)st.st_size, path, err))
		return -1;
	add_task(j, path, path, -1, (uint64_t)st.st_size, top);
	return 0;
}

/* ---- parsing on threads ---- */

struct worker {
	struct job *job;
	int nicer;           /* added to the thread's nice value */
	struct import_pool *pool;
	char *buf;
	size_t alloc;
	zip_t *za;
	char *za_path;
};

static int read_plain(struct worker *w, struct task *t, size_t *len)
{
	int fd = open(t->path, O_RDONLY | O_CLOEXEC);
	size_t got = 0;
	struct stat st;

	if (fd < 0 || fstat(fd, &st)) {
		strbuf_addf(&t->err, "%s: %s", t->name, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if ((uint64_t)st.st_size > w->job->o->limits.max_file) {
		strbuf_addf(&t->err, "%s: the file grew past the limit while "
			    "reading", t->name);
		close(fd);
		return -1;
	}
	if ((size_t)st.st_size + 1 > w->alloc) {
		w->alloc = (size_t)st.st_size + 1;
		free(w->buf);
		w->buf = xmalloc(w->alloc);
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, w->buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			strbuf_addf(&t->err, "%s: %s", t->name, strerror(errno));
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	*len = got;
	return 0;
}

/* Inflates one entry, never more than its declared size. */
static int read_entry(struct worker *w, struct task *t, size_t *len)
{
	zip_file_t *zf;
	size_t got = 0;
	zip_int64_t n;

	if (!w->za || strcmp(w->za_path, t->path)) {
		int zerr;
		if (w->za)
			zip_discard(w->za);
		free(w->za_path);
		w->za_path = xstrdup(t->path);
		w->za = zip_open(t->path, ZIP_RDONLY, &zerr);
		if (!w->za) {
			strbuf_addf(&t->err, "%s: cannot open the ZIP", t->name);
			return -1;
		}
	}
	if (t->size + 2 > w->alloc) {
		w->alloc = t->size + 2;
		free(w->buf);
		w->buf = xmalloc(w->alloc);
	}
	zf = zip_fopen_index(w->za, (zip_uint64_t)t->entry, 0);
	if (!zf) {
		strbuf_addf(&t->err, "%s: cannot inflate (%s)", t->name,
			    zip_strerror(w->za));
		return -1;
	}
	while ((n = zip_fread(zf, w->buf + got, t->size + 1 - got)) > 0) {
		got += (size_t)n;
		if (got > t->size)
			break;
	}
	if (n < 0 || got != t->size) {
		strbuf_addf(&t->err, "%s: %s", t->name,
			    n < 0 ? zip_file_strerror(zf)
				  : "inflates to a size other than it declares "
				    "(corrupt ZIP or a bomb)");
		zip_fclose(zf);
		return -1;
	}
	zip_fclose(zf);
	*len = got;
	return 0;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct job *j = w->job;
	size_t i;

	if (w->nicer) {
		/* Linux: a thread's own nice value, raised (never refused) */
		id_t tid = (id_t)gettid();
		int prio;
		errno = 0;
		prio = getpriority(PRIO_PROCESS, tid);
		if (!errno)
			setpriority(PRIO_PROCESS, tid, prio + w->nicer);
	}
	while ((i = atomic_fetch_add(&j->next, 1)) < j->ntasks) {
		struct task *t = &j->tasks[i];
		size_t len = 0;
		int r;

		if (atomic_load(&j->failed))
			break;
		r = t->entry < 0 ? read_plain(w, t, &len) : read_entry(w, t, &len);
		if (!r) {
			t->f.keep_network = j->o->keep_network;
			t->f.own_name = t->entry < 0 ? NULL : t->name + t->own;
			r = import_parse_buffer(t->name, w->buf, len, t->strict,
						w->pool, &t->f, &t->err);
		}
		t->status = r;
		atomic_store(&t->ready, 1);
		if (r < 0)
			atomic_store(&j->failed, 1);
		atomic_fetch_add(&j->records, t->f.n);
		atomic_fetch_add(&j->done, 1);
	}
	free(w->buf);
	if (w->za)
		zip_discard(w->za);
	free(w->za_path);
	return NULL;
}

static void progress(struct job *j, int64_t t0, int last)
{
	int64_t dt = time_mono_ms() - t0;
	size_t rec = atomic_load(&j->records);
	fprintf(stderr, "\rimport: files %zu/%zu, records %zu (%.0f/s)   %s",
		atomic_load(&j->done), j->ntasks, rec,
		dt > 0 ? (double)rec * 1000.0 / (double)dt : 0.0,
		last ? "\n" : "");
	fflush(stderr);
}

struct threads {
	pthread_t th[THREADS];
	struct worker w[THREADS];
	int n;
	int64_t t0;
};

static int parse_start(struct job *j, struct threads *t, struct strbuf *err)
{
	t->n = j->ntasks < THREADS ? (int)j->ntasks : THREADS;
	t->t0 = time_mono_ms();
	for (int i = 0; i < t->n; i++) {
		memset(&t->w[i], 0, sizeof(t->w[i]));
		t->w[i].job = j;
		t->w[i].pool = &j->pools[i];
		/*
		 * When the writer overlaps the parsers (streaming), it is the
		 * slower end and three threads share two cores: a lower
		 * priority for the parsers lets the scheduler give the writer
		 * a core of its own while the parsers share the other (they
		 * still keep ahead of it). Measured: about 0.3 s of 3.
		 */
		t->w[i].nicer = j->total >= STREAM_MIN_BYTES ? 5 : 0;
		if (pthread_create(&t->th[i], NULL, worker_main, &t->w[i])) {
			t->n = i;
			atomic_store(&j->failed, 1);
			strbuf_addstr(err, "cannot start a thread");
			return -1;
		}
	}
	return 0;
}

/* Waits for the parsers; the first failing file (in order) is the error. */
static int parse_finish(struct job *j, struct threads *t, struct strbuf *err)
{
	if (j->o->progress) {
		while (atomic_load(&j->done) < j->ntasks &&
		       !atomic_load(&j->failed)) {
			progress(j, t->t0, 0);
			usleep(100000);
		}
	}
	for (int i = 0; i < t->n; i++)
		pthread_join(t->th[i], NULL);
	t->n = 0;
	if (j->o->progress && j->ntasks)
		progress(j, t->t0, 1);
	if (err->len)
		return -1;
	for (size_t i = 0; i < j->ntasks; i++) {
		if (j->tasks[i].status < 0) {
			strbuf_add(err, j->tasks[i].err.buf, j->tasks[i].err.len);
			return -1;
		}
	}
	return 0;
}

/* ---- merging ---- */

/* A play already stored, as the merge sees it. */
struct row {
	int64_t id, played_ms, prec;
	uint64_t idkey, namekey[2], export_fp, account_fp;
	int32_t ms_played;
	uint8_t kind, sources;
};

/* What became of each parsed event. */
enum { OUT_NEW, OUT_DUP, OUT_ROW, OUT_EVENT };

struct merge_state {
	struct import_event **ev;
	size_t n;
	struct row *rows;
	size_t nrows, arows;
	uint8_t *out;       /* per event */
	int32_t *target;    /* per event: row index or event index */
	int32_t *acct_of;   /* per event: the account event merged into it */
	int32_t *exp_of;    /* per row: the export event merged into it */
	int32_t *acc_row;   /* per row: the account event merged into it */
	size_t added, merged, dupes;
};

static int kind_of(const char *s)
{
	for (int k = 0; k <= KIND_UNKNOWN; k++)
		if (s && !strcmp(s, import_kind_names[k]))
			return k;
	return KIND_UNKNOWN;
}

static int load_rows(sqlite3 *db, int64_t account, int64_t lo, int64_t hi,
		     struct merge_state *m)
{
	sqlite3_stmt *st = db_prepare(db,
		"SELECT id, played_ms, precision_ms, kind, track_id, episode_id,"
		" artist_name, track_name, ms_played, sources, export_fp,"
		" account_fp, name_key FROM plays WHERE account_id = ?1"
		" AND played_ms BETWEEN ?2 AND ?3");
	int rc;

	sqlite3_bind_int64(st, 1, account);
	sqlite3_bind_int64(st, 2, lo);
	sqlite3_bind_int64(st, 3, hi);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct row *r;
		const char *tid = (const char *)sqlite3_column_text(st, 4);
		const char *eid = (const char *)sqlite3_column_text(st, 5);
		ALLOC_GROW(m->rows, m->nrows + 1, m->arows);
		r = &m->rows[m->nrows++];
		memset(r, 0, sizeof(*r));
		r->id = sqlite3_column_int64(st, 0);
		r->played_ms = sqlite3_column_int64(st, 1);
		r->prec = sqlite3_column_int64(st, 2);
		if (r->prec < 1)
			r->prec = 1;
		r->kind = (uint8_t)kind_of((const char *)sqlite3_column_text(st, 3));
		r->idkey = tid ? merge_id_key('t', tid)
			       : eid ? merge_id_key('e', eid) : 0;
		if (sqlite3_column_type(st, 12) != SQLITE_NULL) {
			r->namekey[0] = r->namekey[1] =
				(uint64_t)sqlite3_column_int64(st, 12);
		} else {
			playmerge_api_namekeys(
				(const char *)sqlite3_column_text(st, 6),
				(const char *)sqlite3_column_text(st, 7),
				r->namekey);
		}
		r->ms_played = sqlite3_column_type(st, 8) == SQLITE_NULL
			? -1 : (int32_t)sqlite3_column_int64(st, 8);
		r->sources = (uint8_t)sqlite3_column_int(st, 9);
		r->export_fp = (uint64_t)sqlite3_column_int64(st, 10);
		r->account_fp = (uint64_t)sqlite3_column_int64(st, 11);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Exact duplicates: fingerprints seen in this import or stored on a row. */
static void drop_duplicates(struct merge_state *m)
{
	size_t size = 1024;
	uint64_t *tab;

	while (size < 2 * (m->n + 2 * m->nrows))
		size *= 2;
	tab = xcalloc(size, sizeof(*tab));
	for (size_t pass = 0; pass < 2; pass++) {
		size_t count = pass ? m->n : 2 * m->nrows;
		for (size_t i = 0; i < count; i++) {
			uint64_t fp = pass ? m->ev[i]->fp
				: (i & 1) ? m->rows[i / 2].account_fp
					  : m->rows[i / 2].export_fp;
			size_t h;
			if (!fp)
				continue;
			/* fingerprints are FNV hashes: mix before masking */
			h = (size_t)((fp ^ (fp >> 29)) * 0x9E3779B97F4A7C15ULL) &
			    (size - 1);
			while (tab[h] && tab[h] != fp)
				h = (h + 1) & (size - 1);
			if (tab[h] == fp) {
				if (pass) {
					m->out[i] = OUT_DUP;
					m->dupes++;
				}
				continue;
			}
			tab[h] = fp;
		}
	}
	free(tab);
}

static uint64_t event_idkey(const struct import_event *e)
{
	if (e->str[IS_TRACK_ID])
		return merge_id_key('t', import_str(e->str[IS_TRACK_ID]));
	if (e->str[IS_EPISODE_ID])
		return merge_id_key('e', import_str(e->str[IS_EPISODE_ID]));
	return 0;
}

static void cand_event(struct merge_cand *c, const struct import_event *e,
		       uint64_t key, uint32_t idx)
{
	c->key = key;
	c->t = e->played_ms;
	c->prec = e->source == SRC_EXPORT ? 1000 : 60000;
	c->ms_played = e->ms_played;
	c->kind = e->kind;
	c->unsure = (e->flags & EV_KIND_UNSURE) != 0;
	c->idx = idx;
}

/* Extended export against stored plays that have no export yet, by id. */
static void match_export(struct merge_state *m)
{
	struct merge_cand *l = NULL, *r = NULL;
	size_t nl = 0, nr = 0, al = 0, ar = 0;
	int32_t *res;

	for (size_t i = 0; i < m->nrows; i++) {
		struct row *w = &m->rows[i];
		if ((w->sources & SRC_EXPORT) || !w->idkey)
			continue;
		ALLOC_GROW(r, nr + 1, ar);
		r[nr].key = w->idkey;
		r[nr].t = w->played_ms;
		r[nr].prec = w->prec;
		r[nr].ms_played = w->ms_played;
		r[nr].kind = w->kind;
		r[nr].unsure = 0;
		r[nr].idx = (uint32_t)i;
		nr++;
	}
	if (!nr)
		return;
	for (size_t i = 0; i < m->n; i++) {
		struct import_event *e = m->ev[i];
		uint64_t k;
		if (m->out[i] != OUT_NEW || e->source != SRC_EXPORT ||
		    !(k = event_idkey(e)))
			continue;
		ALLOC_GROW(l, nl + 1, al);
		cand_event(&l[nl++], e, k, (uint32_t)i);
	}
	res = xmalloc((nl + 1) * sizeof(*res));
	merge_match(l, nl, r, nr, MERGE_TOL_ID_MS, res);
	for (size_t i = 0; i < nl; i++) {
		if (res[i] < 0)
			continue;
		m->out[l[i].idx] = OUT_ROW;
		m->target[l[i].idx] = res[i];
		m->exp_of[res[i]] = (int32_t)l[i].idx;
		m->merged++;
	}
	free(res);
	free(l);
	free(r);
}

/*
 * Account data against everything without account data: stored plays and
 * this import's new export events, by normalised names and the minute rule.
 * Right-hand indexes below nrows are rows, the rest events.
 */
static void match_account(struct merge_state *m)
{
	struct merge_cand *l = NULL, *r = NULL;
	size_t nl = 0, nr = 0, al = 0, ar = 0;
	int32_t *res;

	for (size_t i = 0; i < m->n; i++) {
		struct import_event *e = m->ev[i];
		if (m->out[i] != OUT_NEW || e->source != SRC_ACCOUNT_DATA ||
		    !e->namekey)
			continue;
		ALLOC_GROW(l, nl + 1, al);
		cand_event(&l[nl++], e, e->namekey, (uint32_t)i);
	}
	if (!nl)
		return;
	for (size_t i = 0; i < m->nrows; i++) {
		struct row *w = &m->rows[i];
		for (int k = 0; k < 2; k++) {
			if ((w->sources & SRC_ACCOUNT_DATA) || !w->namekey[k] ||
			    (k && w->namekey[1] == w->namekey[0]))
				continue;
			ALLOC_GROW(r, nr + 1, ar);
			r[nr].key = w->namekey[k];
			r[nr].t = w->played_ms;
			r[nr].prec = w->prec;
			r[nr].ms_played = m->exp_of[i] >= 0
				? m->ev[m->exp_of[i]]->ms_played : w->ms_played;
			r[nr].kind = w->kind;
			r[nr].unsure = 0;
			r[nr].idx = (uint32_t)i;
			nr++;
		}
	}
	for (size_t i = 0; i < m->n; i++) {
		struct import_event *e = m->ev[i];
		uint64_t k;
		if (m->out[i] != OUT_NEW || e->source != SRC_EXPORT ||
		    !(k = import_event_namekey(e)))
			continue;
		ALLOC_GROW(r, nr + 1, ar);
		cand_event(&r[nr++], e, k, (uint32_t)(m->nrows + i));
	}
	res = xmalloc(nl * sizeof(*res));
	merge_match(l, nl, r, nr, MERGE_TOL_NAME_MS, res);
	for (size_t i = 0; i < nl; i++) {
		size_t t;
		if (res[i] < 0)
			continue;
		t = (size_t)res[i];
		if (t < m->nrows) {
			m->out[l[i].idx] = OUT_ROW;
			m->target[l[i].idx] = (int32_t)t;
			m->acc_row[t] = (int32_t)l[i].idx;
		} else {
			m->out[l[i].idx] = OUT_EVENT;
			m->target[l[i].idx] = (int32_t)(t - m->nrows);
			m->acct_of[t - m->nrows] = (int32_t)l[i].idx;
		}
		m->merged++;
	}
	free(res);
	free(l);
	free(r);
}

/* ---- writing ---- */

/*
 * Binding reads each string's length, and that read is a cache miss more
 * often than not (names and ids are spread over the pools): it was 0.3 s
 * of the writer at a million plays. The writers fetch an event's strings
 * a batch ahead, while SQLite works through the batch before it.
 */
static void prefetch_strings(const struct import_event *e)
{
	for (int k = 0; k < IS_N; k++)
		if (e->str[k])
			__builtin_prefetch(import_str(e->str[k]) - 2);
}

static void bind_str(sqlite3_stmt *st, int i, uint32_t id)
{
	const char *s = import_str(id);
	if (s)
		sqlite3_bind_text(st, i, s, (int)import_strlen(id), SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static void bind_tri(sqlite3_stmt *st, int i, uint8_t v)
{
	if (v == TRI_NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int(st, i, v);
}

static void bind_opt(sqlite3_stmt *st, int i, int64_t v, int present)
{
	if (present)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

/* The export's stream fields, parameters 1..21 of both statements. */
static void bind_export_at(sqlite3_stmt *st, int o, const struct import_event *e,
			   const struct import_event *acct);
static void bind_export(sqlite3_stmt *st, const struct import_event *e,
			const struct import_event *acct)
{
	bind_export_at(st, 0, e, acct);
}

static void bind_export_at(sqlite3_stmt *st, int o, const struct import_event *e,
			   const struct import_event *acct)
{
	uint32_t tn = e->str[IS_TRACK], an = e->str[IS_ARTIST];
	if (acct) {
		tn = tn ? tn : acct->str[IS_TRACK];
		an = an ? an : acct->str[IS_ARTIST];
	}
	sqlite3_bind_int64(st, o + 1, e->played_ms);
	sqlite3_bind_int(st, o + 2, e->source == SRC_EXPORT ? 1000 : 60000);
	sqlite3_bind_text(st, o + 3, import_kind_names[e->kind], -1, SQLITE_STATIC);
	bind_str(st, o + 4, e->str[IS_TRACK_ID]);
	bind_str(st, o + 5, e->str[IS_EPISODE_ID]);
	bind_str(st, o + 6, tn);
	bind_str(st, o + 7, an);
	bind_str(st, o + 8, e->str[IS_ALBUM]);
	bind_opt(st, o + 9, e->ms_played, e->ms_played >= 0);
	bind_str(st, o + 10, e->str[IS_REASON_START]);
	bind_str(st, o + 11, e->str[IS_REASON_END]);
	bind_tri(st, o + 12, e->skipped);
	bind_tri(st, o + 13, e->shuffle);
	bind_tri(st, o + 14, e->offline);
	bind_opt(st, o + 15, e->offline_ms, e->offline_ms != 0);
	bind_tri(st, o + 16, e->incognito);
	bind_str(st, o + 17, e->str[IS_PLATFORM]);
	bind_str(st, o + 18, e->str[IS_COUNTRY]);
	bind_str(st, o + 19, e->str[IS_IP]);
	bind_str(st, o + 20, e->str[IS_UA]);
	/* only rows without an id need it (playmerge.h); the rest compute it */
	if (!e->str[IS_TRACK_ID] && !e->str[IS_EPISODE_ID]) {
		uint64_t k = import_event_namekey(e);
		bind_opt(st, o + 21, (int64_t)k, k != 0);
	} else {
		sqlite3_bind_null(st, o + 21);
	}
}

static const char insert_sql[] =
	"INSERT OR FAIL INTO plays (played_ms, precision_ms, kind, track_id,"
	" episode_id, track_name, artist_name, album_name, ms_played, reason_start,"
	" reason_end, skipped, shuffle, offline, offline_ms, incognito,"
	" platform, country, ip_addr, user_agent, name_key, account_id,"
	" sources, import_id, export_fp, account_fp)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
	" ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26)";

/* An export event merged into a stored play: the export's fields win. */
static const char update_export_sql[] =
	"UPDATE plays SET"
	" played_ms = CASE WHEN precision_ms > ?2 THEN ?1 ELSE played_ms END,"
	" precision_ms = min(precision_ms, ?2), kind = ?3,"
	" track_id = coalesce(track_id, ?4), episode_id = coalesce(episode_id, ?5),"
	" track_name = coalesce(track_name, ?6),"
	" artist_name = coalesce(artist_name, ?7),"
	" album_name = coalesce(album_name, ?8), ms_played = ?9,"
	" reason_start = ?10, reason_end = ?11, skipped = ?12, shuffle = ?13,"
	" offline = ?14, offline_ms = ?15, incognito = ?16, platform = ?17,"
	" country = ?18, ip_addr = coalesce(?19, ip_addr),"
	" user_agent = coalesce(?20, user_agent),"
	" name_key = coalesce(name_key, ?21), sources = sources | ?23,"
	" import_id = coalesce(import_id, ?24), export_fp = ?25"
	" WHERE id = ?22";

/* An account-data event merged into a stored play: it fills gaps only. */
static const char update_account_sql[] =
	"UPDATE plays SET"
	" played_ms = CASE WHEN precision_ms > 60000 THEN ?1 ELSE played_ms END,"
	" track_name = coalesce(track_name, ?2),"
	" artist_name = coalesce(artist_name, ?3),"
	" ms_played = coalesce(ms_played, ?4), name_key = coalesce(name_key, ?5),"
	" sources = sources | 4, account_fp = ?6,"
	" import_id = coalesce(import_id, ?7) WHERE id = ?8";

static int step(sqlite3 *db, sqlite3_stmt *st, struct strbuf *err)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st); /* every statement binds all its parameters */
	if (rc == SQLITE_DONE)
		return 0;
	strbuf_addf(err, "cannot write the plays: %s", sqlite3_errmsg(db));
	return -1;
}

/* Binds row k (from 0) of an insert statement. */
static void bind_insert(sqlite3_stmt *ins, int k, const struct import_event *e,
			const struct import_event *a, int64_t account,
			int64_t import_id)
{
	int o = k * 26;
	bind_export_at(ins, o, e, a);
	sqlite3_bind_int64(ins, o + 22, account);
	sqlite3_bind_int(ins, o + 23, e->source | (a ? SRC_ACCOUNT_DATA : 0));
	sqlite3_bind_int64(ins, o + 24, import_id);
	if (e->source == SRC_EXPORT) {
		sqlite3_bind_int64(ins, o + 25, (int64_t)e->fp);
		bind_opt(ins, o + 26, a ? (int64_t)a->fp : 0, a != NULL);
	} else {
		sqlite3_bind_null(ins, o + 25);
		sqlite3_bind_int64(ins, o + 26, (int64_t)e->fp);
	}
}

/* Inserts e (with the account-data event a merged into it, or NULL). */
static int insert_event(sqlite3 *db, sqlite3_stmt *ins,
			const struct import_event *e,
			const struct import_event *a, int64_t account,
			int64_t import_id, struct strbuf *err)
{
	bind_insert(ins, 0, e, a, account, import_id);
	return step(db, ins, err);
}

/*
 * Inserts of BATCH rows per statement: one sqlite3_step for many rows
 * saves a good part of the per-row cost of a bulk load.
 */
#define BATCH 16
struct batch {
	sqlite3_stmt *one, *many;
	const struct import_event *ev[BATCH], *acct[BATCH];
	int n;
};

static void batch_init(sqlite3 *db, struct batch *b)
{
	struct strbuf q = STRBUF_INIT;
	const char *values = strstr(insert_sql, " VALUES ");
	strbuf_add(&q, insert_sql, (size_t)(values - insert_sql));
	strbuf_addstr(&q, " VALUES ");
	for (int k = 0; k < BATCH; k++) {
		strbuf_addstr(&q, k ? ", (" : "(");
		for (int c = 1; c <= 26; c++)
			strbuf_addf(&q, "%s?%d", c > 1 ? ", " : "", k * 26 + c);
		strbuf_addch(&q, ')');
	}
	b->one = db_prepare(db, insert_sql);
	b->many = db_prepare(db, q.buf);
	b->n = 0;
	strbuf_release(&q);
}

static int batch_flush(sqlite3 *db, struct batch *b, int64_t account,
		       int64_t import_id, struct strbuf *err)
{
	int ret = 0;
	if (b->n == BATCH) {
		for (int k = 0; k < BATCH; k++)
			bind_insert(b->many, k, b->ev[k], b->acct[k], account,
				    import_id);
		ret = step(db, b->many, err);
	} else {
		for (int k = 0; k < b->n && !ret; k++)
			ret = insert_event(db, b->one, b->ev[k], b->acct[k],
					   account, import_id, err);
	}
	b->n = 0;
	return ret;
}

static int batch_add(sqlite3 *db, struct batch *b, const struct import_event *e,
		     const struct import_event *a, int64_t account,
		     int64_t import_id, struct strbuf *err)
{
	b->acct[b->n] = a;
	b->ev[b->n++] = e;
	return b->n == BATCH ? batch_flush(db, b, account, import_id, err) : 0;
}

static void batch_release(struct batch *b)
{
	sqlite3_finalize(b->one);
	sqlite3_finalize(b->many);
	memset(b, 0, sizeof(*b));
}

static int write_plays(sqlite3 *db, struct merge_state *m, int64_t account,
		       int64_t import_id, struct strbuf *err)
{
	struct batch bt;
	sqlite3_stmt *upe = db_prepare(db, update_export_sql);
	sqlite3_stmt *upa = db_prepare(db, update_account_sql);
	int ret = -1;

	batch_init(db, &bt);
	for (size_t i = 0; i < m->n; i++) {
		const struct import_event *e = m->ev[i];
		const struct import_event *a = NULL;

		if (i + BATCH < m->n)
			prefetch_strings(m->ev[i + BATCH]);
		if (m->out[i] == OUT_NEW) {
			if (m->acct_of[i] >= 0)
				a = m->ev[m->acct_of[i]];
			if (batch_add(db, &bt, e, a, account, import_id, err))
				goto out;
			m->added++;
		} else if (m->out[i] == OUT_ROW && e->source == SRC_EXPORT) {
			bind_export(upe, e, NULL);
			sqlite3_bind_int64(upe, 22, m->rows[m->target[i]].id);
			sqlite3_bind_int(upe, 23, SRC_EXPORT);
			sqlite3_bind_int64(upe, 24, import_id);
			sqlite3_bind_int64(upe, 25, (int64_t)e->fp);
			if (step(db, upe, err))
				goto out;
		}
	}
	if (batch_flush(db, &bt, account, import_id, err))
		goto out;
	/* account data after the export updates, so it only fills gaps */
	for (size_t i = 0; i < m->n; i++) {
		const struct import_event *e = m->ev[i];
		if (m->out[i] != OUT_ROW || e->source != SRC_ACCOUNT_DATA)
			continue;
		sqlite3_bind_int64(upa, 1, e->played_ms);
		bind_str(upa, 2, e->str[IS_TRACK]);
		bind_str(upa, 3, e->str[IS_ARTIST]);
		sqlite3_bind_int(upa, 4, e->ms_played);
		bind_opt(upa, 5, (int64_t)e->namekey, e->namekey != 0);
		sqlite3_bind_int64(upa, 6, (int64_t)e->fp);
		sqlite3_bind_int64(upa, 7, import_id);
		sqlite3_bind_int64(upa, 8, m->rows[m->target[i]].id);
		if (step(db, upa, err))
			goto out;
	}
	ret = 0;
out:
	batch_release(&bt);
	sqlite3_finalize(upe);
	sqlite3_finalize(upa);
	return ret;
}

/*
 * Whether an index's key starts with the time (after the account, which is
 * the same for every row of an import): plays are written in time order
 * (within each file at least), so such an index only grows at one end and
 * keeping it up row by row costs less than building it again (measured
 * for plays_time and plays_account_time at a million plays: +0.35 s of
 * writing against 0.6-0.7 s of CREATE INDEX; but see write_settings). The
 * others (plays_track) take inserts all over: kept, it cost 3 s more.
 */
static int index_in_time_order(sqlite3 *db, const char *name)
{
	sqlite3_stmt *st = db_prepare(db,
		"SELECT name FROM pragma_index_info(?1) ORDER BY seqno");
	int ret = 0;

	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *col = (const char *)sqlite3_column_text(st, 0);
		if (col && !strcmp(col, "account_id"))
			continue;
		ret = col && !strcmp(col, "played_ms");
		break;
	}
	sqlite3_finalize(st);
	return ret;
}

/*
 * Indexes are cheaper built once than maintained row by row when inserts
 * land all over them: for a big import into a small table, drop those
 * plays indexes and create them again from their own SQL afterwards
 * (inside the transaction, so all or nothing). Indexes in time order are
 * kept (see above). Partial indexes are kept: imported rows are not in
 * them, and building one would scan the whole table again.
 */
static int drop_indexes(sqlite3 *db, struct strvec *sqls, struct strbuf *err)
{
	sqlite3_stmt *st = db_prepare(db,
		"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND"
		" tbl_name = 'plays' AND sql IS NOT NULL AND sql NOT LIKE '% WHERE %'");
	struct strvec names = STRVEC_INIT, all = STRVEC_INIT;
	int ret = 0;

	while (sqlite3_step(st) == SQLITE_ROW) {
		strvec_push(&all, (const char *)sqlite3_column_text(st, 0));
		strvec_push(&all, (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	for (size_t i = 0; i + 1 < all.n; i += 2) {
		if (index_in_time_order(db, all.v[i]))
			continue;
		strvec_push(&names, all.v[i]);
		strvec_push(sqls, all.v[i + 1]);
	}
	for (size_t i = 0; i < names.n && !ret; i++) {
		struct strbuf q = STRBUF_INIT;
		strbuf_addf(&q, "DROP INDEX \"%s\"", names.v[i]);
		ret = db_exec(db, q.buf, err);
		strbuf_release(&q);
	}
	strvec_clear(&names);
	strvec_clear(&all);
	return ret;
}

struct range {
	int64_t lo, hi;
};

static int cmp_range(const void *a, const void *b)
{
	const struct range *x = a, *y = b;
	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/*
 * A gap is healed when one stretch of the imported files covers it: file
 * time ranges are joined when they overlap or lie within a day of each
 * other (an export's files follow one another), and a gap [from, to] inside
 * one joined range (with the id tolerance at both ends) is marked healed.
 */
static int heal_gaps(sqlite3 *db, struct job *j, int64_t account,
		     int64_t import_id, size_t *healed, struct strbuf *err)
{
	struct range *r = xcalloc(j->ntasks + 1, sizeof(*r));
	size_t n = 0, k = 0;
	sqlite3_stmt *st;
	char by[64];
	int ret = 0;

	for (size_t i = 0; i < j->ntasks; i++) {
		if (j->tasks[i].status || !j->tasks[i].f.n)
			continue;
		r[n].lo = j->tasks[i].f.min_ms;
		r[n].hi = j->tasks[i].f.max_ms;
		n++;
	}
	qsort(r, n, sizeof(*r), cmp_range);
	for (size_t i = 1; i < n; i++) {
		if (r[i].lo <= r[k].hi + 86400000LL) {
			if (r[i].hi > r[k].hi)
				r[k].hi = r[i].hi;
		} else {
			r[++k] = r[i];
		}
	}
	if (n)
		n = k + 1;
	snprintf(by, sizeof(by), "import #%lld", (long long)import_id);
	st = db_prepare(db,
		"UPDATE gaps SET healed_ms = ?1, healed_by = ?2 WHERE"
		" account_id = ?3 AND healed_ms IS NULL AND from_ms >= ?4 AND"
		" to_ms <= ?5");
	for (size_t i = 0; i < n && !ret; i++) {
		sqlite3_bind_int64(st, 1, time_now_ms());
		sqlite3_bind_text(st, 2, by, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, account);
		sqlite3_bind_int64(st, 4, r[i].lo - MERGE_TOL_ID_MS);
		sqlite3_bind_int64(st, 5, r[i].hi + MERGE_TOL_ID_MS);
		ret = step(db, st, err);
		if (!ret)
			*healed += (size_t)sqlite3_changes(db);
	}
	sqlite3_finalize(st);
	free(r);
	return ret;
}

static int resolve_account(sqlite3 *db, const char *want, int64_t *id,
			   char **name, struct strbuf *err)
{
	sqlite3_stmt *st;
	struct strvec names = STRVEC_INIT;
	int ret = 0;

	if (want) {
		*id = accounts_ensure(db, want);
		*name = xstrdup(want);
		return *id > 0 ? 0 : -1;
	}
	st = db_prepare(db, "SELECT name FROM accounts ORDER BY name");
	while (sqlite3_step(st) == SQLITE_ROW)
		strvec_push(&names, (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (names.n > 1) {
		strbuf_addstr(err, "there are several accounts (");
		for (size_t i = 0; i < names.n; i++)
			strbuf_addf(err, "%s\"%s\"", i ? ", " : "", names.v[i]);
		strbuf_addstr(err, "); say which one the export belongs to with "
			      "--account NAME");
		ret = -1;
	} else {
		*name = xstrdup(names.n ? names.v[0] : "main");
		*id = accounts_ensure(db, *name);
		if (*id <= 0) {
			strbuf_addf(err, "cannot create the account: %s",
				    sqlite3_errmsg(db));
			ret = -1;
		}
	}
	strvec_clear(&names);
	return ret;
}

static int64_t start_import(sqlite3 *db, char **paths, int npaths,
			    int64_t account)
{
	struct strbuf p = STRBUF_INIT;
	sqlite3_stmt *st;
	int64_t id = -1;

	for (int i = 0; i < npaths; i++)
		strbuf_addf(&p, "%s%s", i ? "\n" : "", paths[i]);
	st = db_prepare(db, "INSERT INTO imports (started_ms, paths, account_id)"
			" VALUES (?, ?, ?)");
	sqlite3_bind_int64(st, 1, time_now_ms());
	sqlite3_bind_text(st, 2, p.buf, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, account);
	if (sqlite3_step(st) == SQLITE_DONE)
		id = sqlite3_last_insert_rowid(db);
	sqlite3_finalize(st);
	strbuf_release(&p);
	return id;
}

/*
 * Creates the indexes dropped for the bulk writes (idx holds their CREATE
 * statements). Measured: SQLite's sorter builds them fastest with a small
 * page cache.
 */
static int build_indexes(sqlite3 *db, const struct strvec *idx, int64_t t0,
			 struct strbuf *err)
{
	if (idx->n && db_exec(db, "PRAGMA cache_size = -2048", err))
		return -1;
	for (size_t i = 0; i < idx->n; i++)
		if (db_exec(db, idx->v[i], err))
			return -1;
	log_debug("import: indexed in %lld ms", (long long)(time_mono_ms() - t0));
	return 0;
}

static int finish_import(sqlite3 *db, struct job *j, struct import_result *res)
{
	sqlite3_stmt *st = db_prepare(db,
		"UPDATE imports SET finished_ms = ?2, files = ?3, records = ?4,"
		" added = ?5, merged = ?6, duplicates = ?7, ignored = ?8,"
		" from_ms = ?9, to_ms = ?10 WHERE id = ?1");
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	int rc;

	for (size_t i = 0; i < j->ntasks; i++) {
		const struct import_file *f = &j->tasks[i].f;
		if (j->tasks[i].status || !f->n)
			continue;
		lo = f->min_ms < lo ? f->min_ms : lo;
		hi = f->max_ms > hi ? f->max_ms : hi;
	}
	if (lo <= hi) {
		sqlite3_bind_int64(st, 9, lo);
		sqlite3_bind_int64(st, 10, hi);
	}
	sqlite3_bind_int64(st, 1, res->import_id);
	sqlite3_bind_int64(st, 2, time_now_ms());
	sqlite3_bind_int64(st, 3, (int64_t)res->files);
	sqlite3_bind_int64(st, 4, (int64_t)res->records);
	sqlite3_bind_int64(st, 5, (int64_t)res->added);
	sqlite3_bind_int64(st, 6, (int64_t)res->merged);
	sqlite3_bind_int64(st, 7, (int64_t)res->dupes);
	sqlite3_bind_int64(st, 8, (int64_t)res->ignored.n);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

void import_result_release(struct import_result *r)
{
	strvec_clear(&r->ignored);
	strvec_clear(&r->skipped);
	strvec_clear(&r->warnings);
	free(r->account);
	memset(r, 0, sizeof(*r));
}

static void merge_state_release(struct merge_state *m)
{
	free(m->ev);
	free(m->rows);
	free(m->out);
	free(m->target);
	free(m->acct_of);
	free(m->exp_of);
	free(m->acc_row);
}

/*
 * Settings of the connection while an import writes. A small page cache
 * measured fastest (the table is written once, in order) and keeps the peak
 * memory down; the sorter may use a thread when indexes are built again.
 *
 * No statement journal. A multi-row INSERT that may abort half-way gets
 * one, and every page it changes that an earlier statement wrote is first
 * copied there: with the time indexes kept (drop_indexes), 800,000 writes
 * to a temporary file for a million plays, over a second of wall time;
 * with all indexes dropped still 0.3 s. Two things make a statement "may
 * abort": constraints with the default ABORT, hence INSERT OR FAIL (it
 * stops at the failing row without undoing the rows before it, and any
 * error rolls the whole import back anyway); and an immediate foreign key,
 * hence foreign keys are off while we write (put back by
 * write_settings_end). The one foreign key on plays is account_id, and
 * every row gets the account resolve_account found or created in the same
 * transaction, so no check is lost that could fail.
 */
static int write_settings(sqlite3 *db, int *fk_was_on, struct strbuf *err)
{
	*fk_was_on = db_scalar(db, "PRAGMA foreign_keys") != 0;
	return db_exec(db, "PRAGMA cache_size = -8192; PRAGMA threads = 2;"
		       " PRAGMA foreign_keys = OFF", err);
}

/* Outside the transaction, after commit or rollback. */
static void write_settings_end(sqlite3 *db, int fk_was_on)
{
	if (fk_was_on)
		sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
}

/*
 * Bulk mode for a big import: the rollback journal instead of WAL while the
 * import runs. In WAL every page is written twice (to the log, then by the
 * checkpoint into the database); a rollback journal only saves the pages
 * that existed before, and a big import mostly appends new ones. Switching
 * needs the database to ourselves: when another process has it open the
 * switch fails and the import simply runs in WAL. db_open puts WAL back for
 * every later open; we put it back at once.
 */
static int bulk_mode(sqlite3 *db, int on)
{
	sqlite3_stmt *st = db_prepare(db, on ? "PRAGMA journal_mode = DELETE"
					     : "PRAGMA journal_mode = WAL");
	int ok = 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		ok = !strcmp((const char *)sqlite3_column_text(st, 0),
			     on ? "delete" : "wal");
	sqlite3_finalize(st);
	return ok;
}

/* Frees the parsed events and their strings once they are written. */
static void release_events(struct job *j, struct merge_state *m)
{
	merge_state_release(m);
	memset(m, 0, sizeof(*m));
	for (size_t i = 0; i < j->ntasks; i++) {
		free(j->tasks[i].f.ev);
		j->tasks[i].f.ev = NULL;
		j->tasks[i].f.alloc = 0;
	}
	for (int i = 0; i < THREADS; i++)
		import_pool_release(&j->pools[i]);
	malloc_trim(0);
}

/* Time order, then file order: the order plays are written in. */
static int cmp_event_time(const void *a, const void *b)
{
	const struct import_event *x = *(struct import_event *const *)a;
	const struct import_event *y = *(struct import_event *const *)b;
	if (x->played_ms != y->played_ms)
		return x->played_ms < y->played_ms ? -1 : 1;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	return x->rec < y->rec ? -1 : x->rec > y->rec;
}

/* Everything under the transaction: merge, write, heal, count. */
/*
 * The end of both write paths, inside the import's transaction: rebuilds the
 * dropped indexes, heals gaps, records the import, then commits, or rolls
 * back when nothing is new (the same files again leave no trace at all) or
 * on --dry-run. -1: the caller rolls back.
 */
static int conclude(sqlite3 *db, struct job *j, const struct import_opts *o,
		    int64_t account, const struct strvec *idx, int64_t t0,
		    struct import_result *res, struct strbuf *err)
{
	if (build_indexes(db, idx, t0, err) ||
	    heal_gaps(db, j, account, res->import_id, &res->healed, err) ||
	    finish_import(db, j, res))
		return -1;
	if (o->dry_run || (!res->added && !res->merged && !res->healed)) {
		db_rollback(db);
		return 0;
	}
	if (db_commit(db, err))
		return -1;
	log_debug("import: committed in %lld ms", (long long)(time_mono_ms() - t0));
	return 0;
}

static int store(sqlite3 *db, struct job *j, const struct import_opts *o,
		 char **paths, int npaths, struct import_result *res,
		 struct strbuf *err)
{
	struct merge_state m;
	struct strvec idx = STRVEC_INIT;
	int64_t t0 = time_mono_ms();
	int64_t account, lo = INT64_MAX, hi = INT64_MIN, stored;
	int ret = -1, bulk = 0, fk = 0;

	memset(&m, 0, sizeof(m));
	for (size_t i = 0; i < j->ntasks; i++) {
		struct import_file *f = &j->tasks[i].f;
		if (j->tasks[i].status)
			continue;
		m.n += f->n;
		if (f->n && f->min_ms < lo)
			lo = f->min_ms;
		if (f->n && f->max_ms > hi)
			hi = f->max_ms;
	}
	m.ev = xmalloc((m.n + 1) * sizeof(*m.ev));
	m.n = 0;
	for (size_t i = 0; i < j->ntasks; i++) {
		struct import_file *f = &j->tasks[i].f;
		if (j->tasks[i].status)
			continue;
		for (size_t k = 0; k < f->n; k++) {
			f->ev[k].file = (uint16_t)(i > 65535 ? 65535 : i);
			m.ev[m.n++] = &f->ev[k];
		}
	}
	m.out = xcalloc(m.n + 1, 1);
	m.target = xmalloc((m.n + 1) * sizeof(*m.target));
	m.acct_of = xmalloc((m.n + 1) * sizeof(*m.acct_of));
	memset(m.acct_of, 0xff, (m.n + 1) * sizeof(*m.acct_of));

	if (write_settings(db, &fk, err))
		goto fail;
	if (m.n > 100000)
		bulk = bulk_mode(db, 1);
	if (db_begin(db, err))
		goto fail;
	if (resolve_account(db, o->account, &account, &res->account, err))
		goto rollback;
	res->import_id = start_import(db, paths, npaths, account);
	if (res->import_id < 0 ||
	    (m.n && load_rows(db, account, lo - 600000, hi + 600000, &m))) {
		strbuf_addf(err, "cannot read the plays: %s", sqlite3_errmsg(db));
		goto rollback;
	}
	m.exp_of = xmalloc((m.nrows + 1) * sizeof(*m.exp_of));
	m.acc_row = xmalloc((m.nrows + 1) * sizeof(*m.acc_row));
	memset(m.exp_of, 0xff, (m.nrows + 1) * sizeof(*m.exp_of));
	memset(m.acc_row, 0xff, (m.nrows + 1) * sizeof(*m.acc_row));
	qsort(m.ev, m.n, sizeof(*m.ev), cmp_event_time);
	drop_duplicates(&m);
	match_export(&m);
	match_account(&m);
	log_debug("import: merged in %lld ms", (long long)(time_mono_ms() - t0));

	stored = db_scalar(db, "SELECT count(*) FROM plays");
	if (m.n - m.dupes - m.merged > 100000 &&
	    (int64_t)(m.n - m.dupes - m.merged) > stored &&
	    drop_indexes(db, &idx, err))
		goto rollback;
	if (write_plays(db, &m, account, res->import_id, err))
		goto rollback;
	log_debug("import: written in %lld ms", (long long)(time_mono_ms() - t0));
	res->records = m.n;
	res->added = m.added;
	res->merged = m.merged;
	res->dupes = m.dupes;
	/* the parsed events are written: free them before the sorts */
	if (idx.n)
		release_events(j, &m);
	if (conclude(db, j, o, account, &idx, t0, res, err))
		goto rollback;
	ret = 0;
	goto out;
rollback:
	db_rollback(db);
fail:
	if (!err->len)
		strbuf_addf(err, "cannot write the import: %s", sqlite3_errmsg(db));
out:
	if (bulk)
		bulk_mode(db, 0);
	write_settings_end(db, fk);
	strvec_clear(&idx);
	merge_state_release(&m);
	return ret;
}

/* Files read and ignored, and the text replaced in them (utf8.h). */
static void count_files(struct job *j, struct import_result *res)
{
	res->files = 0;
	res->replaced = 0;
	strvec_clear(&res->warnings);
	for (size_t i = 0; i < j->ntasks; i++) {
		const struct import_file *f = &j->tasks[i].f;
		if (j->tasks[i].status == 1) {
			strvec_push(&res->ignored, j->tasks[i].name);
			continue;
		}
		res->files++;
		res->replaced += f->replaced;
		for (size_t k = 0; k < f->warnings.n; k++)
			if (res->warnings.n < IMPORT_WARNINGS)
				strvec_push(&res->warnings, f->warnings.v[k]);
	}
}

/*
 * An import that finds no plays at all is an error, not "0 records": an
 * empty ZIP or folder, a ZIP of the wrong package, files holding "[]".
 */
static int no_history(struct job *j, char **paths, int npaths,
		      const struct import_result *res, struct strbuf *err)
{
	size_t empty = 0;

	for (size_t i = 0; i < j->ntasks; i++) {
		if (j->tasks[i].status == 0 && j->tasks[i].f.n)
			return 0;
		empty += j->tasks[i].status == 0;
	}
	strbuf_addstr(err, "no streaming history found in ");
	for (int i = 0; i < npaths; i++)
		strbuf_addf(err, "%s\"%s\"", i ? ", " : "", paths[i]);
	strbuf_addf(err, " (looked for endsong_N.json, Streaming_History_Audio_*"
		    ".json, Streaming_History_Video_*.json and StreamingHistory*"
		    ".json; %zu with no plays, %zu other files ignored)", empty,
		    res->ignored.n);
	return -1;
}

/* A set of fingerprints (never 0) that grows. */
struct fpset {
	uint64_t *tab;
	size_t size, n;
};

static size_t fpset_slot(const struct fpset *f, uint64_t fp)
{
	return (size_t)((fp ^ (fp >> 29)) * 0x9E3779B97F4A7C15ULL) & (f->size - 1);
}

/* The table is far bigger than the caches: fetch a slot ahead of its use. */
static void fpset_prefetch(const struct fpset *f, uint64_t fp)
{
	__builtin_prefetch(&f->tab[fpset_slot(f, fp)], 1);
}

static int fpset_add(struct fpset *f, uint64_t fp)
{
	size_t h;
	if (2 * (f->n + 1) > f->size) {
		struct fpset g = { NULL, f->size ? 2 * f->size : 1 << 16, 0 };
		g.tab = xcalloc(g.size, sizeof(*g.tab));
		for (size_t i = 0; i < f->size; i++)
			if (f->tab[i])
				fpset_add(&g, f->tab[i]);
		free(f->tab);
		*f = g;
	}
	h = fpset_slot(f, fp);
	while (f->tab[h] && f->tab[h] != fp)
		h = (h + 1) & (f->size - 1);
	if (f->tab[h])
		return 1;
	f->tab[h] = fp;
	f->n++;
	return 0;
}

/*
 * The fast path for the big first import of an account: with no stored
 * plays to merge with and no account data, merging is dropping exact
 * duplicates, so each file is written as soon as it is parsed while the
 * threads parse the next ones (the one writer overlaps the two parsers).
 * Returns 0 when done, -1 on a database error, 1 when the slow path must
 * run instead (a file turned out to be account data or failed to parse,
 * or the account has plays): then nothing was written.
 */
static int store_streaming(sqlite3 *db, struct job *j,
			   const struct import_opts *o, char **paths,
			   int npaths, struct import_result *res,
			   struct strbuf *err)
{
	struct strvec idx = STRVEC_INIT;
	struct fpset seen = { NULL, 1 << 16, 0 };
	struct batch bt;
	sqlite3_stmt *st;
	int64_t account, t0 = time_mono_ms(), last = t0;
	int ret = -1, bulk, has_plays, fk = 0;

	memset(&bt, 0, sizeof(bt));
	if (write_settings(db, &fk, err)) {
		write_settings_end(db, fk);
		return -1;
	}
	bulk = bulk_mode(db, 1);
	if (db_begin(db, err))
		goto out;
	if (resolve_account(db, o->account, &account, &res->account, err))
		goto rollback;
	st = db_prepare(db, "SELECT 1 FROM plays WHERE account_id = ? LIMIT 1");
	sqlite3_bind_int64(st, 1, account);
	has_plays = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (has_plays)
		goto fallback;
	res->import_id = start_import(db, paths, npaths, account);
	if (res->import_id < 0 || drop_indexes(db, &idx, err))
		goto rollback;
	batch_init(db, &bt);
	/* about 700 bytes a record: size the set once */
	while (seen.size < j->total / 350)
		seen.size *= 2;
	/*
	 * Zeroed by writing, not by calloc: calloc's fresh pages map the zero
	 * page, and the first insert on each then copies it and flushes the
	 * TLBs of the parser threads' CPUs (measured: ~0.1 s of the writer).
	 */
	seen.tab = xmalloc(seen.size * sizeof(*seen.tab));
	memset(seen.tab, 0, seen.size * sizeof(*seen.tab));
	for (size_t i = 0; i < j->ntasks; i++) {
		struct task *t = &j->tasks[i];
		while (!atomic_load(&t->ready)) {
			if (atomic_load(&j->failed))
				goto fallback;
			usleep(500);
		}
		if (t->status < 0 || (t->status == 0 && t->f.format == FMT_ACCOUNT))
			goto fallback;
		for (size_t k = 0; k < t->f.n; k++) {
			const struct import_event *e = &t->f.ev[k];
			res->records++;
			if (k + 8 < t->f.n)
				fpset_prefetch(&seen, t->f.ev[k + 8].fp);
			if (k + BATCH < t->f.n)
				prefetch_strings(&t->f.ev[k + BATCH]);
			if (fpset_add(&seen, e->fp)) {
				res->dupes++;
				continue;
			}
			if (batch_add(db, &bt, e, NULL, account, res->import_id,
				      err))
				goto rollback;
			res->added++;
		}
		if (o->progress && time_mono_ms() - last >= 100) {
			progress(j, t0, 0);
			last = time_mono_ms();
		}
	}
	if (batch_flush(db, &bt, account, res->import_id, err))
		goto rollback;
	if (o->progress)
		progress(j, t0, 1);
	free(seen.tab);
	seen.tab = NULL;
	log_debug("import: parsed and written in %lld ms",
		  (long long)(time_mono_ms() - t0));
	{
		struct merge_state none;
		memset(&none, 0, sizeof(none));
		release_events(j, &none);
	}
	count_files(j, res);
	if (conclude(db, j, o, account, &idx, t0, res, err))
		goto rollback;
	ret = 0;
	goto out;
fallback:
	ret = 1;
	strvec_clear(&res->ignored);
	free(res->account);
	res->account = NULL;
	res->records = res->added = res->dupes = 0;
rollback:
	db_rollback(db);
	if (ret < 0 && !err->len)
		strbuf_addf(err, "cannot write the import: %s", sqlite3_errmsg(db));
out:
	batch_release(&bt);
	free(seen.tab);
	strvec_clear(&idx);
	if (bulk)
		bulk_mode(db, 0);
	write_settings_end(db, fk);
	return ret;
}

int import_run(sqlite3 *db, const struct import_opts *o, char **paths,
	       int npaths, struct import_result *res, struct strbuf *err)
{
	struct job j;
	struct threads th;
	int ret = -1;
	int64_t t0 = time_mono_ms();

	memset(&j, 0, sizeof(j));
	memset(&th, 0, sizeof(th));
	j.o = o;
	j.ignored = &res->ignored;
	j.skipped = &res->skipped;
	for (int i = 0; i < THREADS; i++) {
		import_pool_init(&j.pools[i], (unsigned)i + 1);
		import_pools[i + 1] = &j.pools[i];
	}
	for (int i = 0; i < npaths; i++)
		if (add_path(&j, paths[i], 1, err))
			goto out;
	if (parse_start(&j, &th, err))
		goto out;
	if (j.total >= STREAM_MIN_BYTES) {
		int r = store_streaming(db, &j, o, paths, npaths, res, err);
		if (r <= 0) {
			struct strbuf perr = STRBUF_INIT;
			int pr = parse_finish(&j, &th, &perr);
			if (pr && !r) /* cannot happen: every file was read */
				r = -1;
			strbuf_release(&perr);
			ret = r;
			if (!r && no_history(&j, paths, npaths, res, err))
				ret = -1;
			goto out;
		}
		log_debug("import: taking the merging path");
	}
	if (parse_finish(&j, &th, err))
		goto out;
	log_debug("import: parsed in %lld ms", (long long)(time_mono_ms() - t0));
	count_files(&j, res);
	if (no_history(&j, paths, npaths, res, err))
		goto out;
	ret = store(db, &j, o, paths, npaths, res, err);
out:
	if (th.n) {
		atomic_store(&j.failed, 1);
		for (int i = 0; i < th.n; i++)
			pthread_join(th.th[i], NULL);
	}
	for (size_t i = 0; i < j.ntasks; i++) {
		free(j.tasks[i].path);
		free(j.tasks[i].name);
		strbuf_release(&j.tasks[i].err);
		import_file_release(&j.tasks[i].f);
	}
	free(j.tasks);
	free(j.dirs);
	for (int i = 0; i < THREADS; i++) {
		import_pool_release(&j.pools[i]);
		import_pools[i + 1] = NULL;
	}
	return ret;
}
