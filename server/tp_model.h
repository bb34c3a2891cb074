/*
 * tp_model.h: the immutable, pre-compiled configuration model.
 *
 * Built by the master from the config file (tp_conf*.c), owned by the
 * cycle's arena, inherited read-only by every child through fork().  Nothing
 * here changes after load; per-process mutable state (pools, connections)
 * lives in the workers and refers to the model by index.
 */
#ifndef TP_MODEL_H
#define TP_MODEL_H

#include "tp_apikey.h"
#include "tp_core.h"
#include "tp_cidr.h"

#include <sys/socket.h>
#include <sys/types.h>

enum tp_api_type {
    TP_API_REST = 0,
    TP_API_HTTP,
    TP_API_WEBSOCKET
};

enum tp_integ_type {
    TP_INTEG_HTTP_PROXY = 0,
    TP_INTEG_HTTP,
    TP_INTEG_MOCK,
    TP_INTEG_AWS_PROXY,
    TP_INTEG_AWS
};

/* How a request body without a matching template is handled (REST). */
enum tp_passthrough {
    TP_PASS_WHEN_NO_MATCH = 0,
    TP_PASS_WHEN_NO_TEMPLATES,
    TP_PASS_NEVER
};

enum tp_tls_policy {
    TP_TLS_1_0 = 0,          /* AWS "TLS_1_0": TLS 1.0 - 1.3 */
    TP_TLS_1_2               /* AWS "TLS_1_2": TLS 1.2 - 1.3 */
};

/* Where a setting came from, for messages that name file and line. */
struct tp_src {
    const char *file;
    int line;
};

struct tp_server_conf {
    int workers;                     /* > 0 after load ("auto" resolved) */
    const char *user;                /* NULL: stay as we are / nobody if root */
    const char *group;
    const char *pid_file;
    const char *data_dir;
    const char *error_log;
    int log_level;                   /* enum tp_log_level */
    uint64_t max_request_body;       /* bytes */
    uint32_t integration_timeout_ms;
    uint32_t client_header_timeout_ms;
    uint32_t client_body_timeout_ms;
    uint32_t keepalive_timeout_ms;
    uint32_t send_timeout_ms;
    uint32_t max_header_size;        /* bytes of request line + headers */
    uint32_t max_uri_length;         /* bytes of the request line */
    uint32_t keepalive_requests;
    uint32_t upstream_keepalive;     /* idle conns per backend+worker */
    uint32_t upstream_keepalive_timeout_ms;
    uint32_t shutdown_timeout_ms;
    uint32_t worker_connections;
    bool io_uring;                   /* batch plain sends (tp_uring.h) */
    uint64_t state_size;             /* LMDB map of data_dir/state, bytes */
    uint32_t throttle_entries;       /* shm throttle buckets */
    uint32_t quota_entries;          /* shm quota counters */
    uint64_t cache_size;             /* LMDB map of data_dir/cache, bytes */
    bool cache_used;                 /* some stage enables its cache */
    const char *region;              /* "us-east-1": ARNs, SigV4 scope */
    const char *account_id;          /* 12 digits: ARNs, $context */
    struct tp_metrics_conf {         /* the `metrics` group */
        bool enabled;                /* count requests (shm/tp_mstat.h) */
        uint32_t period_s;           /* seconds per EMF document */
        const char *emf_log;         /* NULL: no EMF documents */
        const char *namespace_;      /* "AWS/ApiGateway" */
        struct tp_logfile *emf_file; /* emf_log's, in model->logfiles */
    } metrics;
};

/* A token bucket: <rate> requests per second, <burst> at once. */
struct tp_throttle {
    double rate;
    uint32_t burst;
    bool set;                        /* false: no limit at this scope */
    struct tp_src src;
};

/* A TLS server identity: certificate + key, with the OpenSSL context. */
struct tp_tls_conf {
    const char *certificate;         /* absolute paths */
    const char *key;
    const char *truststore;          /* custom domains: mutual TLS CAs */
    enum tp_tls_policy policy;
    void *ctx;                       /* SSL_CTX *, built by the master */
    struct tp_src src;
};

