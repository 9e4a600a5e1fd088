#include "web/api.h"

#include <stdarg.h>
#include <stdio.h>

#include "core/timeutil.h"
#include "web/html.h"
#include "core/banned.h"

/*
 * Appends "k1":"v1","k2":"v2",... for the key/value string pairs given,
 * ending at a NULL key; sep is put before the first pair ("" or ",").
 */
static void kv_strs(struct strbuf *sb, const char *sep, ...)
{
	va_list ap;
	const char *k;

	va_start(ap, sep);
	while ((k = va_arg(ap, const char *))) {
		strbuf_addf(sb, "%s\"%s\":", sep, k);
		strbuf_add_json_str(sb, va_arg(ap, const char *));
		sep = ",";
	}
	va_end(ap);
}

static void add_iso(struct strbuf *sb, const char *k, int64_t ms)
{
	char buf[TIME_ISO_MAX];
	if (ms < 0) {
		strbuf_addf(sb, "\"%s\":null", k);
		return;
	}
	time_format_iso(ms, buf);
	strbuf_addf(sb, "\"%s\":\"%s\"", k, buf);
}

static void add_track(struct strbuf *sb, const struct report_track *t,
		      const struct covers *c)
{
	char name[128];
	strbuf_addch(sb, '{');
	kv_strs(sb, "", "id", t->id, "name", t->name, "artists", t->artists,
		"album_id", t->album_id, "album", t->album, (char *)NULL);
	strbuf_addstr(sb, ",\"cover\":");
	if (c && covers_find(c, t->album_id, name, sizeof(name))) {
		strbuf_addstr(sb, "\"covers/");
		strbuf_addstr(sb, name);
		strbuf_addch(sb, '"');
	} else {
		strbuf_addstr(sb, "null");
	}
	strbuf_addstr(sb, ",\"cover_url\":");
	strbuf_add_json_str(sb, t->cover_url);
	if (t->duration_ms >= 0)
		strbuf_addf(sb, ",\"duration_ms\":%lld}", (long long)t->duration_ms);
	else
		strbuf_addstr(sb, ",\"duration_ms\":null}");
}

void api_years(const int *years, int n, struct strbuf *out)
{
	strbuf_addstr(out, "{\"years\":[");
	for (int i = 0; i < n; i++)
		strbuf_addf(out, "%s%d", i ? "," : "", years[i]);
	strbuf_addstr(out, "]}");
}

void api_calendar(const struct report_year *y, const struct covers *c,
		  struct strbuf *out)
{
	char date[16];
	int first = 1;

	strbuf_addf(out, "{\"year\":%d,\"rule\":\"most plays, then most ms, then smallest"
		    " track id\",\"days\":[", y->year);
	for (int i = 0; i < y->ndays; i++) {
		const struct report_day *d = &y->days[i];
		if (d->win < 0)
			continue;
		html_date(d->day, date);
		strbuf_addf(out, "%s{\"date\":\"%s\",\"plays\":%d,\"ms\":%lld,"
			    "\"track_plays\":%d,\"track_ms\":%lld,\"track\":",
			    first ? "" : ",", date, d->plays, (long long)d->ms,
			    d->win_plays, (long long)d->win_ms);
		add_track(out, &y->tracks[d->win], c);
		strbuf_addch(out, '}');
		first = 0;
	}
	strbuf_addstr(out, "]}");
}

static void add_ranks(struct strbuf *sb, const char *k, const struct report_rank *r, int n)
{
	strbuf_addf(sb, ",\"%s\":[", k);
	for (int i = 0; i < n; i++) {
		strbuf_addstr(sb, i ? ",{" : "{");
		kv_strs(sb, "", "key", r[i].key, "name", r[i].label,
			r[i].sub ? "artists" : NULL, r[i].sub, (char *)NULL);
		strbuf_addf(sb, ",\"plays\":%d,\"ms\":%lld}", r[i].plays, (long long)r[i].ms);
	}
	strbuf_addch(sb, ']');
}

