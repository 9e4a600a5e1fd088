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
 *   SPINLOG_FAULT_ALLOC=1    count allocations instead (see below)
 *
 * Counted: write, pwrite, pwrite64, writev, fsync, fdatasync, ftruncate on
 * regular files, the store's database and WAL, landing pages and account
 * files, and fsync, fdatasync on folders (what makes a rename durable). Writes to pipes, terminals and sockets are not counted, so the
 * messages a command prints and its HTTP traffic are left alone. stdio's
 * own writes go through glibc's internal write, which a preload cannot
 * see; spinlog writes its files with write(2) (core/fsutil.c) and SQLite
 * with pwrite64.
 *
 * With SPINLOG_FAULT_ALLOC=1 the counted calls are malloc, calloc, realloc
 * and posix_memalign instead, from every library (SQLite, libcurl, cJSON
 * and glibc's own allocate through them), and only from the first
 * instruction of main on: __libc_start_main is wrapped so that ld.so's and
 * the libraries' start-up, which differ from run to run of nothing, are
 * not walked. A failed call returns NULL (ENOMEM), as the allocator does
 * when memory runs out. spinlog's xmalloc then aborts with "fatal: out of
 * memory allocating N bytes" by design; SQLite answers SQLITE_NOMEM.
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
static int count_allocs;      /* SPINLOG_FAULT_ALLOC: allocations, not writes */
static atomic_int main_begun; /* allocations count from main on */
static _Thread_local int in_trace; /* the shim's own allocations */

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
	count_allocs = (e = getenv("SPINLOG_FAULT_ALLOC")) && !strcmp(e, "1");
}

/*
 * Writes "COUNT FAILED" to SPINLOG_FAULT_REPORT: at exit, and also when
 * the fault is injected, since a failed allocation usually ends in
 * xmalloc's abort, which runs no destructor. Allocates nothing.
 */
static void write_report(void)
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

__attribute__((destructor)) static void fault_report(void)
{
	in_trace = 1; /* what exit frees or allocates now is not the command's */
	write_report();
}

/* Counts one call; 1 when it is the one to fail (errno is then set to e). */
static int count_call(int e)
{
	long n = atomic_fetch_add(&calls, 1) + 1;

	if (n != fail_at)
		return 0;
	atomic_store(&injected, 1);
	in_trace = 1;
	write_report();
	if (getenv("SPINLOG_FAULT_TRACE")) {
		void *bt[32];
		backtrace_symbols_fd(bt, backtrace(bt, 32), 2);
	}
	in_trace = 0;
	errno = e;
	return 1;
}

/*
 * 1 when this call on fd is the one to fail (errno is then set). Only
 * calls on regular files count, and with dirs_too on folders as well:
 * the fsync of a folder that makes a rename durable.
 */
static int fault_on(int fd, int dirs_too)
{
	struct stat st;

	if (count_allocs || fstat(fd, &st))
		return 0;
	if (!S_ISREG(st.st_mode) && !(dirs_too && S_ISDIR(st.st_mode)))
		return 0;
	return count_call(fail_errno);
}

static int fault(int fd)
{
	return fault_on(fd, 0);
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
	return fault_on(fd, 1) ? -1 : real(fd);
}

int fdatasync(int fd)
{
	REAL("fdatasync", sync_fn);
	return fault_on(fd, 1) ? -1 : real(fd);
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

/* --- allocations ----------------------------------------------------------- */

/*
 * glibc's allocator under its own names: calling these needs no dlsym,
 * which itself allocates, and glibc routes its internal allocations
 * through the interposed malloc, so they are counted too.
 */
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

/* 1 when this allocation is the one to fail (errno is then ENOMEM). */
static int alloc_fault(void)
{
	if (!count_allocs || !atomic_load(&main_begun) || in_trace)
		return 0;
	return count_call(ENOMEM);
}

void *malloc(size_t n)
{
	return alloc_fault() ? NULL : __libc_malloc(n);
}

void *calloc(size_t nmemb, size_t size)
{
	return alloc_fault() ? NULL : __libc_calloc(nmemb, size);
}

void *realloc(void *p, size_t n)
{
	return alloc_fault() ? NULL : __libc_realloc(p, n);
}

int posix_memalign(void **out, size_t align, size_t n)
{
	typedef int (*memalign_fn)(void **, size_t, size_t);
	REAL("posix_memalign", memalign_fn);
	return alloc_fault() ? ENOMEM : real(out, align, n);
}

typedef int (*main_fn)(int, char **, char **);
static main_fn real_main;

static int counted_main(int argc, char **argv, char **envp)
{
	atomic_store(&main_begun, 1);
	return real_main(argc, argv, envp);
}

/* Starts the program with main wrapped, so that counting begins there. */
int __libc_start_main(main_fn main, int argc, char **argv, void (*init)(void),
		      void (*fini)(void), void (*rtld_fini)(void), void *stack_end)
{
	typedef int (*start_fn)(main_fn, int, char **, void (*)(void),
				void (*)(void), void (*)(void), void *);
	REAL("__libc_start_main", start_fn);
	real_main = main;
	return real(counted_main, argc, argv, init, fini, rtld_fini, stack_end);
}