struct tp_listener {
    const char *address;             /* as written */
    struct sockaddr_storage addr;
    socklen_t addrlen;
    struct tp_api *default_api;
    struct tp_tls_conf *tls;         /* NULL: plain HTTP */
    uint16_t port;
    bool optional;                   /* the [::] half of "*:port": skipped
                                        where IPv6 is unavailable */
    bool private;                    /* serves PRIVATE APIs (a stand-in
                                        for a VPC endpoint) */
    const char *name;                /* private: aws:SourceVpce */
    struct tp_cidr *allow;           /* clients let in; NULL: anyone */
    unsigned nallow;
    bool admin;                      /* metrics.admin: built-in routes
                                        (the Invoke API), never an API */
    int fd;                          /* bound socket (master creates) */
    struct tp_src src;
};

/* A custom domain; certificate optional (plain listeners match by Host). */
struct tp_domain {
    const char *name;
    struct tp_tls_conf *tls;
    struct tp_base_mapping *mappings;    /* longest base_path first */
    unsigned nmappings;
    struct tp_src src;
};

/*
 * Remote Lambda (the top-level `lambda` group): where the Invoke API of
 * functions named by ARN is, and the credentials that sign for it (from
 * the config, else the master's AWS_* environment at load).
 */
struct tp_lambda_conf {
    struct tp_backend *endpoint;     /* NULL: no remote functions */
    const char *path_prefix;         /* of the endpoint URL, "" or "/x" */
    const char *region;              /* SigV4 scope; default server.region */
    const char *access_key_id;       /* NULL: requests go unsigned */
    const char *secret_access_key;
    const char *session_token;       /* NULL: none */
    uint32_t timeout_ms;             /* whole invocation */
    struct tp_src src;
};

/* server.resolve: a backend host:port answered with another address. */
struct tp_resolve {
    const char *host;
    uint16_t port;
    const char *address;             /* "ip:port" */
};

/* One upstream origin: scheme + host + port (+ trust store). */
struct tp_backend {
    unsigned id;                     /* index into model->backends */
    bool tls;
    const char *host;                /* for SNI and certificate checks */
    const char *hostport;            /* Host header value */
    uint16_t port;
    struct sockaddr_storage addr;
    socklen_t addrlen;
    const char *tls_ca;              /* NULL: the system trust store */
    void *ssl_ctx;                   /* SSL_CTX * for https backends */
};

enum tp_tmpl_kind {
    TP_TMPL_LIT = 0,
    TP_TMPL_PARAM,                   /* a path parameter of the route */
    TP_TMPL_MAPPED                   /* integ.req_params[param] (path target) */
};

struct tp_tmpl_part {
    uint8_t kind;
    uint8_t param;                   /* route->params / integ.req_params */
    uint32_t len;
    const char *p;
};

/*
 * A value expression of a parameter mapping, compiled by server/tp_expr.c:
 * a concatenation of parts.  REST sources are whole-value
 * ("method.request.header.X", "'static'", "context.requestId",
 * "stageVariables.x"); HTTP API sources may mix literals and
 * "$request.header.x" / "${request.path.id}".
 */
enum tp_expr_kind {
    TP_EX_STATIC = 0,                /* name = the literal text */
    TP_EX_REQ_PATH,                  /* a path parameter */
    TP_EX_REQ_PATH_WHOLE,            /* HTTP API $request.path (no stage) */
    TP_EX_REQ_QUERY,
    TP_EX_REQ_MULTI_QUERY,           /* every value, comma-joined */
    TP_EX_REQ_HEADER,
    TP_EX_REQ_MULTI_HEADER,
    TP_EX_REQ_BODY,                  /* name = JSONPath ("" = whole body) */
    TP_EX_CONTEXT,                   /* "requestId", "identity.sourceIp" */
    TP_EX_STAGEVAR,
    TP_EX_RESP_HEADER,               /* integration.response.header.x */
    TP_EX_RESP_MULTI_HEADER,
    TP_EX_RESP_BODY                  /* name = JSONPath ("" = whole body) */
};

struct tp_expr_part {
    uint8_t kind;                    /* enum tp_expr_kind */
    uint32_t len;
    const char *name;
};

struct tp_expr {
    struct tp_expr_part *parts;
    unsigned nparts;
};

enum tp_map_target {
    TP_MT_PATH = 0,                  /* a path parameter of the uri */
    TP_MT_QUERY,
    TP_MT_HEADER,
    TP_MT_PATH_WHOLE,                /* HTTP API overwrite:path */
    TP_MT_STATUS                     /* HTTP API overwrite:statuscode */
};

enum tp_map_action {
    TP_MA_SET = 0,                   /* REST: target = source */
    TP_MA_APPEND,                    /* HTTP APIs */
    TP_MA_OVERWRITE,
    TP_MA_REMOVE
};

