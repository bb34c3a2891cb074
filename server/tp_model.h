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

#include "tp_core.h"

#include <sys/socket.h>

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
};

/* A TLS server identity: certificate + key, with the OpenSSL context. */
struct tp_tls_conf {
    const char *certificate;         /* absolute paths */
    const char *key;
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
    int fd;                          /* bound socket (master creates) */
    struct tp_src src;
};

/* A custom domain; certificate optional (plain listeners match by Host). */
struct tp_domain {
    const char *name;
    struct tp_tls_conf *tls;
    struct tp_src src;
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
    TP_TMPL_PARAM                    /* a path parameter of the route */
};

struct tp_tmpl_part {
    uint8_t kind;
    uint8_t param;                   /* index into route->params */
    uint32_t len;
    const char *p;
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
    uint32_t timeout_ms;             /* 0: server.integration_timeout_ms */
    const char *tls_ca;
    struct tp_target *targets;       /* one per stage of the API */
    struct tp_src src;
};

#define TP_ROUTE_ANY        15       /* method slot for ANY */
#define TP_ROUTE_MAX_PARAMS 16

struct tp_route {
    const char *key;                 /* "GET /pets/{petId}" */
    uint8_t method;                  /* enum tp_http_method or TP_ROUTE_ANY */
    bool greedy;                     /* ends in {name+} */
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

struct tp_stage {
    const char *name;
    size_t name_len;
    struct tp_kv *vars;
    unsigned nvars;
    unsigned idx;                    /* index in api->stages */
    struct tp_src src;
};

struct tp_route_node;

struct tp_api {
    const char *id;
    size_t id_len;
    const char *name;
    enum tp_api_type type;
    struct tp_route *routes;
    unsigned nroutes;
    struct tp_route *default_route;  /* HTTP APIs: "$default" */
    struct tp_stage *stages;
    unsigned nstages;
    struct tp_route_node *trie;      /* compiled from routes */
    struct tp_src src;
};

struct tp_model {
    struct tp_server_conf server;
    struct tp_listener *listeners;
    unsigned nlisteners;
    struct tp_api *apis;
    unsigned napis;
    struct tp_domain *domains;
    unsigned ndomains;
    struct tp_backend **backends;
    unsigned nbackends;
};

struct tp_api *tp_model_find_api(const struct tp_model *m, const char *id,
    size_t len);
struct tp_stage *tp_model_find_stage(const struct tp_api *api,
    const char *name, size_t len);
const char *tp_model_stage_var(const struct tp_stage *st, const char *key,
    size_t len);

#endif /* TP_MODEL_H */
