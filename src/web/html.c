#include "web/html.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/xalloc.h"
#include "web/links.h"
#include "core/banned.h"

static const char *const month_names[12] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December",
};
static const char *const wd_names[7] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };

static const char css[] =
	"body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:0;"
	"background:#fafafa;color:#222}"
	"header{background:#1b1b1b;color:#eee;padding:8px 16px;display:flex;flex-wrap:wrap;"
	"gap:4px 12px}"
	"header a{color:#9fe0b0;text-decoration:none}"
	"main{padding:16px;max-width:1200px;overflow-wrap:anywhere}"
	"h1{font-size:1.5em;margin:.2em 0 .6em}h2{font-size:1.1em;margin:.2em 0}"
	".months{display:grid;grid-template-columns:repeat(auto-fill,minmax(306px,1fr));gap:18px}"
	".grid{display:grid;grid-template-columns:repeat(7,42px);gap:2px}"
	".wd{font-size:10px;color:#777;text-align:center}"
	".day{width:42px;height:42px;position:relative;display:block;overflow:hidden;"
	"border-radius:3px;text-decoration:none}"
	".day img{width:42px;height:42px;object-fit:cover;display:block}"
	".day.empty{background:#eee}.day.pad{background:none}"
	".tile{width:42px;height:42px;display:flex;align-items:center;justify-content:center;"
	"background:#8a8f98;color:#fff;font-weight:600;font-size:14px}"
	".n{position:absolute;top:1px;left:3px;font-size:9px;color:#fff;"
	"text-shadow:0 0 2px #000,0 0 2px #000}.day.empty .n{color:#999;text-shadow:none}"
	".stats{display:flex;flex-wrap:wrap;gap:12px;margin-bottom:16px}"
	".stat{background:#fff;border:1px solid #ddd;border-radius:6px;padding:8px 12px}"
	".stat b{display:block;font-size:1.4em}"
	".cols{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(270px,100%),1fr));"
	"gap:16px}"
	".card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:10px 14px;margin-bottom:16px}"
	"ol{padding-left:1.4em;margin:.3em 0}li{margin:.15em 0}"
	".sub{color:#666;font-size:.9em}"
	"table{border-collapse:collapse}td,th{padding:3px 8px;border-bottom:1px solid #e4e4e4;"
	"text-align:left;font-size:.92em}"
	/* Top lists: a 48 px picture beside each entry, the text wrapping beside it. */
	"ol.ranks{list-style:none;padding:0}ol.ranks li{display:flex;gap:8px;"
	"align-items:center;margin:.3em 0}"
	".thumb{width:48px;height:48px;flex:none;object-fit:cover;border-radius:3px}"
	".rk{min-width:1.4em;text-align:right;color:#666;font-weight:400}"
	".tile.thumb{font-size:15px}.round{border-radius:50%}.what{min-width:0}"
	".share{float:right;margin:0 0 12px 12px;text-align:center;font-size:.85em}"
	".share img{display:block;border-radius:6px;width:162px;height:auto}"
	".cover{width:120px;height:120px;object-fit:cover;float:right;margin-left:12px}"
	".bigtile{width:120px;height:120px;font-size:36px;float:right;margin-left:12px}"
	/* Charts scale down to their card (viewBox), never wider than drawn. */
	"svg.chart{display:block;max-width:100%;height:auto}"
	"svg text{font-size:11px;fill:#555}"
	".key{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:.88em;margin-top:6px}"
	".key i{display:inline-block;width:12px;height:12px;margin-right:4px;"
	"vertical-align:-1px}"
	".scroll{overflow-x:auto}"
	".note{color:#666;font-size:.88em}"
	".pn{display:flex;flex-wrap:wrap;gap:4px 14px;margin:.3em 0 .8em}"
	"form.search{display:flex;gap:6px;margin:0 0 12px}form.search input{min-width:0;flex:1;"
	"max-width:22em;font:inherit;padding:3px 6px}"
	/*
	 * A phone (390 px) has room for about 45 characters: each play of a
	 * day becomes a block (time and track, then artist and album, then the
	 * rest) instead of a seven-column row.
	 */
	"@media (max-width:640px){main{padding:10px}.card{padding:8px 10px}"
	"table.plays,table.plays tbody,table.plays tr,table.plays td{display:block}"
	"table.plays tr:first-child{display:none}"
	"table.plays tr{padding:5px 0;border-bottom:1px solid #e4e4e4}"
	"table.plays td{border:0;padding:0 4px}"
	"table.plays td:nth-child(1),table.plays td:nth-child(2){display:inline}"
	"table.plays td:nth-child(2){font-weight:600}"
	"table.plays td:nth-child(n+5){display:inline;color:#666;font-size:.85em}"
	".cover,.bigtile{width:84px;height:84px}}"
	/*
	 * Dark mode (issue 11), by the reader's own setting: the same layout,
	 * dark surfaces, and links and chart labels light enough to read.
	 */
	":root{color-scheme:light dark}"
	"@media (prefers-color-scheme:dark){body{background:#121212;color:#e4e4e4}"
	"a{color:#8ab4f8}a:visited{color:#c49bf5}"
	".stat,.card{background:#1d1d1f;border-color:#343438}"
	".sub,.note,.rk,.wd{color:#a8a8ad}td,th{border-bottom-color:#343438}"
	"table.plays tr{border-bottom-color:#343438}"
	".day.empty{background:#2a2a2d}.day.empty .n{color:#777}"
	"svg text{fill:#b4b4b8}}";

/*
 * strbuf_addf formats twice (once to measure); a site has a million table
 * rows and chart bars, so format once into a stack buffer when it fits.
 */
__attribute__((format(printf, 2, 3)))
static void addf(struct strbuf *sb, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(buf)) {
		strbuf_add(sb, buf, (size_t)n);
		return;
	}
	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

