/*
 * tp_conf.h: loading the configuration file into a tp_model.
 * Runs in the master only (at start, on -t and on every reload).
 */
#ifndef TP_CONF_H
#define TP_CONF_H

#include "tp_core.h"
#include "tp_arena.h"
#include "tp_model.h"

struct tp_conf_opts {
    const char *path;                /* the config file */
    const char *prefix;              /* -p: default runtime dir, or NULL */
    bool test_only;                  /* -t: also print warnings to stderr */
};

/*
 * Parses and validates <opts->path> completely (every API definition it
 * names) into a new model allocated from <a>.  On failure returns NULL and
 * writes "FILE:LINE: message" into <err>.  Warnings (features parsed but not
 * supported yet) are logged at warn level.
 */
struct tp_model *tp_conf_load(struct tp_arena *a,
    const struct tp_conf_opts *opts, char *err, size_t errlen);

#endif /* TP_CONF_H */
