#include "web/card.h"

#include <cairo.h>
#include <cairo-svg.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/banned.h"

/* Longer names are cut before pango sees them: shaping a name of a megabyte
 * to show 30 characters of it would take seconds. */
#define NAME_MAX_CHARS 200

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static PangoFontMap *fontmap; /* shared by every card, under lock */

/* ---- the figures ------------------------------------------------------ */

void card_figures(const struct report_year *y, struct card_figures *f)
{
	memset(f, 0, sizeof(*f));
	f->year = y->year;
	f->minutes = y->ms / 60000;
	f->plays = y->plays;
	f->artists = y->distinct_artists;
	f->tracks = y->distinct_tracks;
	f->top_artist = y->ntop_artists ? &y->top_artists[0] : NULL;
	f->top_track = y->ntop_tracks ? &y->top_tracks[0] : NULL;
	for (int i = 0; i < y->ntop_tracks && f->ncovers < CARD_COVERS; i++) {
		int t = y->top_tracks[i].track, seen = 0;
		if (t < 0 || t >= y->ntracks || !covers_id_ok(y->tracks[t].album_id))
			continue;
		for (int k = 0; k < f->ncovers; k++)
			seen |= !strcmp(f->covers[k], y->tracks[t].album_id);
		if (!seen)
			f->covers[f->ncovers++] = y->tracks[t].album_id;
	}
}

static void json_rank(struct strbuf *out, const char *k, const struct report_rank *r)
{
	strbuf_addf(out, ",\"%s\":", k);
	if (!r) {
		strbuf_addstr(out, "null");
		return;
	}
	strbuf_addstr(out, "{\"name\":");
	strbuf_add_json_str(out, r->label);
	if (r->sub && r->sub[0]) {
		strbuf_addstr(out, ",\"artists\":");
		strbuf_add_json_str(out, r->sub);
	}
	strbuf_addf(out, ",\"plays\":%d}", r->plays);
}

void card_json(const struct report_year *y, struct strbuf *out)
{
	struct card_figures f;
	card_figures(y, &f);
	strbuf_addf(out, "{\"year\":%d,\"width\":%d,\"height\":%d,\"minutes\":%lld,"
		    "\"plays\":%d,\"artists\":%d,\"tracks\":%d", f.year, CARD_W, CARD_H,
		    (long long)f.minutes, f.plays, f.artists, f.tracks);
	json_rank(out, "top_artist", f.top_artist);
	json_rank(out, "top_track", f.top_track);
	strbuf_addstr(out, ",\"covers\":[");
	for (int i = 0; i < f.ncovers; i++) {
		if (i)
			strbuf_addch(out, ',');
		strbuf_add_json_str(out, f.covers[i]);
	}
	strbuf_addstr(out, "]}");
}

/* ---- drawing ---------------------------------------------------------- */

