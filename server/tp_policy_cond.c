/*
 * tp_policy_cond.c: IAM condition blocks (tp_policy_int.h): compiling
 * {"Operator": {"key": value | [values]}} and testing it against a
 * request's condition keys.
 *
 * Semantics (IAM's): operators and the keys under one operator are ANDed,
 * the values of one key ORed; a negated operator (StringNotEquals,
 * NotIpAddress ...) holds when the request value matches none of them.
 * A key the request does not have: ...IfExists holds, Null decides by
 * itself, ForAllValues: holds (vacuously), ForAnyValue: does not, a
 * negated operator holds and any other does not.  A request value of the
 * wrong type (not a number for Numeric*, not an IP ...) matches no
 * policy value.  Keys are single-valued here, so for a present key the
 * ForAnyValue:/ForAllValues: prefixes change nothing.
 */
#include "tp_policy_int.h"

#include <strings.h>

struct pol_op {
    const char *name;
    uint8_t type;                    /* enum tp_pcond_type */
    uint8_t cmp;                     /* enum tp_pcond_cmp */
    bool negate;
};

static const struct pol_op pol_ops[] = {
    { "StringEquals", TP_PCOND_STRING, TP_PCMP_EQ, false },
    { "StringNotEquals", TP_PCOND_STRING, TP_PCMP_EQ, true },
    { "StringEqualsIgnoreCase", TP_PCOND_STRING_CI, TP_PCMP_EQ, false },
    { "StringNotEqualsIgnoreCase", TP_PCOND_STRING_CI, TP_PCMP_EQ, true },
    { "StringLike", TP_PCOND_STRING_LIKE, TP_PCMP_EQ, false },
    { "StringNotLike", TP_PCOND_STRING_LIKE, TP_PCMP_EQ, true },
    { "NumericEquals", TP_PCOND_NUMERIC, TP_PCMP_EQ, false },
    { "NumericNotEquals", TP_PCOND_NUMERIC, TP_PCMP_EQ, true },
    { "NumericLessThan", TP_PCOND_NUMERIC, TP_PCMP_LT, false },
    { "NumericLessThanEquals", TP_PCOND_NUMERIC, TP_PCMP_LE, false },
    { "NumericGreaterThan", TP_PCOND_NUMERIC, TP_PCMP_GT, false },
    { "NumericGreaterThanEquals", TP_PCOND_NUMERIC, TP_PCMP_GE, false },
    { "DateEquals", TP_PCOND_DATE, TP_PCMP_EQ, false },
    { "DateNotEquals", TP_PCOND_DATE, TP_PCMP_EQ, true },
    { "DateLessThan", TP_PCOND_DATE, TP_PCMP_LT, false },
    { "DateLessThanEquals", TP_PCOND_DATE, TP_PCMP_LE, false },
    { "DateGreaterThan", TP_PCOND_DATE, TP_PCMP_GT, false },
    { "DateGreaterThanEquals", TP_PCOND_DATE, TP_PCMP_GE, false },
    { "Bool", TP_PCOND_BOOL, TP_PCMP_EQ, false },
    { "IpAddress", TP_PCOND_IP, TP_PCMP_EQ, false },
    { "NotIpAddress", TP_PCOND_IP, TP_PCMP_EQ, true },
    { "ArnEquals", TP_PCOND_ARN, TP_PCMP_EQ, false },
    { "ArnLike", TP_PCOND_ARN, TP_PCMP_EQ, false },
    { "ArnNotEquals", TP_PCOND_ARN, TP_PCMP_EQ, true },
    { "ArnNotLike", TP_PCOND_ARN, TP_PCMP_EQ, true },
    { "Null", TP_PCOND_NULL, TP_PCMP_EQ, false },
};

#define POL_ANY "ForAnyValue:"
#define POL_ALL "ForAllValues:"
#define POL_IFEXISTS "IfExists"

/* Splits operator name <s> into its prefix, base and suffix. */
static const struct pol_op *
pol_op_find(const char *s, struct tp_pol_cond *k)
{
    size_t n, i, sl = sizeof(POL_IFEXISTS) - 1;

    if (strncmp(s, POL_ANY, sizeof(POL_ANY) - 1) == 0) {
        k->set = TP_PSET_ANY;
        s += sizeof(POL_ANY) - 1;
    } else if (strncmp(s, POL_ALL, sizeof(POL_ALL) - 1) == 0) {
        k->set = TP_PSET_ALL;
        s += sizeof(POL_ALL) - 1;
    }
    n = strlen(s);
    if (n > sl && strcmp(s + n - sl, POL_IFEXISTS) == 0) {
        k->if_exists = true;
        n -= sl;
    }
    for (i = 0; i < TP_NELEM(pol_ops); i++) {
        if (strlen(pol_ops[i].name) == n
            && memcmp(pol_ops[i].name, s, n) == 0)
        {
            return &pol_ops[i];
        }
    }
    return NULL;
}

