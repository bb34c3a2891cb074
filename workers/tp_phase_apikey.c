/*
 * tp_phase_apikey.c: API keys.  A route that requires one admits only a
 * request whose key (the x-api-key header, or what a Lambda authorizer
 * returned as usageIdentifierKey) exists, is enabled and is in a usage plan
 * that serves the stage; everything else is 403 Forbidden (auth.md 8).
 * Keys are matched by the SHA-256 of the value: the file's keys by binary
 * search, then the state database, which turnpikectl changes live.  A key
 * value is never logged.  Workers only.
 */
#include "tp_log.h"
#include "tp_pipeline.h"
#include "tp_respond.h"
#include "tp_state.h"
#include "tp_worker.h"

#include <stdlib.h>

static int
key_cmp(const void *hash, const void *k)
{
    return memcmp(hash, ((const struct tp_conf_key *) k)->hash,
        TP_APIKEY_HASH_LEN);
}

/* TP_OK and <*info>, TP_DECLINED (unknown), TP_ERROR (database). */
static int
key_lookup(struct tp_request *r, const uint8_t *hash,
    struct tp_key_info *info)
{
    const struct tp_model *m = r->c->w->model;
    const struct tp_conf_key *k = m->nkeys == 0 ? NULL
        : bsearch(hash, m->keys, m->nkeys, sizeof(*m->keys), key_cmp);

    if (k != NULL && tp_apikey_hash_eq(k->hash, hash)) {
        *info = k->info;
        return TP_OK;
    }
    if (r->c->w->state == NULL) {
        return TP_DECLINED;
    }
    return tp_state_key_find(r->c->w->state, hash, info);
}

/* The plan of <info> that serves the request's stage (one at most). */
static const struct tp_usage_plan *
key_plan(const struct tp_stage *st, const struct tp_key_info *info)
{
    unsigned i, k;

    for (i = 0; i < st->nplans; i++) {
        for (k = 0; k < info->nplans; k++) {
            if (info->plans[k] == st->plans[i]->hash) {
                return st->plans[i];
            }
        }
    }
    return NULL;
}

static struct tp_str
key_presented(struct tp_request *r)
{
    int i;

    if (r->api->api_key_source != NULL
        && strcmp(r->api->api_key_source, "AUTHORIZER") == 0)
    {
        return r->api_key;           /* set by an authorizer phase */
    }
    i = tp_http_find_header(&r->msg, r->c->buf, "x-api-key", 0);
    return i >= 0 ? tp_req_header(r, (unsigned) i, true) : TP_NULL_STR;
}

int
tp_phase_apikey(struct tp_request *r)
{
    uint8_t hash[TP_APIKEY_HASH_LEN];
    struct tp_key_info info;
    char *id;
    int rc;

    if (!r->match.route->api_key_required) {
        return TP_PHASE_CONTINUE;    /* counts against no plan */
    }
    r->api_key = key_presented(r);
    /* Values out of bounds cannot be keys: not even worth a hash. */
    if (r->api_key.len < TP_APIKEY_VALUE_MIN
        || r->api_key.len > TP_APIKEY_VALUE_MAX)
    {
        tp_respond_gw(r, TP_GW_INVALID_API_KEY, NULL);
        return TP_PHASE_DONE;
    }
    tp_apikey_hash(r->api_key.p, r->api_key.len, hash);
    rc = key_lookup(r, hash, &info);
    if (rc == TP_ERROR) {
        tp_log(TP_LOG_ERROR, 0, "API key lookup failed in the state "
            "database (request %s)", r->id);
        tp_respond_gw(r, TP_GW_INTERNAL, NULL);
        return TP_PHASE_DONE;
    }
    r->plan = rc == TP_OK && info.enabled ? key_plan(r->stage, &info) : NULL;
    if (r->plan == NULL) {
        tp_respond_gw(r, TP_GW_INVALID_API_KEY, NULL);
        return TP_PHASE_DONE;
    }
    id = tp_arena_strdup(&r->c->arena, info.id);
    if (id == NULL) {
        tp_respond_gw(r, TP_GW_INTERNAL, NULL);
        return TP_PHASE_DONE;
    }
    r->api_key_id = id;
    return TP_PHASE_CONTINUE;
}
