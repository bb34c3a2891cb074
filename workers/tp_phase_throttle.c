/*
 * tp_phase_throttle.c: throttles, then the quota.  The buckets a request
 * passes: the account's; its route's on the stage (the stage default or
 * the route's own setting, a bucket per route as API Gateway's method
 * settings); and, for a request with an API key, its usage plan's per key
 * (or the plan's setting for this route).  All are charged or none
 * (429 Too Many Requests), then the plan's quota counts it (429 Limit
 * Exceeded, and the buckets are given back).  Workers only.
 */
#include "tp_execlog.h"
#include "tp_hash.h"
#include "tp_log.h"
#include "tp_period.h"
#include "tp_pipeline.h"
#include "tp_quota.h"
#include "tp_respond.h"
#include "tp_state.h"
#include "tp_throttle.h"
#include "tp_time.h"
#include "tp_worker.h"

#include <time.h>

#define QUOTA_RETRIES   8
#define QUOTA_OK        (-1)         /* quota_take: else an enum tp_gw */
#define QUOTA_FULL      (-2)
#define REPORT_EVERY_MS 10000        /* "table full" at most this often */

static void
add_scope(struct tp_tt_scope *sc, unsigned *n, uint64_t key,
    const struct tp_throttle *t)
{
    sc[*n].key = key;
    sc[*n].g = tp_gcra_make(t->rate, t->burst);
    (*n)++;
}

/* The route's bucket on the stage: its own setting, else the default. */
/*
 * Execution log: which of the <n> scopes refused the request.  Each is
 * tried alone and an admission is given back at once, so the buckets end
 * as they were; only done when the stage logs.
 */
static void
log_throttled(struct tp_request *r, const struct tp_tt_scope *sc,
    const char *const *what, const struct tp_throttle *const *lim,
    unsigned n)
{
    struct tp_tt_slot *slot;
    unsigned i;

    for (i = 0; i < n; i++) {
        if (tp_throttle_admit(r->c->w->throttles, &sc[i], 1, tp_time_mono_ns(),
                &slot) == TP_TT_ADMIT)
        {
            tp_throttle_refund(&slot, &sc[i], 1);
            continue;
        }
        tp_xlog_add(r, "Request throttled: %s throttle limit exceeded "
            "(rate %g requests per second, burst %u)", what[i],
            lim[i]->rate, lim[i]->burst);
        return;
    }
    tp_xlog_add(r, "Request throttled: throttle limit exceeded");
}

static const struct tp_throttle *
route_throttle(const struct tp_request *r)
{
    const struct tp_stage *st = r->stage;
    const struct tp_route *rt = r->match.route;
    size_t i;

    if (st->route_throttle != NULL) {
        i = tp_api_route_index(r->api, rt);
        if (st->route_throttle[i].set) {
            return &st->route_throttle[i];
        }
    }
    return st->throttle.set ? &st->throttle : NULL;
}

/* The plan's bucket for this key: the plan's route setting or its own. */
static const struct tp_throttle *
plan_throttle(const struct tp_request *r, uint64_t *key)
{
    const struct tp_usage_plan *p = r->plan;
    const char *rk = r->match.route->key;
    unsigned i;

    for (i = 0; i < p->nmethods; i++) {
        if (p->methods[i].stage == r->stage
            && p->methods[i].route == r->match.route)
        {
            *key = tp_hash64(rk, strlen(rk), r->quota_id ^ r->stage->hash);
            return &p->methods[i].throttle;
        }
    }
    *key = r->plan_bucket;
    return p->throttle.set ? &p->throttle : NULL;
}

static void
report_full(struct tp_request *r, const char *what, const char *setting)
{
    struct tp_worker *w = r->c->w;

    if (w->limits_reported == 0
        || tp_clock.mono_ms - w->limits_reported >= REPORT_EVERY_MS)
    {
        w->limits_reported = tp_clock.mono_ms;
        tp_log(TP_LOG_ERROR, 0, "the %s table is full (no idle entry to "
            "reuse): requests that need a new entry answer 500; raise "
            "server.%s", what, setting);
    }
    tp_respond_gw(r, TP_GW_INTERNAL, NULL);
}

