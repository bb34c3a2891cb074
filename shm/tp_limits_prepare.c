/*
 * tp_limits_prepare.c: the master's traffic-control step of a start or a
 * reload.  The state database is opened and closed here, before fork():
 * LMDB handles must not cross one.
 */
#include "tp_limits_prepare.h"
#include "tp_log.h"
#include "tp_quota.h"
#include "tp_shm.h"
#include "tp_state.h"
#include "tp_throttle.h"

#include <time.h>

/* A reload cannot resize the shared tables: say so once per reload. */
static void
prepare_sizes(const struct tp_server_conf *sc, struct tp_shm *shm)
{
    struct tp_tt_table *tt = tp_throttle_zone(shm, sc->throttle_entries);
    struct tp_q_table *qt = tp_quota_zone(shm, sc->quota_entries);

    if (tt != NULL && tt->cap < sc->throttle_entries) {
        tp_log(TP_LOG_WARN, 0, "server.throttle_entries = %u takes effect "
            "at the next restart; the table keeps %llu entries",
            sc->throttle_entries, (unsigned long long) tt->cap);
    }
    if (qt != NULL && qt->cap < sc->quota_entries) {
        tp_log(TP_LOG_WARN, 0, "server.quota_entries = %u takes effect at "
            "the next restart; the table keeps %llu entries",
            sc->quota_entries, (unsigned long long) qt->cap);
    }
}

/* A config key and a turnpikectl key with one value or one name: the
 * config's wins (workers look there first), which may surprise. */
static void
prepare_shadowed(const struct tp_model *m, struct tp_state *st)
{
    struct tp_key_full full;
    struct tp_key_info info;
    char err[256];
    unsigned i;

    for (i = 0; i < m->nkeys; i++) {
        const struct tp_conf_key *k = &m->keys[i];

        if (tp_state_key_find(st, k->hash, &info) == TP_OK) {
            tp_log(TP_LOG_WARN, 0, "%s:%u: api key \"%s\" has the value of "
                "the turnpikectl key with id %s; the config file's key "
                "applies", k->src.file, (unsigned) k->src.line, k->name,
                info.id);
        }
        if (tp_state_key_get(st, k->name, &full, err, sizeof(err))
            == TP_OK && memcmp(full.hash, k->hash, sizeof(k->hash)) != 0)
        {
            tp_log(TP_LOG_WARN, 0, "%s:%u: api key \"%s\": turnpikectl has "
                "a key of the same name (id %s); both are valid, usage "
                "reports name them alike", k->src.file,
                (unsigned) k->src.line, k->name, full.info.id);
        }
    }
}

int
tp_limits_prepare(struct tp_model *m, struct tp_shm *shm, char *err,
    size_t errlen)
{
    struct tp_state *st;
    int64_t now = (int64_t) time(NULL);
    unsigned i;

    if (shm != NULL) {
        prepare_sizes(&m->server, shm);
    }
    if (m->nplans == 0) {
        return TP_OK;                /* no quota, no key can be valid */
    }
    if (tp_state_open(&st, m->server.data_dir, m->server.state_size, 0, err,
            errlen) != TP_OK)
    {
        return TP_ERROR;
    }
    prepare_shadowed(m, st);
    for (i = 0; i < m->nplans; i++) {
        if (tp_state_plan_seen(st, m->plans[i].name, now,
                &m->plans[i].first_seen, err, errlen) != TP_OK)
        {
            tp_state_close(st);
            return TP_ERROR;
        }
    }
    tp_state_close(st);
    return TP_OK;
}
