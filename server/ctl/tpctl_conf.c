/*
 * tpctl_conf.c: turnpikectl's view of the config file: loading it as
 * turnpike does, name and id indexes of its usage plans and API keys,
 * the checks a new key must pass against them, and opening the state
 * database of its data_dir.
 */
#include "tpctl.h"
#include "tp_conf.h"
#include "tp_log.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

static int
tpctl_plan_cmp(const void *a, const void *b)
{
    return strcmp((*(struct tp_usage_plan *const *) a)->name,
        (*(struct tp_usage_plan *const *) b)->name);
}

static int
tpctl_key_name_cmp(const void *a, const void *b)
{
    return strcmp((*(const struct tp_conf_key *const *) a)->name,
        (*(const struct tp_conf_key *const *) b)->name);
}

static int
tpctl_key_id_cmp(const void *a, const void *b)
{
    return strcmp((*(const struct tp_conf_key *const *) a)->info.id,
        (*(const struct tp_conf_key *const *) b)->info.id);
}

/* Marks every pair of plans that serve one stage. */
static void
tpctl_shared_stages(struct tpctl *c)
{
    const struct tp_model *m = c->m;
    unsigned i, s, a, b, pa, pb;

    for (i = 0; i < m->napis; i++) {
        for (s = 0; s < m->apis[i].nstages; s++) {
            const struct tp_stage *st = &m->apis[i].stages[s];

            for (a = 0; a < st->nplans; a++) {
                for (b = 0; b < st->nplans; b++) {
                    pa = (unsigned) (st->plans[a] - m->plans);
                    pb = (unsigned) (st->plans[b] - m->plans);
                    if (a != b && c->shared[pa * m->nplans + pb].stage
                        == NULL)
                    {
                        c->shared[pa * m->nplans + pb] =
                            (struct tpctl_shared) { &m->apis[i], st };
                    }
                }
            }
        }
    }
}

int
tpctl_load(struct tpctl *c)
{
    struct tp_conf_opts o = { c->conf_path, c->prefix, false };
    char err[2048];
    int level = tp_log_level;
    unsigned i, np, nk;

    tp_log_level = -1;               /* the warnings are for turnpike -t */
    c->m = tp_conf_load(&c->arena, &o, err, sizeof(err));
    tp_log_level = level;
    if (c->m == NULL) {
        return tpctl_fail("%s", err);
    }
    np = c->m->nplans;
    nk = c->m->nkeys;
    c->plans = tp_arena_alloc(&c->arena, sizeof(*c->plans) * (np + 1));
    c->keys = tp_arena_alloc(&c->arena, sizeof(*c->keys) * (nk + 1));
    c->ids = tp_arena_alloc(&c->arena, sizeof(*c->ids) * (nk + 1));
    c->shared = tp_arena_calloc(&c->arena, sizeof(*c->shared) * (np * np
        + 1));
    if (c->plans == NULL || c->keys == NULL || c->ids == NULL
        || c->shared == NULL)
    {
        return tpctl_fail("out of memory");
    }
    for (i = 0; i < np; i++) {
        c->plans[i] = &c->m->plans[i];
    }
    for (i = 0; i < nk; i++) {
        c->keys[i] = c->ids[i] = &c->m->keys[i];
    }
    /* qsort() and bsearch() take no NULL base, even with no members. */
    if (np > 0) {
        qsort(c->plans, np, sizeof(*c->plans), tpctl_plan_cmp);
    }
    if (nk > 0) {
        qsort(c->keys, nk, sizeof(*c->keys), tpctl_key_name_cmp);
        qsort(c->ids, nk, sizeof(*c->ids), tpctl_key_id_cmp);
    }
    tpctl_shared_stages(c);
    return TPCTL_OK;
}

const struct tp_usage_plan *
tpctl_plan(const struct tpctl *c, const char *name)
{
    struct tp_usage_plan want = { .name = name }, *w = &want, **p;

    if (c->m->nplans == 0) {
        return NULL;
    }
    p = bsearch(&w, c->plans, c->m->nplans, sizeof(*c->plans),
        tpctl_plan_cmp);
    return p != NULL ? *p : NULL;
}

const struct tp_conf_key *
tpctl_conf_key(const struct tpctl *c, const char *name)
{
    struct tp_conf_key want = { .name = name };
    const struct tp_conf_key *w = &want, **p;

    if (c->m->nkeys == 0) {
        return NULL;
    }
    p = bsearch(&w, c->keys, c->m->nkeys, sizeof(*c->keys),
        tpctl_key_name_cmp);
    return p != NULL ? *p : NULL;
}

static bool
tpctl_conf_id(const struct tpctl *c, const char *id)
{
    struct tp_conf_key want;
    const struct tp_conf_key *w = &want;

    memcpy(want.info.id, id, sizeof(want.info.id));
    return c->m->nkeys > 0 && bsearch(&w, c->ids, c->m->nkeys, sizeof(*c->ids),
        tpctl_key_id_cmp) != NULL;
}

