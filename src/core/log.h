/*
 * One line per message on stderr: "spinlog: warning: ...". The daemon turns
 * on timestamps and names itself once (log_set_command), so that every line of
 * its log reads "spinlog: daemon: [warning: ]poll 'main': ...", whichever step
 * (poll, etl, collect) wrote it. Never pass secrets (tokens, client secrets).
 */
#ifndef CORE_LOG_H
#define CORE_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(enum log_level lvl);
void log_set_timestamps(int on);
void log_set_command(const char *name); /* a static string, or NULL */
void log_msg(enum log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif
