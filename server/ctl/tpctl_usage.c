/*
 * tpctl_usage.c: turnpikectl usage: the requests each API key of a usage
 * plan made per day, with what was left of its quota at the end of each
 * day, in the shape of API Gateway's GetUsage.
 */
#include "tpctl.h"
#include "tp_hash.h"
#include "tp_period.h"

#include <time.h>

#define TPCTL_USAGE_DAYS 90          /* API Gateway's limit */

struct tpctl_usage_q {
    struct tpctl *c;
    const struct tp_usage_plan *plan;
    enum tp_period period;
    int64_t start;
    int64_t end;
    int64_t from;                    /* first day of start's quota period */
    int64_t first_period;            /* the one the offset applies to */
    unsigned n;                      /* keys printed */
    bool failed;
    uint64_t counts[TPCTL_USAGE_DAYS + 31];
};

/* What the quota left after <used> requests in the period of <day>. */
static uint64_t
tpctl_remaining(const struct tpctl_usage_q *q, int64_t day, uint64_t used)
{
    uint64_t limit = q->plan->quota_limit;

    if (tp_period_of_day(q->period, day) == q->first_period) {
        limit -= TP_MIN(limit, q->plan->quota_offset);
    }
    return used < limit ? limit - used : 0;
}

/* One key's "id":[[used, remaining], ...]; TP_ERROR on a read error. */
static int
tpctl_usage_key(struct tpctl_usage_q *q, const char *id)
{
    uint64_t qid = tp_quota_id(q->plan->hash, id), sum = 0;
    int64_t d;

    if (q->c->st == NULL) {
        memset(q->counts, 0, sizeof(q->counts));
    } else if (tp_state_usage_range(q->c->st, qid, q->from, q->end,
            q->counts) != TP_OK)
    {
        return TP_ERROR;
    }
    fputs(q->n++ == 0 ? "\n" : ",\n", stdout);
    tpctl_json_str(stdout, id);
    fputs(":[", stdout);
    for (d = q->from; d <= q->end; d++) {
        if (tp_period_of_day(q->period, d)
            != tp_period_of_day(q->period, d - 1))
        {
            sum = 0;                         /* a new quota period */
        }
        sum += q->counts[d - q->from];
        if (d < q->start) {
            continue;
        }
        printf("%s[%llu,", d > q->start ? "," : "",
            (unsigned long long) q->counts[d - q->from]);
        if (q->plan->has_quota) {
            printf("%llu]", (unsigned long long) tpctl_remaining(q, d, sum));
        } else {
            fputs("null]", stdout);
        }
    }
    putchar(']');
    return TP_OK;
}

static int
tpctl_usage_state(const struct tp_key_full *k, void *arg)
{
    struct tpctl_usage_q *q = arg;

    if (tpctl_key_in_plan(&k->info, q->plan->hash)
        && tpctl_usage_key(q, k->info.id) != TP_OK)
    {
        q->failed = true;
        return 1;
    }
    return 0;
}

/* The id of the key named <name> if it is in the plan; NULL after
 * printing why not. */
static const char *
tpctl_usage_one(struct tpctl_usage_q *q, const char *name,
    struct tp_key_full *k)
{
    const struct tp_conf_key *ck = tpctl_conf_key(q->c, name);
    const struct tp_key_info *info = ck != NULL ? &ck->info : &k->info;
    char err[2048];

    if (ck == NULL && q->c->st == NULL) {
        tpctl_fail("no API key named \"%s\"", name);
        return NULL;
    }
    if (ck == NULL && tp_state_key_get(q->c->st, name, k, err, sizeof(err))
        != TP_OK)
    {
        tpctl_fail("%s", err);
        return NULL;
    }
    if (!tpctl_key_in_plan(info, q->plan->hash)) {
        tpctl_fail("API key \"%s\" is not in usage plan \"%s\"", name,
            q->plan->name);
        return NULL;
    }
    return info->id;
}

