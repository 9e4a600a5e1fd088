/*
 * The share card: the year in review as one image made to be posted, like
 * Wrapped's and ListenBrainz's Year in Music, 1080x1350 px (a portrait
 * post). It shows the top covers, the minutes, plays, artists and tracks,
 * the top artist and the top track, and the year's days in miniature.
 * Drawn with cairo; the names are set as plain text by pango (never
 * markup), ellipsized to the card's width, each in its own direction.
 *
 * card_figures picks what the card shows from a report, and card_json
 * writes exactly those figures, so what the image says can be checked.
 * card_png draws them as a PNG, card_svg the same drawing as an SVG
 * document (cairo's SVG surface: names become glyph outlines, never
 * markup; covers embedded as PNG). Thread-safe (pango's font map is shared under a
 * lock). Nothing here is owned across calls; the figures borrow y.
 */
#ifndef WEB_CARD_H
#define WEB_CARD_H

#include "core/strbuf.h"
#include "report/report.h"
#include "web/covers.h"

#define CARD_W 1080
#define CARD_H 1350
#define CARD_COVERS 5

struct card_figures {
	int year;
	int64_t minutes;                /* whole minutes of y->ms, rounded down */
	int plays, artists, tracks;
	const struct report_rank *top_artist; /* NULL when none */
	const struct report_rank *top_track;  /* NULL when none */
	const char *covers[CARD_COVERS];      /* album ids of the top tracks, each once */
	int ncovers;
};

void card_figures(const struct report_year *y, struct card_figures *f);
/* {"year":..,"minutes":..,"plays":..,"artists":..,"tracks":..,"top_artist":{..},
 *  "top_track":{..},"covers":[album ids],"width":1080,"height":1350} */
void card_json(const struct report_year *y, struct strbuf *out);
/* Appends the PNG to out: 0, or -1 with the reason in err. */
int card_png(const struct report_year *y, const struct covers *c, struct strbuf *out,
	     struct strbuf *err);
/* Appends the SVG to out: 0, or -1 with the reason in err. */
int card_svg(const struct report_year *y, const struct covers *c, struct strbuf *out,
	     struct strbuf *err);

#endif
