/*
 * The libpq calls of the PostgreSQL engine, forwarded to libpq.so.5, which
 * is dlopen()ed by pg_libpq_load (libpq.h says why). Every PQ function the
 * engine calls is in this table; one more means one more row (the link
 * fails until it has it, since the binary does not link libpq).
 */
#include <dlfcn.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "store/postgres/libpq.h"
#include "core/banned.h"

#define PQ_FUNCS(X)                                                          \
	X(PQconnectdb, PGconn *, (const char *a), (a))                       \
	X(PQstatus, ConnStatusType, (const PGconn *a), (a))                  \
	X(PQerrorMessage, char *, (const PGconn *a), (a))                    \
	X(PQtransactionStatus, PGTransactionStatusType, (const PGconn *a), (a)) \
	X(PQsetNoticeProcessor, PQnoticeProcessor,                           \
	  (PGconn *a, PQnoticeProcessor b, void *c), (a, b, c))              \
	X(PQexec, PGresult *, (PGconn *a, const char *b), (a, b))            \
	X(PQprepare, PGresult *,                                             \
	  (PGconn *a, const char *b, const char *c, int d, const Oid *e),    \
	  (a, b, c, d, e))                                                   \
	X(PQexecPrepared, PGresult *,                                        \
	  (PGconn *a, const char *b, int c, const char *const *d,            \
	   const int *e, const int *f, int g), (a, b, c, d, e, f, g))        \
	X(PQgetResult, PGresult *, (PGconn *a), (a))                         \
	X(PQputCopyData, int, (PGconn *a, const char *b, int c), (a, b, c))  \
	X(PQputCopyEnd, int, (PGconn *a, const char *b), (a, b))             \
	X(PQclear, void, (PGresult *a), (a))                                 \
	X(PQresultStatus, ExecStatusType, (const PGresult *a), (a))          \
	X(PQntuples, int, (const PGresult *a), (a))                          \
	X(PQnfields, int, (const PGresult *a), (a))                          \
	X(PQfname, char *, (const PGresult *a, int b), (a, b))               \
	X(PQftype, Oid, (const PGresult *a, int b), (a, b))                  \
	X(PQfformat, int, (const PGresult *a, int b), (a, b))                \
	X(PQgetvalue, char *, (const PGresult *a, int b, int c), (a, b, c))  \
	X(PQgetlength, int, (const PGresult *a, int b, int c), (a, b, c))    \
	X(PQgetisnull, int, (const PGresult *a, int b, int c), (a, b, c))    \
	X(PQcmdTuples, char *, (PGresult *a), (a))

static struct {
#define X(name, ret, params, args) ret (*name) params;
	PQ_FUNCS(X)
#undef X
	void (*PQfinish)(PGconn *);
} fn;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static struct strbuf why = STRBUF_INIT; /* empty when loaded */

static void setup(void)
{
	void *h = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);

	if (!h) {
		strbuf_addf(&why, "cannot load libpq (%s); install the libpq5 "
			    "package", dlerror());
		return;
	}
#define X(name, ret, params, args)                                           \
	*(void **)&fn.name = dlsym(h, #name);                                \
	if (!fn.name) {                                                      \
		strbuf_addstr(&why, "libpq.so.5 lacks " #name                \
			      "; install a newer libpq5");                   \
		return;                                                      \
	}
	PQ_FUNCS(X)
	X(PQfinish, void, (PGconn *a), (a))
#undef X
}

int pg_libpq_load(struct strbuf *err)
{
	pthread_once(&once, setup);
	if (!why.len)
		return 0;
	strbuf_addstr(err, why.buf);
	return -1;
}

/*
 * The forwarders. Only a connection made after pg_libpq_load succeeded
 * reaches them; a call before that is a bug in the engine, not a missing
 * package, hence abort.
 */
#define X(name, ret, params, args)                                           \
	ret name params                                                      \
	{                                                                    \
		if (!fn.name) {                                              \
			fprintf(stderr, "fatal: " #name " before libpq was loaded\n"); \
			abort();                                             \
		}                                                            \
		return fn.name args;                                         \
	}
PQ_FUNCS(X)
#undef X

/* Closing a store whose connection failed (NULL) needs no libpq. */
void PQfinish(PGconn *conn)
{
	if (conn)
		fn.PQfinish(conn);
}