/* The quota entry of <qid>, loaded from the state database if absent. */
static struct tp_q_slot *
quota_slot(struct tp_request *r, uint64_t qid, uint32_t now_s)
{
    struct tp_worker *w = r->c->w;
    struct tp_q_slot *s = tp_quota_find(w->quotas, qid);
    struct tp_quota_rec rec;
    int rc = TP_DECLINED;

    w->state_failed = false;
    if (s != NULL) {
        return s;
    }
    if (w->state != NULL) {
        rc = tp_state_quota_get(w->state, qid, &rec);
        if (rc == TP_ERROR) {
            tp_log(TP_LOG_ERROR, 0, "quota lookup failed in the state "
                "database (request %s)", r->id);
            w->state_failed = true;
            return NULL;
        }
    }
    return tp_quota_insert(w->quotas, qid, rc == TP_OK ? &rec : NULL, now_s);
}

/* QUOTA_OK, QUOTA_FULL, or the gateway response that refuses it. */
static int
quota_take(struct tp_request *r, uint64_t qid)
{
    const struct tp_usage_plan *p = r->plan;
    uint32_t now_s = (uint32_t) (tp_clock.mono_ms / 1000);
    const struct tp_period_span *ps = tp_period_at(
        &r->c->w->quota_periods[p->quota_period], p->quota_period,
        (int64_t) (tp_clock.real_ms / 1000));
    uint64_t period = tp_quota_period(p->quota_period, ps->number);
    uint64_t limit = p->quota_limit;
    struct tp_q_slot *s;
    unsigned i;

    if (p->first_seen != 0 && p->first_seen >= ps->start
        && p->first_seen < ps->end)
    {
        limit -= p->quota_offset;    /* the plan's first period */
    }
    for (i = 0; i < QUOTA_RETRIES; i++) {
        s = quota_slot(r, qid, now_s);
        if (s == NULL) {
            return r->c->w->state_failed ? TP_GW_INTERNAL : QUOTA_FULL;
        }
        switch (tp_quota_take(s, qid, period, limit, now_s)) {
        case TP_Q_OK:
            return QUOTA_OK;
        case TP_Q_EXCEEDED:
            return TP_GW_QUOTA_EXCEEDED;
        default:
            break;                   /* being evicted: look again */
        }
    }
    return TP_GW_INTERNAL;
}

int
tp_phase_throttle(struct tp_request *r)
{
    const struct tp_model *m = r->c->w->model;
    struct tp_tt_scope sc[TP_THROTTLE_SCOPES];
    struct tp_tt_slot *slots[TP_THROTTLE_SCOPES];
    const char *what[TP_THROTTLE_SCOPES];
    const struct tp_throttle *lim[TP_THROTTLE_SCOPES];
    const struct tp_throttle *t;
    uint64_t qid = 0, key;
    unsigned n = 0;
    int rc;

    if (r->xlog != NULL) {
        tp_xlog_start(r);
    }
    if (m->account.set) {
        what[n] = "account-level";
        lim[n] = &m->account;
        add_scope(sc, &n, tp_hash64("account", 7, 0), &m->account);
    }
    t = route_throttle(r);
    if (t != NULL) {
        what[n] = "stage (method)";
        lim[n] = t;
        add_scope(sc, &n, tp_hash64(r->match.route->key,
            strlen(r->match.route->key), r->stage->hash), t);
    }
    if (r->plan != NULL) {
        qid = r->quota_id;
        t = plan_throttle(r, &key);
        if (t != NULL) {
            what[n] = "usage plan (API key)";
            lim[n] = t;
            add_scope(sc, &n, key, t);
        }
    }
    switch (tp_throttle_admit(r->c->w->throttles, sc, n, tp_time_mono_ns(),
            slots)) {
    case TP_TT_ADMIT:
        break;
    case TP_TT_THROTTLED:
        if (r->xlog != NULL) {
            log_throttled(r, sc, what, lim, n);
        }
        tp_respond_gw(r, TP_GW_THROTTLED, NULL);
        return TP_PHASE_DONE;
    default:
        report_full(r, "throttle", "throttle_entries");
        return TP_PHASE_DONE;
    }
    if (r->plan == NULL || !r->plan->has_quota) {
        return TP_PHASE_CONTINUE;
    }
    rc = quota_take(r, qid);
    if (rc == QUOTA_OK) {
        return TP_PHASE_CONTINUE;
    }
    tp_throttle_refund(slots, sc, n);
    if (rc == TP_GW_QUOTA_EXCEEDED) {
        TP_XLOG(r, "Request throttled: usage plan %s quota exceeded "
            "(limit %llu)", r->plan->name,
            (unsigned long long) r->plan->quota_limit);
    }
    if (rc == QUOTA_FULL) {
        report_full(r, "quota", "quota_entries");
    } else {
        tp_respond_gw(r, (enum tp_gw) rc, NULL);
    }
    return TP_PHASE_DONE;
}
