/*
 * tpctl_stats_rows.c: the rows of turnpikectl stats from the series of the
 * metrics region: one per API stage (the sum of its route series and of
 * its stage-level series), optionally one per route under it, one for the
 * requests no API took when there were any, and the TOTAL.  Stages are
 * sorted by API id and stage name so that the table does not jump around
 * as rates change; routes keep the order the master made them in (the
 * config's).  turnpikectl only.
 */
#include "tpctl_stats.h"

#include <stdlib.h>

static bool
srow_request_series(const struct tp_mseries *i)
{
    return i->kind == TP_MS_NOAPI || i->kind == TP_MS_REST
        || i->kind == TP_MS_HTTP || i->kind == TP_MS_WEBSOCKET;
}

/* No API last; then API id, stage, the stage-level series first, index. */
static int
srow_cmp(const void *pa, const void *pb)
{
    const struct tpctl_sref *a = pa, *b = pb;
    int d;

    d = (a->info->kind == TP_MS_NOAPI) - (b->info->kind == TP_MS_NOAPI);
    if (d == 0) {
        d = strcmp(a->info->api_id, b->info->api_id);
    }
    if (d == 0) {
        d = strcmp(a->info->stage, b->info->stage);
    }
    if (d == 0) {
        d = (int) a->info->route - (int) b->info->route;
    }
    if (d == 0) {
        d = a->s < b->s ? -1 : a->s > b->s;
    }
    return d;
}

static bool
srow_same_stage(const struct tp_mseries *a, const struct tp_mseries *b)
{
    return (a->kind == TP_MS_NOAPI) == (b->kind == TP_MS_NOAPI)
        && strcmp(a->api_id, b->api_id) == 0
        && strcmp(a->stage, b->stage) == 0;
}

/* <to> += <from>, field by field. */
static void
srow_add(struct tp_mcount *to, const struct tp_mcount *from)
{
    uint64_t *t = (uint64_t *) to;
    const uint64_t *f = (const uint64_t *) from;
    size_t i, n = sizeof(*to) / sizeof(uint64_t);

    for (i = 0; i < n; i++) {
        t[i] += f[i];
    }
}

static void
srow_add_series(struct tpctl_srow *row, const struct tp_mcount *cur,
    const struct tp_mcount *prev)
{
    struct tp_mcount d;

    tp_mstat_diff(cur, prev, &d);
    srow_add(&row->total, cur);
    srow_add(&row->delta, &d);
}

unsigned
tpctl_stats_rows(const struct tp_mstat *m, uint32_t nseries,
    const struct tp_mcount *cur, const struct tp_mcount *prev, bool routes,
    struct tpctl_sref *order, struct tpctl_srow *rows)
{
    struct tpctl_srow *stage = NULL, *total;
    unsigned n = 0, nref = 0, i;
    uint32_t s;

    for (s = 0; s < nseries; s++) {
        const struct tp_mseries *info = tp_mstat_info(m, s);

        if (srow_request_series(info)) {
            order[nref++] = (struct tpctl_sref) { s, info };
        }
    }
    if (nref > 0) {
        qsort(order, nref, sizeof(*order), srow_cmp);
    }
    for (i = 0; i < nref; i++) {
        const struct tpctl_sref *r = &order[i];
        struct tpctl_srow *row;

        if (stage == NULL || !srow_same_stage(stage->info, r->info)) {
            stage = &rows[n++];
            memset(stage, 0, sizeof(*stage));
            stage->kind = r->info->kind == TP_MS_NOAPI ? TPCTL_SROW_NOAPI
                                                       : TPCTL_SROW_STAGE;
            stage->info = r->info;
        }
        srow_add_series(stage, &cur[r->s], &prev[r->s]);
        if (!routes || stage->kind == TPCTL_SROW_NOAPI) {
            continue;
        }
        /* requests no route took: a row only when there were some */
        if (!r->info->route && tp_mcount_requests(&cur[r->s]) == 0) {
            continue;
        }
        row = &rows[n++];
        memset(row, 0, sizeof(*row));
        row->kind = r->info->route ? TPCTL_SROW_ROUTE : TPCTL_SROW_NOROUTE;
        row->info = r->info;
        srow_add_series(row, &cur[r->s], &prev[r->s]);
    }
    /* the no-API row only when some request took no API */
    if (n > 0 && rows[n - 1].kind == TPCTL_SROW_NOAPI
        && tp_mcount_requests(&rows[n - 1].total) == 0)
    {
        n--;
    }
    total = &rows[n];
    memset(total, 0, sizeof(*total));
    total->kind = TPCTL_SROW_TOTAL;
    for (i = 0; i < n; i++) {
        if (rows[i].kind == TPCTL_SROW_STAGE
            || rows[i].kind == TPCTL_SROW_NOAPI)
        {
            srow_add(&total->total, &rows[i].total);
            srow_add(&total->delta, &rows[i].delta);
        }
    }
    return n + 1;
}
