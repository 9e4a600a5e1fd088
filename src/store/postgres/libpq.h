/*
 * libpq is loaded when a store on PostgreSQL is opened, not when spinlog
 * starts (issue 9's start cost; libpq brings Kerberos, LDAP and SASL along:
 * a dozen shared objects that a SQLite store never uses). pg_libpq_load
 * loads it: 0, or -1 with what to install in err. In the spinlog binary
 * the PQ* functions are forwarders (libpq.c) into the loaded library; the
 * unit tests link libpq itself and this returns 0 (libpq_linked.c).
 */
#ifndef STORE_POSTGRES_LIBPQ_H
#define STORE_POSTGRES_LIBPQ_H

#include "core/strbuf.h"

int pg_libpq_load(struct strbuf *err);

#endif
