/*
 * audio.h - the simulator renders audio (issue 13): each catalog track is
 * synthesised from its own audio analysis (catalog_analysis_json), section
 * by section, so `spinlog analyze` has exact ground truth.
 *
 *  - rhythm: a kick and a loud click on each bar's first beat, a softer
 *    click on the others (the section's tempo and time signature);
 *  - harmony: a triad per bar and a bass line (root, fifth) per beat in the
 *    section's key and mode; a section of key -1 has a chromatic cluster
 *    (no key) instead;
 *  - texture: the section's index picks one of three timbres and chord
 *    progressions, as verse and chorus differ, so boundaries are audible;
 *  - loudness: each section is scaled (through a tanh soft limiter, so
 *    nothing clips) until libebur128 reads its gated loudness.
 *
 * Files are 22050 Hz stereo 16-bit (both channels equal): the analysis
 * rate of Spotify's own analyzer. FLAC carries ISRC, TITLE, ARTIST and
 * ALBUM Vorbis comments; WAV only INAM and IART (it has no portable ISRC).
 * Deterministic from the seed: the same track renders the same bytes.
 *
 * Ownership: sim_audio_render returns malloc'd bytes (*out, free them) and
 * a new cJSON truth (cJSON_Delete it): what was rendered, in the shape of
 * the analysis' track block plus "sections" and "onsets" (s).
 */
#ifndef SIM_AUDIO_H
#define SIM_AUDIO_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "catalog.h"

#define SIM_AUDIO_RATE 22050

enum sim_audio_fmt { SIM_AUDIO_WAV, SIM_AUDIO_FLAC };

/*
 * Renders track t. min_seconds 0 renders the whole track; otherwise whole
 * sections from the start until at least min_seconds are rendered (the
 * truth says so), which keeps tests cheap: catalog tracks last 90-420 s.
 * 0, or -1 with a message in err.
 */
int sim_audio_render(const struct catalog *c, int t, enum sim_audio_fmt fmt, double min_seconds,
		     unsigned char **out, size_t *len, cJSON **truth, char *err, size_t errlen);

/*
 * Writes DIR/<id>.flac and DIR/<id>.json (the truth) for the first
 * ntracks catalog tracks (all when ntracks <= 0). 0, or -1 after printing
 * why to stderr.
 */
int sim_audio_write_dir(const struct catalog *c, const char *dir, int ntracks, double min_seconds);

#endif