/* Value token <v> (a scalar) compiled for <k>'s type into <out>. */
static int
pol_value(struct tp_pol_ctx *c, const char *op, struct tp_pol_cond *k,
    int v, struct tp_pol_val *out)
{
    int t = tp_json_type(c->d, v);
    struct tp_str text;
    const char *want = NULL;

    if (t != TP_JSON_STRING && t != TP_JSON_NUMBER && t != TP_JSON_TRUE
        && t != TP_JSON_FALSE)
    {
        return tp_pol_error(c, "%s: \"%s\": a value must be a string, "
            "number or boolean, not %s", op, k->key, tp_json_type_name(t));
    }
    text = tp_json_text(c->d, v, c->a);
    if (text.p == NULL || (out->s = tp_arena_strndup(c->a, text.p,
                               text.len)) == NULL)
    {
        return tp_pol_error(c, "out of memory");
    }
    out->len = text.len;
    switch (k->type) {
    case TP_PCOND_NUMERIC:
        if (tp_pol_parse_number(out->s, out->len, &out->u.num) != TP_OK) {
            want = "a number";
        }
        break;
    case TP_PCOND_DATE:
        if (tp_pol_parse_date(out->s, out->len, &out->u.ms) != TP_OK) {
            want = "an ISO 8601 date/time or epoch seconds";
        }
        break;
    case TP_PCOND_BOOL:
    case TP_PCOND_NULL:
        if (strcasecmp(out->s, "true") == 0) {
            out->u.b = true;
        } else if (strcasecmp(out->s, "false") == 0) {
            out->u.b = false;
        } else {
            want = "true or false";
        }
        break;
    case TP_PCOND_IP:
        if (t != TP_JSON_STRING
            || tp_cidr_parse(out->s, out->len, true, &out->u.ip) != TP_OK)
        {
            want = "an IPv4 or IPv6 address or CIDR (10.0.0.0/8)";
        }
        break;
    default:
        break;
    }
    if (want != NULL) {
        return tp_pol_error(c, "%s: \"%s\": \"%s\" is not %s", op, k->key,
            out->s, want);
    }
    return TP_OK;
}

/* Key member <key> of operator <op>'s block into <k>. */
static int
pol_cond_key(struct tp_pol_ctx *c, const char *op, int key,
    struct tp_pol_cond *k)
{
    const char *colon;
    int v = key + 1, e;
    unsigned n = 0;

    k->key = tp_json_str(c->d, key, c->a, &k->key_len);
    if (k->key == NULL) {
        return tp_pol_error(c, "out of memory");
    }
    colon = strchr(k->key, ':');
    if (colon == NULL || colon == k->key || colon[1] == '\0') {
        return tp_pol_error(c, "%s: condition key \"%s\" needs a vendor "
            "prefix (such as aws:SourceIp)", op, k->key);
    }
    if (tp_json_type(c->d, v) != TP_JSON_ARRAY) {
        k->vals = tp_arena_calloc(c->a, sizeof(*k->vals));
        k->nvals = 1;
        if (k->vals == NULL) {
            return tp_pol_error(c, "out of memory");
        }
        return pol_value(c, op, k, v, &k->vals[0]);
    }
    if (c->d->toks[v].size == 0) {
        return tp_pol_error(c, "%s: \"%s\" has an empty list of values", op,
            k->key);
    }
    k->vals = tp_arena_calloc(c->a,
        sizeof(*k->vals) * (size_t) c->d->toks[v].size);
    if (k->vals == NULL) {
        return tp_pol_error(c, "out of memory");
    }
    for (e = tp_json_child(c->d, v); e >= 0; e = tp_json_next(c->d, e)) {
        if (pol_value(c, op, k, e, &k->vals[n++]) != TP_OK) {
            return TP_ERROR;
        }
    }
    k->nvals = n;
    return TP_OK;
}

int
tp_pol_conditions(struct tp_pol_ctx *c, int obj, struct tp_pol_stmt *st)
{
    const struct pol_op *o;
    const char *rep;
    unsigned total = 0;
    int op, key;
    char *name;

    if (tp_json_type(c->d, obj) != TP_JSON_OBJECT) {
        return tp_pol_error(c, "Condition must be an object");
    }
    if ((rep = tp_pol_repeated(c, obj)) != NULL) {
        return tp_pol_error(c, "Condition: operator \"%s\" appears twice",
            rep);
    }
    for (op = tp_json_child(c->d, obj); op >= 0; op = tp_json_next(c->d, op)) {
        if (tp_json_type(c->d, op + 1) != TP_JSON_OBJECT) {
            return tp_pol_error(c, "Condition: an operator's value must be "
                "an object of condition keys");
        }
        total += (unsigned) c->d->toks[op + 1].size;
    }
    st->conds = tp_arena_calloc(c->a, sizeof(*st->conds) * (total + 1));
    if (st->conds == NULL) {
        return tp_pol_error(c, "out of memory");
    }
    for (op = tp_json_child(c->d, obj); op >= 0; op = tp_json_next(c->d, op)) {
        struct tp_pol_cond proto;

        if ((name = tp_json_str(c->d, op, c->a, NULL)) == NULL) {
            return tp_pol_error(c, "out of memory");
        }
        memset(&proto, 0, sizeof(proto));
        if ((o = pol_op_find(name, &proto)) == NULL) {
            return tp_pol_error(c, "unknown condition operator \"%s\"",
                name);
        }
        if (o->type == TP_PCOND_NULL && proto.if_exists) {
            return tp_pol_error(c, "\"%s\": Null cannot take IfExists",
                name);
        }
        if ((rep = tp_pol_repeated(c, op + 1)) != NULL) {
            return tp_pol_error(c, "%s: key \"%s\" appears twice", name,
                rep);
        }
        proto.type = o->type;
        proto.cmp = o->cmp;
        proto.negate = o->negate;
        for (key = tp_json_child(c->d, op + 1); key >= 0;
             key = tp_json_next(c->d, key))
        {
            struct tp_pol_cond *k = &st->conds[st->nconds++];

            *k = proto;
            if (pol_cond_key(c, name, key, k) != TP_OK) {
                return TP_ERROR;
            }
        }
    }
    return TP_OK;
}

