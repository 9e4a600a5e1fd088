#include <pthread.h>
#include <string.h>

#include "pipeline/import_mem.h"
#include "pipeline/import_write.h"
#include "core/banned.h"

static pthread_mutex_t mem_lock = PTHREAD_MUTEX_INITIALIZER;
static struct import_pool mem_pool;
static int mem_pool_ready;

struct import_pool *import_mem_begin(void)
{
	pthread_mutex_lock(&mem_lock);
	/* kept between requests: a new 1 MB chunk each was an mmap and munmap */
	if (mem_pool_ready)
		import_pool_reset(&mem_pool);
	else
		import_pool_init(&mem_pool, IMPORT_POOLS - 1);
	mem_pool_ready = 1;
	import_pools[IMPORT_POOLS - 1] = &mem_pool;
	return &mem_pool;
}

void import_mem_end(void)
{
	if (mem_pool.len > 1u << IMPORT_CHUNK_SHIFT)
		import_pool_reset(&mem_pool); /* a big batch's chunks go back now */
	pthread_mutex_unlock(&mem_lock);
}

struct mem_src {
	struct import_file *f;
};

static int mem_file(void *arg, size_t i, struct import_file **f)
{
	(void)i;
	*f = ((struct mem_src *)arg)->f;
	return 0;
}

static void mem_progress(void *arg, int64_t t0, int last)
{
	(void)arg;
	(void)t0;
	(void)last;
}

static void mem_release(void *arg)
{
	(void)arg; /* the caller's file */
}

static void mem_count(void *arg, struct import_result *res)
{
	(void)arg;
	res->files = 1;
}

int import_mem_run(struct store *s, const struct import_opts *o,
		   const char *what, struct import_file *f,
		   struct import_result *res, struct strbuf *err)
{
	struct mem_src m = { f };
	char *paths[1] = { (char *)what };
	struct import_src src = { 1, 0, paths, 1, mem_file, mem_progress,
				  mem_release, mem_count, &m, NULL };

	res->files = 1;
	return import_write_merging(s, &src, o, res, err);
}
