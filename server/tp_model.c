/*
 * tp_model.c: lookups in the compiled model.  Used by the master (while
 * loading) and by workers (per request; linear scans over short lists).
 */
#include "tp_model.h"

#include <stdlib.h>
#include <strings.h>

/* Exact names first; then "*.example.com" wildcards, longest suffix. */
struct tp_domain *
tp_model_find_domain(const struct tp_model *m, const char *host, size_t len)
{
    struct tp_domain *best = NULL;
    size_t best_len = 0, n;
    unsigned i;

    for (i = 0; i < m->ndomains; i++) {
        const char *name = m->domains[i].name;

        n = strlen(name);
        if (n == len && strncasecmp(name, host, len) == 0) {
            return &m->domains[i];
        }
        if (n > 2 && name[0] == '*' && name[1] == '.' && len > n - 1
            && strncasecmp(host + len - (n - 1), name + 1, n - 1) == 0
            && n > best_len)
        {
            best = &m->domains[i];
            best_len = n;
        }
    }
    return best;
}

struct tp_api *
tp_model_find_api(const struct tp_model *m, const char *id, size_t len)
{
    unsigned i;

    for (i = 0; i < m->napis; i++) {
        if (m->apis[i].id != NULL && m->apis[i].id_len == len
            && memcmp(m->apis[i].id, id, len) == 0)
        {
            return &m->apis[i];
        }
    }
    return NULL;
}

const struct tp_function *
tp_model_find_function(const struct tp_model *m, const char *name)
{
    unsigned i;

    for (i = 0; i < m->nfunctions; i++) {
        if (strcmp(m->functions[i].name, name) == 0) {
            return &m->functions[i];
        }
    }
    return NULL;
}

struct tp_stage *
tp_model_find_stage(const struct tp_api *api, const char *name, size_t len)
{
    unsigned i;

    for (i = 0; i < api->nstages; i++) {
        if (api->stages[i].name_len == len
            && memcmp(api->stages[i].name, name, len) == 0)
        {
            return &api->stages[i];
        }
    }
    return NULL;
}

const char *
tp_model_stage_var(const struct tp_stage *st, const char *key, size_t len)
{
    unsigned i;

    for (i = 0; i < st->nvars; i++) {
        if (strlen(st->vars[i].key) == len
            && memcmp(st->vars[i].key, key, len) == 0)
        {
            return st->vars[i].value;
        }
    }
    return NULL;
}

struct principal_key {
    const char *p;
    size_t len;
};

static int
principal_cmp(const void *k, const void *e)
{
    const struct principal_key *key = k;
    const char *id = ((const struct tp_principal *) e)->access_key_id;
    size_t n = strlen(id);
    int d = memcmp(key->p, id, TP_MIN(key->len, n));

    return d != 0 ? d : (key->len > n) - (key->len < n);
}

/* Access key ids are not secret (they travel in the clear in every
 * signed request): an ordinary search is fine. */
const struct tp_principal *
tp_model_find_principal(const struct tp_model *m, const char *akid,
    size_t len)
{
    struct principal_key key = { akid, len };

    return m->nprincipals == 0 ? NULL : bsearch(&key, m->principals,
        m->nprincipals, sizeof(*m->principals), principal_cmp);
}
