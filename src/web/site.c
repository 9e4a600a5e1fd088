#include "core/hash.h"
#include "web/site.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fsutil.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "web/api.h"
#include "web/html.h"
#include "core/banned.h"

/*
 * Writes a file of the site with one fclose, whatever happens. No fsync:
 * the site is a derived artefact, made in a temporary folder that is only
 * swapped in whole.
 */
static int write_whole(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (!f)
		return -1;
	ok = fwrite(data, 1, len, f) == len;
	if (fclose(f))
		ok = 0;
	return ok ? 0 : -1;
}

static int write_file(const char *dir, const char *name, const struct strbuf *sb,
		      struct site_stats *stats, struct strbuf *err)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (write_whole(path, sb->buf, sb->len)) {
		strbuf_addf(err, "cannot write '%s': %s", path, strerror(errno));
		return -1;
	}
	stats->files++;
	return 0;
}

/* Renders one path of the router into a file. */
static int put_page(struct pages *p, const char *dir, const char *path,
		    struct site_stats *stats, struct strbuf *err)
{
	struct strbuf out = STRBUF_INIT;
	const char *ct;
	int ret = -1;
	enum page_status st = pages_render(p, path, NULL, NULL, &out, &ct);
	if (st != PAGE_OK && st != PAGE_NOT_FOUND) {
		strbuf_addf(err, "rendering '%s' failed", path);
		goto out;
	}
	ret = write_file(dir, path + 1, &out, stats, err);
out:
	strbuf_release(&out);
	return ret;
}

static int copy_file(const char *from, const char *to)
{
	struct strbuf sb = STRBUF_INIT;
	int ret = -1;
	if (!link(from, to) || errno == EEXIST) {
		return 0;
	}
	if (fs_read_file(from, &sb, 64 << 20) == 0) {
		ret = write_whole(to, sb.buf, sb.len);
	}
	strbuf_release(&sb);
	return ret;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The track ids linked from the pages, each once (a million plays list them). */
struct idset {
	char **v;
	size_t cap, n;
};

static char **idset_slot(const struct idset *s, const char *id)
{
	uint64_t h = hash_fnv1a(id);
	size_t j;
	for (j = h & (s->cap - 1); s->v[j]; j = (j + 1) & (s->cap - 1))
		if (!strcmp(s->v[j], id))
			break;
	return &s->v[j];
}

/* Adds id, which the set then owns (it is freed when already there). */
static void idset_put(struct idset *s, char *id)
{
	if ((s->n + 1) * 2 > s->cap) {
		struct idset g = { NULL, s->cap ? s->cap * 2 : 4096, s->n };
		g.v = xcalloc(g.cap, sizeof(char *));
		for (size_t i = 0; i < s->cap; i++)
			if (s->v[i])
				*idset_slot(&g, s->v[i]) = s->v[i];
		free(s->v);
		*s = g;
	}
	char **slot = idset_slot(s, id);
	if (*slot) {
		free(id);
		return;
	}
	*slot = id;
	s->n++;
}

static void idset_add(struct idset *s, const char *id)
{
	if (covers_id_ok(id) && !(s->cap && *idset_slot(s, id)))
		idset_put(s, xstrdup(id));
}

/* Moves the ids into a sorted array (the caller frees it and its strings). */
static char **idset_sorted(struct idset *s, int *n)
{
	char **v = xcalloc(s->n + 1, sizeof(char *));
	size_t k = 0;
	for (size_t i = 0; i < s->cap; i++)
		if (s->v[i])
			v[k++] = s->v[i];
	if (k > 1)
		qsort(v, k, sizeof(char *), cmp_str);
	free(s->v);
	memset(s, 0, sizeof(*s));
	*n = (int)k;
	return v;
}

/*
 * Day pages and track pages are nearly all of a site's files; a second
 * thread with its own connection writes every other one, so both cores work.
 */
struct part_job {
	struct pages *p;        /* the thread's own pages (own connection) */
	const struct site_options *o;
	const int64_t *days;    /* local days with a page */
	int ndays;
	char **tracks;
	int ntracks, part, parts;
	struct idset ids;       /* tracks the day pages link to */
	struct site_stats stats;
	struct strbuf err;
	int ret;
};

static int day_page(struct part_job *j, int64_t day, struct strbuf *buf)
{
	struct report_plays pl;
	char name[64], date[16];

	if (report_day_plays(&j->p->cache, day, &j->p->opt, &pl, &j->err))
		return -1;
	for (int k = 0; k < pl.n; k++)
		idset_add(&j->ids, pl.v[k].track_id);
	strbuf_reset(buf);
	html_day(day, &pl, buf);
	report_plays_release(&pl);
	html_date(day, date);
	snprintf(name, sizeof(name), "day-%s.html", date);
	return write_file(j->o->out_dir, name, buf, &j->stats, &j->err);
}

static void *part_pages(void *arg)
{
	struct part_job *j = arg;
	struct strbuf buf = STRBUF_INIT;
	char path[256];
	for (int i = j->part; !j->ret && i < j->ndays; i += j->parts)
		j->ret = day_page(j, j->days[i], &buf);
	for (int i = j->part; !j->ret && i < j->ntracks; i += j->parts) {
		snprintf(path, sizeof(path), "/track-%s.html", j->tracks[i]);
		j->ret = put_page(j->p, j->o->out_dir, path, &j->stats, &j->err);
	}
	strbuf_release(&buf);
	return NULL;
}

/*
 * Writes the day pages of days[] (adding the tracks they link to to ids)
 * and the pages of the (sorted, unique, safe) track ids, on two threads
 * when p2 (pages on a second connection) is given.
 */
static int write_parts(struct pages *p, struct pages *p2, const struct site_options *o,
		       const int64_t *days, int ndays, char **tracks, int ntracks,
		       struct idset *ids, struct site_stats *stats, struct strbuf *err)
{
	struct part_job j[2];
	pthread_t th;
	int two = 0, ret = 0;

	for (int k = 0; k < 2; k++)
		j[k] = (struct part_job){ k ? p2 : p, o, days, ndays, tracks, ntracks, k,
					  p2 ? 2 : 1, { 0 }, { 0 }, STRBUF_INIT, 0 };
	if (p2)
		two = !pthread_create(&th, NULL, part_pages, &j[1]);
	if (!two)
		j[0].parts = 1;
	part_pages(&j[0]);
	if (two)
		pthread_join(th, NULL);
	for (int k = 0; k < 1 + two; k++) {
		stats->files += j[k].stats.files;
		if (j[k].ret && !ret) {
			strbuf_addstr(err, j[k].err.buf);
			ret = -1;
		}
		for (size_t i = 0; i < j[k].ids.cap; i++)
			if (j[k].ids.v[i])
				idset_put(ids, j[k].ids.v[i]);
		free(j[k].ids.v);
		strbuf_release(&j[k].err);
	}
	return ret;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path);
}