/* A chart coordinate with one decimal, without printf's exact decimal path. */
static void add_tenths(struct strbuf *sb, double v)
{
	char buf[32];
	int n = 0;
	if (!(fabs(v) < 1e12)) {
		addf(sb, "%.1f", v);
		return;
	}
	long long t = llrint(v * 10); /* ties to even, as printf */
	char digits[24];
	int nd = 0;
	if (t < 0) {
		buf[n++] = '-';
		t = -t;
	}
	/* digits by hand: snprintf was 9% of writing a track page */
	digits[nd++] = (char)('0' + t % 10);
	digits[nd++] = '.';
	t /= 10;
	do {
		digits[nd++] = (char)('0' + t % 10);
		t /= 10;
	} while (t);
	while (nd)
		buf[n++] = digits[--nd];
	strbuf_add(sb, buf, (size_t)n);
}

static void add_ms_min(struct strbuf *sb, int64_t ms)
{
	addf(sb, "%.1f", (double)ms / 60000.0);
}

void html_date(int64_t day, char buf[16])
{
	int y, m, d;
	time_civil_from_days(day, &y, &m, &d);
	snprintf(buf, 16, "%04d-%02d-%02d", y, m, d);
}

void html_initials(const char *name, char *buf, size_t len)
{
	size_t o = 0;
	int words = 0, at_start = 1;

	for (const unsigned char *p = (const unsigned char *)name; *p && words < 2; p++) {
		int alnum = *p >= 0x80 || (*p >= '0' && *p <= '9') ||
			    ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z');
		if (!alnum) {
			at_start = 1;
			continue;
		}
		if (at_start && *p < 0xC0 && *p >= 0x80)
			continue; /* a stray continuation byte */
		if (at_start) {
			size_t n = 1;
			if (*p >= 0xF0) n = 4;
			else if (*p >= 0xE0) n = 3;
			else if (*p >= 0xC0) n = 2;
			if (o + n + 1 > len)
				break;
			for (size_t k = 0; k < n && p[k]; k++)
				buf[o++] = (char)(n == 1 && p[k] >= 'a' && p[k] <= 'z' ?
						  p[k] - 32 : p[k]);
			p += n - 1;
			words++;
			at_start = 0;
		}
	}
	if (!o && len > 1)
		buf[o++] = '?';
	buf[o < len ? o : len - 1] = '\0';
}

/* The head of a page; head (may be NULL) is more markup for <head>. */
static void page_start_head(struct strbuf *sb, const char *title_prefix, const char *title,
			    const int *years, int nyears, const char *head)
{
	strbuf_addstr(sb, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">");
	if (head)
		strbuf_addstr(sb, head);
	strbuf_addstr(sb, "<title>");
	strbuf_add_html(sb, title_prefix);
	if (title) {
		strbuf_addstr(sb, " ");
		strbuf_add_html(sb, title);
	}
	strbuf_addstr(sb, " · spinlog</title><style>");
	strbuf_addstr(sb, css);
	strbuf_addstr(sb, "</style></head><body><header><a href=\"index.html\">spinlog</a>");
	for (int i = nyears - 1; i >= 0 && i >= nyears - 6; i--)
		addf(sb, "<a href=\"calendar-%d.html\">%d</a>", years[i], years[i]);
	if (nyears)
		addf(sb, "<a href=\"coverage-%d.html\">coverage</a>",
			    years[nyears - 1]);
	strbuf_addstr(sb, "<a href=\"alltime.html\">all time</a></header><main>");
}

static void page_start(struct strbuf *sb, const char *title_prefix,
		       const char *title, const int *years, int nyears)
{
	page_start_head(sb, title_prefix, title, years, nyears, NULL);
}

static void page_end(struct strbuf *sb)
{
	strbuf_addstr(sb, "</main></body></html>\n");
}

void html_page_start(struct strbuf *sb, const char *title_prefix, const char *title,
		     const int *years, int nyears)
{
	page_start(sb, title_prefix, title, years, nyears);
}

void html_page_end(struct strbuf *sb)
{
	page_end(sb);
}

/* A name element: escaped text in a span that takes its own direction. */
static void add_name(struct strbuf *sb, const char *cls, const char *s)
{
	strbuf_add(sb, "<span class=\"", 13);
	strbuf_addstr(sb, cls);
	strbuf_add(sb, "\" dir=\"auto\">", 13);
	strbuf_add_html(sb, s);
	strbuf_add(sb, "</span>", 7);
}

/* Lists of artists are drawn by links_track_artists (web/links.h): each name
 * in its own <bdi>, so "فيروز, Silver Horizon" reads in that order. */

static void add_track_link(struct strbuf *sb, const char *id, const char *name)
{
	if (covers_id_ok(id)) {
		strbuf_add(sb, "<a href=\"track-", 15);
		strbuf_addstr(sb, id);
		strbuf_add(sb, ".html\">", 7);
		add_name(sb, "track", name);
		strbuf_add(sb, "</a>", 4);
	} else {
		add_name(sb, "track", name);
	}
}

/*
 * An <img> of the cached cover of album_id (lazy, with its drawn size so
 * the page does not move as covers arrive), or a neutral tile with the
 * initials of label. An empty album_id always gives the tile. Artist
 * images are cached under the artist's id (web/covers_catalog.h), so an
 * artist id works here too.
 */
static void add_image(struct strbuf *sb, const struct covers *c, const char *album_id,
		      const char *label, int px, const char *img_cls, const char *tile_cls)
{
	char name[128], ini[32];
	if (c && album_id[0] && covers_find(c, album_id, name, sizeof(name))) {
		addf(sb, "<img class=\"%s\" src=\"covers/%s\" width=\"%d\" height=\"%d\""
		     " alt=\"", img_cls, name, px, px);
		strbuf_add_html(sb, label);
		strbuf_addstr(sb, "\" loading=\"lazy\" decoding=\"async\">");
		return;
	}
	html_initials(label, ini, sizeof(ini));
	addf(sb, "<span class=\"tile %s\" dir=\"auto\" role=\"img\" aria-label=\"",
		    tile_cls);
	strbuf_add_html(sb, label);
	strbuf_addstr(sb, "\">");
	strbuf_add_html(sb, ini);
	strbuf_addstr(sb, "</span>");
}

void html_artist_image(struct strbuf *sb, const struct covers *c, const char *artist_id,
		       const char *name)
{
	add_image(sb, c, covers_id_ok(artist_id) ? artist_id : "", name, 120,
		  "cover round", "bigtile round");
}

