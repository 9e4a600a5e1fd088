/*
 * Every picture is drawn on a 640-unit square scaled to the asked size, so
 * the three sizes are one design, as a CDN's resized copies are. Measured:
 * 640 px about 15 ms and 40-120 kB, 300 px 4 ms and 15-40 kB, 64 px under
 * 1 ms and 3 kB (zlib's default level in cairo's PNG writer).
 */
#include "cover.h"

#include <cairo.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "rng.h"
#include "core/banned.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static PangoFontMap *fontmap; /* shared by every call, under lock */

struct rgb {
	double r, g, b;
};

/* A colour of hue h (0..1) with saturation s and lightness l (HSL). */
static struct rgb hsl(double h, double s, double l)
{
	double c = (1 - fabs(2 * l - 1)) * s, hp = fmod(h, 1.0) * 6;
	double x = c * (1 - fabs(fmod(hp, 2) - 1)), m = l - c / 2;
	struct rgb o = { 0, 0, 0 };
	if (hp < 1) o = (struct rgb){ c, x, 0 };
	else if (hp < 2) o = (struct rgb){ x, c, 0 };
	else if (hp < 3) o = (struct rgb){ 0, c, x };
	else if (hp < 4) o = (struct rgb){ 0, x, c };
	else if (hp < 5) o = (struct rgb){ x, 0, c };
	else o = (struct rgb){ c, 0, x };
	return (struct rgb){ o.r + m, o.g + m, o.b + m };
}

/* Four colours: a base hue and its neighbours or complement. */
struct palette {
	struct rgb c[4];
	int dark; /* text in white */
};

static void make_palette(struct rng *r, struct palette *p)
{
	double h = rng_unit(r), spread = rng_range(r, 0.03, 0.16);
	double s = rng_range(r, 0.35, 0.85);
	int accent = rng_unit(r) < 0.5; /* the last colour the complement */
	p->dark = rng_unit(r) < 0.6;
	for (int i = 0; i < 4; i++) {
		double l = p->dark ? 0.16 + 0.15 * i : 0.84 - 0.14 * i;
		double hue = accent && i == 3 ? h + 0.5 : h + spread * i;
		p->c[i] = hsl(hue, s, l + rng_range(r, -0.04, 0.04));
	}
}

static void set(cairo_t *cr, struct rgb c, double a)
{
	cairo_set_source_rgba(cr, c.r, c.g, c.b, a);
}

static void gradient_bg(cairo_t *cr, const struct palette *p, struct rng *r)
{
	double a = rng_range(r, 0, 2 * M_PI);
	cairo_pattern_t *g = cairo_pattern_create_linear(320 - 320 * cos(a), 320 - 320 * sin(a),
							 320 + 320 * cos(a), 320 + 320 * sin(a));
	cairo_pattern_add_color_stop_rgb(g, 0, p->c[0].r, p->c[0].g, p->c[0].b);
	cairo_pattern_add_color_stop_rgb(g, 1, p->c[2].r, p->c[2].g, p->c[2].b);
	cairo_set_source(cr, g);
	cairo_paint(cr);
	cairo_pattern_destroy(g);
}

/* A gradient sky and a low sun with its glow. */
static void style_sun(cairo_t *cr, const struct palette *p, struct rng *r)
{
	double x = rng_range(r, 180, 460), y = rng_range(r, 220, 420), rad = rng_range(r, 90, 170);
	gradient_bg(cr, p, r);
	cairo_pattern_t *g = cairo_pattern_create_radial(x, y, rad * 0.6, x, y, rad * 2.2);
	cairo_pattern_add_color_stop_rgba(g, 0, p->c[3].r, p->c[3].g, p->c[3].b, 0.6);
	cairo_pattern_add_color_stop_rgba(g, 1, p->c[3].r, p->c[3].g, p->c[3].b, 0);
	cairo_set_source(cr, g);
	cairo_paint(cr);
	cairo_pattern_destroy(g);
	set(cr, p->c[3], 1);
	cairo_arc(cr, x, y, rad, 0, 2 * M_PI);
	cairo_fill(cr);
	set(cr, p->c[1], 0.85);
	for (int i = 0; i < 5; i++) { /* the sun's reflection in water */
		cairo_rectangle(cr, 0, y + rad * 0.3 + i * 22, 640, 9 + i * 2);
		cairo_fill(cr);
	}
}

