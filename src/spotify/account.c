#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "core/fsutil.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "spotify/account.h"
#include "core/banned.h"

int account_valid_name(const char *name)
{
	size_t n = 0;

	if (!name || !*name || name[0] == '.')
		return 0;
	for (const char *p = name; *p; p++, n++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
		      *p == '-'))
			return 0;
	return n <= 64;
}

char *account_path(const char *data_dir, const char *name)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s/accounts/%s.json", data_dir, name);
	return strbuf_detach(&sb, NULL);
}

static void wipe_free(char *s)
{
	if (s) {
		memset(s, 0, strlen(s));
		free(s);
	}
}

void account_set_str(char **slot, const char *v)
{
	char *old = *slot;

	*slot = v ? xstrdup(v) : NULL;
	wipe_free(old);
}

void account_state_release(struct account_state *st)
{
	wipe_free(st->access_token);
	wipe_free(st->refresh_token);
	free(st->scope);
	free(st->reauth_reason);
	memset(st, 0, sizeof(*st));
}

static const char *jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int64_t jint(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsNumber(v) ? (int64_t)v->valuedouble : 0;
}

int account_load(const char *data_dir, const char *name,
		 struct account_state *st, struct strbuf *err)
{
	struct strbuf raw = STRBUF_INIT;
	char *path = account_path(data_dir, name);
	cJSON *doc = NULL;
	int ret = -1;

	memset(st, 0, sizeof(*st));
	if (!account_valid_name(name)) {
		strbuf_addf(err, "'%s' is not a valid account name (use letters, "
			    "digits, '.', '_' and '-')", name);
		errno = EINVAL;
		goto out;
	}
	if (fs_read_file(path, &raw, 1 << 20)) {
		int e = errno;
		if (e == ENOENT)
			strbuf_addf(err, "no account '%s'; run 'spinlog auth "
				    "--account %s'", name, name);
		else
			strbuf_addf(err, "cannot read '%s': %s", path, strerror(e));
		errno = e;
		goto out;
	}
	doc = cJSON_ParseWithLength(raw.buf, raw.len);
	if (!cJSON_IsObject(doc)) {
		strbuf_addf(err, "'%s' is not a valid account file; run 'spinlog "
			    "auth --account %s' again", path, name);
		errno = EINVAL;
		goto out;
	}
	account_set_str(&st->access_token, jstr(doc, "access_token"));
	account_set_str(&st->refresh_token, jstr(doc, "refresh_token"));
	account_set_str(&st->scope, jstr(doc, "scope"));
	account_set_str(&st->reauth_reason, jstr(doc, "reauth_reason"));
	st->expires_ms = jint(doc, "expires_ms");
	st->authorized_ms = jint(doc, "authorized_ms");
	st->not_before_ms = jint(doc, "not_before_ms");
	st->needs_reauth = cJSON_IsTrue(cJSON_GetObjectItem(doc, "needs_reauth"));
	st->refresh_sent_ms = jint(doc, "refresh_sent_ms");
	ret = 0;
out:
	if (raw.alloc)
		memset(raw.buf, 0, raw.len);
	strbuf_release(&raw);
	cJSON_Delete(doc);
	free(path);
	return ret;
}

static void add_str(struct strbuf *sb, const char *k, const char *v)
{
	strbuf_addf(sb, ",\n  \"%s\": ", k);
	if (v)
		strbuf_add_json_str(sb, v);
	else
		strbuf_addstr(sb, "null");
}

/*
 * The last resort of account_save: overwrites the existing file in place
 * and fsyncs it. An account file keeps its size from save to save (the
 * tokens have fixed lengths), so this needs no new blocks and works on a
 * full disk, and a one-off write error is not met twice. A crash in the
 * middle could tear the file, which is why it is not the first choice;
 * but it runs only where the temp file failed, and then the new refresh
 * token, which Spotify has already rotated, is otherwise lost for sure
 * (t0803 failed each write of a refreshing collect: before this, failing
 * the temp file's write or fsync left the account dead).
 */