static int remove_tree(const char *dir)
{
	return nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Names a site holds; anything else in the folder is someone else's. */
static int site_name(const char *n)
{
	static const char *const pre[] = { "calendar-", "year-", "day-", "track-", "coverage-" };
	size_t len = strlen(n);
	if (!strcmp(n, "index.html") || !strcmp(n, "calendar.json") ||
	    !strcmp(n, "summary.json") || !strcmp(n, "covers"))
		return 1;
	for (size_t i = 0; i < sizeof(pre) / sizeof(pre[0]); i++)
		if (!strncmp(n, pre[i], strlen(pre[i])) && len > 5 &&
		    !strcmp(n + len - 5, ".html"))
			return 1;
	return 0;
}

/* 0 when dir holds only what a site holds (or nothing), else -1 with err. */
static int check_replaceable(const char *dir, struct strbuf *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int ret = 0;
	if (!d) {
		strbuf_addf(err, "cannot read '%s': %s", dir, strerror(errno));
		return -1;
	}
	while (!ret && (de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
		    !site_name(de->d_name)) {
			strbuf_addf(err, "'%s' holds '%s', which 'spinlog site' did not write;"
				    " choose a new folder or empty it", dir, de->d_name);
			ret = -1;
		}
	closedir(d);
	return ret;
}

/*
 * Puts the finished site in tmp in place of out (which exists, holding an
 * old site or nothing): swapped in one step where the file system can, and
 * the old pages removed, so no stale page survives a re-run.
 */
static int swap_in(const char *tmp, const char *out, struct strbuf *err)
{
	if (!renameat2(AT_FDCWD, tmp, AT_FDCWD, out, RENAME_EXCHANGE)) {
		remove_tree(tmp); /* the old site; what stays of it harms nothing */
		return 0;
	}
	if (errno != EINVAL && errno != ENOSYS) {
		strbuf_addf(err, "cannot move '%s' to '%s': %s", tmp, out, strerror(errno));
		return -1;
	}
	/* Without an atomic exchange: old site away first, then the new one in. */
	if (remove_tree(out) || rename(tmp, out)) {
		strbuf_addf(err, "cannot move '%s' to '%s': %s", tmp, out, strerror(errno));
		return -1;
	}
	return 0;
}

int site_write(struct pages *p, const struct site_options *out_o,
	       struct site_stats *stats, struct strbuf *err)
{
	struct strbuf cal = STRBUF_INIT, sum = STRBUF_INIT, tmp = STRBUF_INIT;
	struct strbuf tdir = STRBUF_INIT, odir = STRBUF_INIT;
	struct site_options opts = *out_o, *o = &opts;
	struct idset ids = { 0 };
	struct pages p2, *pp2 = NULL;
	struct store *st2 = NULL;
	char **tracks = NULL, path[256];
	int64_t *days = NULL;
	int ntracks = 0, ndays = 0, ret = -1;
	int *all_years = p->years, nall = p->nyears, one = o->year;
	char *cdir = NULL;

	memset(stats, 0, sizeof(*stats));
	if (o->year) { /* only that year, and links only to it */
		p->years = &one;
		p->nyears = 1;
	}
	/* Written next to DIR, then swapped in (see swap_in). */
	strbuf_addstr(&odir, out_o->out_dir);
	while (odir.len > 1 && odir.buf[odir.len - 1] == '/')
		strbuf_setlen(&odir, odir.len - 1);
	const char *last = strrchr(odir.buf, '/');
	last = last ? last + 1 : odir.buf;
	if (!*last || !strcmp(last, ".") || !strcmp(last, "..")) {
		strbuf_addf(err, "'%s' does not name a folder of its own", out_o->out_dir);
		goto out;
	}
	opts.out_dir = odir.buf;
	if (fs_mkdir_p(odir.buf, 0755) || check_replaceable(odir.buf, err)) {
		if (!err->len)
			strbuf_addf(err, "cannot create '%s': %s", odir.buf, strerror(errno));
		goto out;
	}
	strbuf_addf(&tdir, "%s.tmp-XXXXXX", odir.buf);
	if (!mkdtemp(tdir.buf) || chmod(tdir.buf, 0755)) {
		strbuf_addf(err, "cannot create '%s': %s", tdir.buf, strerror(errno));
		goto out;
	}
	o->out_dir = tdir.buf;
	cdir = fs_join(o->out_dir, "covers");
	if (fs_mkdir_p(cdir, 0755)) {
		strbuf_addf(err, "cannot create '%s': %s", cdir, strerror(errno));
		goto out;
	}
	if (put_page(p, o->out_dir, "/index.html", stats, err))
		goto out;
	int64_t t0 = time_mono_ms();
	strbuf_addch(&cal, '[');
	strbuf_addch(&sum, '[');
	for (int i = 0; i < p->nyears; i++) {
		int year = p->years[i];
		const struct report_year *y = pages_year(p, year, err);
		if (!y)
			goto out;
		if (i) {
			strbuf_addch(&cal, ',');
			strbuf_addch(&sum, ',');
		}
		api_calendar(y, &p->covers, &cal);
		api_summary(y, &sum);
		days = xrealloc(days, (size_t)(ndays + y->ndays) * sizeof(*days));
		for (int k = 0; k < y->ndays; k++)
			if (y->days[k].win >= 0)
				days[ndays++] = y->days[k].day;
		/* Tracks linked from the year in review too. */
		for (int k = 0; k < y->ntracks; k++)
			idset_add(&ids, y->tracks[k].id);
		const char *kinds[3] = { "calendar", "year", "coverage" };
		for (int k = 0; k < 3; k++) {
			snprintf(path, sizeof(path), "/%s-%d.html", kinds[k], year);
			if (put_page(p, o->out_dir, path, stats, err))
				goto out;
		}
	}
	strbuf_addstr(&cal, "]\n");
	strbuf_addstr(&sum, "]\n");
	if (write_file(o->out_dir, "calendar.json", &cal, stats, err) ||
	    write_file(o->out_dir, "summary.json", &sum, stats, err))
		goto out;
	/* A second handle for the second thread; without it, one thread. */
	if (o->db_path && ndays > 1 && !store_open(o->db_path, &st2, &tmp)) {
		if (!pages_init(&p2, st2, o->data_dir, p->opt.min_ms_played, &tmp))
			pp2 = &p2;
		else
			pages_release(&p2);
	}
	if (write_parts(p, pp2, o, days, ndays, NULL, 0, &ids, stats, err))
		goto out;

	stats->ms_years = time_mono_ms() - t0;
	t0 = time_mono_ms();
	tracks = idset_sorted(&ids, &ntracks);
	if (write_parts(p, pp2, o, NULL, 0, tracks, ntracks, &ids, stats, err))
		goto out;

	stats->ms_tracks = time_mono_ms() - t0;
	DIR *dir = opendir(p->covers.dir);
	if (dir) {
		struct dirent *de;
		while ((de = readdir(dir))) {
			char id[128];
			const char *dot = strrchr(de->d_name, '.');
			if (!dot || (size_t)(dot - de->d_name) >= sizeof(id))
				continue;
			memcpy(id, de->d_name, (size_t)(dot - de->d_name));
			id[dot - de->d_name] = '\0';
			if (!covers_id_ok(id))
				continue;
			char from[4096], to[4096];
			snprintf(from, sizeof(from), "%s/%s", p->covers.dir, de->d_name);
			snprintf(to, sizeof(to), "%s/%s", cdir, de->d_name);
			if (!copy_file(from, to))
				stats->covers++;
		}
		closedir(dir);
	}
	if (swap_in(o->out_dir, odir.buf, err))
		goto out;
	ret = 0;
out:
	if (ret && o->out_dir == tdir.buf)
		remove_tree(tdir.buf);
	strbuf_release(&tdir);
	strbuf_release(&odir);
	if (pp2)
		pages_release(pp2);
	store_close(st2);
	free(days);
	for (size_t i = 0; i < ids.cap; i++)
		free(ids.v[i]);
	free(ids.v);
	p->years = all_years;
	p->nyears = nall;
	for (int i = 0; i < ntracks; i++)
		free(tracks[i]);
	free(tracks);
	free(cdir);
	strbuf_release(&cal);
	strbuf_release(&sum);
	strbuf_release(&tmp);
	return ret;
}
