/*
 * The fixture of the store's cmocka suites: a new store in a new folder
 * under /tmp per test (setup), removed with its WAL files (teardown). Used
 * as cmocka_unit_test_setup_teardown(test, store_fixture_setup,
 * store_fixture_teardown); the test's state is a struct store_fixture *.
 */
#ifndef TESTS_UNIT_STORE_FIXTURE_H
#define TESTS_UNIT_STORE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/strbuf.h"
#include "store/store.h"

struct store_fixture {
	char dir[64];
	char path[128];
	struct store *s;
	struct strbuf err;
};

static inline int store_fixture_setup(void **state)
{
	struct store_fixture *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/spinlog-store-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
	strbuf_init(&f->err, 0);
	if (store_open(f->path, &f->s, &f->err))
		return -1;
	*state = f;
	return 0;
}

static inline int store_fixture_teardown(void **state)
{
	static const char *const ext[] = { "", "-wal", "-shm" };
	struct store_fixture *f = *state;
	char p[160];

	store_close(f->s);
	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s%s", f->path, ext[i]);
		unlink(p);
	}
	rmdir(f->dir);
	strbuf_release(&f->err);
	free(f);
	return 0;
}

#endif
