/*
 * plural.h - English plurals in messages: "1 file", "2 files", "0 files".
 *
 *   printf("%zu %s", n, plural(n, "file", "files"));
 *
 * Returns one of its arguments (borrowed), so it needs no freeing. Only
 * the count 1 takes the singular; every other count, 0 included, the
 * plural, as English does.
 */
#ifndef CORE_PLURAL_H
#define CORE_PLURAL_H

static inline const char *plural(long long n, const char *one, const char *other)
{
	return n == 1 ? one : other;
}

#endif
