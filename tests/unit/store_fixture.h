/*
 * The fixture of the store's cmocka suites: a new store per test (setup),
 * removed again (teardown). Used as cmocka_unit_test_setup_teardown(test,
 * store_fixture_setup, store_fixture_teardown); the test's state is a
 * struct store_fixture *.
 *
 * The engine: SQLite (a new folder under /tmp, removed with its WAL
 * files), or, when SPINLOG_TEST_PG_SOCK names the socket directory of a
 * PostgreSQL cluster (tests/e2e/lib-pg.sh; scripts/run-tests with
 * SPINLOG_TEST_STORE=postgres), a new database of that cluster per test,
 * dropped at the end: the same domain tests run on both engines. A test
 * that reads the engine's own tables asks store_fixture_scalar (plain SQL
 * both engines understand: the PostgreSQL engine's view plays has
 * SQLite's columns), and one that only means something on SQLite skips
 * with store_fixture_sqlite_only().
 */
#ifndef TESTS_UNIT_STORE_FIXTURE_H
#define TESTS_UNIT_STORE_FIXTURE_H

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/strbuf.h"
#include "store/store.h"
#include "store/sqlite/db.h"

struct store_fixture {
	char dir[64];
	char path[256];
	char db[64];  /* the PostgreSQL database, "" on SQLite */
	struct store *s;
	struct strbuf err;
};

static inline const char *store_fixture_pg_sock(void)
{
	const char *s = getenv("SPINLOG_TEST_PG_SOCK");
	return s && *s ? s : NULL;
}

/* Runs a cluster command (createdb, dropdb) on the fixture's database. */
static inline int store_fixture_pg_cmd(const char *cmd, const char *db)
{
	char line[512];

	snprintf(line, sizeof(line), "%s -h '%s' -U postgres %s%s >/dev/null",
		 cmd, store_fixture_pg_sock(),
		 cmd[0] == 'c' ? "-T template0 " : "", db);
	return system(line);
}

static inline int store_fixture_setup(void **state)
{
	static int seq;
	struct store_fixture *f = calloc(1, sizeof(*f));

	strbuf_init(&f->err, 0);
	if (store_fixture_pg_sock()) {
		snprintf(f->db, sizeof(f->db), "u%ld_%d", (long)getpid(), seq++);
		if (store_fixture_pg_cmd("createdb", f->db))
			return -1;
		snprintf(f->path, sizeof(f->path),
			 "postgresql:///%s?host=%s&user=postgres", f->db,
			 store_fixture_pg_sock());
	} else {
		snprintf(f->dir, sizeof(f->dir), "/tmp/spinlog-store-XXXXXX");
		if (!mkdtemp(f->dir))
			return -1;
		snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
	}
	if (store_open(f->path, &f->s, &f->err)) {
		fprintf(stderr, "store_fixture: %s\n", f->err.buf);
		return -1;
	}
	*state = f;
	return 0;
}

static inline int store_fixture_teardown(void **state)
{
	static const char *const ext[] = { "", "-wal", "-shm" };
	struct store_fixture *f = *state;
	char p[300];

	store_close(f->s);
	if (f->db[0]) {
		store_fixture_pg_cmd("dropdb", f->db);
	} else {
		for (size_t i = 0; i < 3; i++) {
			snprintf(p, sizeof(p), "%s%s", f->path, ext[i]);
			unlink(p);
		}
		rmdir(f->dir);
	}
	strbuf_release(&f->err);
	free(f);
	return 0;
}

/* The first column of the first row of sql on the fixture's store, -1 when
 * none: SQL both engines read alike. */
static inline int64_t store_fixture_scalar(struct store_fixture *f, const char *sql)
{
	PGconn *c;
	PGresult *r;
	int64_t v = -1;

	if (!f->db[0])
		return db_scalar(store_sqlite_db(f->s), sql);
	c = PQconnectdb(f->path);
	r = PQexec(c, sql);
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r))
		v = PQgetisnull(r, 0, 0) ? 0 : strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	else if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fprintf(stderr, "store_fixture: %s", PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	return v;
}

/* Skips the test (cmocka's skip()) when the store is not SQLite. */
#define store_fixture_sqlite_only(f) do { if ((f)->db[0]) skip(); } while (0)

#endif
