/*
 * A second reading handle in one process (issue 11). Each SQLite handle
 * maps the file on its own (report.c's tune_for_reads: up to 1 GB), and
 * Linux counts a file page once per mapping in the process's RSS: 'site'
 * at 1M plays had 197 MB of file pages resident for an 86 MB store read
 * by two handles. The second handle reads through a 16 MB page cache
 * instead (its reads are day plays, track pages and names: indexed
 * lookups whose pages the kernel's cache keeps for both).
 */
#include "store/sqlite/db.h"
#include "store/sqlite/sqlite.h"
#include "store/sqlite/secondreader.h"
#include "core/banned.h"

void sqs_tune_second_reader(struct store *s)
{
	db_exec(sqlite_of(s)->db, "PRAGMA mmap_size = 0; PRAGMA cache_size = -16384", NULL);
}