/* The album's cover, or a tile with its initials (the track's without an album). */
static void add_cover(struct strbuf *sb, const struct covers *c,
		      const struct report_track *t, int px, const char *img_cls,
		      const char *tile_cls)
{
	add_image(sb, c, t->album_id, t->album[0] ? t->album : t->name, px, img_cls,
		  tile_cls);
}

void html_index(const int *years, int nyears, struct strbuf *out)
{
	page_start(out, "Your listening", NULL, years, nyears);
	strbuf_addstr(out, "<h1>Your listening</h1>");
	if (!nyears)
		strbuf_addstr(out, "<p>No plays stored yet. Run <code>spinlog collect</code>"
			      " or <code>spinlog import</code> first.</p>");
	strbuf_addstr(out, "<table><tr><th>year</th><th></th><th></th><th></th></tr>");
	for (int i = nyears - 1; i >= 0; i--)
		addf(out, "<tr><td>%d</td><td><a href=\"calendar-%d.html\">calendar</a></td>"
			    "<td><a href=\"year-%d.html\">year in review</a></td>"
			    "<td><a href=\"coverage-%d.html\">coverage</a></td></tr>",
			    years[i], years[i], years[i], years[i]);
	strbuf_addstr(out, "</table>");
	page_end(out);
}

/* Links to the years before and after y (the years run without holes). */
static void year_nav(struct strbuf *out, const char *page, int year, const int *years,
		     int nyears)
{
	strbuf_addstr(out, "<nav class=\"pn\">");
	if (nyears && year > years[0])
		addf(out, "<a rel=\"prev\" href=\"%s-%d.html\">« %d</a> ", page, year - 1,
		     year - 1);
	addf(out, "<a href=\"%s-%d.html\">%s</a>", !strcmp(page, "year") ? "calendar" : "year",
	     year, !strcmp(page, "year") ? "calendar" : "year in review");
	if (nyears && year < years[nyears - 1])
		addf(out, " <a rel=\"next\" href=\"%s-%d.html\">%d »</a>", page, year + 1,
		     year + 1);
	strbuf_addstr(out, "</nav>");
}

/*
 * The months of the year with plays, first to last ([*m0, *m1], 1-based),
 * so a history that starts in March shows no grey January. 0 when the year
 * has none.
 */
static int played_months(const struct report_year *y, int *m0, int *m1)
{
	int yy, m, d;
	*m0 = 13;
	*m1 = 0;
	for (int i = 0; i < y->ndays; i++) {
		if (y->days[i].win < 0)
			continue;
		time_civil_from_days(y->days[i].day, &yy, &m, &d);
		if (m < *m0)
			*m0 = m;
		if (m > *m1)
			*m1 = m;
	}
	return *m1 > 0;
}

void html_calendar(const struct report_year *y, const struct covers *c,
		   const int *years, int nyears, struct strbuf *out)
{
	char title[32], date[16];
	int m0, m1;

	snprintf(title, sizeof(title), "%d", y->year);
	page_start(out, "Calendar", title, years, nyears);
	addf(out, "<h1>%d in covers</h1><p class=\"note\">Each day shows the cover of "
		    "that day's most played song (ties: more time played, then the "
		    "smaller track id).</p>", y->year);
	year_nav(out, "calendar", y->year, years, nyears);
	if (!played_months(y, &m0, &m1)) {
		addf(out, "<p>No plays in %d.</p>", y->year);
		page_end(out);
		return;
	}
	if (m0 > 1 || m1 < 12)
		addf(out, "<p class=\"note\" id=\"span-note\">%s%s%s: the months with "
			    "plays.</p>", month_names[m0 - 1], m1 > m0 ? " to " : "",
			    m1 > m0 ? month_names[m1 - 1] : "");
	strbuf_addstr(out, "<div class=\"months\">");
	int di = (int)(time_days_from_civil(y->year, m0, 1) - y->first_day);
	for (int m = m0; m <= m1; m++) {
		int64_t first = time_days_from_civil(y->year, m, 1);
		int64_t next = m == 12 ? time_days_from_civil(y->year + 1, 1, 1)
				       : time_days_from_civil(y->year, m + 1, 1);
		int pad = (int)(((first + 3) % 7 + 7) % 7);
		addf(out, "<section class=\"month\"><h2>%s</h2><div class=\"grid\">",
			    month_names[m - 1]);
		for (int w = 0; w < 7; w++)
			addf(out, "<span class=\"wd\">%s</span>", wd_names[w]);
		for (int k = 0; k < pad; k++)
			strbuf_addstr(out, "<span class=\"day pad\"></span>");
		for (int64_t d = first; d < next; d++, di++) {
			const struct report_day *rd = &y->days[di];
			int dom = (int)(d - first + 1);
			html_date(d, date);
			if (rd->win < 0) {
				addf(out, "<span class=\"day empty\" data-date=\"%s\">"
					    "<span class=\"n\">%d</span></span>", date, dom);
				continue;
			}
			const struct report_track *t = &y->tracks[rd->win];
			addf(out, "<a class=\"day\" href=\"day-%s.html\" data-date=\"%s\"", date,
			     date);
			const char *const parts[8] = { " data-track=\"", t->id, "\" data-album=\"",
						       t->album_id, "\" title=\"", t->name, " — ",
						       t->artists };
			for (int k = 0; k < 8; k += 2) {
				strbuf_addstr(out, parts[k]);
				strbuf_add_html(out, parts[k + 1]);
			}
			addf(out, "&#10;%d play%s, ", rd->win_plays,
				    rd->win_plays == 1 ? "" : "s");
			add_ms_min(out, rd->win_ms);
			addf(out, " min&#10;day: %d plays, ", rd->plays);
			add_ms_min(out, rd->ms);
			strbuf_addstr(out, " min\">");
			add_cover(out, c, t, 42, "", "");
			addf(out, "<span class=\"n\">%d</span></a>", dom);
		}
		strbuf_addstr(out, "</div></section>");
	}
	strbuf_addstr(out, "</div>");
	page_end(out);
}

/* Vertical bars with month labels. */
static void svg_month_bars(struct strbuf *sb, const double *v, const char *unit)
{
	double max = 0;
	const int W = 480, H = 160, bw = 34;
	for (int i = 0; i < 12; i++)
		if (v[i] > max)
			max = v[i];
	addf(sb, "<svg class=\"chart\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
		    " role=\"img\"><title>%s per month</title>", W, H + 20, W, H + 20, unit);
	for (int i = 0; i < 12; i++) {
		double h = max > 0 ? v[i] / max * (H - 14) : 0;
		addf(sb, "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\""
			    " fill=\"#3d9a5c\"><title>%s: %.0f %s</title></rect>",
			    8 + i * 39, H - h, bw, h, month_names[i], v[i], unit);
		addf(sb, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%.3s</text>",
			    8 + i * 39 + bw / 2, H + 14, month_names[i]);
	}
	strbuf_addstr(sb, "</svg>");
}

static void svg_heatmap(struct strbuf *sb, const int heat[7][24])
{
	int max = 0;
	for (int d = 0; d < 7; d++)
		for (int h = 0; h < 24; h++)
			if (heat[d][h] > max)
				max = heat[d][h];
	strbuf_addstr(sb, "<svg class=\"chart\" width=\"560\" height=\"180\""
		      " viewBox=\"0 0 560 180\" role=\"img\"><title>plays by weekday and hour</title>");
	for (int d = 0; d < 7; d++) {
		addf(sb, "<text x=\"0\" y=\"%d\">%s</text>", 14 + d * 20, wd_names[d]);
		for (int h = 0; h < 24; h++) {
			double a = max ? 0.08 + 0.92 * heat[d][h] / max : 0.08;
			addf(sb, "<rect x=\"%d\" y=\"%d\" width=\"19\" height=\"18\""
				    " fill=\"#3d9a5c\" fill-opacity=\"%.2f\"><title>%s %02d:00:"
				    " %d plays</title></rect>", 36 + h * 21, 2 + d * 20, a,
				    wd_names[d], h, heat[d][h]);
		}
	}
	for (int h = 0; h < 24; h += 3)
		addf(sb, "<text x=\"%d\" y=\"160\">%02d</text>", 38 + h * 21, h);
	strbuf_addstr(sb, "</svg>");
}

static void svg_mood(struct strbuf *sb, const struct report_year *y)
{
	const char *names[2] = { "valence", "energy" }, *colors[2] = { "#d9822b", "#2b6cd9" };
	strbuf_addstr(sb, "<svg class=\"chart\" width=\"480\" height=\"150\" viewBox=\"0 0 480 150\""
		      " role=\"img\"><title>mood per month</title>"
		      "<line x1=\"20\" y1=\"130\" x2=\"470\" y2=\"130\" stroke=\"#bbb\"/>"
		      "<text x=\"0\" y=\"14\">1</text><text x=\"0\" y=\"132\">0</text>");
	for (int m = 0; m < 12; m++)
		addf(sb, "<text x=\"%d\" y=\"146\" text-anchor=\"middle\">%.3s</text>",
		     30 + m * 39, month_names[m]);
	for (int k = 0; k < 2; k++) {
		const double *v = k ? y->month_energy : y->month_valence;
		addf(sb, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"",
			    colors[k]);
		for (int m = 0; m < 12; m++)
			if (y->month_mood_plays[m])
				addf(sb, "%d,%.1f ", 30 + m * 39, 130 - v[m] * 120);
		strbuf_addstr(sb, "\"/>");
		for (int m = 0; m < 12; m++)
			if (y->month_mood_plays[m])
				addf(sb, "<circle cx=\"%d\" cy=\"%.1f\" r=\"3\" fill=\"%s\">"
					    "<title>%s %s: %.2f</title></circle>", 30 + m * 39,
					    130 - v[m] * 120, colors[k], month_names[m],
					    names[k], v[m]);
		addf(sb, "<text x=\"%d\" y=\"14\" text-anchor=\"end\" style=\"fill:%s\">"
			    "%s</text>", 400 + k * 70, colors[k], names[k]);
	}
	strbuf_addstr(sb, "</svg>");
}

enum rank_kind { RANK_TRACKS, RANK_ARTISTS, RANK_ALBUMS, RANK_GENRES };

/*
 * The picture of one entry of a top list: a cover, an initials tile, or none
 * (no covers). A track's album comes from the year (y) when there is one,
 * else from the history (nav: the all-time, range, week and month lists);
 * without either the track gets its initials tile.
 */
static void add_rank_image(struct strbuf *sb, const struct report_year *y,
			   const struct covers *c, const struct report_rank *r,
			   enum rank_kind kind, const struct nav_index *nav)
{
	if (!c)
		return;
	if (kind == RANK_TRACKS && y && r->track >= 0 && r->track < y->ntracks) {
		add_cover(sb, c, &y->tracks[r->track], 48, "thumb", "thumb");
	} else if (kind == RANK_TRACKS) {
		int t = nav ? nav_track_of(nav, r->key) : -1;
		add_image(sb, c, t >= 0 ? nav->t[t].album : "", r->label, 48, "thumb", "thumb");
	} else if (kind == RANK_ALBUMS)
		add_image(sb, c, r->key, r->label, 48, "thumb", "thumb");
	else if (kind == RANK_ARTISTS)
		add_image(sb, c, r->key, r->label, 48, "thumb round", "thumb round");
}

static void add_rank_list(struct strbuf *sb, const char *title, const struct report_year *y,
			  const struct covers *c, const struct report_rank *r, int n,
			  enum rank_kind kind, const struct nav_index *nav)
{
	addf(sb, "<div class=\"card\"><h2>%s</h2>", title);
	if (!n)
		strbuf_addstr(sb, "<p class=\"note\">none</p>");
	strbuf_addstr(sb, kind == RANK_GENRES ? "<ol>" : "<ol class=\"ranks\">");
	for (int i = 0; i < n; i++) {
		strbuf_addstr(sb, "<li>");
		if (kind != RANK_GENRES)
			addf(sb, "<b class=\"rk\">%d</b>", i + 1);
		add_rank_image(sb, y, c, &r[i], kind, nav);
		if (kind != RANK_GENRES)
			strbuf_addstr(sb, "<span class=\"what\">");
		if (kind == RANK_TRACKS)
			add_track_link(sb, r[i].key, r[i].label);
		else if (kind == RANK_ARTISTS)
			links_artist(sb, nav, r[i].key, r[i].label);
		else if (kind == RANK_ALBUMS)
			links_album(sb, nav, r[i].key, r[i].label);
		else
			add_name(sb, "name", r[i].label);
		if (r[i].sub && r[i].sub[0]) {
			strbuf_addstr(sb, " <span class=\"sub\">— ");
			links_track_artists(sb, kind == RANK_TRACKS ? nav : NULL, r[i].key, r[i].sub);
			strbuf_addstr(sb, "</span>");
		}
		addf(sb, " <span class=\"sub\">%d plays, ", r[i].plays);
		add_ms_min(sb, r[i].ms);
		strbuf_addstr(sb, kind == RANK_GENRES ? " min</span></li>" : " min</span></span></li>");
	}
	strbuf_addstr(sb, "</ol></div>");
}

