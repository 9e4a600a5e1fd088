#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/fsutil.h"
#include "core/xalloc.h"
#include "landing/landing.h"
#include "core/banned.h"

struct landing {
	char *root;
};

struct landing *landing_open(const char *data_dir)
{
	struct landing *l = xcalloc(1, sizeof(*l));

	l->root = fs_join(data_dir, "landing");
	return l;
}

void landing_free(struct landing *l)
{
	if (!l)
		return;
	free(l->root);
	free(l);
}

int landing_valid_key(const char *key)
{
	const char *p, *seg = key;

	if (!*key || *key == '/')
		return 0;
	for (p = key;; p++) {
		if (*p == '/' || !*p) {
			size_t n = (size_t)(p - seg);
			if (!n || (n == 1 && seg[0] == '.') ||
			    (n == 2 && seg[0] == '.' && seg[1] == '.'))
				return 0;
			if (!*p)
				return 1;
			seg = p + 1;
			continue;
		}
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
		      *p == '-'))
			return 0;
	}
}

/* Writes one object through <root>/.tmp (see landing.h). */
static int put(struct landing *l, const char *key, const void *data,
	       size_t len, int flags)
{
	char *path, *slash, *tmpdir;
	int r = -1;

	if (!landing_valid_key(key)) {
		errno = EINVAL;
		return -1;
	}
	path = fs_join(l->root, key);
	tmpdir = fs_join(l->root, ".tmp");
	slash = strrchr(path, '/');
	*slash = '\0';
	if (fs_mkdir_p(path, 0700) == 0 && fs_mkdir_p(tmpdir, 0700) == 0) {
		*slash = '/';
		r = fs_write_atomic_ex(path, tmpdir, data, len, 0600, flags);
	}
	free(tmpdir);
	free(path);
	return r;
}

int landing_put(struct landing *l, const char *key, const void *data,
		size_t len)
{
	return put(l, key, data, len, 0);
}

int landing_put_new(struct landing *l, const char *key, const void *data,
		    size_t len)
{
	return put(l, key, data, len, FS_NO_REPLACE);
}

int landing_clean_temps(struct landing *l)
{
	char *tmpdir = fs_join(l->root, ".tmp");
	int r = fs_clean_temps(tmpdir, NULL, LANDING_TEMP_MAX_AGE_S);

	free(tmpdir);
	return r;
}

int landing_get(struct landing *l, const char *key, struct strbuf *out)
{
	char *path;
	int r;

	if (!landing_valid_key(key)) {
		errno = EINVAL;
		return -1;
	}
	path = fs_join(l->root, key);
	r = fs_read_file(path, out, 0);
	free(path);
	return r;
}

int landing_exists(struct landing *l, const char *key)
{
	char *path;
	int r;

	if (!landing_valid_key(key))
		return 0;
	path = fs_join(l->root, key);
	r = fs_exists(path);
	free(path);
	return r;
}

static int cmp_keys(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk(const char *dir, const char *rel, struct strvec *out)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return errno == ENOENT ? 0 : -1;
	while ((e = readdir(d))) {
		char *path, *key;
		struct stat st;

		if (e->d_name[0] == '.' || strstr(e->d_name, ".tmp"))
			continue;
		path = fs_join(dir, e->d_name);
		key = *rel ? fs_join(rel, e->d_name) : xstrdup(e->d_name);
		if (stat(path, &st) == 0) {
			if (S_ISDIR(st.st_mode))
				walk(path, key, out);
			else if (S_ISREG(st.st_mode))
				strvec_push(out, key);
		}
		free(path);
		free(key);
	}
	closedir(d);
	return 0;
}

int landing_list(struct landing *l, const char *prefix, struct strvec *out)
{
	size_t before = out->n;
	char *dir;
	int r;

	if (*prefix && !landing_valid_key(prefix)) {
		errno = EINVAL;
		return -1;
	}
	dir = *prefix ? fs_join(l->root, prefix) : xstrdup(l->root);
	r = walk(dir, prefix, out);
	free(dir);
	if (out->n > before)
		qsort(out->v + before, out->n - before, sizeof(char *),
		      cmp_keys);
	return r;
}
