/*
 * Fault injection by LD_PRELOAD, the way SQLite and curl test themselves:
 * counts the calls that put data on disk and makes call number N fail.
 *
 *   SPINLOG_FAULT_FAIL=N     make the Nth counted call fail (1-based); 0 or
 *                            unset: only count
 *   SPINLOG_FAULT_ERRNO=E    the error: "EIO" (default) or "ENOSPC"
 *   SPINLOG_FAULT_REPORT=F   at exit, write "COUNT FAILED" to file F: the
 *                            calls counted and 1 when the fault was injected
 *   SPINLOG_FAULT_TRACE=1    print a backtrace to stderr at the failed call
 *
 * Counted: write, pwrite, pwrite64, writev, fsync, fdatasync, ftruncate on
 * regular files, the store's database and WAL, landing pages and account
 * files. Writes to pipes, terminals and sockets are not counted, so the
 * messages a command prints and its HTTP traffic are left alone. stdio's
 * own writes go through glibc's internal write, which a preload cannot
 * see; spinlog writes its files with write(2) (core/fsutil.c) and SQLite
 * with pwrite64. Allocations are not failed: xmalloc aborts by design.
 */
/* Both the 32- and 64-bit offset names are defined here, so neither may be
 * redirected to the other. */
#undef _FILE_OFFSET_BITS
#include <dlfcn.h>
#include <execinfo.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

static atomic_long calls;
static atomic_int injected;
static long fail_at = -1;
static int fail_errno = EIO;

__attribute__((constructor)) static void fault_init(void)
{
	const char *n = getenv("SPINLOG_FAULT_FAIL");
	const char *e = getenv("SPINLOG_FAULT_ERRNO");

	if (n && *n)
		fail_at = strtol(n, NULL, 10);
	if (fail_at <= 0)
		fail_at = -1;
	if (e && !strcmp(e, "ENOSPC"))
		fail_errno = ENOSPC;
}

__attribute__((destructor)) static void fault_report(void)
{
	const char *path = getenv("SPINLOG_FAULT_REPORT");
	char line[64];
	int fd, n;

	if (!path || !*path)
		return;
	n = snprintf(line, sizeof(line), "%ld %d\n", atomic_load(&calls),
		     atomic_load(&injected));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	/* Through the real write: this one must not be counted. */
	ssize_t (*real)(int, const void *, size_t) =
		(ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
	if (real && real(fd, line, (size_t)n) < 0)
		n = 0;
	close(fd);
}

/* 1 when this call on fd is the one to fail (errno is then set). */
static int fault(int fd)
{
	struct stat st;
	long n;

	if (fstat(fd, &st) || !S_ISREG(st.st_mode))
		return 0;
	n = atomic_fetch_add(&calls, 1) + 1;
	if (n != fail_at)
		return 0;
	atomic_store(&injected, 1);
	if (getenv("SPINLOG_FAULT_TRACE")) {
		void *bt[32];
		backtrace_symbols_fd(bt, backtrace(bt, 32), 2);
	}
	errno = fail_errno;
	return 1;
}

typedef ssize_t (*write_fn)(int, const void *, size_t);
typedef ssize_t (*pwrite_fn)(int, const void *, size_t, off_t);
typedef ssize_t (*pwrite64_fn)(int, const void *, size_t, off64_t);
typedef ssize_t (*writev_fn)(int, const struct iovec *, int);
typedef int (*sync_fn)(int);
typedef int (*trunc_fn)(int, off_t);
typedef int (*trunc64_fn)(int, off64_t);

/* The next definition of name (libc's), looked up once. */
#define REAL(name, type) \
	static type real; \
	if (!real) \
		real = (type)dlsym(RTLD_NEXT, name)

ssize_t write(int fd, const void *buf, size_t n)
{
	REAL("write", write_fn);
	return fault(fd) ? -1 : real(fd, buf, n);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	REAL("pwrite", pwrite_fn);
	return fault(fd) ? -1 : real(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off64_t off)
{
	REAL("pwrite64", pwrite64_fn);
	return fault(fd) ? -1 : real(fd, buf, n, off);
}

ssize_t writev(int fd, const struct iovec *iov, int cnt)
{
	REAL("writev", writev_fn);
	return fault(fd) ? -1 : real(fd, iov, cnt);
}

int fsync(int fd)
{
	REAL("fsync", sync_fn);
	return fault(fd) ? -1 : real(fd);
}

int fdatasync(int fd)
{
	REAL("fdatasync", sync_fn);
	return fault(fd) ? -1 : real(fd);
}

int ftruncate(int fd, off_t len)
{
	REAL("ftruncate", trunc_fn);
	return fault(fd) ? -1 : real(fd, len);
}

int ftruncate64(int fd, off64_t len)
{
	REAL("ftruncate64", trunc64_fn);
	return fault(fd) ? -1 : real(fd, len);
}