/* One parameter mapping: <action> <target>.<name> from <value>. */
struct tp_mapping {
    uint8_t target;                  /* enum tp_map_target */
    uint8_t action;                  /* enum tp_map_action */
    const char *name;                /* parameter or header name */
    struct tp_expr value;
    struct tp_src src;
};

/* A mapping template: content type -> text, compiled by the engine. */
struct tp_template {
    const char *content_type;        /* "application/json" */
    const char *text;
    void *compiled;                  /* engine-private (server/tp_tmpl.c) */
};

/* REST integration response, chosen by its selection pattern. */
struct tp_int_response {
    const char *pattern;             /* NULL or "": the default response */
    void *re;                        /* pcre2_code *, anchored full match */
    uint16_t status;                 /* the method response status */
    struct tp_mapping *params;       /* method.response.header.X <- ... */
    unsigned nparams;
    struct tp_template *templates;
    unsigned ntemplates;
};

/* HTTP API responseParameters for one integration status code. */
struct tp_resp_params {
    uint16_t status;
    struct tp_mapping *maps;
    unsigned nmaps;
};

/* An integration target for one stage: stage variables already expanded. */
struct tp_target {
    struct tp_backend *backend;      /* NULL: unusable (error says why) */
    struct tp_tmpl_part *parts;      /* path (+ query) template */
    unsigned nparts;
    bool has_query;                  /* the template carries a '?' */
    const char *error;               /* why backend is NULL */
};

struct tp_integration {
    enum tp_integ_type type;
    const char *uri;
    const char *http_method;         /* toward the backend; NULL/"ANY": same */
    uint32_t timeout_ms;             /* 0: server.integration_timeout_ms */
    const char *tls_ca;
    struct tp_target *targets;       /* one per stage of the API */
    enum tp_passthrough passthrough;
    bool needs_body;                 /* a request mapping reads the body */
    struct tp_mapping *req_params;   /* integration.request.* (REST) or
                                        append:/overwrite:/remove: (HTTP) */
    unsigned nreq_params;
    struct tp_template *req_templates;
    unsigned nreq_templates;
    struct tp_int_response *responses;   /* REST HTTP/MOCK/AWS */
    unsigned nresponses;
    struct tp_resp_params *resp_params;  /* HTTP APIs */
    unsigned nresp_params;
    const char *function;            /* AWS_PROXY: local function (later) */
    const char *payload_format;      /* "1.0" | "2.0" */
    struct tp_expr *cache_keys;      /* cacheKeyParameters, compiled */
    const char **cache_key_names;    /* as written: "method.request..." */
    unsigned ncache_keys;
    const char *cache_ns;            /* cacheNamespace; NULL: the route */
    struct tp_src src;
};

#define TP_ROUTE_ANY        15       /* method slot for ANY */
#define TP_ROUTE_MAX_PARAMS 16

enum tp_authz {
    TP_AUTHZ_NONE = 0,
    TP_AUTHZ_AWS_IAM,
    TP_AUTHZ_CUSTOM,                 /* Lambda authorizer */
    TP_AUTHZ_COGNITO,
    TP_AUTHZ_JWT
};

/* An authorizer (top-level `authorizers`, or an API's own from its
 * OpenAPI file).  JWT and COGNITO_USER_POOLS are served by workers/
 * tp_auth_jwt.c, REQUEST and TOKEN (Lambda) by workers/tp_auth_lambda.c
 * (their settings: struct tp_lauth, server/tp_lauth.h). */
enum tp_authorizer_type {
    TP_AUTHORIZER_JWT = 0,
    TP_AUTHORIZER_COGNITO,
    TP_AUTHORIZER_REQUEST,
    TP_AUTHORIZER_TOKEN
};

struct tp_jwt_conf;
struct tp_jwks;
struct tp_lauth;