static int rewrite_in_place(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	size_t done = 0;
	int saved;

	if (fd < 0)
		return -1;
	while (done < len) {
		ssize_t n = pwrite(fd, data + done, len - done, (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		done += (size_t)n;
	}
	if (ftruncate(fd, (off_t)len) || fsync(fd))
		goto fail;
	return close(fd);
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

int account_save(const char *data_dir, const char *name,
		 const struct account_state *st, struct strbuf *err)
{
	struct strbuf sb = STRBUF_INIT;
	char *dir = fs_join(data_dir, "accounts");
	char *path = account_path(data_dir, name);
	int ret = -1;

	if (fs_mkdir_p(dir, 0700)) {
		strbuf_addf(err, "cannot create '%s': %s", dir, strerror(errno));
		goto out;
	}
	strbuf_addf(&sb, "{\n  \"version\": 1");
	add_str(&sb, "access_token", st->access_token);
	strbuf_addf(&sb, ",\n  \"expires_ms\": %lld", (long long)st->expires_ms);
	add_str(&sb, "refresh_token", st->refresh_token);
	add_str(&sb, "scope", st->scope);
	strbuf_addf(&sb, ",\n  \"authorized_ms\": %lld,\n  \"not_before_ms\": %lld,"
		    "\n  \"needs_reauth\": %s", (long long)st->authorized_ms,
		    (long long)st->not_before_ms,
		    st->needs_reauth ? "true" : "false");
	add_str(&sb, "reauth_reason", st->reauth_reason);
	strbuf_addf(&sb, ",\n  \"refresh_sent_ms\": %lld",
		    (long long)st->refresh_sent_ms);
	strbuf_addstr(&sb, "\n}\n");
	if (fs_write_atomic(path, sb.buf, sb.len, 0600)) {
		int e = errno;
		if (!rewrite_in_place(path, sb.buf, sb.len)) {
			log_warn("account '%s': the temp file failed (%s); "
				 "'%s' was rewritten in place", name, strerror(e),
				 path);
			ret = 0;
			goto out;
		}
		strbuf_addf(err, "cannot write '%s': %s", path, strerror(e));
		goto out;
	}
	ret = 0;
out:
	if (sb.alloc)
		memset(sb.buf, 0, sb.len);
	strbuf_release(&sb);
	free(dir);
	free(path);
	return ret;
}

int account_list(const char *data_dir, struct strvec *out)
{
	char *dir = fs_join(data_dir, "accounts");
	DIR *d = opendir(dir);
	struct dirent *e;
	struct strvec names = STRVEC_INIT;

	free(dir);
	if (!d)
		return errno == ENOENT ? 0 : -1;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		char *name;
		if (n <= 5 || strcmp(e->d_name + n - 5, ".json"))
			continue;
		name = xstrndup(e->d_name, n - 5);
		if (account_valid_name(name))
			strvec_push_nodup(&names, name);
		else
			free(name);
	}
	closedir(d);
	strvec_sort(&names);
	for (size_t i = 0; i < names.n; i++)
		strvec_push(out, names.v[i]);
	strvec_clear(&names);
	return 0;
}

static char *app_nb_path(const char *data_dir)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s/accounts/.app-not-before", data_dir);
	return strbuf_detach(&sb, NULL);
}

int64_t account_app_not_before(const char *data_dir)
{
	struct strbuf sb = STRBUF_INIT;
	char *path = app_nb_path(data_dir);
	int64_t v = 0;

	if (!fs_read_file(path, &sb, 64))
		v = strtoll(sb.buf, NULL, 10);
	strbuf_release(&sb);
	free(path);
	return v;
}

/*
 * Read, compare and write under an flock of ".app-not-before.lock": without it
 * a collect and a daemon round told of penalties at once could each read the
 * old end and the later writer keep the shorter one (t: test_spotify's
 * app_not_before_racers). The lock is held for one small read and write.
 */
int account_set_app_not_before(const char *data_dir, int64_t ms)
{
	struct strbuf sb = STRBUF_INIT;
	char *path = app_nb_path(data_dir);
	int fd, ret = 0;

	strbuf_addf(&sb, "%s.lock", path);
	fd = open(sb.buf, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		ret = -1;
	while (fd >= 0 && flock(fd, LOCK_EX) && errno == EINTR)
		;
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%lld\n", (long long)ms);
	if (fd >= 0 && ms > account_app_not_before(data_dir))
		ret = fs_write_atomic(path, sb.buf, sb.len, 0600);
	if (fd >= 0)
		close(fd); /* releases the lock */
	strbuf_release(&sb);
	free(path);
	return ret;
}

/* The pid written in a lock file, 0 when unreadable. */
static long lock_holder(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

/* Polls for the lock every 20 ms: flock has no timeout of its own. */
static int lock_wait(int fd, int64_t wait_ms)
{
	int64_t end = time_mono_ms() + wait_ms;
	struct timespec ts = { 0, 20 * 1000000L };

	for (;;) {
		if (!flock(fd, LOCK_EX | LOCK_NB))
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return -1;
		if (time_mono_ms() >= end) {
			errno = EWOULDBLOCK;
			return -1;
		}
		nanosleep(&ts, NULL);
	}
}

int account_lock(const char *data_dir, const char *name, int64_t wait_ms,
		 long *holder, struct strbuf *err)
{
	struct strbuf path = STRBUF_INIT, pid = STRBUF_INIT, prefix = STRBUF_INIT;
	char *dir = fs_join(data_dir, "accounts");
	int fd = -1;

	*holder = 0;
	strbuf_addf(&path, "%s/%s.lock", dir, name);
	if (fs_mkdir_p(dir, 0700) ||
	    (fd = open(path.buf, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0) {
		strbuf_addf(err, "cannot open '%s': %s", path.buf, strerror(errno));
		goto out;
	}
	if (lock_wait(fd, wait_ms)) {
		int e = errno;
		if (e == EWOULDBLOCK)
			*holder = lock_holder(fd);
		else
			strbuf_addf(err, "cannot lock '%s': %s", path.buf,
				    strerror(e));
		close(fd);
		fd = -1;
		errno = e;
		goto out;
	}
	strbuf_addf(&pid, "%ld\n", (long)getpid());
	/* the pid is only for messages: a failure to write it is no failure */
	if (!ftruncate(fd, 0) && pwrite(fd, pid.buf, pid.len, 0) < 0)
		log_debug("cannot write the pid into '%s'", path.buf);
	strbuf_addf(&prefix, "%s.json.tmp", name);
	fs_clean_temps(dir, prefix.buf, 0);
out:
	strbuf_release(&path);
	strbuf_release(&pid);
	strbuf_release(&prefix);
	free(dir);
	return fd;
}

void account_unlock(int fd)
{
	if (fd >= 0)
		close(fd); /* closing the only descriptor drops the flock */
}

int account_clean_temps(const char *data_dir)
{
	char *dir = fs_join(data_dir, "accounts");
	int r = fs_clean_temps(dir, NULL, 3600);

	free(dir);
	return r;
}
