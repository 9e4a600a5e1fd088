/*
 * The shape of a fuzz target: one file per parser, defining the libFuzzer
 * entry point. The same file links either with libFuzzer (build-fuzz,
 * `make fuzz`) or with replay.c, which runs every file of corpus/NAME and
 * regressions/NAME through it in `make test`. A target must not keep state
 * between inputs, except what fuzz_init sets up once.
 */
#ifndef TESTS_FUZZ_H
#define TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional one-time set-up; a target without one leaves it undefined. */
int LLVMFuzzerInitialize(int *argc, char ***argv);

#endif
