/*
 * tp_log.h: the leveled error log.  Used by all processes.
 *
 * The error log is always file descriptor 2: the master dup2()s the log file
 * onto it (or leaves the terminal there with -f) and children inherit it, so
 * assertions, sanitizer reports and library messages land in the same file.
 * Reopening (USR1) dup2()s a fresh descriptor onto 2 in every process.
 */
#ifndef TP_LOG_H
#define TP_LOG_H

#include "tp_core.h"

enum tp_log_level {
    TP_LOG_ERROR = 0,
    TP_LOG_WARN,
    TP_LOG_INFO,
    TP_LOG_DEBUG
};

/* Current threshold; messages above it are dropped cheaply by the macro. */
extern int tp_log_level;

void tp_log_write(int level, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * tp_log(<level>, <err>, fmt, ...): <err> is an errno value whose strerror
 * text is appended, or 0.  Never call from a signal handler.
 */
#define tp_log(level, err, ...) \
    do { if ((level) <= tp_log_level) tp_log_write(level, err, __VA_ARGS__); } \
    while (0)

#if TP_DEBUG
#define tp_log_debug(...) tp_log(TP_LOG_DEBUG, 0, __VA_ARGS__)
#else
#define tp_log_debug(...) do { } while (0)
#endif

int tp_log_level_from(const char *name);
const char *tp_log_level_name(int level);

/* Sets the tag printed on every line ("master", "worker#1"). */
void tp_log_set_tag(const char *role, int slot);

#endif /* TP_LOG_H */