void html_rank_list(struct strbuf *sb, const char *title, const struct report_rank *r,
		    int n, int kind, const struct nav_index *nav, const struct covers *c)
{
	/* html.h's kinds, in the order the navigation pages use */
	static const enum rank_kind kinds[] = { RANK_TRACKS, RANK_GENRES, RANK_ARTISTS,
						RANK_ALBUMS };
	add_rank_list(sb, title, NULL, c, r, n, kind >= 0 && kind < 4 ? kinds[kind] : RANK_GENRES,
		      nav);
}

void html_year(const struct report_year *y, const struct covers *c,
	       const int *years, int nyears, const struct nav_index *nav,
	       struct strbuf *out)
{
	char title[32], date[16], when[64];
	double mins[12];

	char head[512];
	snprintf(title, sizeof(title), "%d", y->year);
	/* The share card is the page's picture where it is shared (relative: the
	 * page does not know where it will be published). */
	snprintf(head, sizeof(head), "<meta property=\"og:type\" content=\"website\">"
		 "<meta property=\"og:title\" content=\"My %d in music\">"
		 "<meta property=\"og:image\" content=\"card-%d.png\">"
		 "<meta property=\"og:image:width\" content=\"1080\">"
		 "<meta property=\"og:image:height\" content=\"1350\">"
		 "<meta name=\"twitter:card\" content=\"summary_large_image\">", y->year, y->year);
	page_start_head(out, "Year in review", title, years, nyears, head);
	addf(out, "<h1>%d in review</h1><a class=\"share\" id=\"share-card\" href=\"card-%d.png\">"
		  "<img src=\"card-%d.png\" width=\"162\" height=\"203\" alt=\"The share card of %d\""
		  " loading=\"lazy\" decoding=\"async\"><span>Share card (1080×1350 PNG)</span></a>",
	     y->year, y->year, y->year, y->year);
	year_nav(out, "year", y->year, years, nyears);
	strbuf_addstr(out, "<div class=\"stats\">");
	addf(out, "<div class=\"stat\"><b id=\"hours\">%.1f h</b>listening time</div>",
		    (double)y->ms / 3600000.0);
	addf(out, "<div class=\"stat\"><b id=\"plays\">%d</b>plays</div>"
		    "<div class=\"stat\"><b>%d</b>tracks</div>"
		    "<div class=\"stat\"><b>%d</b>artists</div>"
		    "<div class=\"stat\"><b>%d</b>albums</div>",
		    y->plays, y->distinct_tracks, y->distinct_artists, y->distinct_albums);
	if (y->skips_known)
		addf(out, "<div class=\"stat\"><b>%.1f %%</b>skipped (of %d plays"
			    " with a known skip flag)</div>",
			    100.0 * y->skips / y->skips_known, y->skips_known);
	else
		strbuf_addstr(out, "<div class=\"stat\"><b>–</b>skip rate unknown"
			      " (no source said)</div>");
	addf(out, "<div class=\"stat\"><b>%d</b>artists new this year</div></div>",
		    y->new_artists);
	addf(out, "<p class=\"note\" id=\"time-note\">Listening time: %d of %d plays "
		    "measured (ms_played from an export, %.1f h); the other %d estimated from "
		    "the track's duration",
		    y->plays_ms_known, y->plays, (double)y->ms_measured / 3600000.0,
		    y->plays - y->plays_ms_known - y->plays_ms_unknown);
	if (y->plays_ms_unknown)
		addf(out, "; %d with neither counted as 0", y->plays_ms_unknown);
	strbuf_addstr(out, ". Music only; plays shorter than the minimum are not counted.</p>");

	strbuf_addstr(out, "<div class=\"cols\">");
	if (y->biggest_day >= 0) {
		const struct report_day *d = &y->days[y->biggest_day];
		html_date(d->day, date);
		addf(out, "<div class=\"card\"><h2>Biggest day</h2><a href=\"day-%s.html\">"
			    "%s</a>: %d plays, ", date, date, d->plays);
		add_ms_min(out, d->ms);
		strbuf_addstr(out, " min</div>");
	}
	if (y->first_play_ms >= 0) {
		const struct report_track *t = &y->tracks[y->first_play_track];
		time_format_local(y->first_play_ms, "%Y-%m-%d %H:%M", when, sizeof(when));
		addf(out, "<div class=\"card\"><h2>First play of the year</h2>%s: ", when);
		add_track_link(out, t->id, t->name);
		strbuf_addstr(out, " <span class=\"sub\">— ");
		links_track_artists(out, nav, t->id, t->artists);
		strbuf_addstr(out, "</span></div>");
	}
	strbuf_addstr(out, "</div><div class=\"cols\">");
	add_rank_list(out, "Top tracks", y, c, y->top_tracks, y->ntop_tracks, RANK_TRACKS, nav);
	add_rank_list(out, "Top artists", y, c, y->top_artists, y->ntop_artists, RANK_ARTISTS, nav);
	add_rank_list(out, "Top albums", y, c, y->top_albums, y->ntop_albums, RANK_ALBUMS, nav);
	add_rank_list(out, "Top genres", y, c, y->top_genres, y->ntop_genres, RANK_GENRES, nav);
	if (y->first_year) /* the list would be Top artists again */
		addf(out, "<div class=\"card\" id=\"new-artists\"><h2>New artists this year</h2>"
			  "<p>Your history starts in %d, so every artist you played is new."
			  " Next year this lists the ones you discover.</p></div>", y->year);
	else
		add_rank_list(out, "New artists this year", y, c, y->new_artist_list,
			      y->nnew_artist_list, RANK_ARTISTS, nav);
	strbuf_addstr(out, "</div>");

