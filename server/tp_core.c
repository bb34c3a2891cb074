/*
 * tp_core.c: the few helpers declared in tp_core.h.  Used by all processes.
 */
#include "tp_core.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

void
tp_assert_fail(const char *expr, const char *file, int line)
{
    char msg[512];
    int n;

    /* stderr is the error log in every process (tp_log dup2s it there). */
    n = snprintf(msg, sizeof(msg),
        "turnpike[%d]: assertion failed: %s at %s:%d\n",
        (int) getpid(), expr, file, line);
    if (n > 0) {
        (void) !write(STDERR_FILENO, msg, TP_MIN((size_t) n, sizeof(msg) - 1));
    }
    abort();
}

bool
tp_str_caseeq(struct tp_str a, const char *lit)
{
    size_t i;

    for (i = 0; i < a.len; i++) {
        unsigned char x = (unsigned char) a.p[i];
        unsigned char y = (unsigned char) lit[i];

        if (y == '\0') {
            return false;
        }
        if (x >= 'A' && x <= 'Z') {
            x |= 0x20;
        }
        if (y >= 'A' && y <= 'Z') {
            y |= 0x20;
        }
        if (x != y) {
            return false;
        }
    }
    return lit[i] == '\0';
}
