#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

int fs_write_atomic(const char *path, const void *data, size_t len,
		    mode_t mode)
{
	size_t n = strlen(path) + 16;
	char *tmp = xmalloc(n);
	const char *p = data;
	int fd, saved;

	snprintf(tmp, n, "%s.tmpXXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0)
		goto fail;
	if (fchmod(fd, mode))
		goto fail_fd;
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			goto fail_fd;
		}
		p += w;
		len -= (size_t)w;
	}
	if (fsync(fd))
		goto fail_fd;
	if (close(fd)) {
		fd = -1;
		goto fail_fd;
	}
	if (rename(tmp, path))
		goto fail_unlink;
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
