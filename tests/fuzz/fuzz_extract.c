/*
 * Recently-played pages (pipeline/extract.c) and what transform makes of
 * their rows and embedded track objects.
 */
#include "pipeline/extract.h"
#include "pipeline/transform.h"
#include "fuzz.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct page_rows rows = { 0 };
	struct tr_batch b = TR_BATCH_INIT;
	struct strbuf err = STRBUF_INIT;

	if (!extract_page((const char *)data, size, &rows, &err))
		tr_add_page(&b, &rows, 1, 1);
	page_rows_release(&rows);
	tr_batch_release(&b);
	strbuf_release(&err);
	return 0;
}