struct tp_authorizer {
    const char *name;
    uint8_t type;                    /* enum tp_authorizer_type */
    bool imported;                   /* from an OpenAPI file */
    bool cache_tokens;               /* the workers' verified-token cache */
    unsigned id;                     /* < model->nauthorizer_ids: the
                                        workers' per-authorizer state */
    const char *identity_header;     /* lower case: "authorization" */
    struct tp_jwt_conf *jwt;         /* issuer, audiences, algs, secret;
                                        its jwks is the file's */
    const char *jwks_file;           /* absolute path, or NULL */
    struct tp_jwks *jwks;            /* <jwks_file> parsed at load */
    /* A JWKS over HTTPS (or found through OIDC discovery) is fetched by
     * each worker (workers/tp_jwks_fetch.c) from <jwks_backend>. */
    struct tp_backend *jwks_backend;
    const char *jwks_url;            /* as written or derived, for logs */
    const char *jwks_path;           /* "/path?query"; NULL: discover */
    const char *discovery_path;      /* the openid-configuration's */
    struct tp_lauth *lambda;         /* REQUEST, TOKEN: the function,
                                        identity sources, cache TTL */
    struct tp_src src;
};

struct tp_route {
    const char *key;                 /* "GET /pets/{petId}" */
    uint8_t method;                  /* enum tp_http_method or TP_ROUTE_ANY */
    bool greedy;                     /* ends in {name+} */
    bool imported;                   /* from the API's OpenAPI file */
    bool api_key_required;
    uint8_t authorization;           /* enum tp_authz */
    bool authz_implicit;             /* an authorizer without an
                                        `authorization`: its type rules */
    const char *authorizer;          /* authorizer name */
    const struct tp_authorizer *auth;    /* <authorizer> resolved at load */
    const char **scopes;
    unsigned nscopes;
    const char *path;
    const char *params[TP_ROUTE_MAX_PARAMS];
    unsigned nparams;
    struct tp_integration integ;
    struct tp_src src;
};

struct tp_kv {
    const char *key;
    const char *value;
};

/* A log file of the model (server/tp_logfile.h): opened by the master,
 * written by whole lines with one write(2) each. */
struct tp_logfile {
    const char *path;                /* absolute */
    const char *what;                /* "access log", for messages */
    int fd;                          /* -1 until the master opens it */
    bool shares_fd;                  /* fd is an earlier file's (same file
                                        under the same or another name) */
    dev_t dev;                       /* the open file, to find the same */
    ino_t ino;                       /* file under another name */
    struct tp_src src;               /* the path setting, for errors */
    uint32_t buffer;                 /* access logs: bytes of lines a
                                        worker keeps before one write(2);
                                        0: one write(2) per line */
    uint32_t flush_s;                /* seconds the first kept line waits */
    unsigned num;                    /* registration order, from 0 */
    struct tp_logfile *owner;        /* the file owning fd (itself or an
                                        earlier one); it holds the merged
                                        buffer and flush of both */
    struct tp_logfile *next;         /* model->logfiles, in order */
};

/* A stage's access log: one line per request, format of $context vars. */
struct tp_access_log {
    struct tp_logfile file;
    const char *format;              /* as configured ("CLF" etc. expanded) */
    void *compiled;                  /* workers/tp_accesslog.c */
};

/* Execution log levels (monitoring.md 4: loggingLevel). */
enum tp_exec_level {
    TP_XLOG_OFF = 0,
    TP_XLOG_ERROR,                   /* the lines of failed requests */
    TP_XLOG_INFO                     /* every request's */
};

/* A stage's execution log (NULL in the stage when OFF). */
struct tp_exec_log {
    struct tp_logfile file;
    uint8_t level;                   /* enum tp_exec_level */
    bool data_trace;                 /* request/response data, masked */
};

struct tp_usage_plan;

/* What a stage does with a request that asks to invalidate its cache
 * entry (Cache-Control: max-age=0) without the right to. */
enum tp_cache_unauth {
    TP_CACHE_FAIL_403 = 0,
    TP_CACHE_IGNORE_WARN,            /* SUCCEED_WITH_RESPONSE_HEADER */
    TP_CACHE_IGNORE                  /* SUCCEED_WITHOUT_RESPONSE_HEADER */
};

/* A route's override of its stage's cache settings (methodSettings). */
struct tp_route_cache {
    int8_t enabled;                  /* -1: the stage's rule (GET only) */
    int32_t ttl_s;                   /* -1: the stage's */
};

/* A stage's response cache (REST: the stage cache; HTTP APIs: opt-in). */
struct tp_stage_cache {
    bool enabled;
    uint32_t ttl_s;                  /* 300; 0..3600; 0 = nothing cached */
    bool require_auth;               /* to invalidate with max-age=0 */
    uint8_t unauth;                  /* enum tp_cache_unauth */
    struct tp_route_cache *routes;   /* [nroutes + 1] or NULL */
    struct tp_src src;
};

