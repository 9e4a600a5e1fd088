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
#include "web/page_nav.h"
#include "web/routes.h"
#include "core/banned.h"

/* The new site's folder is DIR + ".tmp-XXXXXX" (make_folders). */
#define SITE_TMP_SUFFIX 11

/*
 * Writes a file of the site with one fclose, whatever happens. No fsync:
 * the site is a derived artefact, made in a temporary folder that is only
 * swapped in whole. World-readable whatever the umask: a site is published.
 */
static int write_whole(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (!f)
		return -1;
	ok = !fchmod(fileno(f), 0644) && fwrite(data, 1, len, f) == len;
	if (fclose(f))
		ok = 0;
	return ok ? 0 : -1;
}

/*
 * 1 when the file at path holds exactly data, mode 0644: the page did not
 * change since the last site. Reading the old page costs less than writing
 * it again (no new inode, no dirty pages), and it keeps its mtime.
 */
static int same_file(const char *path, const char *data, size_t len)
{
	char buf[65536];
	struct stat st;
	size_t off = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), same = 0;

	if (fd < 0)
		return 0;
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0644 &&
	    (uint64_t)st.st_size == len) {
		while (off < len) {
			ssize_t n = read(fd, buf, sizeof(buf));
			if (n <= 0 || (size_t)n > len - off || memcmp(buf, data + off, (size_t)n))
				break;
			off += (size_t)n;
		}
		same = off == len;
	}
	close(fd);
	return same;
}

/*
 * Writes name into dir, the new site's folder: DIR.tmp-XXXXXX beside DIR
 * (make_folders). When DIR (the previous site) has the same bytes under
 * that name, that file is hard-linked instead, so an unchanged page is not
 * rewritten: a second 'site' with no change rewrites 0 files, and one new
 * day rewrites only the pages that show it (rsync, web caches and backups
 * see only those). stats->written counts the files written.
 */
static int write_file(const char *dir, const char *name, const struct strbuf *sb,
		      struct site_stats *stats, struct strbuf *err)
{
	char path[4096], old[4096];
	size_t dl = strlen(dir);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(old, sizeof(old), "%.*s/%s", (int)(dl > SITE_TMP_SUFFIX ? dl - SITE_TMP_SUFFIX : 0),
		 dir, name);
	stats->files++;
	if (dl > SITE_TMP_SUFFIX && same_file(old, sb->buf, sb->len) && !link(old, path))
		return 0;
	if (write_whole(path, sb->buf, sb->len)) {
		strbuf_addf(err, "cannot write '%s': %s", path, strerror(errno));
		return -1;
	}
	stats->written++;
	return 0;
}

/*
 * With --base-url (p->base_url, checked by the command: http(s), no quote,
 * angle bracket, backslash, space or control byte, no trailing slash), an
 * HTML page names its published address, <link rel="canonical"> and
 * og:url, before </head>, and a relative og:image (the year's card) becomes
 * absolute, as link previews need. Without it the site stays relative.
 */
static void splice_in(struct strbuf *sb, size_t at, const char *s, size_t n)
{
	size_t len = sb->len;
	strbuf_grow(sb, n);
	memmove(sb->buf + at + n, sb->buf + at, len - at + 1);
	memcpy(sb->buf + at, s, n);
	strbuf_setlen(sb, len + n);
}

static void add_base_url(struct strbuf *buf, const char *base, const char *path)
{
	static const char og[] = "<meta property=\"og:image\" content=\"";
	struct strbuf head = STRBUF_INIT;
	char *end = strstr(buf->buf, "</head>");
	if (!end)
		return;
	size_t at = (size_t)(end - buf->buf);
	strbuf_addstr(&head, "<link rel=\"canonical\" href=\"");
	strbuf_add_html(&head, base);
	strbuf_add_html(&head, path);
	strbuf_addstr(&head, "\"><meta property=\"og:url\" content=\"");
	strbuf_add_html(&head, base);
	strbuf_add_html(&head, path);
	strbuf_addstr(&head, "\">");
	splice_in(buf, at, head.buf, head.len);
	char *img = strstr(buf->buf, og);
	if (img && img < buf->buf + at) {
		size_t pos = (size_t)(img - buf->buf) + sizeof(og) - 1;
		strbuf_reset(&head);
		strbuf_add_html(&head, base);
		strbuf_addch(&head, '/');
		splice_in(buf, pos, head.buf, head.len);
	}
	strbuf_release(&head);
}

