/* The schema as an ordered list of migrations; see schema.c. */
#ifndef STORE_SQLITE_SCHEMA_H
#define STORE_SQLITE_SCHEMA_H

extern const char *const schema_migrations[];
extern const int schema_migrations_len;

#endif
