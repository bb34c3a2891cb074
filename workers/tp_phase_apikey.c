/*
 * tp_phase_apikey.c: API keys.  A route that requires one admits only a
 * request whose key (the x-api-key header, or what a Lambda authorizer
 * returned as usageIdentifierKey) exists, is enabled and is in a usage plan
 * that serves the stage; everything else is 403 Forbidden (auth.md 8).
 * Keys are matched by the SHA-256 of the value (remembered per worker for
 * recent values, tp_keymemo.c): the file's keys by binary search, then
 * the state database, which turnpikectl changes live.  A key value is
 * never logged.  Workers only.
 */
#include "tp_execlog.h"
#include "tp_hash.h"
#include "tp_keymemo.h"
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

/* The file's key of <hash>, or NULL.  The search compares whole hashes,
 * so a key found is equal: no second compare.  Neither needs constant
 * time: what timing could reveal is a hash, which says nothing of a key
 * value. */
static const struct tp_conf_key *
key_in_file(const struct tp_model *m, const uint8_t *hash)
{
    return m->nkeys == 0 ? NULL
        : bsearch(hash, m->keys, m->nkeys, sizeof(*m->keys), key_cmp);
}

/* The plan of <info> that serves the request's stage (one at most), and
 * its index in info->plans in <*k>. */
static const struct tp_usage_plan *
key_plan(const struct tp_stage *st, const struct tp_key_info *info,
    unsigned *k)
{
    unsigned i, j;

    for (i = 0; i < st->nplans; i++) {
        for (j = 0; j < info->nplans; j++) {
            if (info->plans[j] == st->plans[i]->hash) {
                *k = j;
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

/* The SHA-256 of the presented value, through the worker's memo, which
 * the first request that presents a key makes: a worker whose routes
 * require none never has one. */
static void
key_hash(struct tp_worker *w, struct tp_str v, uint8_t *out)
{
    if (w->keymemo == NULL && !w->keymemo_failed) {
        w->keymemo = tp_keymemo_new();
        w->keymemo_failed = w->keymemo == NULL;
    }
    tp_keymemo_hash(w->keymemo, v.p, v.len, out);
}

/* The accepted key's id and the hashes the throttle phase needs: a key of
 * the file has them from the load (the model outlives the request); one
 * of the state database is copied and hashed.  TP_ERROR: no memory. */
static int
key_accept(struct tp_request *r, const struct tp_conf_key *fk,
    const struct tp_key_info *info, unsigned k)
{
    char *id;

    if (fk != NULL) {
        r->api_key_id = fk->info.id;
        r->quota_id = fk->quota_ids[k];
        r->plan_bucket = fk->buckets[k];
        return TP_OK;
    }
    id = tp_arena_strdup(&r->c->arena, info->id);
    if (id == NULL) {
        return TP_ERROR;
    }
    r->api_key_id = id;
    r->quota_id = tp_quota_id(r->plan->hash, id);
    r->plan_bucket = tp_plan_bucket(r->quota_id);
    return TP_OK;
}

int
tp_phase_apikey(struct tp_request *r)
{
    struct tp_worker *w = r->c->w;
    uint8_t hash[TP_APIKEY_HASH_LEN];
    const struct tp_conf_key *fk;
    struct tp_key_info db;
    const struct tp_key_info *info = &db;
    unsigned k = 0;
    int rc = TP_DECLINED;

    if (r->xlog != NULL) {
        tp_xlog_auth_passed(r);      /* the authorize phase let it in */
    }
    if (!r->match.route->api_key_required) {
        if (r->xlog != NULL) {
            tp_xlog_usage_plan(r, TP_XLOG_KEY_NOT_REQUIRED);
        }
        return TP_PHASE_CONTINUE;    /* counts against no plan */
    }
    r->api_key = key_presented(r);
    /* Values out of bounds cannot be keys: not even worth a hash. */
    if (r->api_key.len < TP_APIKEY_VALUE_MIN
        || r->api_key.len > TP_APIKEY_VALUE_MAX)
    {
        if (r->xlog != NULL) {
            tp_xlog_usage_plan(r, TP_XLOG_KEY_REFUSED);
        }
        tp_respond_gw(r, TP_GW_INVALID_API_KEY, NULL);
        return TP_PHASE_DONE;
    }
    key_hash(w, r->api_key, hash);
    fk = key_in_file(w->model, hash);
    if (fk != NULL) {
        info = &fk->info;
        rc = TP_OK;
    } else if (w->state != NULL) {
        rc = tp_state_key_find(w->state, hash, &db);
    }
    if (rc == TP_ERROR) {
        tp_log(TP_LOG_ERROR, 0, "API key lookup failed in the state "
            "database (request %s)", r->id);
        tp_respond_gw(r, TP_GW_INTERNAL, NULL);
        return TP_PHASE_DONE;
    }
    r->plan = rc == TP_OK && info->enabled ? key_plan(r->stage, info, &k)
                                           : NULL;
    if (r->plan == NULL) {
        if (r->xlog != NULL) {
            tp_xlog_usage_plan(r, TP_XLOG_KEY_REFUSED);
        }
        tp_respond_gw(r, TP_GW_INVALID_API_KEY, NULL);
        return TP_PHASE_DONE;
    }
    if (key_accept(r, fk, info, k) != TP_OK) {
        tp_respond_gw(r, TP_GW_INTERNAL, NULL);
        return TP_PHASE_DONE;
    }
    if (r->xlog != NULL) {
        tp_xlog_usage_plan(r, TP_XLOG_KEY_ACCEPTED);
    }
    return TP_PHASE_CONTINUE;
}