	for (int m = 0; m < 12; m++)
		mins[m] = (double)y->month_ms[m] / 60000.0;
	strbuf_addstr(out, "<div class=\"card\"><h2>Minutes per month</h2>");
	svg_month_bars(out, mins, "minutes");
	strbuf_addstr(out, "</div><div class=\"card\"><h2>When you listen</h2>");
	svg_heatmap(out, y->heat);
	strbuf_addstr(out, "</div><div class=\"card\"><h2>Mood over the months</h2>");
	int mood = 0;
	for (int m = 0; m < 12; m++)
		mood += y->month_mood_plays[m];
	if (mood)
		svg_mood(out, y);
	else
		strbuf_addstr(out, "<p class=\"note\">No audio features stored for this "
			      "year's tracks.</p>");
	addf(out, "</div><p><a href=\"calendar-%d.html\">The calendar of %d</a></p>",
		    y->year, y->year);
	page_end(out);
}

static void add_sources(struct strbuf *sb, int src)
{
	const char *sep = "";
	for (size_t i = 0; i < sources_len; i++)
		if (src & (int)SOURCE_BIT(sources[i].id)) {
			strbuf_addstr(sb, sep);
			strbuf_addstr(sb, sources[i].label);
			sep = "+";
		}
}

/*
 * "HH:MM:SS" in the local zone, with localtime_r once per quarter hour: no
 * zone changes its offset inside one (offsets are multiples of 15 minutes),
 * and a day page can list hundreds of plays.
 */
struct hms_cache {
	int64_t bucket;
	int hour, minute;
};

static void local_hms(struct hms_cache *c, int64_t ms, char buf[16])
{
	int64_t b = ms >= 0 ? ms / 900000 : -((-ms + 899999) / 900000);
	if (b != c->bucket) {
		char tmp[16];
		time_format_local(b * 900000, "%H %M", tmp, sizeof(tmp));
		c->bucket = b;
		c->hour = (tmp[0] - '0') * 10 + tmp[1] - '0';
		c->minute = (tmp[3] - '0') * 10 + tmp[4] - '0';
	}
	int64_t in = (ms - b * 900000) / 1000; /* seconds into the quarter */
	int v[3] = { c->hour, c->minute + (int)(in / 60), (int)(in % 60) };
	for (int k = 0; k < 3; k++) { /* "%02d:%02d:%02d" without printf, per play */
		buf[k * 3] = (char)('0' + v[k] / 10 % 10);
		buf[k * 3 + 1] = (char)('0' + v[k] % 10);
		buf[k * 3 + 2] = k < 2 ? ':' : '\0';
	}
}

void html_day(int64_t day, const struct report_plays *p, const struct nav_index *nav,
	      struct strbuf *out)
{
	struct hms_cache hc = { INT64_MIN, 0, 0 };
	char date[16], when[32];
	int y, m, d;

	html_date(day, date);
	time_civil_from_days(day, &y, &m, &d);
	page_start(out, "Plays of", date, NULL, 0);
	(void)y;
	addf(out, "<h1>Plays of %s</h1>", date);
	links_day_nav(out, nav, day);
	addf(out, "<table class=\"plays\"><tr><th>ended</th><th>track</th><th>artist</th><th>album</th>"
		    "<th>played</th><th>source</th><th></th></tr>");
	for (int i = 0; i < p->n; i++) {
		const struct report_play *x = &p->v[i];
		local_hms(&hc, x->played_ms, when);
		/* pieces, not printf: a day has hundreds of rows (see addf) */
		strbuf_addstr(out, x->counted ? "<tr><td>" : "<tr class=\"note\"><td>");
		strbuf_add(out, when, 8);
		strbuf_add(out, "</td><td>", 9);
		add_track_link(out, x->track_id[0] ? x->track_id : x->name_id, x->name);
		strbuf_add(out, "</td><td>", 9);
		/* one lookup of the track, not four: each is a hash and a strcmp */
		int ti = x->counted ? links_track_index(nav, x->track_id) : -1;
		links_track_artists_at(out, x->counted ? nav : NULL, ti, x->artists);
		strbuf_add(out, "</td><td>", 9);
		const char *album = links_track_album_at(nav, ti);
		if (album && nav_album_page(nav, album)) {
			strbuf_addstr(out, "<a href=\"album-");
			strbuf_addstr(out, album); /* nav_album_page: [A-Za-z0-9] */
			strbuf_addstr(out, ".html\">");
			add_name(out, "album", x->album);
			strbuf_addstr(out, "</a>");
		} else {
			add_name(out, "album", x->album);
		}
		strbuf_add(out, "</td><td>", 9);
		if (x->ms_played >= 0)
			addf(out, "%lld s", (long long)(x->ms_played / 1000));
		strbuf_add(out, "</td><td>", 9);
		add_sources(out, x->sources);
		strbuf_add(out, "</td><td>", 9);
		if (strcmp(x->kind, "music"))
			strbuf_add_html(out, x->kind);
		else if (!x->counted)
			strbuf_addstr(out, "too short");
		if (x->skipped > 0)
			strbuf_addstr(out, " skipped");
		strbuf_addstr(out, "</td></tr>");
	}
	strbuf_addstr(out, "</table>");
	if (!p->n)
		strbuf_addstr(out, "<p>No plays that day.</p>");
	page_end(out);
}