void api_summary(const struct report_year *y, struct strbuf *out)
{
	char date[16];

	strbuf_addf(out, "{\"year\":%d,\"plays\":%d,\"ms\":%lld,\"ms_measured\":%lld,"
		    "\"plays_ms_measured\":%d,\"plays_ms_estimated\":%d,"
		    "\"plays_ms_unknown\":%d,\"time_source\":",
		    y->year, y->plays, (long long)y->ms, (long long)y->ms_measured,
		    y->plays_ms_known, y->plays - y->plays_ms_known - y->plays_ms_unknown,
		    y->plays_ms_unknown);
	strbuf_add_json_str(out, !y->plays ? "none" :
			    y->plays_ms_known == y->plays ? "ms_played" :
			    y->plays_ms_known ? "ms_played and track duration" :
			    "track duration");
	strbuf_addf(out, ",\"distinct_tracks\":%d,\"distinct_artists\":%d,"
		    "\"distinct_albums\":%d", y->distinct_tracks, y->distinct_artists,
		    y->distinct_albums);
	add_ranks(out, "top_tracks", y->top_tracks, y->ntop_tracks);
	add_ranks(out, "top_artists", y->top_artists, y->ntop_artists);
	add_ranks(out, "top_albums", y->top_albums, y->ntop_albums);
	add_ranks(out, "top_genres", y->top_genres, y->ntop_genres);
	strbuf_addstr(out, ",\"month_ms\":[");
	for (int m = 0; m < 12; m++)
		strbuf_addf(out, "%s%lld", m ? "," : "", (long long)y->month_ms[m]);
	strbuf_addstr(out, "],\"month_plays\":[");
	for (int m = 0; m < 12; m++)
		strbuf_addf(out, "%s%d", m ? "," : "", y->month_plays[m]);
	strbuf_addstr(out, "],\"heatmap\":[");
	for (int d = 0; d < 7; d++) {
		strbuf_addstr(out, d ? ",[" : "[");
		for (int h = 0; h < 24; h++)
			strbuf_addf(out, "%s%d", h ? "," : "", y->heat[d][h]);
		strbuf_addch(out, ']');
	}
	strbuf_addstr(out, "],\"biggest_day\":");
	if (y->biggest_day >= 0) {
		const struct report_day *d = &y->days[y->biggest_day];
		html_date(d->day, date);
		strbuf_addf(out, "{\"date\":\"%s\",\"plays\":%d,\"ms\":%lld}", date, d->plays,
			    (long long)d->ms);
	} else {
		strbuf_addstr(out, "null");
	}
	strbuf_addstr(out, ",\"first_play\":");
	if (y->first_play_ms >= 0) {
		strbuf_addch(out, '{');
		add_iso(out, "played_at", y->first_play_ms);
		strbuf_addstr(out, ",\"track\":");
		add_track(out, &y->tracks[y->first_play_track], NULL);
		strbuf_addch(out, '}');
	} else {
		strbuf_addstr(out, "null");
	}
	strbuf_addf(out, ",\"new_artists\":%d,\"first_year\":%s", y->new_artists,
		    y->first_year ? "true" : "false");
	add_ranks(out, "new_artists_top", y->new_artist_list, y->nnew_artist_list);
	strbuf_addf(out, ",\"skips\":%d,\"skips_known\":%d,\"skip_rate\":", y->skips,
		    y->skips_known);
	if (y->skips_known)
		strbuf_add_double(out, (double)y->skips / y->skips_known);
	else
		strbuf_addstr(out, "null");
	strbuf_addstr(out, ",\"mood\":[");
	for (int m = 0; m < 12; m++) {
		strbuf_addf(out, "%s{\"month\":%d,\"plays\":%d,\"valence\":", m ? "," : "",
			    m + 1, y->month_mood_plays[m]);
		if (y->month_mood_plays[m]) {
			strbuf_add_double(out, y->month_valence[m]);
			strbuf_addstr(out, ",\"energy\":");
			strbuf_add_double(out, y->month_energy[m]);
		} else {
			strbuf_addstr(out, "null,\"energy\":null");
		}
		strbuf_addch(out, '}');
	}
	strbuf_addstr(out, "]}");
}

