/*
 * Why 'analyze' is a module: the audio stack (FFmpeg's libavformat and
 * libavcodec with their codecs, libsndfile, aubio, fftw3, libebur128,
 * TagLib) was about 100 of the 152 shared objects the binary linked, and
 * every command, the year report and 'serve' included, paid to map and
 * relocate them at each start. Only 'analyze' uses them. A dlopen()ed
 * module, not a git-style helper executable, because the helper would have
 * to rebuild the whole context (config, store, account) in a second
 * program, and the card (src/modules/card.c) is called inside 'serve' for
 * each request, where an exec per request is no option: one mechanism for
 * both. The table below is the whole boundary.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "audio/analyze.h"
#include "audio/tags.h"
#include "core/module.h"
#include "core/banned.h"

#define AUDIO_FUNCS(X)                                                       \
	X(audio_analyze, int,                                                \
	  (const char *, struct audio_result *, struct strbuf *))            \
	X(audio_result_release, void, (struct audio_result *))               \
	X(audio_result_json, void,                                           \
	  (const struct audio_result *, int, struct strbuf *))               \
	X(audio_tags_read, int, (const char *, struct audio_tags *))         \
	X(audio_tags_release, void, (struct audio_tags *))

static struct {
#define X(name, ret, args) ret (*name) args;
	AUDIO_FUNCS(X)
#undef X
} fn;

static const char *const syms[] = {
#define X(name, ret, args) #name,
	AUDIO_FUNCS(X)
#undef X
};

/*
 * Forwarding, for the spinlog binary only (the unit tests link the real
 * code): the module is loaded on the first call. A call with an error path
 * fails with "cannot load ..." when it cannot be; the others print the
 * reason and exit, like a missing libcurl (core/http.c).
 */
_Static_assert(sizeof(fn) / sizeof(void *) == sizeof(syms) / sizeof(*syms),
	       "one name per function");
static struct module_api api = MODULE_API("audio", "the audio module", fn, syms);

int audio_analyze(const char *path, struct audio_result *out,
		  struct strbuf *err)
{
	if (module_api_load(&api, err))
		return -1;
	return fn.audio_analyze(path, out, err);
}

void audio_result_release(struct audio_result *r)
{
	module_api_need(&api);
	fn.audio_result_release(r);
}

void audio_result_json(const struct audio_result *r, int with_segments,
		       struct strbuf *out)
{
	module_api_need(&api);
	fn.audio_result_json(r, with_segments, out);
}

int audio_tags_read(const char *path, struct audio_tags *out)
{
	module_api_need(&api);
	return fn.audio_tags_read(path, out);
}

void audio_tags_release(struct audio_tags *t)
{
	module_api_need(&api);
	fn.audio_tags_release(t);
}
