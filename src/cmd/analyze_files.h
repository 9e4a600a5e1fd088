/*
 * The files 'spinlog analyze' works on (cmd/analyze.c): the paths given,
 * folders walked recursively for audio by extension, sorted. A named file
 * is taken whatever its name, so a bad one gets its own error.
 */
#ifndef CMD_ANALYZE_FILES_H
#define CMD_ANALYZE_FILES_H

#include "core/strbuf.h"
#include "core/strvec.h"

/* Appends to files; -1 with err (naming the path) when a path is missing. */
int analyze_collect(const char *path, struct strvec *files, struct strbuf *err);
/* The SHA-256 of the file's bytes as 64 hex digits into hex; -1 when unreadable. */
int analyze_hash(const char *path, char hex[65]);
/* Casefolded ASCII letters and digits, other runs made one space, trimmed. */
char *analyze_norm(const char *s);

#endif