/*
 * Renders one instance of a route into its file. A 404 (a linked track
 * the store does not have) is written as its error page, as the server
 * answers it; any other failure stops the site, with its reason.
 */
static int put_page(struct pages *p, const char *dir, const struct route *r,
		    const struct route_args *a, struct strbuf *buf,
		    struct site_stats *stats, struct strbuf *err)
{
	struct strbuf why = STRBUF_INIT;
	char path[256];
	const char *ct;
	enum page_status st;
	int ret = -1;

	if (route_path(r, a, path, sizeof(path))) {
		strbuf_addf(err, "a page of '%s' has too long a name", r->pattern);
		return -1;
	}
	strbuf_reset(buf);
	st = r->fn(p, a, buf, &why);
	if (st == PAGE_NOT_FOUND)
		route_fail(st, r->json, why.buf, buf, &ct);
	else if (st != PAGE_OK) {
		strbuf_addf(err, "rendering '%s' failed: %s", path, why.buf);
		goto out;
	}
	if (p->base_url && !r->json)
		add_base_url(buf, p->base_url, path);
	ret = write_file(dir, path + 1, buf, stats, err);
out:
	strbuf_release(&why);
	return ret;
}

/* What site_options.progress is told: which pages (NULL: none is told). */
struct progress {
	const struct site_options *o;
	const char *what;
};

static void tell(const struct progress *pr, int done, int total)
{
	if (pr && pr->o->progress)
		pr->o->progress(pr->o->progress_arg, pr->what, done, total);
}