void api_day(int64_t day, const struct report_plays *p, struct strbuf *out)
{
	char date[16];
	html_date(day, date);
	strbuf_addf(out, "{\"date\":\"%s\",\"plays\":[", date);
	for (int i = 0; i < p->n; i++) {
		const struct report_play *x = &p->v[i];
		strbuf_addstr(out, i ? ",{" : "{");
		add_iso(out, "played_at", x->played_ms);
		kv_strs(out, ",", "kind", x->kind, "track_id", x->track_id, "name", x->name,
			"artists", x->artists, "album", x->album, (char *)NULL);
		if (x->ms_played >= 0)
			strbuf_addf(out, ",\"ms_played\":%lld", (long long)x->ms_played);
		else
			strbuf_addstr(out, ",\"ms_played\":null");
		strbuf_addf(out, ",\"skipped\":%s,\"sources\":%d,\"counted\":%s}",
			    x->skipped < 0 ? "null" : x->skipped ? "true" : "false",
			    x->sources, x->counted ? "true" : "false");
	}
	strbuf_addstr(out, "]}");
}

void api_track(const struct report_track_page *t, struct strbuf *out)
{
	strbuf_addstr(out, "{\"track\":");
	add_track(out, &t->t, NULL);
	strbuf_addf(out, ",\"plays\":%d,\"played_at\":[", t->nplays);
	for (int i = 0; i < t->nplays; i++) {
		char buf[TIME_ISO_MAX];
		time_format_iso(t->plays_ms[i], buf);
		strbuf_addf(out, "%s\"%s\"", i ? "," : "", buf);
	}
	strbuf_addstr(out, "],\"sections\":[");
	for (int i = 0; i < t->nsections; i++) {
		const struct report_section *s = &t->sections[i];
		static const char *const names[4] = { "start", "duration", "loudness", "tempo" };
		const double v[4] = { s->start, s->duration, s->loudness, s->tempo };
		for (int k = 0; k < 4; k++) {
			strbuf_addf(out, "%s\"%s\":", k ? "," : i ? ",{" : "{", names[k]);
			strbuf_add_double(out, v[k]);
		}
		strbuf_addf(out, ",\"key\":%d,\"mode\":%d}", s->key, s->mode);
	}
	strbuf_addstr(out, "]}");
}

void api_coverage(const struct report_coverage *cv, struct strbuf *out)
{
	char date[16];
	int first = 1;

	strbuf_addf(out, "{\"year\":%d,\"days\":[", cv->year);
	for (int i = 0; i < cv->ndays; i++) {
		const struct report_coverage_day *d = &cv->days[i];
		if (!d->plays)
			continue;
		html_date(cv->first_day + i, date);
		strbuf_addf(out, "%s{\"date\":\"%s\",\"plays\":%d,\"api\":%d,\"export\":%d}",
			    first ? "" : ",", date, d->plays, d->api, d->exported);
		first = 0;
	}
	strbuf_addstr(out, "],\"gaps\":[");
	for (int i = 0; i < cv->ngaps; i++) {
		const struct report_gap *g = &cv->gaps[i];
		static const char *const names[3] = { "from", "to", "healed_at" };
		const int64_t ms[3] = { g->from_ms, g->to_ms, g->healed_ms };
		strbuf_addstr(out, i ? ",{" : "{");
		kv_strs(out, "", "account", g->account, (char *)NULL);
		for (int k = 0; k < 3; k++) {
			strbuf_addch(out, ',');
			add_iso(out, names[k], ms[k]);
		}
		kv_strs(out, ",", "healed_by", g->healed_by, (char *)NULL);
		strbuf_addch(out, '}');
	}
	strbuf_addstr(out, "]}");
}