static void style_rings(cairo_t *cr, const struct palette *p, struct rng *r)
{
	double x = rng_range(r, 120, 520), y = rng_range(r, 120, 520);
	int n = (int)rng_int(r, 6, 14);
	set(cr, p->c[0], 1);
	cairo_paint(cr);
	for (int i = n; i > 0; i--) {
		set(cr, p->c[i % 4], 1);
		cairo_arc(cr, x, y, i * 520.0 / n, 0, 2 * M_PI);
		cairo_fill(cr);
	}
}

static void style_stripes(cairo_t *cr, const struct palette *p, struct rng *r)
{
	double w = rng_range(r, 30, 90);
	gradient_bg(cr, p, r);
	cairo_save(cr);
	cairo_translate(cr, 320, 320);
	cairo_rotate(cr, rng_range(r, -1.2, 1.2));
	for (int i = -12; i < 12; i++) {
		set(cr, p->c[(i + 12) % 4], 0.75);
		cairo_rectangle(cr, i * w * 1.6, -700, w, 1400);
		cairo_fill(cr);
	}
	cairo_restore(cr);
}

static void style_blocks(cairo_t *cr, const struct palette *p, struct rng *r)
{
	int n = (int)rng_int(r, 3, 5);
	double cell = 640.0 / n;
	set(cr, p->c[3], 1);
	cairo_paint(cr);
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++) {
			int shape = (int)rng_int(r, 0, 3);
			set(cr, p->c[rng_int(r, 0, 2)], 1);
			double x = i * cell, y = j * cell;
			if (shape == 0)
				cairo_rectangle(cr, x, y, cell, cell);
			else if (shape == 1)
				cairo_arc(cr, x + cell / 2, y + cell / 2, cell * 0.42, 0, 2 * M_PI);
			else if (shape == 2) {
				cairo_move_to(cr, x, y + cell);
				cairo_line_to(cr, x + cell, y + cell);
				cairo_line_to(cr, x + (rng_unit(r) < 0.5 ? 0 : cell), y);
			} else
				cairo_arc(cr, x, y, cell, 0, M_PI / 2);
			cairo_fill(cr);
		}
}

static void style_mountains(cairo_t *cr, const struct palette *p, struct rng *r)
{
	gradient_bg(cr, p, r);
	for (int layer = 0; layer < 4; layer++) {
		double base = 300 + layer * 90;
		set(cr, p->c[layer], 0.9);
		cairo_move_to(cr, 0, 640);
		for (int x = 0; x <= 640; x += 80)
			cairo_line_to(cr, x, base - rng_range(r, 0, 160 - layer * 30));
		cairo_line_to(cr, 640, 640);
		cairo_close_path(cr);
		cairo_fill(cr);
	}
}

/* An artist: a head and shoulders in silhouette on a soft radial light. */
static void style_portrait(cairo_t *cr, const struct palette *p, struct rng *r)
{
	double x = rng_range(r, 260, 380);
	cairo_pattern_t *g = cairo_pattern_create_radial(x, 260, 40, x, 300, 520);
	cairo_pattern_add_color_stop_rgb(g, 0, p->c[3].r, p->c[3].g, p->c[3].b);
	cairo_pattern_add_color_stop_rgb(g, 1, p->c[0].r, p->c[0].g, p->c[0].b);
	cairo_set_source(cr, g);
	cairo_paint(cr);
	cairo_pattern_destroy(g);
	set(cr, p->c[1], 1);
	cairo_arc(cr, x, 250, 105, 0, 2 * M_PI);
	cairo_fill(cr);
	cairo_save(cr);
	cairo_translate(cr, x, 640);
	cairo_scale(cr, 1.0, 0.8);
	cairo_arc(cr, 0, 0, 250, M_PI, 2 * M_PI);
	cairo_restore(cr);
	cairo_fill(cr);
}

