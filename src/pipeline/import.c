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
#include "pipeline/import_write.h"
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

/* ---- writing: the files as the writers see them ---- */

static int src_file(void *arg, size_t i, struct import_file **f)
{
	struct job *j = arg;
	struct task *t = &j->tasks[i];

	while (!atomic_load(&t->ready)) {
		if (atomic_load(&j->failed))
			return -1;
		usleep(500);
	}
	if (t->status < 0)
		return -1;
	*f = t->status ? NULL : &t->f;
	return 0;
}

static void src_progress(void *arg, int64_t t0, int last)
{
	progress(arg, t0, last);
}

/* Frees the parsed events and their strings once they are written. */
static void src_release(void *arg)
{
	struct job *j = arg;

	for (size_t i = 0; i < j->ntasks; i++) {
		free(j->tasks[i].f.ev);
		j->tasks[i].f.ev = NULL;
		j->tasks[i].f.alloc = 0;
	}
	for (int i = 0; i < THREADS; i++)
		import_pool_release(&j->pools[i]);
	malloc_trim(0);
}

static void src_count(void *arg, struct import_result *res)
{
	struct job *j = arg;

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

void import_result_release(struct import_result *r)
{
	strvec_clear(&r->ignored);
	strvec_clear(&r->skipped);
	strvec_clear(&r->warnings);
	free(r->account);
	memset(r, 0, sizeof(*r));
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

/* The big first import of an account: 0 done, -1 failed, 1 take the other path. */
static int run_streaming(struct store *s, struct job *j, struct threads *th,
			 const struct import_src *src, struct import_result *res,
			 struct strbuf *err)
{
	int r = import_write_streaming(s, src, j->o, res, err);

	if (r <= 0) {
		struct strbuf perr = STRBUF_INIT;
		int pr = parse_finish(j, th, &perr);
		if (pr && !r) /* cannot happen: every file was read */
			r = -1;
		strbuf_release(&perr);
		if (!r && no_history(j, src->paths, src->npaths, res, err))
			r = -1;
	}
	return r;
}

static void job_release(struct job *j, struct threads *th)
{
	if (th->n) {
		atomic_store(&j->failed, 1);
		for (int i = 0; i < th->n; i++)
			pthread_join(th->th[i], NULL);
	}
	for (size_t i = 0; i < j->ntasks; i++) {
		free(j->tasks[i].path);
		free(j->tasks[i].name);
		strbuf_release(&j->tasks[i].err);
		import_file_release(&j->tasks[i].f);
	}
	free(j->tasks);
	free(j->dirs);
	for (int i = 0; i < THREADS; i++) {
		import_pool_release(&j->pools[i]);
		import_pools[i + 1] = NULL;
	}
}

int import_run(struct store *s, const struct import_opts *o, char **paths,
	       int npaths, struct import_result *res, struct strbuf *err)
{
	struct job j;
	struct threads th;
	struct import_src src = { 0, 0, paths, npaths, src_file, src_progress,
				  src_release, src_count, &j };
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
	src.n = j.ntasks;
	src.total = j.total;
	if (parse_start(&j, &th, err))
		goto out;
	if (j.total >= STREAM_MIN_BYTES) {
		ret = run_streaming(s, &j, &th, &src, res, err);
		if (ret <= 0)
			goto out;
		log_debug("import: taking the merging path");
	}
	ret = -1;
	if (parse_finish(&j, &th, err))
		goto out;
	log_debug("import: parsed in %lld ms", (long long)(time_mono_ms() - t0));
	src_count(&j, res);
	if (no_history(&j, paths, npaths, res, err))
		goto out;
	ret = import_write_merging(s, &src, o, res, err);
out:
	job_release(&j, &th);
	return ret;
}
