/*
 * The host side of the loadable modules (core/module.h): src/modules/audio.c
 * and card.c define, in the spinlog binary, the public API of src/audio/
 * (analyze.h, tags.h) and of web/card.h, each call forwarded to the same
 * function in spinlog-audio.so or spinlog-card.so, which is loaded on the
 * first call. The unit tests link the real code instead of these.
 *
 * audio_module_load and card_module_load load their module now: 0, or -1
 * with the reason in err (a command calls it first, to fail with a message
 * rather than in the middle of its work). After a failed load the forwarded
 * calls that have an error path fail ("cannot load ..."); the others print
 * the reason and exit, like a missing libcurl (core/http.c).
 */
#ifndef MODULES_MODULES_H
#define MODULES_MODULES_H

#include "core/strbuf.h"

int audio_module_load(struct strbuf *err);
int card_module_load(struct strbuf *err);

#endif