/* One line of text at y (its top), at most 560 wide, ellipsized. */
static void text_line(cairo_t *cr, const char *s, const char *font, double y,
		      const struct palette *p)
{
	PangoContext *ctx = pango_font_map_create_context(fontmap);
	PangoLayout *l = pango_layout_new(ctx);
	PangoFontDescription *fd = pango_font_description_from_string(font);
	int w, h;

	pango_cairo_update_context(cr, ctx);
	pango_layout_set_font_description(l, fd);
	pango_layout_set_width(l, 560 * PANGO_SCALE);
	pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
	pango_layout_set_single_paragraph_mode(l, TRUE);
	pango_layout_set_text(l, s, -1);
	pango_layout_get_pixel_size(l, &w, &h);
	cairo_move_to(cr, 40, y);
	cairo_set_source_rgba(cr, p->dark ? 1 : 0.08, p->dark ? 1 : 0.08, p->dark ? 1 : 0.1, 0.95);
	pango_cairo_show_layout(cr, l);
	pango_font_description_free(fd);
	g_object_unref(l);
	g_object_unref(ctx);
}

/* The title and artist on a band, at the top or the bottom. */
static void add_text(cairo_t *cr, const char *title, const char *artist,
		     const struct palette *p, struct rng *r)
{
	int top = rng_unit(r) < 0.5;
	double y = top ? 36 : 486;
	struct rgb band = p->dark ? (struct rgb){ 0, 0, 0 } : (struct rgb){ 1, 1, 1 };
	set(cr, band, 0.28);
	cairo_rectangle(cr, 0, y - 16, 640, 138);
	cairo_fill(cr);
	if (title)
		text_line(cr, title, "DejaVu Sans Bold 38px", y, p);
	if (artist)
		text_line(cr, artist, "DejaVu Sans 26px", y + 60, p);
}

static cairo_status_t to_strbuf(void *closure, const unsigned char *data, unsigned int n)
{
	strbuf_add(closure, data, n);
	return CAIRO_STATUS_SUCCESS;
}

static void draw(cairo_t *cr, uint64_t seed, enum cover_kind kind, const char *title,
		 const char *artist)
{
	static void (*const styles[])(cairo_t *, const struct palette *, struct rng *) = {
		style_sun, style_rings, style_stripes, style_blocks, style_mountains,
	};
	struct palette p;
	struct rng r;

	rng_init(&r, seed, 0x636f766572ULL, 11);
	make_palette(&r, &p);
	if (kind == COVER_ARTIST)
		style_portrait(cr, &p, &r);
	else
		styles[rng_next(&r) % (sizeof(styles) / sizeof(styles[0]))](cr, &p, &r);
	if (kind == COVER_ARTIST)
		title = NULL; /* an artist's photo carries no caption; the name is below */
	if (title || (kind == COVER_ALBUM && artist))
		add_text(cr, title, kind == COVER_ALBUM ? artist : NULL, &p, &r);
}

unsigned char *cover_png(uint64_t seed, enum cover_kind kind, const char *title,
			 const char *artist, int size, size_t *len)
{
	struct strbuf out = STRBUF_INIT;
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, size, size);
	cairo_t *cr = cairo_create(s);
	cairo_status_t st;

	pthread_mutex_lock(&lock);
	if (!fontmap)
		fontmap = pango_cairo_font_map_new();
	cairo_scale(cr, size / 640.0, size / 640.0);
	draw(cr, seed, kind, title, artist);
	pthread_mutex_unlock(&lock);
	cairo_destroy(cr);
	st = cairo_surface_write_to_png_stream(s, to_strbuf, &out);
	cairo_surface_destroy(s);
	if (st != CAIRO_STATUS_SUCCESS) {
		strbuf_release(&out);
		return NULL;
	}
	return (unsigned char *)strbuf_detach(&out, len);
}
