/*
 * The parts of the merge rule (pipeline/merge.h states it whole) that both
 * the importer and the store's engines apply: the tolerances of a match, and
 * the normalised artist+title key that plays without a Spotify id are
 * matched by. Pure functions; strings are borrowed for the call, and
 * playmatch_norm appends to a caller's buffer.
 *
 * Normalisation (for matching only: names are displayed as given). Each
 * name is, in order:
 *  1. Unicode-normalised with utf8proc: NFKC (full-width and compatibility
 *     forms fold: "ＡＢＣ" = "ABC"), case folding ("ß" = "ss"), default
 *     ignorable code points removed (zero-width joiners, bidi marks),
 *     punctuation lumped ("’" = "'", "–" = "-"), and combining marks on
 *     Latin, Greek and Cyrillic letters dropped ("Beyoncé" = "Beyonce",
 *     Turkish "İ" = "i"; "ı" stays "ı"). Marks on other scripts (Devanagari,
 *     Thai, Arabic, Hebrew) are kept: there they make the word. Text that
 *     is not valid UTF-8 is folded as bytes (ASCII only). Pure ASCII takes
 *     a fast path with the same result.
 *  2. White space trimmed and runs collapsed to one space.
 *  3. Credits and remaster suffixes cut (never leaving a name empty):
 *     artist: from " feat. ", " feat ", " ft. ", " featuring " on;
 *     title and album, repeatedly at the end: a "(feat. X)"/"[ft. X]"/
 *     "(featuring X)" group or a " - feat. X" tail; an unbracketed
 *     " feat. X", " ft. X", " featuring X"; and a remaster suffix, " - X",
 *     "(X)" or "[X]" where X is made only of the words remaster(ed),
 *     digital(ly), version, edition and four-digit years, with at least
 *     one remaster word ("- Remastered 2011", "(2009 Remaster)").
 *     Deliberately NOT cut: "Live", "Remix", "Edit", "Radio Edit",
 *     "Acoustic", "Mono"/"Stereo", "Deluxe", "(with X)", "&", "x", "vs.":
 *     those are other recordings or other credits.
 * Plain ASCII names without a credit or a remaster suffix keep the key
 * of the first rule (casefold ASCII, collapse white space).
 */
#ifndef CORE_PLAYMATCH_H
#define CORE_PLAYMATCH_H

#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"

/* Spotify id matches: end times within 30 s (API ms vs export seconds). */
#define PLAYMATCH_TOL_ID_MS 30000
/* Name matches against account data's minute: the same or the next minute. */
#define PLAYMATCH_TOL_NAME_MS 60000
/* The rule above; stored keys of an older rule must be computed again. */
#define PLAYMATCH_KEY_VERSION 2

enum playmatch_field {
	PLAYMATCH_ARTIST,
	PLAYMATCH_TITLE,  /* a track's name */
	PLAYMATCH_ALBUM,  /* cut as a title */
};

/* Appends the normalised form of s (len bytes) to out. */
void playmatch_norm(const char *s, size_t len, enum playmatch_field f,
		    struct strbuf *out);

/*
 * Hash of artist and title, each normalised as above; never 0 unless both
 * are empty. Stored with plays (name_key), so it must never change for the
 * same input without a new PLAYMATCH_KEY_VERSION.
 */
uint64_t playmatch_namekey(const char *artist, size_t alen, const char *title,
			   size_t tlen);
/* The API's artist list "A, B": keys of the whole list and of "A". */
void playmatch_api_namekeys(const char *artist, const char *title,
			    uint64_t k[2]);

#endif