struct tp_stage {
    const char *name;
    size_t name_len;
    struct tp_kv *vars;
    unsigned nvars;
    unsigned idx;                    /* index in api->stages */
    struct tp_access_log *access_log;    /* NULL: none */
    struct tp_exec_log *exec_log;    /* NULL: none or OFF */
    /* Per-route throttling: <throttle> is every route's default (each
     * route has its own bucket, as API Gateway's methodSettings and
     * defaultRouteSettings); <route_throttle>[i] replaces it for
     * api->routes[i] ([nroutes]: the $default route); NULL when none. */
    struct tp_throttle throttle;
    struct tp_throttle *route_throttle;
    struct tp_usage_plan **plans;    /* the usage plans serving this stage */
    unsigned nplans;
    uint64_t hash;                   /* tp_hash of "api/stage" */
    uint32_t *mseries;               /* metrics series (shm/tp_mstat.h) by
                                        tp_api_route_index(); [nroutes + 1]:
                                        requests no route took */
    struct tp_stage_cache cache;
    struct tp_src src;
};

/* A customised gateway response (x-amazon-apigateway-gateway-responses). */
struct tp_gw_custom {
    uint16_t status;                 /* 0: the type's own */
    struct tp_mapping *headers;      /* gatewayresponse.header.X <- value */
    unsigned nheaders;
    struct tp_template *templates;
    unsigned ntemplates;
    struct tp_src src;
};

/* HTTP API CORS configuration; lists joined with ", " for the headers. */
struct tp_cors {
    const char **origins;            /* "*" allowed */
    unsigned norigins;
    bool credentials;
    const char *methods;             /* NULL: not sent */
    const char *headers;
    const char *expose;
    int max_age;                     /* -1: not sent */
};

#define TP_GW_TYPES 32               /* >= enum tp_gw's count (tp_gwresp.h) */

struct tp_route_node;
struct tp_route_index;

/* Where an API is reachable (AWS's endpointConfiguration.types). */
enum tp_endpoint_type {
    TP_ENDPOINT_REGIONAL = 0,
    TP_ENDPOINT_EDGE,                /* served as REGIONAL (no CDN here) */
    TP_ENDPOINT_PRIVATE              /* private listeners only */
};

struct tp_api {
    const char *id;
    size_t id_len;
    const char *name;
    enum tp_api_type type;
    struct tp_route *routes;
    unsigned nroutes;
    unsigned routes_cap;
    struct tp_route_index *route_index;  /* load time only: key -> route */
    struct tp_route *default_route;  /* HTTP APIs: "$default" */
    struct tp_stage *stages;
    unsigned nstages;
    struct tp_route_node *trie;      /* compiled from routes */
    struct tp_gw_custom *gw[TP_GW_TYPES];    /* by enum tp_gw; NULL: default */
    struct tp_cors *cors;            /* HTTP APIs */
    bool disable_execute_api;        /* no {id}.execute-api.* addressing */
    const char *api_key_source;      /* "HEADER" | "AUTHORIZER" (later) */
    const char **binary_types;
    unsigned nbinary_types;
    const char *openapi;             /* the imported file, if any */
    struct tp_policy *policy;        /* resource policy (server/tp_policy.h),
                                        NULL: none */
    struct tp_authorizer *authorizers;   /* the API's own (OpenAPI) */
    unsigned nauthorizers;
    uint8_t endpoint_type;           /* enum tp_endpoint_type */
    int32_t min_compress;            /* minimumCompressionSize; -1: off */
#define TP_MIN_COMPRESS_MAX 10485760
    struct tp_src src;
};

/* A custom domain's base path mapping ("" is the empty mapping). */
struct tp_base_mapping {
    const char *base_path;           /* no leading or trailing '/' */
    size_t len;
    struct tp_api *api;
    struct tp_stage *stage;
    struct tp_src src;
};

/* A usage plan's throttle for one route of one of its stages: it replaces
 * the plan's per-key throttle for that route. */
struct tp_plan_method {
    const struct tp_stage *stage;
    const struct tp_route *route;
    struct tp_throttle throttle;
};

struct tp_usage_plan {
    const char *name;
    uint64_t hash;                   /* tp_plan_hash(name) */
    struct tp_throttle throttle;     /* per API key, all its stages */
    bool has_quota;
    uint8_t quota_period;            /* enum tp_period */
    uint64_t quota_limit;
    uint64_t quota_offset;           /* off the limit in the first period */
    int64_t first_seen;              /* Unix time (state db); 0: unknown */
    struct tp_plan_method *methods;
    unsigned nmethods;
    struct tp_src src;
};

