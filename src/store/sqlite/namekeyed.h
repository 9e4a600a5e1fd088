#ifndef STORE_SQLITE_NAMEKEYED_H
#define STORE_SQLITE_NAMEKEYED_H

#include "store/sqlite/sqlite.h"

int sqn_ref_names(struct store *s, int64_t ref, char **name, char **artist, char **album);

#endif
