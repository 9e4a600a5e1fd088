#include "web/site.h"

#include <dirent.h>
#include <pthread.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fsutil.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "store/db.h"
#include "web/api.h"
#include "web/html.h"
#include "core/banned.h"

static int write_file(const char *dir, const char *name, const struct strbuf *sb,
		      struct site_stats *stats, struct strbuf *err)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(sb->buf, 1, sb->len, f) != sb->len || fclose(f)) {
		strbuf_addf(err, "cannot write '%s': %s", path, strerror(errno));
		if (f)
			fclose(f);
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
		FILE *f = fopen(to, "wb");
		if (f && fwrite(sb.buf, 1, sb.len, f) == sb.len && !fclose(f))
			ret = 0;
		else if (f)
			fclose(f);
	}
	strbuf_release(&sb);
	return ret;
}

/*
 * Track pages are most of a site's files; a second thread with its own
 * connection writes every other one, so both cores work.
 */
struct track_job {
	struct pages *p;        /* the thread's own pages (own connection) */
	const struct site_options *o;
	char **tracks;
	int ntracks, part, parts;
	struct site_stats stats;
	struct strbuf err;
	int ret;
};

static void *track_pages(void *arg)
{
	struct track_job *j = arg;
	char path[256];
	for (int i = j->part; i < j->ntracks; i += j->parts) {
		snprintf(path, sizeof(path), "/track-%s.html", j->tracks[i]);
		if (put_page(j->p, j->o->out_dir, path, &j->stats, &j->err)) {
			j->ret = -1;
			break;
		}
	}
	return NULL;
}

/* Writes the pages of the (sorted, unique, safe) track ids. */
static int write_track_pages(struct pages *p, const struct site_options *o,
			     char **tracks, int n, struct site_stats *stats,
			     struct strbuf *err)
{
	struct track_job a = { p, o, tracks, n, 0, 1, { 0 }, STRBUF_INIT, 0 };
	struct track_job b = a;
	struct pages p2;
	sqlite3 *db2 = NULL;
	pthread_t th;
	int two = 0;

	b.err = (struct strbuf)STRBUF_INIT;
	if (o->db_path && n > 200 && !db_open(o->db_path, &db2, &b.err) &&
	    !pages_init(&p2, db2, o->data_dir, p->opt.min_ms_played, &b.err)) {
		a.parts = b.parts = 2;
		b.part = 1;
		b.p = &p2;
		two = !pthread_create(&th, NULL, track_pages, &b);
		if (!two)
			a.parts = 1;
	}
	track_pages(&a);
	if (two)
		pthread_join(th, NULL);
	if (db2) {
		if (b.p == &p2)
			pages_release(&p2);
		db_close(db2);
	}
	stats->files += a.stats.files + b.stats.files;
	if (a.ret || (two && b.ret)) {
		strbuf_addstr(err, a.ret ? a.err.buf : b.err.buf);
		a.ret = -1;
	}
	strbuf_release(&a.err);
	strbuf_release(&b.err);
	return a.ret;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int site_write(struct pages *p, const struct site_options *o,
	       struct site_stats *stats, struct strbuf *err)
{
	struct strbuf cal = STRBUF_INIT, sum = STRBUF_INIT, tmp = STRBUF_INIT;
	char **tracks = NULL, name[160], path[256], date[16];
	int ntracks = 0, atracks = 0, ret = -1;
	int *all_years = p->years, nall = p->nyears, one = o->year;
	char *cdir = NULL;

	memset(stats, 0, sizeof(*stats));
	if (o->year) { /* only that year, and links only to it */
		p->years = &one;
		p->nyears = 1;
	}
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
		for (int k = 0; k < y->ndays; k++) {
			if (y->days[k].win < 0)
				continue;
			struct report_plays pl;
			if (report_day_plays(&p->stmts, y->days[k].day, &p->opt, &pl, err))
				goto out;
			for (int j = 0; j < pl.n; j++) {
				if (!covers_id_ok(pl.v[j].track_id))
					continue;
				if (ntracks == atracks) {
					atracks = atracks ? atracks * 2 : 1024;
					tracks = xrealloc(tracks, (size_t)atracks * sizeof(char *));
				}
				tracks[ntracks++] = xstrdup(pl.v[j].track_id);
			}
			strbuf_reset(&tmp);
			html_day(y->days[k].day, &pl, &tmp);
			report_plays_release(&pl);
			html_date(y->days[k].day, date);
			snprintf(name, sizeof(name), "day-%s.html", date);
			if (write_file(o->out_dir, name, &tmp, stats, err))
				goto out;
		}
		/* Tracks linked from the year in review too. */
		for (int k = 0; k < y->ntracks; k++) {
			if (ntracks == atracks) {
				atracks = atracks ? atracks * 2 : 1024;
				tracks = xrealloc(tracks, (size_t)atracks * sizeof(char *));
			}
			tracks[ntracks++] = xstrdup(y->tracks[k].id);
		}
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

	stats->ms_years = time_mono_ms() - t0;
	t0 = time_mono_ms();
	if (ntracks > 1)
		qsort(tracks, (size_t)ntracks, sizeof(char *), cmp_str);
	int nu = 0;
	for (int i = 0; i < ntracks; i++) {
		if ((nu && !strcmp(tracks[i], tracks[nu - 1])) || !covers_id_ok(tracks[i])) {
			free(tracks[i]);
			continue;
		}
		tracks[nu++] = tracks[i];
	}
	ntracks = nu;
	if (write_track_pages(p, o, tracks, ntracks, stats, err))
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
	ret = 0;
out:
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
