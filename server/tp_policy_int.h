/*
 * tp_policy_int.h: the compiled form of an IAM policy document, shared by
 * the policy evaluator's files (tp_policy_parse.c builds it,
 * tp_policy_cond.c compiles and tests condition blocks, tp_policy_eval.c
 * matches statements).  Not for other modules: they see struct tp_policy
 * only through server/tp_policy.h.
 *
 * Everything is resolved at compile time so a request costs only
 * comparisons: strings are NUL-terminated copies in the caller's arena,
 * shorthand resources are expanded, condition values are parsed into the
 * operator's type (numbers, times, CIDRs), principals are split into
 * exact ARNs and whole accounts.
 */
#ifndef TP_POLICY_INT_H
#define TP_POLICY_INT_H

#include "tp_policy.h"
#include "tp_cidr.h"
#include "tp_json.h"

/* The value type a condition operator compares. */
enum tp_pcond_type {
    TP_PCOND_STRING = 0,             /* StringEquals ... (case-sensitive) */
    TP_PCOND_STRING_CI,              /* StringEqualsIgnoreCase ... */
    TP_PCOND_STRING_LIKE,            /* StringLike: '*' and '?' */
    TP_PCOND_NUMERIC,
    TP_PCOND_DATE,
    TP_PCOND_BOOL,
    TP_PCOND_IP,                     /* IpAddress: CIDRs */
    TP_PCOND_ARN,                    /* ArnEquals = ArnLike (IAM: both
                                        take wildcards per ARN part) */
    TP_PCOND_NULL                    /* Null: is the key absent? */
};

/* How a request value is compared with a policy value. */
enum tp_pcond_cmp {
    TP_PCMP_EQ = 0,
    TP_PCMP_LT,
    TP_PCMP_LE,
    TP_PCMP_GT,
    TP_PCMP_GE
};

/* ForAnyValue: / ForAllValues: (keys here are single-valued, so the
 * prefix only decides the answer for a missing key). */
enum tp_pcond_set {
    TP_PSET_NONE = 0,
    TP_PSET_ANY,
    TP_PSET_ALL
};

/* One policy value of a condition, in its operator's type. */
struct tp_pol_val {
    const char *s;                   /* strings, ARNs: NUL-terminated */
    size_t len;
    union {
        double num;                  /* NUMERIC */
        int64_t ms;                  /* DATE: ms since the epoch, UTC */
        bool b;                      /* BOOL; NULL: true = must be absent */
        struct tp_cidr ip;           /* IP */
    } u;
};

/* One key under one operator: "StringEquals": {"aws:UserAgent": [...]}. */
struct tp_pol_cond {
    uint8_t type;                    /* enum tp_pcond_type */
    uint8_t cmp;                     /* enum tp_pcond_cmp */
    uint8_t set;                     /* enum tp_pcond_set */
    bool negate;                     /* ...NotEquals, NotLike, NotIpAddress */
    bool if_exists;                  /* ...IfExists: a missing key matches */
    const char *key;                 /* "aws:SourceIp", as written */
    size_t key_len;
    struct tp_pol_val *vals;         /* OR among them */
    unsigned nvals;
};

/* Action, Resource or their Not forms: patterns with '*' and '?'. */
struct tp_pol_list {
    const char **pats;
    unsigned n;
    bool negate;                     /* NotAction / NotResource */
};

struct tp_pol_principal {
    bool any;                        /* "*" or {"AWS": "*"} */
    bool negate;                     /* NotPrincipal */
    const char **arns;               /* exact principal ARNs */
    unsigned narns;
    const char **accounts;           /* 12 digits: any principal of it */
    unsigned naccounts;
};

struct tp_pol_stmt {
    bool deny;
    const char *sid;                 /* NULL when absent */
    struct tp_pol_list actions;      /* patterns lower-cased */
    struct tp_pol_list resources;
    struct tp_pol_principal principal;   /* resource policies only */
    struct tp_pol_cond *conds;       /* AND among them */
    unsigned nconds;
};

struct tp_policy {
    enum tp_policy_kind kind;
    struct tp_pol_stmt *stmts;
    unsigned nstmts;
};

/* Compile state shared by the parse and condition files. */
struct tp_pol_ctx {
    struct tp_json *d;
    struct tp_arena *a;
    enum tp_policy_kind kind;
    const struct tp_policy_scope *scope;
    char where[96];                  /* "Statement[2] (Sid \"x\")" */
    char *err;
    size_t errlen;
};

/* Writes "<where>: <fmt...>" into c->err; returns TP_ERROR. */
int tp_pol_error(struct tp_pol_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The member name repeated in object <obj>, NULL if none (in c->a). */
const char *tp_pol_repeated(struct tp_pol_ctx *c, int obj);

/* Compiles the "Condition" object at token <obj> into <st>. */
int tp_pol_conditions(struct tp_pol_ctx *c, int obj, struct tp_pol_stmt *st);

/* Whether every condition of <st> holds for <q>. */
bool tp_pol_conds_hold(const struct tp_pol_stmt *st,
    const struct tp_policy_req *q);

/* '*' (any run) and '?' (one byte) glob match; <ci>: ASCII case-blind. */
bool tp_pol_glob(const char *pat, size_t pn, const char *s, size_t sn,
    bool ci);

/* IAM's ARN match: each of the first five ':'-parts and the rest are
 * matched on their own (ArnLike, ArnEquals). */
bool tp_pol_arn_match(const char *pat, size_t pn, const char *s, size_t sn);

/* Parsers shared by compile and evaluation (TP_OK or TP_ERROR). */
int tp_pol_parse_number(const char *s, size_t len, double *out);
int tp_pol_parse_date(const char *s, size_t len, int64_t *ms);

#endif /* TP_POLICY_INT_H */
