/* The SQLite engine's tuning of a second reading handle (store.h, "a second reader"). */
#ifndef STORE_SQLITE_SECONDREADER_H
#define STORE_SQLITE_SECONDREADER_H

struct store;

void sqs_tune_second_reader(struct store *s);

#endif