/* Every instance of the rows enumerated by each, one per element of v[n]. */
static int put_each(struct pages *p, const char *dir, enum route_each each,
		    const struct route_args *v, int n, int from, int step,
		    const struct progress *pr, struct site_stats *stats, struct strbuf *err)
{
	struct strbuf buf = STRBUF_INIT;
	int ret = 0;
	for (size_t k = 0; k < routes_count; k++)
		for (int i = from; !ret && routes[k].each == each && i < n; i += step) {
			if ((i - from) % (step * 256) == 0)
				tell(pr, i, n);
			ret = put_page(p, dir, &routes[k], &v[i], &buf, stats, err);
		}
	strbuf_release(&buf);
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

/* Empties the set into an array of sorted track arguments the caller frees. */
static struct route_args *idset_sorted(struct idset *s, int *n)
{
	char **v = xcalloc(s->n + 1, sizeof(char *));
	struct route_args *a;
	size_t k = 0;
	for (size_t i = 0; i < s->cap; i++)
		if (s->v[i])
			v[k++] = s->v[i];
	if (k > 1)
		qsort(v, k, sizeof(char *), cmp_str);
	a = xcalloc(k + 1, sizeof(*a));
	for (size_t i = 0; i < k; i++) {
		snprintf(a[i].id, sizeof(a[i].id), "%s", v[i]); /* safe ids of <= 64 */
		free(v[i]);
	}
	free(v);
	free(s->v);
	memset(s, 0, sizeof(*s));
	*n = (int)k;
	return a;
}

static void on_linked(void *arg, const char *track_id)
{
	idset_add(arg, track_id);
}

/*
 * Day pages and track pages are nearly all of a site's files; a second
 * thread with its own connection writes every other one, so both cores work.
 */
struct part_job {
	struct pages *p;        /* the thread's own pages (own connection) */
	const char *dir;
	enum route_each each;   /* the rows written */
	const struct route_args *v;
	int n, part, parts;
	const struct progress *pr; /* told by the first part only */
	struct idset ids;       /* tracks the pages link to */
	struct site_stats stats;
	struct strbuf err;
	int ret;
};

static void *part_pages(void *arg)
{
	struct part_job *j = arg;
	j->p->linked = on_linked;
	j->p->linked_arg = &j->ids;
	j->ret = put_each(j->p, j->dir, j->each, j->v, j->n, j->part, j->parts,
			  j->part ? NULL : j->pr, &j->stats, &j->err);
	j->p->linked = NULL;
	return NULL;
}

/*
 * Writes the pages of the rows enumerated by each for every v[], adding
 * the tracks they link to to ids, on two threads when p2 (pages on a
 * second connection) is given.
 */
static int write_parts(struct pages *p, struct pages *p2, const char *dir,
		       enum route_each each, const struct route_args *v, int n,
		       const struct progress *pr, struct idset *ids, struct site_stats *stats,
		       struct strbuf *err)
{
	struct part_job j[2];
	pthread_t th;
	int two = 0, ret = 0;

	for (int k = 0; k < 2; k++)
		j[k] = (struct part_job){ k ? p2 : p, dir, each, v, n, k, p2 ? 2 : 1, pr,
					  { 0 }, { 0 }, STRBUF_INIT, 0 };
	if (p2)
		two = !pthread_create(&th, NULL, part_pages, &j[1]);
	if (!two)
		j[0].parts = 1;
	part_pages(&j[0]);
	if (two)
		pthread_join(th, NULL);
	for (int k = 0; k < 1 + two; k++) {
		stats->files += j[k].stats.files;
		stats->written += j[k].stats.written;
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
	if (!ret)
		tell(pr, n, n);
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
		    !route_site_name(de->d_name)) {
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

/*
 * Makes DIR (normalised into odir) and the empty folder beside it (tdir)
 * that the site is written into, or says why not.
 */
static int make_folders(const char *out_dir, struct strbuf *odir, struct strbuf *tdir,
			struct strbuf *err)
{
	strbuf_addstr(odir, out_dir);
	while (odir->len > 1 && odir->buf[odir->len - 1] == '/')
		strbuf_setlen(odir, odir->len - 1);
	const char *last = strrchr(odir->buf, '/');
	last = last ? last + 1 : odir->buf;
	if (!*last || !strcmp(last, ".") || !strcmp(last, "..")) {
		strbuf_addf(err, "'%s' does not name a folder of its own", out_dir);
		return -1;
	}
	if (fs_mkdir_p(odir->buf, 0755) || check_replaceable(odir->buf, err)) {
		if (!err->len)
			strbuf_addf(err, "cannot create '%s': %s", odir->buf, strerror(errno));
		return -1;
	}
	strbuf_addf(tdir, "%s.tmp-XXXXXX", odir->buf);
	if (!mkdtemp(tdir->buf) || chmod(tdir->buf, 0755)) {
		strbuf_addf(err, "cannot create '%s': %s", tdir->buf, strerror(errno));
		strbuf_reset(tdir);
		return -1;
	}
	return 0;
}

/* Appends one year's object of a ROUTE_YEARS_ARRAY row to its array. */
static int add_to_array(struct pages *p, const struct route *r, const struct route_args *a,
			struct strbuf *array, struct strbuf *err)
{
	strbuf_addch(array, array->len ? ',' : '[');
	return r->fn(p, a, array, err) == PAGE_OK ? 0 : -1;
}

/*
 * The pages of every year (ROUTE_EACH_YEAR), the arrays over the years
 * (ROUTE_YEARS_ARRAY, one strbuf per row in arrays[]), and the days with
 * plays, appended to days[].
 */
static int write_years(struct pages *p, const char *dir, struct strbuf *arrays,
		       struct route_args **days, int *ndays, struct site_stats *stats,
		       struct strbuf *err)
{
	struct strbuf buf = STRBUF_INIT;
	int ret = -1;

	for (int i = 0; i < p->nyears; i++) {
		struct route_args a = { .year = p->years[i] };
		const struct report_year *y = pages_year(p, a.year, err);
		if (!y)
			goto out;
		*days = xrealloc(*days, (size_t)(*ndays + y->ndays + 1) * sizeof(**days));
		for (int k = 0; k < y->ndays; k++)
			if (y->days[k].win >= 0)
				(*days)[(*ndays)++] = (struct route_args){ .day = y->days[k].day };
		for (size_t k = 0; k < routes_count; k++) {
			const struct route *r = &routes[k];
			if (r->each == ROUTE_EACH_YEAR && put_page(p, dir, r, &a, &buf, stats, err))
				goto out;
			if (r->each == ROUTE_YEARS_ARRAY && add_to_array(p, r, &a, &arrays[k], err))
				goto out;
		}
	}
	for (size_t k = 0; k < routes_count; k++) {
		if (routes[k].each != ROUTE_YEARS_ARRAY)
			continue;
		strbuf_addstr(&arrays[k], arrays[k].len ? "]\n" : "[]\n");
		if (write_file(dir, routes[k].pattern + 1, &arrays[k], stats, err))
			goto out;
	}
	ret = 0;
out:
	strbuf_release(&buf);
	return ret;
}

/* Copies the cached covers into the folder of each ROUTE_EACH_COVER row. */
static int copy_covers(struct pages *p, const char *dir, struct site_stats *stats,
		       struct strbuf *err)
{
	char sub[256], from[4096], to[4096];

	for (size_t k = 0; k < routes_count; k++) {
		const struct route *r = &routes[k];
		if (r->each != ROUTE_EACH_COVER)
			continue;
		route_path(r, &(struct route_args){ .file = "" }, sub, sizeof(sub));
		snprintf(to, sizeof(to), "%s%s", dir, sub);
		if (fs_mkdir_p(to, 0755) || chmod(to, 0755)) {
			strbuf_addf(err, "cannot create '%s': %s", to, strerror(errno));
			return -1;
		}
		DIR *d = opendir(p->covers.dir);
		struct dirent *de;
		while (d && (de = readdir(d))) {
			if (!covers_type(de->d_name) || !pages_cover_shown(p, de->d_name) ||
			    route_path(r, &(struct route_args){ .file = de->d_name }, sub,
				       sizeof(sub)))
				continue;
			snprintf(from, sizeof(from), "%s/%s", p->covers.dir, de->d_name);
			snprintf(to, sizeof(to), "%s%s", dir, sub);
			if (!copy_file(from, to))
				stats->covers++;
		}
		if (d)
			closedir(d);
	}
	return 0;
}

/* The navigation pages (web/page_nav.h): artists, albums, weeks, months. */
static int write_nav(struct pages *p, struct pages *p2, const struct site_options *o,
		     const char *dir, struct idset *ids, struct site_stats *stats,
		     struct strbuf *err)
{
	static const enum route_each kinds[] = { ROUTE_EACH_ARTIST, ROUTE_EACH_ALBUM,
						 ROUTE_EACH_WEEK, ROUTE_EACH_MONTH };
	static const char *const what[] = { "artist pages", "album pages", "week pages",
					    "month pages" };
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		struct route_args *v;
		int n, rc = page_nav_each(p, kinds[k], &v, &n, err);
		if (!rc)
			rc = write_parts(p, p2, dir, kinds[k], v, n,
					 &(struct progress){ o, what[k] }, ids, stats, err);
		free(v);
		if (rc)
			return -1;
	}
	return 0;
}

/*
 * Every file of the site into dir, walking the route table: the single
 * pages, the years (and the days they have), the days, then the tracks
 * the pages link to.
 */
static int write_pages(struct pages *p, const struct site_options *o, const char *dir,
		       struct site_stats *stats, struct strbuf *err)
{
	struct strbuf *arrays = xcalloc(routes_count, sizeof(*arrays));
	struct route_args *days = NULL, *tracks = NULL, one = { 0 };
	struct idset ids = { 0 };
	struct pages p2, *pp2 = NULL;
	struct store *st2 = NULL;
	struct strbuf tmp = STRBUF_INIT;
	int ndays = 0, ntracks = 0, ret = -1;

	for (size_t k = 0; k < routes_count; k++)
		strbuf_init(&arrays[k], 0);
	if (put_each(p, dir, ROUTE_ONCE, &one, 1, 0, 1, NULL, stats, err))
		goto out;
	int64_t t0 = time_mono_ms();
	p->linked = on_linked;
	p->linked_arg = &ids;
	if (write_years(p, dir, arrays, &days, &ndays, stats, err))
		goto out;
	/* A second handle for the second thread; without it, one thread. */
	if (o->db_path && ndays > 1 && !store_open(o->db_path, &st2, &tmp)) {
		if (!pages_init_for(&p2, st2, o->data_dir, p->opt.min_ms_played,
				    p->opt.account_id, p->cache.strict, &tmp))
			pp2 = &p2;
		store_tune_second_reader(st2);
		if (pp2)
			p2.base_url = p->base_url;
		/* One history for both threads (read-only: report/nav.h), not two. */
		if (pp2 && (p2.nav = pages_nav(p, &tmp)))
			p2.nav_borrowed = 1;
		else
			pages_release(&p2);
	}
	if (write_parts(p, pp2, dir, ROUTE_EACH_DAY, days, ndays,
			&(struct progress){ o, "day pages" }, &ids, stats, err))
		goto out;
	if (pp2)
		pp2->static_site = 1;
	if (write_nav(p, pp2, o, dir, &ids, stats, err)) /* before the tracks they link to */
		goto out;
	stats->ms_years = time_mono_ms() - t0;
	t0 = time_mono_ms();
	tracks = idset_sorted(&ids, &ntracks);
	if (write_parts(p, pp2, dir, ROUTE_EACH_TRACK, tracks, ntracks,
			&(struct progress){ o, "track pages" }, &ids, stats, err))
		goto out;
	stats->ms_tracks = time_mono_ms() - t0;
	ret = 0;
out:
	p->linked = NULL;
	if (pp2)
		pages_release(pp2);
	store_close(st2);
	for (size_t k = 0; k < routes_count; k++)
		strbuf_release(&arrays[k]);
	free(arrays);
	free(days);
	free(tracks);
	for (size_t i = 0; i < ids.cap; i++)
		free(ids.v[i]);
	free(ids.v);
	strbuf_release(&tmp);
	return ret;
}

int site_write(struct pages *p, const struct site_options *o,
	       struct site_stats *stats, struct strbuf *err)
{
	struct strbuf tdir = STRBUF_INIT, odir = STRBUF_INIT;
	int *all_years = p->years, nall = p->nyears, one = o->year;
	int ret = -1;

	memset(stats, 0, sizeof(*stats));
	p->static_site = 1;
	p->base_url = o->base_url;
	if (o->year) { /* only that year, and links only to it */
		p->years = &one;
		p->nyears = 1;
	}
	/* Written next to DIR, then swapped in (see swap_in). */
	if (make_folders(o->out_dir, &odir, &tdir, err))
		goto out;
	if (write_pages(p, o, tdir.buf, stats, err) || copy_covers(p, tdir.buf, stats, err) ||
	    swap_in(tdir.buf, odir.buf, err)) {
		remove_tree(tdir.buf);
		goto out;
	}
	ret = 0;
out:
	p->static_site = 0;
	p->base_url = NULL;
	p->years = all_years;
	p->nyears = nall;
	strbuf_release(&tdir);
	strbuf_release(&odir);
	return ret;
}
