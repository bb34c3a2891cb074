/*
 * tp_proctitle.c: overwriting argv.  The argument strings and the
 * environment strings that follow them are one contiguous area; the
 * environment is copied to the heap first so a title may use all of it.
 */
#include "tp_proctitle.h"
#include "tp_cycle.h"

#include <stdlib.h>
#include <sys/prctl.h>

extern char **environ;

/* Moves the environment strings that continue the area ending at <end>
 * to the heap; returns the area's new end (unchanged on failure). */
static char *
proctitle_take_environ(char *end)
{
    char **copy, *e = end;
    size_t i, n = 0;

    while (environ[n] != NULL) {
        n++;
    }
    copy = calloc(n + 1, sizeof(*copy));
    if (copy == NULL) {
        return end;
    }
    for (i = 0; i < n; i++) {
        copy[i] = strdup(environ[i]);
        if (copy[i] == NULL) {
            while (i > 0) {
                free(copy[--i]);
            }
            free(copy);
            return end;
        }
        if (environ[i] == e) {
            e = environ[i] + strlen(environ[i]) + 1;
        }
    }
    environ = copy;
    return e;
}

void
tp_proctitle_init(int argc, char **argv)
{
    char *area, *end;
    int i;

    if (argc < 1 || argv[0] == NULL) {
        return;
    }
    area = argv[0];
    end = argv[0] + strlen(argv[0]) + 1;
    for (i = 1; i < argc && argv[i] == end; i++) {
        end = argv[i] + strlen(argv[i]) + 1;
    }
    /* Everything after this reads copies: the originals get overwritten. */
    for (i = 0; i < argc; i++) {
        char *copy = strdup(argv[i]);

        if (copy == NULL) {
            return;    /* keep the originals, no titles */
        }
        argv[i] = copy;
    }
    if (environ != NULL) {
        end = proctitle_take_environ(end);
    }
    tp_proc.title = area;
    tp_proc.title_len = (size_t) (end - area);
}

void
tp_proctitle_set(const char *title, const char *comm)
{
    size_t n;

    (void) prctl(PR_SET_NAME, comm, 0, 0, 0);
    if (tp_proc.title == NULL || tp_proc.title_len < 2) {
        return;
    }
    n = TP_MIN(strlen(title), tp_proc.title_len - 1);
    memcpy(tp_proc.title, title, n);
    memset(tp_proc.title + n, 0, tp_proc.title_len - n);
}
