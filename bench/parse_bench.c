/*
 * Measures the export parser alone (import_parse_buffer): reads every JSON
 * file of a folder into memory, parses them all RUNS times on one thread,
 * and prints the best CPU time of a run (thread CPU time, so other work on
 * the machine skews it less than wall time), MB/s and records/s.
 *   parse-bench DIR [RUNS]
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/fsutil.h"
#include "core/strbuf.h"
#include "pipeline/import.h"
#include "core/banned.h"

static double cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct strbuf files[512];
	char *names[512];
	size_t n = 0, bytes = 0, records = 0;
	int runs = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 3;
	double best = 1e9;
	DIR *d;
	struct dirent *de;

	if (argc < 2 || !(d = opendir(argv[1]))) {
		fprintf(stderr, "usage: parse-bench DIR [RUNS]\n");
		return 2;
	}
	while ((de = readdir(d)) && n < 512) {
		char *p;
		size_t l = strlen(de->d_name);
		if (l < 5 || strcmp(de->d_name + l - 5, ".json"))
			continue;
		p = fs_join(argv[1], de->d_name);
		strbuf_init(&files[n], 0);
		if (fs_read_file(p, &files[n], 0)) {
			free(p);
			continue;
		}
		names[n] = p;
		bytes += files[n++].len;
	}
	closedir(d);
	for (int r = 0; r < runs; r++) {
		struct import_pool pool;
		double t0;
		import_pool_init(&pool, 0);
		import_pools[0] = &pool;
		records = 0;
		t0 = cpu_s();
		for (size_t i = 0; i < n; i++) {
			struct import_file f;
			struct strbuf err = STRBUF_INIT;
			memset(&f, 0, sizeof(f));
			if (import_parse_buffer(names[i], files[i].buf, files[i].len,
						1, &pool, &f, &err) < 0) {
				fprintf(stderr, "%s\n", err.buf);
				return 1;
			}
			records += f.n;
			import_file_release(&f);
			strbuf_release(&err);
		}
		t0 = cpu_s() - t0;
		best = t0 < best ? t0 : best;
		import_pool_release(&pool);
	}
	printf("%zu files, %.0f MB, %zu records: best of %d %.3f s CPU, %.0f MB/s, "
	       "%.2f M records/s\n", n, (double)bytes / 1048576.0, records, runs,
	       best, (double)bytes / 1048576.0 / best, (double)records / best / 1e6);
	return 0;
}
