/*
 * File helpers. Writes are crash-safe: data goes to a temporary file in the
 * same directory, is fsynced, renamed over the target, and the directory is
 * fsynced, so a reader sees the old file or the new one, never half.
 * Functions return 0 or -1 with errno set.
 */
#ifndef CORE_FSUTIL_H
#define CORE_FSUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/strbuf.h"

int fs_mkdir_p(const char *path, mode_t mode);
int fs_write_atomic(const char *path, const void *data, size_t len,
		    mode_t mode);
/*
 * fs_write_atomic with choices: the temporary file goes into tmpdir (NULL:
 * beside path; it must be on the same file system), and with FS_NO_REPLACE
 * an existing path is left alone and the call fails with EEXIST, so two
 * writers can never both believe they created the same name.
 */
#define FS_NO_REPLACE 1
int fs_write_atomic_ex(const char *path, const char *tmpdir, const void *data,
		       size_t len, mode_t mode, int flags);
/*
 * Temporary files are named "<name>.tmp<pid>-XXXXXX". Removes those in dir
 * (whose names start with prefix, when not NULL) that a crash left behind:
 * the writer's pid no longer runs, or the file is older than max_age_s
 * (-1: no age limit; names without a pid go only by age). A live writer's
 * young file is never touched. Returns how many were removed, -1 when dir
 * cannot be read.
 */
int fs_clean_temps(const char *dir, const char *prefix, int64_t max_age_s);
/* Reads a whole file, failing with EFBIG past max bytes (0 = no limit). */
int fs_read_file(const char *path, struct strbuf *out, size_t max);
int fs_exists(const char *path);
/* Joins a and b with one '/'; returns a new string the caller frees. */
char *fs_join(const char *a, const char *b);

/*
 * A full disk, remembered for the messages of cmd/: the first write of the
 * process that failed with ENOSPC or EDQUOT (fs_write_atomic, fs_mkdir_p,
 * and the store through db_error) notes its path; fs_full_path gives it
 * (borrowed, lives until exit), or NULL when no write met a full disk.
 */
int fs_errno_full(int e);
void fs_note_full(const char *path);
const char *fs_full_path(void);

#endif