/* An API key defined in the config file. */
struct tp_conf_key {
    const char *name;
    uint8_t hash[TP_APIKEY_HASH_LEN];
    struct tp_key_info info;
    /* Of each of info.plans, made at load for the request path. */
    uint64_t quota_ids[TP_APIKEY_MAX_PLANS];    /* tp_quota_id() */
    uint64_t buckets[TP_APIKEY_MAX_PLANS];      /* tp_plan_bucket() */
    const char **plan_names;
    struct tp_src src;
};

/*
 * An IAM principal (iam.principals): an access key pair with its identity
 * policies.  The secret and session token are never logged; the master's
 * arena wipes them when the model is freed.
 */
struct tp_principal {
    const char *name;                /* IAM user name */
    const char *access_key_id;       /* [A-Z0-9]{16,128} */
    const char *secret;              /* secret access key */
    size_t secret_len;
    const char *session_token;       /* temporary credentials; NULL: none */
    size_t session_token_len;
    const char *account_id;          /* 12 digits */
    const char *arn;                 /* arn:aws:iam::ACCOUNT:user/NAME */
    struct tp_policy **policies;     /* compiled identity policies */
    unsigned npolicies;
    struct tp_src src;
};

/* A user environment variable of a function. */
struct tp_fn_env {
    const char *name;
    const char *value;
};

/* A local function (top-level `functions`), run by the function host
 * (workers/tp_fnhost.c) as a Lambda custom runtime. */
struct tp_function {
    const char *name;                /* [A-Za-z0-9_-]{1,64} */
    const char *command;             /* absolute path of the executable */
    const char *task_root;           /* its directory: LAMBDA_TASK_ROOT */
    const char *handler;             /* _HANDLER; "" when not set */
    uint32_t memory_mb;              /* 128..10240 (reported only) */
    uint32_t timeout_s;              /* 1..900, per invocation */
    uint32_t concurrency;            /* instances at most */
    uint32_t warm;                   /* instances kept started */
    uint32_t idle_timeout_s;         /* 1..86400: idle ones above warm */
    struct tp_fn_env *env;
    unsigned nenv;
    uint32_t mseries;                /* its metrics series */
    struct tp_src src;
};

struct tp_model {
    struct tp_server_conf server;
    struct tp_throttle account;      /* top-level throttle */
    struct tp_usage_plan *plans;
    unsigned nplans;
    struct tp_conf_key *keys;        /* sorted by hash (bsearch) */
    unsigned nkeys;
    struct tp_principal *principals; /* sorted by access_key_id */
    unsigned nprincipals;
    struct tp_resolve *resolve;
    unsigned nresolve;
    struct tp_listener *listeners;
    unsigned nlisteners;
    struct tp_lambda_conf lambda;    /* remote functions */
    struct tp_api *apis;
    unsigned napis;
    struct tp_domain *domains;
    unsigned ndomains;
    struct tp_backend **backends;
    unsigned nbackends;
    struct tp_authorizer *authorizers;   /* top-level `authorizers` */
    unsigned nauthorizers;
    unsigned nauthorizer_ids;        /* these and every API's own */
    struct tp_function *functions;   /* top-level `functions` */
    unsigned nfunctions;
    uint32_t mseries_noapi;          /* requests no API took */
    struct tp_logfile *logfiles;     /* every log file (tp_logfile.h) */
};

/* The function named <name>, or NULL. */
const struct tp_function *tp_model_find_function(const struct tp_model *m,
    const char *name);

struct tp_domain *tp_model_find_domain(const struct tp_model *m,
    const char *host, size_t len);
/* A route's index in per-route stage tables ([nroutes]: $default). */
static inline size_t
tp_api_route_index(const struct tp_api *api, const struct tp_route *rt)
{
    return rt == api->default_route ? api->nroutes
                                    : (size_t) (rt - api->routes);
}

struct tp_api *tp_model_find_api(const struct tp_model *m, const char *id,
    size_t len);
struct tp_stage *tp_model_find_stage(const struct tp_api *api,
    const char *name, size_t len);
/* The principal whose access key id is <akid>, or NULL. */
const struct tp_principal *tp_model_find_principal(const struct tp_model *m,
    const char *akid, size_t len);
const char *tp_model_stage_var(const struct tp_stage *st, const char *key,
    size_t len);

#endif /* TP_MODEL_H */
