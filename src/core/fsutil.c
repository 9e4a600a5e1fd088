#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/fsutil.h"
#include "core/xalloc.h"
#include "core/banned.h"

/* The first write of the process that met a full disk. */
static char *full_path;

int fs_errno_full(int e)
{
	return e == ENOSPC || e == EDQUOT;
}

void fs_note_full(const char *path)
{
	if (!full_path)
		full_path = xstrdup(path);
}

const char *fs_full_path(void)
{
	return full_path;
}

int fs_mkdir_p(const char *path, mode_t mode)
{
	char *p, *s;
	int ret = 0;

	if (!*path) {
		errno = ENOENT;
		return -1;
	}
	p = xstrdup(path);
	for (s = p + 1; ; s++) {
		if (*s == '/' || !*s) {
			char c = *s;
			*s = '\0';
			if (mkdir(p, mode) && errno != EEXIST) {
				if (fs_errno_full(errno))
					fs_note_full(p);
				ret = -1;
				break;
			}
			*s = c;
			if (!c)
				break;
		}
	}
	free(p);
	return ret;
}

static int fsync_dir(const char *path)
{
	char *copy = xstrdup(path);
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
	int ret = 0;

	free(copy);
	if (fd < 0)
		return -1;
	if (fsync(fd) && errno != EINVAL)
		ret = -1;
	close(fd);
	return ret;
}

/*
 * "<dir>/<base of path>.tmp<pid>-XXXXXX": the writer's pid in the name lets
 * fs_clean_temps tell a dead writer's leftover from a live writer's file.
 */
static char *temp_name(const char *path, const char *tmpdir)
{
	struct strbuf sb = STRBUF_INIT;
	const char *base = strrchr(path, '/');

	if (tmpdir)
		strbuf_addf(&sb, "%s/%s", tmpdir, base ? base + 1 : path);
	else
		strbuf_addstr(&sb, path);
	strbuf_addf(&sb, ".tmp%ld-XXXXXX", (long)getpid());
	return strbuf_detach(&sb, NULL);
}

static int write_all_fd(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int fs_write_atomic_ex(const char *path, const char *tmpdir, const void *data,
		       size_t len, mode_t mode, int flags)
{
	char *tmp = temp_name(path, tmpdir);
	int fd, saved;

	fd = mkstemp(tmp);
	if (fd < 0)
		goto fail;
	if (fchmod(fd, mode) || write_all_fd(fd, data, len) || fsync(fd))
		goto fail_fd;
	if (close(fd)) {
		fd = -1;
		goto fail_fd;
	}
	if (flags & FS_NO_REPLACE) {
		/* link() fails with EEXIST instead of replacing: the name is ours */
		if (link(tmp, path))
			goto fail_unlink;
		unlink(tmp);
	} else if (rename(tmp, path)) {
		goto fail_unlink;
	}
	free(tmp);
	if (fsync_dir(path)) {
		if (fs_errno_full(errno))
			fs_note_full(path);
		return -1;
	}
	return 0;

fail_fd:
	saved = errno;
	if (fd >= 0)
		close(fd);
	errno = saved;
fail_unlink:
	saved = errno;
	unlink(tmp);
	errno = saved;
fail:
	if (fs_errno_full(errno))
		fs_note_full(path);
	free(tmp);
	return -1;
}

int fs_write_atomic(const char *path, const void *data, size_t len,
		    mode_t mode)
{
	return fs_write_atomic_ex(path, NULL, data, len, mode, 0);
}

/* The writer's pid in a temp name "….tmp<pid>-XXXXXX", 0 when it has none. */
static long temp_pid(const char *name)
{
	const char *p = strstr(name, ".tmp"), *q;
	long pid = 0;

	if (!p)
		return 0;
	for (q = p + 4; *q >= '0' && *q <= '9' && pid < 100000000; q++)
		pid = pid * 10 + (*q - '0');
	return *q == '-' && q > p + 4 ? pid : 0;
}

static int writer_alive(long pid)
{
	return pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

int fs_clean_temps(const char *dir, const char *prefix, int64_t max_age_s)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	time_t now = time(NULL);
	int removed = 0;

	if (!d)
		return errno == ENOENT ? 0 : -1;
	while ((e = readdir(d))) {
		struct stat st;
		char *path;
		long pid;

		if (!strstr(e->d_name, ".tmp") ||
		    (prefix && strncmp(e->d_name, prefix, strlen(prefix))))
			continue;
		path = fs_join(dir, e->d_name);
		pid = temp_pid(e->d_name);
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    ((pid && !writer_alive(pid)) ||
		     (max_age_s >= 0 && now - st.st_mtime > max_age_s)) &&
		    unlink(path) == 0)
			removed++;
		free(path);
	}
	closedir(d);
	return removed;
}

int fs_read_file(const char *path, struct strbuf *out, size_t max)
{
	char buf[65536];
	int fd = open(path, O_RDONLY);
	ssize_t r;

	if (fd < 0)
		return -1;
	while ((r = read(fd, buf, sizeof(buf))) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if ((max && out->len + (size_t)r > max) ||
		    strbuf_add(out, buf, (size_t)r)) {
			errno = EFBIG;
			goto fail;
		}
	}
	close(fd);
	/* the buffer may have held a token file */
	memset(buf, 0, sizeof(buf));
	return 0;
fail:
	r = errno;
	close(fd);
	memset(buf, 0, sizeof(buf));
	errno = (int)r;
	return -1;
}

int fs_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

char *fs_join(const char *a, const char *b)
{
	size_t la = strlen(a), n = la + strlen(b) + 2;
	char *r = xmalloc(n);

	snprintf(r, n, "%s%s%s", a, la && a[la - 1] == '/' ? "" : "/", b);
	return r;
}