static int
tpctl_usage_print(struct tpctl_usage_q *q, const char *key)
{
    char start[11], end[11];
    struct tp_key_full k;
    const char *id = NULL;
    unsigned i;

    if (key != NULL && (id = tpctl_usage_one(q, key, &k)) == NULL) {
        return TPCTL_FAIL;
    }
    tp_format_date(q->start, start);
    tp_format_date(q->end, end);
    fputs("{\"usagePlanId\":", stdout);
    tpctl_json_str(stdout, q->plan->name);
    printf(",\"startDate\":\"%s\",\"endDate\":\"%s\",\"items\":{", start,
        end);
    if (id != NULL) {
        q->failed = tpctl_usage_key(q, id) != TP_OK;
    }
    for (i = 0; key == NULL && i < q->c->m->nkeys && !q->failed; i++) {
        if (tpctl_key_in_plan(&q->c->keys[i]->info, q->plan->hash)) {
            q->failed = tpctl_usage_key(q, q->c->keys[i]->info.id) != TP_OK;
        }
    }
    if (key == NULL && q->c->st != NULL && !q->failed
        && tp_state_key_each(q->c->st, tpctl_usage_state, q) != TP_OK)
    {
        q->failed = true;
    }
    if (q->failed) {
        return tpctl_fail("%s: cannot read the usage",
            q->c->m->server.data_dir);
    }
    fputs(q->n > 0 ? "\n}}\n" : "}}\n", stdout);
    return TPCTL_OK;
}

/* --start/--end: defaults, order and the 90-day limit. */
static int
tpctl_usage_dates(const struct tpctl_cmd *cmd, struct tpctl_usage_q *q,
    const char *start, const char *end)
{
    char a[11], b[11];

    if (end == NULL) {
        q->end = tp_day_number((int64_t) time(NULL));
    } else if (tp_parse_date(end, &q->end) != TP_OK) {
        return tpctl_usage(cmd, "--end \"%s\" is not a date (YYYY-MM-DD)",
            end);
    }
    if (start == NULL) {
        q->start = q->plan->has_quota ? tp_period_first_day(q->period,
            tp_period_of_day(q->period, q->end)) : q->end;
    } else if (tp_parse_date(start, &q->start) != TP_OK) {
        return tpctl_usage(cmd, "--start \"%s\" is not a date (YYYY-MM-DD)",
            start);
    }
    if (q->start > q->end) {
        tp_format_date(q->start, a);
        tp_format_date(q->end, b);
        return tpctl_usage(cmd, "the start date %s is after the end date %s",
            a, b);
    }
    if (q->end - q->start + 1 > TPCTL_USAGE_DAYS) {
        return tpctl_usage(cmd, "%lld days from start to end; at most %d",
            (long long) (q->end - q->start + 1), TPCTL_USAGE_DAYS);
    }
    q->from = q->plan->has_quota ? tp_period_first_day(q->period,
        tp_period_of_day(q->period, q->start)) : q->start;
    return TPCTL_OK;
}

int
tpctl_usage_cmd(struct tpctl *c, const struct tpctl_cmd *cmd, int argc,
    char **argv)
{
    const char *plan = NULL, *key = NULL, *start = NULL, *end = NULL;
    struct tpctl_usage_q *q;
    int64_t seen = 0;
    int i, r, rc;

    for (i = 0; i < argc; i++) {
        if ((r = tpctl_opt(argc, argv, &i, "plan", &plan)) == 0
            && (r = tpctl_opt(argc, argv, &i, "key", &key)) == 0
            && (r = tpctl_opt(argc, argv, &i, "start", &start)) == 0
            && (r = tpctl_opt(argc, argv, &i, "end", &end)) == 0)
        {
            return tpctl_bad_arg(cmd, argv[i]);
        }
        if (r < 0) {
            return tpctl_usage(cmd, "%s needs a value", argv[i]);
        }
    }
    if (plan == NULL) {
        return tpctl_usage(cmd, "--plan is required");
    }
    if (tpctl_load(c) != TPCTL_OK) {
        return TPCTL_FAIL;
    }
    q = tp_arena_calloc(&c->arena, sizeof(*q));
    if (q == NULL) {
        return tpctl_fail("out of memory");
    }
    q->c = c;
    q->plan = tpctl_plan(c, plan);
    if (q->plan == NULL) {
        return tpctl_fail("usage plan \"%s\" is not defined in %s", plan,
            c->conf_path);
    }
    q->period = (enum tp_period) q->plan->quota_period;
    rc = tpctl_usage_dates(cmd, q, start, end);
    if (rc != TPCTL_OK) {
        return rc;
    }
    rc = tpctl_state(c, TPCTL_READ);
    if (rc == TP_ERROR) {
        return TPCTL_FAIL;
    }
    /* A plan turnpike has not seen yet starts its first period now. */
    if (c->st == NULL || tp_state_plan_get(c->st, q->plan->name, &seen)
        != TP_OK)
    {
        seen = q->plan->first_seen != 0 ? q->plan->first_seen
                                        : (int64_t) time(NULL);
    }
    q->first_period = tp_period_number(q->period, seen);
    return tpctl_usage_print(q, key);
}
