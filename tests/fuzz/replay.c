/*
 * Runs a fuzz target without libFuzzer, as a TAP test: every file of
 * FUZZ_DIR/corpus/NAME and FUZZ_DIR/regressions/NAME (or the files given as
 * arguments) goes through LLVMFuzzerTestOneInput once. A crash is the
 * failure (the sanitizers say where in the ASan build); a file that cannot
 * be read is a "not ok". New regressions are found by listing the folders,
 * so a crash found by `make fuzz` becomes a test by saving it there.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fsutil.h"
#include "core/strbuf.h"
#include "core/strvec.h"
#include "fuzz.h"
#include "core/banned.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds the regular files of dir (sorted) to files; a missing dir adds none. */
static void list(const char *dir, struct strvec *files)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t first = files->n;

	if (!d)
		return;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.') {
			char *p = fs_join(dir, de->d_name);
			strvec_push(files, p);
			free(p);
		}
	closedir(d);
	qsort(files->v + first, files->n - first, sizeof(char *), cmp);
}

/* Reads a whole file into a buffer of exactly its size, as libFuzzer does. */
static int run(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;
	uint8_t *copy;

	if (!f)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		strbuf_add(&sb, chunk, n);
	fclose(f);
	copy = malloc(sb.len ? sb.len : 1);
	if (!copy)
		abort();
	memcpy(copy, sb.buf, sb.len);
	LLVMFuzzerTestOneInput(copy, sb.len);
	free(copy);
	strbuf_release(&sb);
	return 0;
}

int main(int argc, char **argv)
{
	struct strvec files = STRVEC_INIT;
	int failed = 0;

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			strvec_push(&files, argv[i]);
	} else {
		list(FUZZ_DIR "/corpus/" FUZZ_NAME, &files);
		list(FUZZ_DIR "/regressions/" FUZZ_NAME, &files);
	}
	printf("1..%zu\n", files.n);
	for (size_t i = 0; i < files.n; i++) {
		const char *rel = strstr(files.v[i], "/tests/fuzz/");
		rel = rel ? rel + 12 : files.v[i];
		fflush(stdout);
		if (run(files.v[i])) {
			printf("not ok %zu - %s: cannot read\n", i + 1, rel);
			failed = 1;
		} else {
			printf("ok %zu - %s: " FUZZ_NAME " target survived\n",
			       i + 1, rel);
		}
	}
	strvec_clear(&files);
	return failed;
}