/* A cached cover scaled to px, or NULL (not cached, or not an image). */
static cairo_surface_t *load_cover(const struct covers *c, const char *album_id, int px)
{
	char name[128], path[4096];
	GError *e = NULL;

	if (!covers_find(c, album_id, name, sizeof(name)))
		return NULL;
	snprintf(path, sizeof(path), "%s/%s", c->dir, name);
	GdkPixbuf *pb = gdk_pixbuf_new_from_file_at_scale(path, px, px, FALSE, &e);
	if (!pb) {
		g_clear_error(&e);
		return NULL;
	}
	int w = gdk_pixbuf_get_width(pb), h = gdk_pixbuf_get_height(pb);
	int n = gdk_pixbuf_get_n_channels(pb), rs = gdk_pixbuf_get_rowstride(pb);
	const guchar *src = gdk_pixbuf_read_pixels(pb);
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
	unsigned char *dst = cairo_image_surface_get_data(s);
	int ds = cairo_image_surface_get_stride(s);
	for (int yy = 0; dst && n >= 3 && yy < h; yy++)
		for (int x = 0; x < w; x++) {
			const guchar *p = src + (size_t)yy * (size_t)rs + (size_t)x * (size_t)n;
			((uint32_t *)(dst + (size_t)yy * (size_t)ds))[x] =
				0xff000000u | (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
		}
	cairo_surface_mark_dirty(s);
	g_object_unref(pb);
	return s;
}

/* The mean colour of a surface (the card's accent), each channel 0..1. */
static void mean_colour(cairo_surface_t *s, double rgb[3])
{
	const unsigned char *d = cairo_image_surface_get_data(s);
	int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
	int st = cairo_image_surface_get_stride(s);
	double sum[3] = { 0, 0, 0 };
	for (int y = 0; d && y < h; y += 4)
		for (int x = 0; x < w; x += 4) {
			uint32_t v = ((const uint32_t *)(d + (size_t)y * (size_t)st))[x];
			sum[0] += (v >> 16) & 0xff;
			sum[1] += (v >> 8) & 0xff;
			sum[2] += v & 0xff;
		}
	double n = (double)((h + 3) / 4) * ((w + 3) / 4) * 255.0;
	for (int k = 0; k < 3; k++)
		rgb[k] = n > 0 ? sum[k] / n : 0.3;
}

/*
 * s made valid UTF-8, cut to NAME_MAX_CHARS, without the bidi embedding,
 * override and isolate controls (U+202A..U+202E, U+2066..U+2069): a name
 * takes its own direction and cannot reverse the text drawn after it.
 * The caller g_free()s it.
 */
static char *clean_name(const char *s)
{
	char *v = g_utf8_make_valid(s, -1);
	GString *o = g_string_sized_new(64);
	glong n = 0;
	for (const char *p = v; *p && n < NAME_MAX_CHARS; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if ((c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069))
			continue;
		g_string_append_unichar(o, c);
		n++;
	}
	g_free(v);
	return g_string_free(o, FALSE);
}

/*
 * One line of plain text centred in [x, x + w] with its top at y, in font
 * at px pixels (clean_name), ellipsized to w.
 * Returns the height drawn.
 */
struct pen {
	cairo_t *cr;
	PangoContext *ctx; /* of the shared font map */
};

static int text(const struct pen *pen, const char *s, const char *font, int px, double x,
		double y, double w, double alpha)
{
	cairo_t *cr = pen->cr;
	char *v = clean_name(s);
	PangoLayout *l = pango_layout_new(pen->ctx);
	PangoFontDescription *fd = pango_font_description_from_string(font);
	int tw, th;

	pango_font_description_set_absolute_size(fd, px * PANGO_SCALE);
	pango_layout_set_font_description(l, fd);
	pango_layout_set_width(l, (int)(w * PANGO_SCALE));
	pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
	pango_layout_set_single_paragraph_mode(l, TRUE);
	pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
	pango_layout_set_text(l, v, -1);
	pango_layout_get_pixel_size(l, &tw, &th);
	cairo_set_source_rgba(cr, 1, 1, 1, alpha);
	cairo_move_to(cr, x, y);
	pango_cairo_show_layout(cr, l);
	pango_font_description_free(fd);
	g_object_unref(l);
	g_free(v);
	return th;
}

static void rounded(cairo_t *cr, double x, double y, double w, double h, double r)
{
	cairo_new_sub_path(cr);
	cairo_arc(cr, x + w - r, y + r, r, -M_PI / 2, 0);
	cairo_arc(cr, x + w - r, y + h - r, r, 0, M_PI / 2);
	cairo_arc(cr, x + r, y + h - r, r, M_PI / 2, M_PI);
	cairo_arc(cr, x + r, y + r, r, M_PI, 3 * M_PI / 2);
	cairo_close_path(cr);
}

/* A cover at (x, y), size px: the image, or a grey square when not cached. */
static void draw_cover(cairo_t *cr, cairo_surface_t *img, double x, double y, double px)
{
	cairo_save(cr);
	rounded(cr, x, y, px, px, px / 24);
	cairo_clip(cr);
	if (img) {
		cairo_translate(cr, x, y);
		cairo_scale(cr, px / cairo_image_surface_get_width(img),
			    px / cairo_image_surface_get_height(img));
		cairo_set_source_surface(cr, img, 0, 0);
	} else {
		cairo_set_source_rgba(cr, 1, 1, 1, 0.12);
	}
	cairo_paint(cr);
	cairo_restore(cr);
}

/* The hero: the top cover large, the next four in a square beside it. */
static void draw_covers(cairo_t *cr, cairo_surface_t *const *img, int n)
{
	static const double at[CARD_COVERS][3] = {
		{ 60, 220, 470 }, { 550, 220, 225 }, { 795, 220, 225 },
		{ 550, 465, 225 }, { 795, 465, 225 },
	};
	for (int i = 0; i < CARD_COVERS; i++)
		draw_cover(cr, i < n ? img[i] : NULL, at[i][0], at[i][1], at[i][2]);
}

/* "12,345": thousands grouped, as a poster prints them. */
static void grouped(char *buf, size_t len, long long v)
{
	char raw[32];
	int n = snprintf(raw, sizeof(raw), "%lld", v < 0 ? 0 : v), o = 0;
	for (int i = 0; i < n && (size_t)o + 2 < len; i++) {
		if (i && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = raw[i];
	}
	buf[o] = '\0';
}

static void draw_figures(const struct pen *pen, const struct card_figures *f)
{
	char m[32], a[32], b[32], c[32], line[160];
	grouped(m, sizeof(m), f->minutes);
	snprintf(line, sizeof(line), "%s minutes", m);
	text(pen, line, "DejaVu Sans Bold", 84, 60, 715, 960, 1);
	grouped(a, sizeof(a), f->plays);
	grouped(b, sizeof(b), f->artists);
	grouped(c, sizeof(c), f->tracks);
	snprintf(line, sizeof(line), "%s plays · %s artists · %s tracks", a, b, c);
	text(pen, line, "DejaVu Sans", 34, 60, 820, 960, 0.85);
	text(pen, "TOP ARTIST", "DejaVu Sans Bold", 24, 60, 892, 960, 0.6);
	text(pen, f->top_artist ? f->top_artist->label : "–", "DejaVu Sans Bold", 52, 60, 922,
	     960, 1);
	text(pen, "TOP TRACK", "DejaVu Sans Bold", 24, 60, 1004, 960, 0.6);
	text(pen, f->top_track ? f->top_track->label : "–", "DejaVu Sans Bold", 44, 60, 1034,
	     960, 1);
	if (f->top_track && f->top_track->sub)
		text(pen, f->top_track->sub, "DejaVu Sans", 30, 60, 1092, 960, 0.8);
}

/* The days of the year as 53 weeks of 7, brighter with more minutes. */
static void draw_days(cairo_t *cr, const struct report_year *y)
{
	int64_t max = 1;
	int pad = (int)(((y->first_day + 3) % 7 + 7) % 7);
	const double cell = 17, gap = 2, x0 = (CARD_W - 53 * (cell + gap)) / 2, y0 = 1160;
	for (int i = 0; i < y->ndays; i++)
		if (y->days[i].ms > max)
			max = y->days[i].ms;
	for (int i = 0; i < y->ndays; i++) {
		int k = i + pad;
		double v = y->days[i].ms > 0 ? 0.25 + 0.75 * sqrt((double)y->days[i].ms / max) : 0.07;
		cairo_set_source_rgba(cr, 1, 1, 1, v);
		rounded(cr, x0 + (k / 7) * (cell + gap), y0 + (k % 7) * (cell + gap), cell, cell, 3);
		cairo_fill(cr);
	}
}

static void draw_card(const struct pen *pen, const struct report_year *y,
		      const struct covers *c)
{
	cairo_t *cr = pen->cr;
	struct card_figures f;
	cairo_surface_t *img[CARD_COVERS] = { NULL };
	double acc[3] = { 0.25, 0.3, 0.35 };
	char title[64];

	card_figures(y, &f);
	for (int i = 0; i < f.ncovers; i++)
		img[i] = load_cover(c, f.covers[i], i ? 225 : 470);
	/* Once per cover: the mean walks 1/16 of a 470 px image at each render. */
	if (img[0] && !covers_accent(c, f.covers[0], acc)) {
		mean_colour(img[0], acc);
		covers_accent_keep(c, f.covers[0], acc);
	}
	/* The accent of the top cover, darkened so white text always reads. */
	cairo_pattern_t *g = cairo_pattern_create_linear(0, 0, 0, CARD_H);
	cairo_pattern_add_color_stop_rgb(g, 0, acc[0] * 0.55, acc[1] * 0.55, acc[2] * 0.55);
	cairo_pattern_add_color_stop_rgb(g, 1, acc[0] * 0.12, acc[1] * 0.12, acc[2] * 0.12);
	cairo_set_source(cr, g);
	cairo_paint(cr);
	cairo_pattern_destroy(g);
	snprintf(title, sizeof(title), "My %d in music", y->year);
	text(pen, title, "DejaVu Sans Bold", 76, 60, 70, 960, 1);
	text(pen, "spinlog", "DejaVu Sans", 26, 60, 30, 960, 0.6);
	draw_covers(cr, img, f.ncovers);
	draw_figures(pen, &f);
	draw_days(cr, y);
	for (int i = 0; i < CARD_COVERS; i++)
		if (img[i])
			cairo_surface_destroy(img[i]);
}

static cairo_status_t to_strbuf(void *closure, const unsigned char *data, unsigned int n)
{
	strbuf_add(closure, data, n);
	return CAIRO_STATUS_SUCCESS;
}

/* Draws the card on s (an image or an SVG surface); its status. */
static cairo_status_t render(const struct report_year *y, const struct covers *c,
			     cairo_surface_t *s)
{
	cairo_t *cr = cairo_create(s);
	cairo_status_t st;

	/* One card at a time: pango's objects are not shared between threads. */
	pthread_mutex_lock(&lock);
	if (!fontmap)
		fontmap = pango_cairo_font_map_new();
	struct pen pen = { cr, pango_font_map_create_context(fontmap) };
	pango_cairo_update_context(cr, pen.ctx);
	draw_card(&pen, y, c);
	g_object_unref(pen.ctx);
	pthread_mutex_unlock(&lock);
	st = cairo_status(cr);
	cairo_destroy(cr);
	return st;
}

static int failed(cairo_status_t st, struct strbuf *err)
{
	if (st == CAIRO_STATUS_SUCCESS)
		return 0;
	strbuf_addf(err, "drawing the card failed: %s", cairo_status_to_string(st));
	return -1;
}

int card_png(const struct report_year *y, const struct covers *c, struct strbuf *out,
	     struct strbuf *err)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, CARD_W, CARD_H);
	cairo_status_t st = render(y, c, s);

	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_write_to_png_stream(s, to_strbuf, out);
	cairo_surface_destroy(s);
	return failed(st, err);
}

int card_svg(const struct report_year *y, const struct covers *c, struct strbuf *out,
	     struct strbuf *err)
{
	cairo_surface_t *s = cairo_svg_surface_create_for_stream(to_strbuf, out, CARD_W, CARD_H);
	cairo_status_t st = render(y, c, s);

	cairo_surface_finish(s); /* writes the document */
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(s);
	cairo_surface_destroy(s);
	return failed(st, err);
}
