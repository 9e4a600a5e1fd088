/*
 * Finding an import's files: ZIPs (entries classified by their own name),
 * folders (walked in natural name order, symlink loops skipped with a note) and
 * single files, each checked against the size limits before a byte is read.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "core/fsutil.h"
#include "core/xalloc.h"
#include "pipeline/import_find.h"
#include "sources/format.h"
#include "core/banned.h"

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcasecmp(s + n - m, suffix);
}

static struct import_task *add_task(struct import_job *j, const char *path, const char *name,
			     zip_int64_t entry, uint64_t size, int strict)
{
	struct import_task *t;
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

static int check_total(struct import_job *j, uint64_t size, const char *name,
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
static int add_zip(struct import_job *j, const char *path, struct strbuf *err)
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
		if (!format_wants_file(zs.name)) {
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

/*
 * Natural order ("_2" before "_10"): an export's numbered files are then
 * written in time order, so the time index only grows at its end. In
 * strcmp order (_0, _1, _10, .. _19, _2) each file landed in the middle of
 * it: 2.2 MB of its 16.4 were empty space at 1M plays (67 files).
 */
static int cmp_str(const void *a, const void *b)
{
	return strverscmp(*(char *const *)a, *(char *const *)b);
}


/*
 * Walks a folder in name order (natural, see cmp_str). A folder already
 * being walked further up (a symlink loop such as "sub/up -> ..") is
 * skipped with a note, not walked again until the path is too long.
 */
static int add_dir(struct import_job *j, const char *path, const struct stat *st,
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
		ret = import_find_add(j, p, 0, err);
		free(p);
	}
	j->ndirs--;
	strvec_clear(&names);
	return ret;
}

/* Inside a folder, a symlink that leads nowhere is skipped with a note. */
static int bad_link(struct import_job *j, const char *path, int e)
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

int import_find_add(struct import_job *j, const char *path, int top,
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
	if (!top && !format_wants_file(path)) {
		strvec_push(j->ignored, path);
		return 0;
	}
	if (check_total(j, (uint64_t)st.st_size, path, err))
		return -1;
	add_task(j, path, path, -1, (uint64_t)st.st_size, top);
	return 0;
}

void import_job_release(struct import_job *j)
{
	for (size_t i = 0; i < j->ntasks; i++) {
		free(j->tasks[i].path);
		free(j->tasks[i].name);
		strbuf_release(&j->tasks[i].err);
		import_file_release(&j->tasks[i].f);
	}
	free(j->tasks);
	free(j->dirs);
	for (int i = 0; i < IMPORT_THREADS; i++) {
		import_pool_release(&j->pools[i]);
		import_pools[i + 1] = NULL;
	}
}