static int
tpctl_hash_cmp(const void *a, const void *b)
{
    return memcmp(a, ((const struct tp_conf_key *) b)->hash,
        TP_APIKEY_HASH_LEN);
}

const struct tp_conf_key *
tpctl_conf_key_by_hash(const struct tpctl *c, const uint8_t *hash)
{
    /* tp_conf_limits.c sorts the model's keys by hash. */
    if (c->m->nkeys == 0) {
        return NULL;
    }
    return bsearch(hash, c->m->keys, c->m->nkeys, sizeof(*c->m->keys),
        tpctl_hash_cmp);
}

bool
tpctl_key_in_plan(const struct tp_key_info *k, uint64_t plan)
{
    unsigned i;

    for (i = 0; i < k->nplans; i++) {
        if (k->plans[i] == plan) {
            return true;
        }
    }
    return false;
}

int
tpctl_key_plans(const struct tpctl *c, const char *const *names,
    unsigned n, struct tp_key_full *k, char *err, size_t errlen)
{
    const struct tp_usage_plan *p[TP_APIKEY_MAX_PLANS];
    const struct tpctl_shared *sh;
    unsigned i, j, pi, pj;

    if (n > TP_APIKEY_MAX_PLANS) {
        snprintf(err, errlen, "an API key is in at most %d usage plans, not "
            "%u", TP_APIKEY_MAX_PLANS, n);
        return TP_ERROR;
    }
    for (i = 0; i < n; i++) {
        p[i] = tpctl_plan(c, names[i]);
        if (p[i] == NULL) {
            snprintf(err, errlen, "usage plan \"%s\" is not defined in %s",
                names[i], c->conf_path);
            return TP_ERROR;
        }
        for (j = 0; j < i; j++) {
            if (p[j] == p[i]) {
                snprintf(err, errlen, "usage plan \"%s\" is named twice",
                    names[i]);
                return TP_ERROR;
            }
            pi = (unsigned) (p[i] - c->m->plans);
            pj = (unsigned) (p[j] - c->m->plans);
            sh = &c->shared[pj * c->m->nplans + pi];
            if (sh->stage != NULL) {
                snprintf(err, errlen, "usage plans \"%s\" and \"%s\" both "
                    "serve stage \"%s/%s\" (a key is in one plan per stage)",
                    names[j], names[i], sh->api->id, sh->stage->name);
                return TP_ERROR;
            }
        }
        snprintf(k->plan_names[i], sizeof(k->plan_names[i]), "%s",
            p[i]->name);
        k->info.plans[i] = p[i]->hash;
    }
    k->info.nplans = (uint8_t) n;
    return TP_OK;
}

int
tpctl_key_new_id(const struct tpctl *c, struct tp_key_full *k, char *err,
    size_t errlen)
{
    do {
        if (tp_apikey_random_id(k->info.id) != TP_OK) {
            snprintf(err, errlen, "no random numbers for a key id");
            return TP_ERROR;
        }
    } while (tpctl_conf_id(c, k->info.id));
    return TP_OK;
}

int
tpctl_key_new(const struct tpctl *c, struct tp_key_full *k, char *err,
    size_t errlen)
{
    const struct tp_conf_key *ck = tpctl_conf_key(c, k->name);
    size_t n = strlen(k->name);

    if (n == 0 || n > TP_APIKEY_NAME_MAX) {
        snprintf(err, errlen, "an API key name has 1 to %d characters",
            TP_APIKEY_NAME_MAX);
        return TP_ERROR;
    }
    if (ck != NULL) {
        snprintf(err, errlen, "an API key named \"%s\" already exists (%s:%d)",
            k->name, ck->src.file, ck->src.line);
        return TP_ERROR;
    }
    ck = tpctl_conf_key_by_hash(c, k->hash);
    if (ck != NULL) {
        snprintf(err, errlen, "API key \"%s\": its value is already the "
            "value of API key \"%s\" (%s:%d)", k->name, ck->name,
            ck->src.file, ck->src.line);
        return TP_ERROR;
    }
    return tpctl_key_new_id(c, k, err, errlen);
}

int
tpctl_state(struct tpctl *c, enum tpctl_state_mode mode)
{
    const struct tp_server_conf *sc = &c->m->server;
    char err[1024];
    struct stat sb;
    int rc;

    if (stat(sc->data_dir, &sb) != 0 && errno == ENOENT) {
        tpctl_fail("data_dir %s does not exist (it is created when turnpike "
            "starts)", sc->data_dir);
        return TP_ERROR;
    }
    rc = tp_state_open(&c->st, sc->data_dir, sc->state_size,
        mode == TPCTL_WRITE ? 0 : TP_STATE_RDONLY, err, sizeof(err));
    if (rc == TP_OK && mode == TPCTL_EXISTING) {
        tp_state_close(c->st);               /* it exists: now for writing */
        rc = tp_state_open(&c->st, sc->data_dir, sc->state_size, 0, err,
            sizeof(err));
    }
    if (rc == TP_ERROR) {
        tpctl_fail("%s", err);
    }
    return rc;
}
