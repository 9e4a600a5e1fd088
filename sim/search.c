#include "search.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/strbuf.h"
#include "core/banned.h"

enum { F_TRACK, F_ARTIST, F_ALBUM, F_ISRC, F_ANY, F_N };

/* Lower-case ASCII, Latin-1 letters without their accent, combining marks
 * (U+0300..U+036F) dropped, other bytes kept. */
static void fold(struct strbuf *out, const char *s)
{
	static const char latin1[] = /* U+00C0..U+00FF */
		"aaaaaaaceeeeiiiidnooooo*ouuuuyts"
		"aaaaaaaceeeeiiiidnooooo/ouuuuyty";
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++) {
		if (*p == 0xc3 && p[1] >= 0x80 && p[1] <= 0xbf) {
			strbuf_addch(out, latin1[p[1] - 0x80]);
			p++;
		} else if ((*p == 0xcc && p[1] >= 0x80) ||
			   (*p == 0xcd && p[1] < 0xb0)) {
			p++; /* a combining mark */
		} else if (*p >= 'A' && *p <= 'Z') {
			strbuf_addch(out, *p - 'A' + 'a');
		} else {
			strbuf_addch(out, (char)*p);
		}
	}
}

/* Every word of want occurs in have (both folded). */
static int words_in(const char *want, const char *have)
{
	char *w = strdup(want), *save = NULL;
	int ok = 1;

	for (char *t = strtok_r(w, " ", &save); t && ok; t = strtok_r(NULL, " ", &save))
		ok = strstr(have, t) != NULL;
	free(w);
	return ok;
}

/* Splits q into the filters; 0, or -1 when q has none. */
static int parse(const char *q, struct strbuf f[F_N])
{
	static const char *names[] = { "track:", "artist:", "album:", "isrc:" };
	int any = 0;

	while (*q) {
		int k = F_ANY;
		while (*q == ' ')
			q++;
		for (int i = 0; i < F_ANY; i++)
			if (!strncmp(q, names[i], strlen(names[i]))) {
				k = i;
				q += strlen(names[i]);
			}
		const char *end;
		if (*q == '"') {
			q++;
			end = strchr(q, '"');
			if (!end)
				end = q + strlen(q);
		} else {
			end = strchr(q, ' ');
			if (!end)
				end = q + strlen(q);
		}
		if (end > q) {
			char *v = strndup(q, (size_t)(end - q));
			if (f[k].len)
				strbuf_addch(&f[k], ' ');
			fold(&f[k], v);
			free(v);
			any = 1;
		}
		q = *end == '"' ? end + 1 : end;
	}
	return any ? 0 : -1;
}

static int matches(const struct catalog *c, int t, struct strbuf f[F_N])
{
	const struct cat_track *tr = &c->tracks[t];
	struct strbuf all = STRBUF_INIT, tmp = STRBUF_INIT;
	int ok = 1;

	fold(&tmp, tr->name);
	ok = !f[F_TRACK].len || words_in(f[F_TRACK].buf, tmp.buf);
	strbuf_addf(&all, "%s ", tmp.buf);
	if (ok && f[F_ISRC].len)
		ok = !strcasecmp(f[F_ISRC].buf, tr->isrc);
	strbuf_reset(&tmp);
	for (int i = 0; i < tr->nartists; i++) {
		fold(&tmp, c->artists[tr->artists[i]].name);
		strbuf_addch(&tmp, '\x1f');
	}
	if (ok && f[F_ARTIST].len)
		ok = words_in(f[F_ARTIST].buf, tmp.buf);
	strbuf_addf(&all, "%s ", tmp.buf);
	strbuf_reset(&tmp);
	fold(&tmp, c->albums[tr->album].name);
	if (ok && f[F_ALBUM].len)
		ok = words_in(f[F_ALBUM].buf, tmp.buf);
	strbuf_addstr(&all, tmp.buf);
	if (ok && f[F_ANY].len)
		ok = words_in(f[F_ANY].buf, all.buf);
	strbuf_release(&all);
	strbuf_release(&tmp);
	return ok;
}

static long num(const char *s, long def, long lo, long hi, int *bad)
{
	char *end;
	long v;

	if (!s)
		return def;
	v = strtol(s, &end, 10);
	if (!*s || *end || v < lo || v > hi)
		*bad = 1;
	return v;
}

static void page_url(cJSON *o, const char *key, const char *base, const char *q,
		     long limit, long offset)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "%s/v1/search?offset=%ld&limit=%ld&query=", base, offset, limit);
	strbuf_add_urlencoded(&sb, q);
	strbuf_addstr(&sb, "&type=track");
	cJSON_AddStringToObject(o, key, sb.buf);
	strbuf_release(&sb);
}

cJSON *search_tracks(const struct catalog *c, const char *q, const char *type,
		     const char *limit_s, const char *offset_s, const char *base,
		     int dev, int *status, const char **msg)
{
	struct strbuf f[F_N];
	int bad = 0;
	long limit = num(limit_s, 20, 1, dev ? 10 : 50, &bad), total = 0;
	long offset = num(offset_s, 0, 0, 1000, &bad);

	*status = 400;
	if (!q || !*q)
		return *msg = "No search query", NULL;
	if (!type || !strstr(type, "track"))
		return *msg = "Bad search type field", NULL;
	if (bad)
		return *msg = "Invalid limit", NULL;
	for (int i = 0; i < F_N; i++)
		strbuf_init(&f[i], 0);
	cJSON *o = cJSON_CreateObject(), *tr = cJSON_AddObjectToObject(o, "tracks");
	cJSON *items = cJSON_CreateArray();
	if (!parse(q, f))
		for (int t = 0; t < c->ntracks; t++) {
			if (!matches(c, t, f))
				continue;
			if (total >= offset && total < offset + limit)
				cJSON_AddItemToArray(items, catalog_track_json(c, t, base, dev));
			total++;
		}
	page_url(tr, "href", base, q, limit, offset);
	cJSON_AddItemToObject(tr, "items", items);
	cJSON_AddNumberToObject(tr, "limit", (double)limit);
	if (offset + limit < total)
		page_url(tr, "next", base, q, limit, offset + limit);
	else
		cJSON_AddNullToObject(tr, "next");
	cJSON_AddNumberToObject(tr, "offset", (double)offset);
	if (offset > 0)
		page_url(tr, "previous", base, q, limit, offset > limit ? offset - limit : 0);
	else
		cJSON_AddNullToObject(tr, "previous");
	cJSON_AddNumberToObject(tr, "total", (double)total);
	for (int i = 0; i < F_N; i++)
		strbuf_release(&f[i]);
	*status = 200;
	return o;
}
