/*
 * tp_cycle.c: the per-process context, the signal flags and cycle
 * load/free.  The globals of turnpike are defined here (exemplars R3).
 */
#include "tp_cycle.h"
#include "tp_conf.h"

#include <stdio.h>
#include <stdlib.h>

struct tp_process tp_proc = { .slot = -1, .channel = -1, .mblock = -1,
    .alive = { -1, -1 } };

volatile sig_atomic_t tp_sig_child;
volatile sig_atomic_t tp_sig_terminate;
volatile sig_atomic_t tp_sig_quit;
volatile sig_atomic_t tp_sig_reload;
volatile sig_atomic_t tp_sig_reopen;
volatile sig_atomic_t tp_sig_alarm;

struct tp_cycle *
tp_cycle_load(bool test_only, char *err, size_t errlen)
{
    struct tp_conf_opts opts = { tp_proc.conf_path, tp_proc.prefix,
        test_only };
    struct tp_cycle *c = calloc(1, sizeof(*c));

    if (c == NULL) {
        snprintf(err, errlen, "%s: out of memory", tp_proc.conf_path);
        return NULL;
    }
    tp_arena_init(&c->arena, 16384);
    c->data_fd = -1;
    c->fn_fd = -1;
    c->model = tp_conf_load(&c->arena, &opts, err, errlen);
    if (c->model == NULL) {
        tp_cycle_free(c);
        return NULL;
    }
    return c;
}

void
tp_cycle_free(struct tp_cycle *c)
{
    if (c != NULL) {
        tp_arena_free(&c->arena);
        free(c);
    }
}
