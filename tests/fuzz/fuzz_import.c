/*
 * The export records parser (pipeline/import_parse.c). Every input is
 * parsed twice: named as an extended history (strict) and as account data
 * (lenient), and every interned string of the events is read back, which is
 * where a string freed under the parser shows.
 */
#include <stdlib.h>
#include <string.h>

#include "pipeline/import.h"
#include "fuzz.h"
#include "core/banned.h"

static const char *const names[] = {
	"Streaming_History_Audio_2024_0.json",
	"StreamingHistory_podcast_0.json",
};

/*
 * One pool for many inputs: a fresh pool per input (a 1 MB chunk, malloc'd
 * and poisoned by ASan) held the target at 1,600 exec/s. It is renewed
 * after 16 MB so hostile inputs never fill it.
 */
static struct import_pool pool;

static void renew_pool(void)
{
	if (import_pools[0] && pool.len < (16u << 20))
		return;
	if (import_pools[0])
		import_pool_release(&pool);
	import_pool_init(&pool, 0);
	import_pools[0] = &pool;
}

static void one(const char *name, int strict, const uint8_t *data, size_t size)
{
	struct import_file f;
	struct strbuf err = STRBUF_INIT;
	volatile size_t sum = 0;

	renew_pool();
	memset(&f, 0, sizeof(f));
	if (import_parse_buffer(name, (const char *)data, size, strict, &pool,
				&f, &err) == 0) {
		for (size_t i = 0; i < f.n; i++) {
			for (int k = 0; k < IS_N; k++) {
				const char *s = import_str(f.ev[i].str[k]);
				size_t n = import_strlen(f.ev[i].str[k]);
				for (size_t j = 0; s && j < n; j++)
					sum += (unsigned char)s[j];
			}
			sum += import_event_namekey(&f.ev[i]);
		}
	}
	(void)sum;
	import_file_release(&f);
	strbuf_release(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one(names[0], 1, data, size);
	one(names[1], 0, data, size);
	return 0;
}