/* <sign> is a's order against b (-1, 0, 1): does it satisfy <cmp>? */
static bool
pol_order(int sign, enum tp_pcond_cmp cmp)
{
    switch (cmp) {
    case TP_PCMP_LT:
        return sign < 0;
    case TP_PCMP_LE:
        return sign <= 0;
    case TP_PCMP_GT:
        return sign > 0;
    case TP_PCMP_GE:
        return sign >= 0;
    default:
        return sign == 0;
    }
}

/* Whether request value <s> matches one of <k>'s values. */
static bool
pol_match_any(const struct tp_pol_cond *k, const char *s)
{
    size_t n = strlen(s);
    struct tp_cidr ip;
    double num = 0;
    int64_t ms = 0;
    bool b = false;
    unsigned i;

    switch (k->type) {
    case TP_PCOND_NUMERIC:
        if (tp_pol_parse_number(s, n, &num) != TP_OK) {
            return false;
        }
        break;
    case TP_PCOND_DATE:
        if (tp_pol_parse_date(s, n, &ms) != TP_OK) {
            return false;
        }
        break;
    case TP_PCOND_BOOL:
        if (strcasecmp(s, "true") != 0 && strcasecmp(s, "false") != 0) {
            return false;
        }
        b = strcasecmp(s, "true") == 0;
        break;
    case TP_PCOND_IP:
        if (tp_cidr_parse(s, n, false, &ip) != TP_OK) {
            return false;
        }
        break;
    default:
        break;
    }
    for (i = 0; i < k->nvals; i++) {
        const struct tp_pol_val *v = &k->vals[i];
        bool m;

        switch (k->type) {
        case TP_PCOND_STRING:
            m = v->len == n && memcmp(v->s, s, n) == 0;
            break;
        case TP_PCOND_STRING_CI:
            m = v->len == n && strncasecmp(v->s, s, n) == 0;
            break;
        case TP_PCOND_STRING_LIKE:
            m = tp_pol_glob(v->s, v->len, s, n, false);
            break;
        case TP_PCOND_NUMERIC:
            m = pol_order((num > v->u.num) - (num < v->u.num), k->cmp);
            break;
        case TP_PCOND_DATE:
            m = pol_order((ms > v->u.ms) - (ms < v->u.ms), k->cmp);
            break;
        case TP_PCOND_BOOL:
            m = b == v->u.b;
            break;
        case TP_PCOND_IP:
            m = tp_cidr_contains(&v->u.ip, &ip);
            break;
        case TP_PCOND_ARN:
            m = tp_pol_arn_match(v->s, v->len, s, n);
            break;
        default:
            m = false;
            break;
        }
        if (m) {
            return true;
        }
    }
    return false;
}

static bool
pol_cond_holds(const struct tp_pol_cond *k, const struct tp_policy_req *q)
{
    const char *s = q->key != NULL ? q->key(q->key_ctx, k->key, k->key_len)
                                   : NULL;
    unsigned i;

    if (k->type == TP_PCOND_NULL) {
        /* "Null": {"k": "true"} holds when k is absent */
        for (i = 0; i < k->nvals; i++) {
            if (k->vals[i].u.b == (s == NULL)) {
                return true;
            }
        }
        return false;
    }
    if (s == NULL) {
        if (k->if_exists || k->set == TP_PSET_ALL) {
            return true;
        }
        if (k->set == TP_PSET_ANY) {
            return false;
        }
        return k->negate;
    }
    return pol_match_any(k, s) != k->negate;
}

bool
tp_pol_conds_hold(const struct tp_pol_stmt *st, const struct tp_policy_req *q)
{
    unsigned i;

    for (i = 0; i < st->nconds; i++) {
        if (!pol_cond_holds(&st->conds[i], q)) {
            return false;
        }
    }
    return true;
}
