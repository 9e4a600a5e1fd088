/* A growable array of owned strings (git's strvec). v is NULL-terminated. */
#ifndef CORE_STRVEC_H
#define CORE_STRVEC_H

#include <stddef.h>

struct strvec {
	char **v;
	size_t n, alloc;
};

#define STRVEC_INIT { NULL, 0, 0 }

void strvec_push(struct strvec *sv, const char *s);
void strvec_push_nodup(struct strvec *sv, char *s);
void strvec_sort(struct strvec *sv);
void strvec_clear(struct strvec *sv);

#endif
