/*
 * tpctl.h: what the parts of turnpikectl share: the run's context (the
 * loaded config and the state handle), argument and error helpers, the
 * JSON writer and the config lookups.  turnpikectl only.
 */
#ifndef TPCTL_H
#define TPCTL_H

#include "tp_arena.h"
#include "tp_core.h"
#include "tp_model.h"
#include "tp_state.h"

#include <stdio.h>

/* Exit codes. */
#define TPCTL_OK     0
#define TPCTL_FAIL   1               /* "turnpikectl: message" */
#define TPCTL_USAGE  2               /* message and the usage line */

/* Two plans of one key that serve the same stage (AWS: not allowed). */
struct tpctl_shared {
    const struct tp_api *api;
    const struct tp_stage *stage;
};

struct tpctl {
    const char *conf_path;
    const char *prefix;              /* -p DIR, as turnpike -p */
    struct tp_arena arena;           /* the model and the indexes below */
    struct tp_model *m;
    struct tp_state *st;             /* NULL: not opened, or none exists */
    struct tp_usage_plan **plans;    /* sorted by name */
    const struct tp_conf_key **keys; /* config keys sorted by name */
    const struct tp_conf_key **ids;  /* and by id */
    struct tpctl_shared *shared;     /* [nplans * nplans], by plan index */
};

/* One command: its words, usage and function. */
struct tpctl_cmd {
    const char *words;               /* "keys create" */
    const char *usage;               /* the arguments */
    int (*run)(struct tpctl *c, const struct tpctl_cmd *cmd, int argc,
        char **argv);
};

/* Print "turnpikectl: ..." and return TPCTL_FAIL. */
int tpctl_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "turnpikectl: ..." and the command's usage; TPCTL_USAGE. */
int tpctl_usage(const struct tpctl_cmd *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Matches argv[*i] as "--<name> VALUE" or "--<name>=VALUE": 1 and <*val>
 * (advancing *i past a separate value), 0 when it is another argument,
 * -1 when the value is missing.
 */
int tpctl_opt(int argc, char **argv, int *i, const char *name,
    const char **val);

/* Unknown option or argument: the usage error for argv[i]. */
int tpctl_bad_arg(const struct tpctl_cmd *cmd, const char *arg);

/* -- tpctl_conf.c ---------------------------------------------------------- */

/* Loads the config (warnings silenced) and builds the indexes. */
int tpctl_load(struct tpctl *c);

const struct tp_usage_plan *tpctl_plan(const struct tpctl *c,
    const char *name);
const struct tp_conf_key *tpctl_conf_key(const struct tpctl *c,
    const char *name);
const struct tp_conf_key *tpctl_conf_key_by_hash(const struct tpctl *c,
    const uint8_t *hash);

/* Is the plan with hash <plan> one of the key's plans? */
bool tpctl_key_in_plan(const struct tp_key_info *k, uint64_t plan);

/*
 * Fills k->info.plans, k->info.nplans and k->plan_names from the plan
 * names <names>[n]: defined, distinct, at most 10, no two sharing a stage.
 * TP_ERROR + <err>.
 */
int tpctl_key_plans(const struct tpctl *c, const char *const *names,
    unsigned n, struct tp_key_full *k, char *err, size_t errlen);

/*
 * Checks <k> (name, value hash) against the config's keys and gives it a
 * fresh random id that no config key has.  TP_ERROR + <err>.
 */
int tpctl_key_new(const struct tpctl *c, struct tp_key_full *k, char *err,
    size_t errlen);

/* A new random id for <k> (after the state said TP_BUSY). */
int tpctl_key_new_id(const struct tpctl *c, struct tp_key_full *k,
    char *err, size_t errlen);

enum tpctl_state_mode {
    TPCTL_READ,                      /* read-only; none is no error */
    TPCTL_WRITE,                     /* created when absent */
    TPCTL_EXISTING                   /* read-write if it exists */
};

/* Opens c->st: TP_OK, TP_DECLINED (no state, READ and EXISTING), or
 * TP_ERROR after printing why (a missing data_dir among others). */
int tpctl_state(struct tpctl *c, enum tpctl_state_mode mode);

/* -- tpctl_cache.c --------------------------------------------------------- */

int tpctl_cache_flush(struct tpctl *c, const struct tpctl_cmd *cmd, int argc,
    char **argv);
int tpctl_cache_stats(struct tpctl *c, const struct tpctl_cmd *cmd, int argc,
    char **argv);

/* -- tpctl_json.c ---------------------------------------------------------- */

void tpctl_json_str(FILE *f, const char *s);
/* "YYYY-MM-DDTHH:MM:SSZ", or null for 0 (unknown). */
void tpctl_json_time(FILE *f, int64_t t);

/* An API key as JSON; <value> only when just created, <source> NULL to
 * leave it out; <created> 0: unknown (config keys). */
struct tpctl_key_view {
    const char *id;
    const char *name;
    const char *value;
    bool enabled;
    int64_t created;
    int64_t updated;
    const char *const *plans;
    unsigned nplans;
    const char *source;
};

void tpctl_json_key(FILE *f, const struct tpctl_key_view *v);

/* Views of a state key and of a config key (plans point into them). */
void tpctl_view_state(struct tpctl_key_view *v, const struct tp_key_full *k,
    const char **plans);
void tpctl_view_conf(struct tpctl_key_view *v, const struct tp_conf_key *k);

/* -- commands -------------------------------------------------------------- */

int tpctl_keys_create(struct tpctl *c, const struct tpctl_cmd *cmd, int argc,
    char **argv);
int tpctl_keys_list(struct tpctl *c, const struct tpctl_cmd *cmd, int argc,
    char **argv);
int tpctl_keys_enable(struct tpctl *c, const struct tpctl_cmd *cmd,
    int argc, char **argv);
int tpctl_keys_import(struct tpctl *c, const struct tpctl_cmd *cmd,
    int argc, char **argv);
/* tpctl_invoke.c: a local function through the function host. */
int tpctl_invoke(struct tpctl *c, const struct tpctl_cmd *cmd, int argc,
    char **argv);

/* tpctl_stats.c: the live table of the metrics region. */
int tpctl_stats(struct tpctl *c, const struct tpctl_cmd *cmd, int argc,
    char **argv);

int tpctl_usage_cmd(struct tpctl *c, const struct tpctl_cmd *cmd, int argc,
    char **argv);

#endif /* TPCTL_H */
