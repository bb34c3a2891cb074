/*
 * tp_log.c: leveled error log written with one write(2) per line to fd 2.
 * Used by all processes; O_APPEND on the file keeps lines whole across them.
 */
#include "tp_log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int tp_log_level = TP_LOG_INFO;

static char log_tag[32] = "turnpike";

static const char *const level_names[] = { "error", "warn", "info", "debug" };

int
tp_log_level_from(const char *name)
{
    size_t i;

    for (i = 0; i < TP_NELEM(level_names); i++) {
        if (strcmp(name, level_names[i]) == 0) {
            return (int) i;
        }
    }
    return -1;
}

const char *
tp_log_level_name(int level)
{
    if (level < 0 || level >= (int) TP_NELEM(level_names)) {
        return "?";
    }
    return level_names[level];
}

void
tp_log_set_tag(const char *role, int slot)
{
    if (slot >= 0) {
        snprintf(log_tag, sizeof(log_tag), "%s#%d", role, slot);
    } else {
        snprintf(log_tag, sizeof(log_tag), "%s", role);
    }
}

void
tp_log_write(int level, int err, const char *fmt, ...)
{
    char line[2048];
    size_t n, cap = sizeof(line) - 1;
    struct timespec ts;
    struct tm tm;
    va_list ap;
    int r;

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    n = strftime(line, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
    r = snprintf(line + n, cap - n, " [%s] %d %s: ",
        tp_log_level_name(level), (int) getpid(), log_tag);
    n += (r > 0) ? TP_MIN((size_t) r, cap - n) : 0;

    va_start(ap, fmt);
    r = vsnprintf(line + n, cap - n, fmt, ap);
    va_end(ap);
    n += (r > 0) ? TP_MIN((size_t) r, cap - n) : 0;

    if (err != 0 && n < cap) {
        r = snprintf(line + n, cap - n, " (%d: %s)", err, strerror(err));
        n += (r > 0) ? TP_MIN((size_t) r, cap - n) : 0;
    }
    line[n++] = '\n';

    /* One write per line: O_APPEND keeps concurrent writers' lines apart. */
    (void) !write(STDERR_FILENO, line, n);
}