/* Plays per month over the track's whole history. */
static void svg_track_plays(struct strbuf *sb, const struct report_track_page *t)
{
	int y0, y1, m0, m1, d;
	time_civil_from_days(time_local_day(t->plays_ms[0]), &y0, &m0, &d);
	time_civil_from_days(time_local_day(t->plays_ms[t->nplays - 1]), &y1, &m1, &d);
	int n = (y1 - y0) * 12 + m1 - m0 + 1, max = 0;
	int counts[1200] = { 0 };
	if (n > 1200)
		n = 1200;
	for (int i = 0; i < t->nplays; i++) {
		int yy, mm;
		time_civil_from_days(time_local_day(t->plays_ms[i]), &yy, &mm, &d);
		int k = (yy - y0) * 12 + mm - m0;
		if (k >= 0 && k < n && ++counts[k] > max)
			max = counts[k];
	}
	double bw = 600.0 / n > 40 ? 40 : 600.0 / n;
	strbuf_addstr(sb, "<svg class=\"chart\" width=\"620\" height=\"150\" viewBox=\"0 0 620 150\""
		      " role=\"img\"><title>plays per month</title>");
	for (int k = 0; k < n; k++) {
		double h = max ? 110.0 * counts[k] / max : 0;
		int yy = y0 + (m0 - 1 + k) / 12, mm = (m0 - 1 + k) % 12 + 1;
		const double v[4] = { 10 + k * bw, 120 - h, bw > 2 ? bw - 1 : bw, h };
		static const char *const attr[4] = { "<rect x=\"", "\" y=\"", "\" width=\"",
						     "\" height=\"" };
		for (int a = 0; a < 4; a++) {
			strbuf_addstr(sb, attr[a]);
			add_tenths(sb, v[a]);
		}
		addf(sb, "\" fill=\"#3d9a5c\"><title>%04d-%02d: %d plays</title></rect>",
		     yy, mm, counts[k]);
	}
	/* The labels sit under the bars they name, not at the chart's far end. */
	if (n == 1) {
		strbuf_addstr(sb, "<text x=\"");
		add_tenths(sb, 10 + bw / 2);
		addf(sb, "\" y=\"138\" text-anchor=\"middle\">%04d-%02d</text></svg>", y0, m0);
		return;
	}
	if (n * bw < 120) { /* two labels of about 50 units each would overlap */
		addf(sb, "<text x=\"10\" y=\"138\">%04d-%02d – %04d-%02d</text></svg>", y0, m0,
		     y1, m1);
		return;
	}
	addf(sb, "<text x=\"10\" y=\"138\">%04d-%02d</text><text x=\"", y0, m0);
	add_tenths(sb, 10 + n * bw);
	addf(sb, "\" y=\"138\" text-anchor=\"end\">%04d-%02d</text></svg>", y1, m1);
}

/* The sections along the track: height = loudness, line = tempo. */
static void svg_sections(struct strbuf *sb, const struct report_track_page *t)
{
	double end = 0, tmin = 1e9, tmax = -1e9;
	for (int i = 0; i < t->nsections; i++) {
		const struct report_section *s = &t->sections[i];
		if (s->start + s->duration > end)
			end = s->start + s->duration;
		if (s->tempo < tmin) tmin = s->tempo;
		if (s->tempo > tmax) tmax = s->tempo;
	}
	if (end <= 0)
		end = 1;
	if (tmax - tmin < 1) { tmax += 1; tmin -= 1; }
	strbuf_addstr(sb, "<svg class=\"chart\" width=\"620\" height=\"172\" viewBox=\"0 0 620 172\""
		      " role=\"img\"><title>sections: loudness (bars) and tempo (line)</title>");
	for (int i = 0; i < t->nsections; i++) {
		const struct report_section *s = &t->sections[i];
		double x = 10 + s->start / end * 600, w = s->duration / end * 600;
		double l = s->loudness < -60 ? -60 : s->loudness > 0 ? 0 : s->loudness;
		double h = (60 + l) / 60 * 140;
		addf(sb, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\""
			    " fill=\"%s\" stroke=\"#fff\"><title>section %d: %.1f–%.1f s,"
			    " loudness %.1f dB, tempo %.1f BPM</title></rect>",
			    x, 150 - h, w > 1 ? w : 1, h, i % 2 ? "#6fbf8a" : "#3d9a5c", i + 1,
			    s->start, s->start + s->duration, s->loudness, s->tempo);
	}
	strbuf_addstr(sb, "<polyline fill=\"none\" stroke=\"#d9822b\" stroke-width=\"2\" points=\"");
	for (int i = 0; i < t->nsections; i++) {
		const struct report_section *s = &t->sections[i];
		double x = 10 + (s->start + s->duration / 2) / end * 600;
		addf(sb, "%.1f,%.1f ", x, 140 - (s->tempo - tmin) / (tmax - tmin) * 120);
	}
	/* The key is text below the chart, so it stays legible when the chart shrinks. */
	addf(sb, "\"/><text x=\"10\" y=\"168\">0 s</text><text x=\"610\" y=\"168\""
		    " text-anchor=\"end\">%.0f s</text></svg><div class=\"key\"><span><i"
		    " style=\"background:#3d9a5c\"></i>bars: loudness (-60..0 dB)</span><span><i"
		    " style=\"background:#d9822b;height:3px\"></i>line: tempo %.0f–%.0f BPM"
		    "</span></div>", end, tmin, tmax);
}

void html_track(const struct report_track_page *t, const struct covers *c,
		const struct nav_index *nav, struct strbuf *out)
{
	uint64_t name_key;

	page_start(out, "Track", t->t.name, NULL, 0);
	strbuf_addstr(out, "<div class=\"card\">");
	add_cover(out, c, &t->t, 120, "cover", "bigtile");
	strbuf_addstr(out, "<h1>");
	add_name(out, "track", t->t.name);
	strbuf_addstr(out, "</h1><p>");
	links_track_artists(out, nav, t->t.id, t->t.artists);
	strbuf_addstr(out, " · ");
	if (nav && nav_album_page(nav, t->t.album_id)) {
		addf(out, "<a href=\"album-%s.html\">", t->t.album_id);
		add_name(out, "album", t->t.album);
		strbuf_addstr(out, "</a>");
	} else {
		add_name(out, "album", t->t.album);
	}
	addf(out, "</p><p>%d play%s stored", t->nplays, t->nplays == 1 ? "" : "s");
	if (t->t.duration_ms >= 0)
		addf(out, " · %d:%02d", (int)(t->t.duration_ms / 60000),
			    (int)(t->t.duration_ms / 1000 % 60));
	if (t->has_features) { /* a provider may leave any of them unknown (NAN) */
		const char *names[] = { "valence", "energy", "danceability" };
		const double v[] = { t->valence, t->energy, t->danceability };
		for (int i = 0; i < 3; i++)
			if (!isnan(v[i]))
				addf(out, " · %s %.2f", names[i], v[i]);
	}
	strbuf_addstr(out, "</p><div style=\"clear:both\"></div></div>");
	strbuf_addstr(out, "<div class=\"card\"><h2>Plays over time</h2>");
	if (t->nplays)
		svg_track_plays(out, t);
	else
		strbuf_addstr(out, "<p class=\"note\">No plays stored.</p>");
	if (report_name_id_parse(t->t.id, &name_key)) {
		/* what needs an id (cover, duration, features, sections) is left out */
		strbuf_addstr(out, "</div><div class=\"card\"><p class=\"note\">Known by "
			      "its names only: these plays carry no Spotify id, so there "
			      "is no cover, duration or audio analysis ('spinlog resolve' "
			      "looks for the id).</p></div>");
		page_end(out);
		return;
	}
	strbuf_addstr(out, "</div><div class=\"card\"><h2>Sections</h2>");
	if (t->nsections)
		svg_sections(out, t);
	else
		strbuf_addstr(out, "<p class=\"note\">No audio analysis stored for this track.</p>");
	strbuf_addstr(out, "</div>");
	page_end(out);
}

/* The days of the year as a grid of weeks, a month's name over its first week. */
static void svg_coverage(struct strbuf *sb, const struct report_coverage *cv, int count[4])
{
	static const char *const fill[4] = { "#e4e4e4", "#2b6cd9", "#d9822b", "#3d9a5c" };
	static const char *const what[4] = { "no plays", "polling", "export",
					     "polling and export" };
	int pad = (int)(((cv->first_day + 3) % 7 + 7) % 7);
	int weeks = (cv->ndays + pad + 6) / 7;
	char date[16];

	addf(sb, "<svg class=\"chart\" width=\"%d\" height=\"110\" viewBox=\"0 0 %d 110\""
		 " role=\"img\"><title>days by source</title>", 32 + weeks * 13, 32 + weeks * 13);
	for (int i = 0; i < cv->ndays; i++) {
		const struct report_coverage_day *d = &cv->days[i];
		int k = i + pad, src = (d->api ? 1 : 0) + (d->exported ? 2 : 0);
		int yy, mm, dd;
		count[src]++;
		time_civil_from_days(cv->first_day + i, &yy, &mm, &dd);
		if (dd == 1)
			addf(sb, "<text x=\"%d\" y=\"11\">%.3s</text>", 30 + (k / 7 + (k % 7 != 0)) * 13,
			     month_names[mm - 1]);
		html_date(cv->first_day + i, date);
		addf(sb, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\""
			 " data-date=\"%s\"><title>%s: %s (%d plays)</title></rect>",
		     30 + (k / 7) * 13, 16 + (k % 7) * 13, fill[src], date, date, what[src],
		     d->plays);
	}
	for (int w = 0; w < 7; w += 2)
		addf(sb, "<text x=\"0\" y=\"%d\">%s</text>", 26 + w * 13, wd_names[w]);
	strbuf_addstr(sb, "</svg>");
}

static void add_gaps(struct strbuf *out, const struct report_coverage *cv)
{
	char a[32], b[32];

	strbuf_addstr(out, "<div class=\"card\"><h2>Gaps</h2><p class=\"note\">Spans where "
		      "polling could not see every play (recently-played keeps only the last 50)."
		      " An export can heal them.</p><div class=\"scroll\"><table><tr><th>account"
		      "</th><th>from</th><th>to</th><th>hours</th><th>healed</th></tr>");
	for (int i = 0; i < cv->ngaps; i++) {
		const struct report_gap *g = &cv->gaps[i];
		time_format_local(g->from_ms, "%Y-%m-%d %H:%M", a, sizeof(a));
		time_format_local(g->to_ms, "%Y-%m-%d %H:%M", b, sizeof(b));
		strbuf_addstr(out, "<tr><td>");
		add_name(out, "account", g->account);
		addf(out, "</td><td>%s</td><td>%s</td><td>%.1f</td><td>", a, b,
			    (double)(g->to_ms - g->from_ms) / 3600000.0);
		if (g->healed_ms >= 0) {
			strbuf_addstr(out, "by ");
			strbuf_add_html(out, g->healed_by);
		} else {
			strbuf_addstr(out, "open");
		}
		strbuf_addstr(out, "</td></tr>");
	}
	strbuf_addstr(out, "</table></div>");
	if (!cv->ngaps)
		strbuf_addstr(out, "<p>No gaps recorded this year.</p>");
	strbuf_addstr(out, "</div>");
}

void html_coverage(const struct report_coverage *cv, const int *years,
		   int nyears, struct strbuf *out)
{
	char title[16];
	int n[4] = { 0 }; /* no plays, polling only, export only, both */

	snprintf(title, sizeof(title), "%d", cv->year);
	page_start(out, "Coverage", title, years, nyears);
	addf(out, "<h1>Coverage of %d</h1><p>", cv->year);
	for (int i = 0; i < nyears; i++)
		addf(out, "<a href=\"coverage-%d.html\">%d</a> ", years[i], years[i]);
	strbuf_addstr(out, "</p><div class=\"card\">");
	svg_coverage(out, cv, n);
	/* The key is text beside the chart, so it stays legible when the chart shrinks. */
	addf(out, "<div class=\"key\"><span><i style=\"background:#2b6cd9\"></i>polling only"
		  " (%d days)</span><span><i style=\"background:#d9822b\"></i>export only (%d)"
		  "</span><span><i style=\"background:#3d9a5c\"></i>both (%d)</span><span><i"
		  " style=\"background:#e4e4e4\"></i>no plays (%d)</span></div></div>",
	     n[1], n[2], n[3], n[0]);
	add_gaps(out, cv);
	page_end(out);
}

void html_not_found(const char *what, struct strbuf *out)
{
	page_start(out, "Not found", NULL, NULL, 0);
	strbuf_addstr(out, "<h1>Not found</h1><p>");
	strbuf_add_html(out, what);
	strbuf_addstr(out, "</p><p><a href=\"index.html\">Home</a></p>");
	page_end(out);
}
