/*
 * tp_lauth.h: Lambda authorizers (auth.md 2 and 3): their settings as
 * the config load builds them (tp_apibuild_lauth.c), the event a worker
 * hands the function (tp_lauth_event.c) and the parsing of its answer
 * (tp_lauth_answer.c).  The event builder and the answer parser are pure
 * (no request, no I/O): workers/tp_auth_lambda.c gathers a request's
 * values for the one and acts on the other.
 */
#ifndef TP_LAUTH_H
#define TP_LAUTH_H

#include "tp_core.h"
#include "tp_arena.h"
#include "tp_lev_json.h"

struct tp_policy;

#define TP_LAUTH_TTL_DEFAULT 300     /* authorizerResultTtlInSeconds */
#define TP_LAUTH_TTL_MAX     3600
#define TP_LAUTH_MAX_SOURCES 16
/* The answer a function may give (AWS: 8 KB for WebSocket results; a
 * policy and context larger than this are a misconfiguration). */
#define TP_LAUTH_ANSWER_MAX  65536

/* Where an identity value comes from. */
enum tp_lauth_src {
    TP_LAUTH_HEADER = 0,             /* method.request.header.X,
                                        $request.header.X (any case) */
    TP_LAUTH_QUERY,                  /* ...querystring.X (exact case) */
    TP_LAUTH_STAGEVAR,               /* stageVariables.X */
    TP_LAUTH_CONTEXT                 /* context.X, $context.X */
};

struct tp_lauth_source {
    uint8_t kind;                    /* enum tp_lauth_src */
    const char *name;                /* headers lower case */
    const char *text;                /* as written, for messages */
};

/* What the response is parsed as. */
enum tp_lauth_format {
    TP_LAUTH_REST = 0,               /* REST APIs (TOKEN, REQUEST) */
    TP_LAUTH_HTTP_1,                 /* HTTP APIs, payload format 1.0 */
    TP_LAUTH_HTTP_2                  /* HTTP APIs, payload format 2.0 */
};

struct tp_lauth {
    const char *function;            /* a local function's name; NULL:
                                        an imported URI naming none (its
                                        routes answer 500) */
    const char *uri;                 /* a remote function's ARN, or NULL */
    bool local;                      /* `function` given: run locally */
    bool token;                      /* TOKEN (else REQUEST) */
    bool simple;                     /* 2.0 simple responses */
    uint8_t http_format;             /* TP_LAUTH_HTTP_1 or _2: for routes
                                        of HTTP APIs */
    uint32_t ttl_s;                  /* 0: not cached */
    struct tp_lauth_source *sources; /* TOKEN: one header */
    unsigned nsources;
    void *validation;                /* pcre2_code: TOKEN's
                                        identityValidationExpression */
    const char *validation_text;
    uint64_t cache_ns;               /* the result cache's namespace
                                        (tp_cache_keymat_key's stage) */
};

/* ---- the event (tp_lauth_event.c) ---- */

/* A request as the event shows it.  Strings may be { NULL, 0 }: null. */
struct tp_lauth_req {
    struct tp_str arn;               /* methodArn / routeArn */
    struct tp_str token;             /* TOKEN: the header's value */
    const struct tp_str *identity;   /* the identity sources' values */
    unsigned nidentity;
    struct tp_str resource;          /* route path: "/pets/{id}" */
    struct tp_str path;              /* "/pets/7" */
    struct tp_str method;
    struct tp_str raw_query;         /* without '?' */
    struct tp_str route_key;         /* "GET /pets/{id}" or "$default" */
    const struct tp_lev_kv *headers;     /* as received, in order */
    unsigned nheaders;
    const struct tp_lev_kv *query;       /* decoded, in order */
    unsigned nquery;
    const struct tp_lev_kv *path_params; /* decoded */
    unsigned npath_params;
    const struct tp_lev_kv *stage_vars;
    unsigned nstage_vars;
    /* requestContext */
    struct tp_str account_id, api_id, stage, request_id, resource_id,
        protocol, source_ip, user_agent, api_key, domain_name,
        domain_prefix, time, time_epoch;
};

/*
 * The JSON event of <format> (TP_LAUTH_REST with <token>: the TOKEN
 * event; REST REQUEST; HTTP 1.0 and 2.0 REQUEST), in <a>.  { NULL, 0 }
 * when out of memory.
 */
struct tp_str tp_lauth_event(const struct tp_lauth_req *q,
    enum tp_lauth_format format, bool token, struct tp_arena *a);

/* ---- the answer (tp_lauth_answer.c) ---- */

enum tp_lauth_verdict {
    TP_LAUTH_POLICY = 0,             /* a policy decides (<policy>) */
    TP_LAUTH_ALLOWED,                /* simple response: isAuthorized */
    TP_LAUTH_DENIED,                 /* simple response: not authorized */
    TP_LAUTH_INVALID                 /* malformed: <why> */
};

/* A context entry: <text> is what $context.authorizer.<key> gives (a
 * string unescaped, anything else as its JSON text), <json> the value as
 * the function wrote it (for events). */
struct tp_lauth_kv {
    const char *key;
    struct tp_str text;
    struct tp_str json;
};

struct tp_lauth_answer {
    enum tp_lauth_verdict verdict;
    const char *principal_id;        /* NULL: none (simple responses) */
    struct tp_policy *policy;        /* TP_LAUTH_POLICY */
    struct tp_lauth_kv *context;
    unsigned ncontext;
    const char *usage_key;           /* usageIdentifierKey, or NULL */
    const char *why;                 /* TP_LAUTH_INVALID: for the log */
};

/*
 * Parses a function's answer <json, len> for <format> (<simple>: 2.0
 * simple responses).  Always fills <out>; memory from <a>.  REST and 1.0
 * answers need principalId and a policyDocument (IAM identity policy);
 * REST context values must be strings, numbers or booleans, and 1.0
 * cannot use the key "claims" (auth.md 2.4).
 */
void tp_lauth_parse(const char *json, size_t len, enum tp_lauth_format format,
    bool simple, struct tp_arena *a, struct tp_lauth_answer *out);

#endif /* TP_LAUTH_H */
