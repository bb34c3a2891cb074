/*
 * tp_proctitle.c: overwriting argv.  Only the contiguous argument strings
 * are used (the environment after them is left alone), so a long title is
 * cut rather than moved.
 */
#include "tp_proctitle.h"
#include "tp_cycle.h"

#include <stdlib.h>
#include <sys/prctl.h>

void
tp_proctitle_init(int argc, char **argv)
{
    char *end;
    int i;

    if (argc < 1 || argv[0] == NULL) {
        return;
    }
    end = argv[0] + strlen(argv[0]) + 1;
    for (i = 1; i < argc && argv[i] == end; i++) {
        end = argv[i] + strlen(argv[i]) + 1;
    }
    tp_proc.title = argv[0];
    tp_proc.title_len = (size_t) (end - argv[0]);
    /* Everything after this reads copies: the originals get overwritten. */
    for (i = 0; i < argc; i++) {
        char *copy = strdup(argv[i]);

        if (copy == NULL) {
            tp_proc.title = NULL;    /* keep the originals, no titles */
            return;
        }
        argv[i] = copy;
    }
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
