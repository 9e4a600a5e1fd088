#include "similar/labels.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/ids.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "store/store.h"
#include "core/banned.h"

int simlabels_answer(const char *s)
{
	static const char *const yes[] = { "similar", "s", "1", "yes", "true" };
	static const char *const no[] = { "different", "d", "0", "no", "false" };
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcasecmp(s, yes[i]))
			return 1;
		if (!strcasecmp(s, no[i]))
			return 0;
	}
	return -1;
}

static void trim(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	size_t k = strspn(s, " \t");
	memmove(s, s + k, n - k + 1);
}

/* A field as a track id of lib; its message into err when not. */
static const char *track_field(char *f, const struct sim_library *lib, const char *what,
			       struct strbuf *err)
{
	trim(f);
	if (!strncmp(f, "spotify:track:", 14))
		f += 14;
	if (!spotify_id_valid_str(f)) {
		char shown[48];
		snprintf(shown, sizeof(shown), "%s", f);
		str_make_printable(shown);
		strbuf_addf(err, "%s '%s' is not a Spotify track id", what, shown);
		return NULL;
	}
	if (simlib_find(lib, f) < 0) {
		strbuf_addf(err, "%s '%s' is not a track of the library", what, f);
		return NULL;
	}
	return f;
}

/* One line into *l: 1 stored into l, 0 a header or blank, -1 with err. */
static int parse_line(char *line, size_t no, const struct sim_library *lib,
		      struct store_sim_label *l, struct strbuf *err)
{
	char *f[3], *p = line;
	int nf = 0, ans;

	trim(line);
	if (!*line || (no == 1 && !strncasecmp(line, "track_a", 7)))
		return 0;
	for (; nf < 3 && p; nf++) {
		f[nf] = p;
		p = strchr(p, ',');
		if (p)
			*p++ = '\0';
	}
	if (nf < 3 || p) {
		strbuf_addstr(err, "want 3 fields (track_a,track_b,label)");
		return -1;
	}
	if (!(l->track_a = track_field(f[0], lib, "track_a", err)) ||
	    !(l->track_b = track_field(f[1], lib, "track_b", err)))
		return -1;
	trim(f[2]);
	if ((ans = simlabels_answer(f[2])) < 0) {
		char shown[48];
		snprintf(shown, sizeof(shown), "%s", f[2]);
		str_make_printable(shown);
		strbuf_addf(err, "label '%s' is not similar or different (or 1/0)", shown);
		return -1;
	}
	if (!strcmp(l->track_a, l->track_b)) {
		strbuf_addstr(err, "a track is compared with itself");
		return -1;
	}
	l->similar = ans;
	return 1;
}

static long import_lines(FILE *fp, struct store *s, int64_t account_id,
			 const struct sim_library *lib, const char *path, struct strbuf *err)
{
	char *line = NULL;
	size_t cap = 0, no = 0;
	long n = 0;
	int64_t now = time_now_ms();

	while (getline(&line, &cap, fp) >= 0) {
		struct store_sim_label l = { 0, NULL, NULL, 0, now, "import" };
		struct strbuf why = STRBUF_INIT;
		int r = parse_line(line, ++no, lib, &l, &why);
		if (r < 0 || (r > 0 && store_similar_label_add(s, account_id, &l, &why) < 0)) {
			strbuf_addf(err, "%s:%zu: %s", path, no, why.buf);
			strbuf_release(&why);
			n = -1;
			break;
		}
		strbuf_release(&why);
		n += r;
	}
	if (n >= 0 && ferror(fp)) {
		strbuf_addf(err, "%s: cannot read: %s", path, strerror(errno));
		n = -1;
	}
	free(line);
	return n;
}

long simlabels_import(struct store *s, int64_t account_id, const struct sim_library *lib,
		      const char *path, struct strbuf *err)
{
	FILE *fp = fopen(path, "r");
	long n;

	if (!fp) {
		strbuf_addf(err, "cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	if (store_begin(s, err)) {
		fclose(fp);
		return -1;
	}
	n = import_lines(fp, s, account_id, lib, path, err);
	fclose(fp);
	if (n < 0) {
		store_rollback(s);
		return -1;
	}
	if (store_commit(s, err))
		return -1;
	return n;
}
