/*
 * tp_conf_server.c: the `server` section: one table row per setting, with
 * defaults, ranges and units.  Master only.
 */
#include "tp_conf_int.h"
#include "tp_log.h"

#include <stdlib.h>
#include <unistd.h>

#define S_OFF(f) offsetof(struct tp_server_conf, f)
#define MAX_MS  (24LL * 3600 * 1000)

static const struct tp_conf_field server_fields[] = {
    { "workers", TP_CT_ANY, 0, 0, 0, NULL },
    { "user", TP_CT_STR, S_OFF(user), 0, 0, NULL },
    { "group", TP_CT_STR, S_OFF(group), 0, 0, NULL },
    { "pid_file", TP_CT_PATH, S_OFF(pid_file), 0, 0, NULL },
    { "data_dir", TP_CT_PATH, S_OFF(data_dir), 0, 0, NULL },
    { "error_log", TP_CT_PATH, S_OFF(error_log), 0, 0, NULL },
    { "log_level", TP_CT_ANY, 0, 0, 0, NULL },
    { "max_request_body", TP_CT_SIZE, S_OFF(max_request_body),
        0, 1LL << 40, NULL },
    { "integration_timeout_ms", TP_CT_INT, S_OFF(integration_timeout_ms),
        50, MAX_MS, NULL },
    { "client_header_timeout_ms", TP_CT_INT, S_OFF(client_header_timeout_ms),
        1, MAX_MS, NULL },
    { "client_body_timeout_ms", TP_CT_INT, S_OFF(client_body_timeout_ms),
        1, MAX_MS, NULL },
    { "keepalive_timeout_ms", TP_CT_INT, S_OFF(keepalive_timeout_ms),
        0, MAX_MS, NULL },
    { "send_timeout_ms", TP_CT_INT, S_OFF(send_timeout_ms), 1, MAX_MS, NULL },
    { "max_header_size", TP_CT_SIZE, S_OFF(max_header_size),
        1024, 65535, NULL },
    { "max_uri_length", TP_CT_INT, S_OFF(max_uri_length), 64, 65535, NULL },
    { "keepalive_requests", TP_CT_INT, S_OFF(keepalive_requests),
        1, UINT32_MAX, NULL },
    { "upstream_keepalive", TP_CT_INT, S_OFF(upstream_keepalive),
        0, 100000, NULL },
    { "upstream_keepalive_timeout_ms", TP_CT_INT,
        S_OFF(upstream_keepalive_timeout_ms), 1, MAX_MS, NULL },
    { "shutdown_timeout_ms", TP_CT_INT, S_OFF(shutdown_timeout_ms),
        0, MAX_MS, NULL },
    { "worker_connections", TP_CT_INT, S_OFF(worker_connections),
        16, 1000000, NULL },
    { "io_uring", TP_CT_BOOL, S_OFF(io_uring), 0, 0, NULL },
    { "resolve", TP_CT_LIST, 0, 0, 0, NULL },
    { "state_size", TP_CT_SIZE, S_OFF(state_size), 1LL << 20, 1LL << 40,
        NULL },
    { "throttle_entries", TP_CT_INT, S_OFF(throttle_entries),
        1024, 1LL << 26, NULL },
    { "quota_entries", TP_CT_INT, S_OFF(quota_entries), 1024, 1LL << 26,
        NULL },
    { "region", TP_CT_STR, S_OFF(region), 0, 0, NULL },
    { "account_id", TP_CT_STR, S_OFF(account_id), 0, 0, NULL },
};

static const struct tp_conf_field resolve_fields[] = {
    { "host", TP_CT_STR, offsetof(struct tp_resolve, host), 0, 0, NULL },
    { "port", TP_CT_ANY, 0, 0, 0, NULL },
    { "address", TP_CT_STR, offsetof(struct tp_resolve, address), 0, 0,
        NULL },
};

/* resolve = ( { host = "api.example.com"; port = 443;
 *               address = "127.0.0.1:8443"; } ): like curl --resolve. */
static int
server_resolve(struct tp_conf_ctx *c, const config_setting_t *l)
{
    int i, n = config_setting_length(l);
    const config_setting_t *g, *p;
    const char *colon;

    c->m->resolve = tp_arena_calloc(c->a, sizeof(*c->m->resolve)
        * (size_t) (n + 1));
    for (i = 0; i < n; i++) {
        struct tp_resolve *r = &c->m->resolve[i];

        g = config_setting_get_elem(l, (unsigned) i);
        if (!config_setting_is_group(g) || tp_conf_apply(c, g, resolve_fields,
                TP_NELEM(resolve_fields), r) != TP_OK)
        {
            return tp_conf_error(c, g, "each resolve entry is { host = ...; "
                "port = 80; address = \"ip:port\"; }");
        }
        p = config_setting_get_member(g, "port");
        colon = r->address != NULL ? strrchr(r->address, ':') : NULL;
        if (r->host == NULL || p == NULL
            || config_setting_type(p) != CONFIG_TYPE_INT
            || config_setting_get_int(p) < 1
            || config_setting_get_int(p) > 65535 || colon == NULL
            || atoi(colon + 1) < 1 || atoi(colon + 1) > 65535)
        {
            return tp_conf_error(c, g, "a resolve entry needs host, port "
                "(1-65535) and address \"ip:port\"");
        }
        r->port = (uint16_t) config_setting_get_int(p);
    }
    c->m->nresolve = (unsigned) n;
    return TP_OK;
}

static void
server_defaults(struct tp_server_conf *sc)
{
    sc->workers = 0;                         /* "auto" */
    sc->log_level = TP_LOG_INFO;
    sc->max_request_body = 10ULL * 1024 * 1024;  /* AWS: 10 MB payload */
    sc->integration_timeout_ms = 29000;      /* AWS default timeoutInMillis */
    sc->client_header_timeout_ms = 60000;
    sc->client_body_timeout_ms = 60000;
    sc->keepalive_timeout_ms = 75000;
    sc->send_timeout_ms = 60000;
    sc->max_header_size = 16384;
    sc->max_uri_length = 10240;              /* AWS regional URL limit */
    sc->keepalive_requests = 10000;
    sc->upstream_keepalive = 32;
    sc->upstream_keepalive_timeout_ms = 60000;
    sc->shutdown_timeout_ms = 30000;
    sc->worker_connections = 16384;
    sc->io_uring = true;
    sc->state_size = 1ULL << 30;
    sc->cache_size = 512ULL << 20;
    sc->throttle_entries = 65536;
    sc->quota_entries = 65536;
    sc->region = "us-east-1";
    sc->account_id = "000000000000";
}

/* region and account_id go into execute-api ARNs, SigV4 scopes and
 * $context.accountId: AWS's shapes, so policies written for AWS match. */
static int
server_identity(struct tp_conf_ctx *c, const config_setting_t *s)
{
    const struct tp_server_conf *sc = &c->m->server;
    size_t i, n = strlen(sc->region);

    for (i = 0; i < n; i++) {
        if (!((sc->region[i] >= 'a' && sc->region[i] <= 'z')
              || (sc->region[i] >= '0' && sc->region[i] <= '9')
              || sc->region[i] == '-'))
        {
            break;
        }
    }
    if (n == 0 || n > 32 || i < n) {
        return tp_conf_error(c, config_setting_get_member(s, "region"),
            "'region' = \"%s\" must be a region name such as \"us-east-1\" "
            "(lower-case letters, digits and '-')", sc->region);
    }
    n = strlen(sc->account_id);
    for (i = 0; i < n && sc->account_id[i] >= '0'
        && sc->account_id[i] <= '9'; i++)
    {
    }
    if (n != 12 || i < n) {
        return tp_conf_error(c, config_setting_get_member(s, "account_id"),
            "'account_id' = \"%s\" must be 12 digits, as an AWS account id",
            sc->account_id);
    }
    return TP_OK;
}

static int
server_workers(struct tp_conf_ctx *c, const config_setting_t *s)
{
    int t = config_setting_type(s);
    long n;

    if (t == CONFIG_TYPE_STRING
        && strcmp(config_setting_get_string(s), "auto") == 0)
    {
        c->m->server.workers = 0;
        return TP_OK;
    }
    if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64) {
        return tp_conf_error(c, s, "'workers' must be a number or \"auto\"");
    }
    n = (long) config_setting_get_int64(s);
    if (n < 1 || n > 512) {
        return tp_conf_error(c, s, "'workers' = %ld is out of range [1, 512]",
            n);
    }
    c->m->server.workers = (int) n;
    return TP_OK;
}

static int
server_log_level(struct tp_conf_ctx *c, const config_setting_t *s)
{
    const char *v = config_setting_get_string(s);
    int lvl = v != NULL ? tp_log_level_from(v) : -1;

    if (lvl < 0) {
        return tp_conf_error(c, s,
            "'log_level' must be \"error\", \"warn\", \"info\" or \"debug\"");
    }
    c->m->server.log_level = lvl;
    return TP_OK;
}

/* Paths the config did not name: -p DIR, else configure's defaults. */
static int
server_paths(struct tp_conf_ctx *c)
{
    struct tp_server_conf *sc = &c->m->server;
    const char *pre = c->opts->prefix;

    if (sc->pid_file == NULL) {
        sc->pid_file = pre != NULL ? tp_arena_sprintf(c->a, "%s/turnpike.pid",
            pre) : TP_PID_PATH;
    }
    if (sc->error_log == NULL) {
        sc->error_log = pre != NULL ? tp_arena_sprintf(c->a, "%s/error.log",
            pre) : TP_ERROR_LOG_PATH;
    }
    if (sc->data_dir == NULL) {
        sc->data_dir = pre != NULL ? tp_arena_sprintf(c->a, "%s/data", pre)
                                   : TP_DATA_DIR;
    }
    return sc->pid_file && sc->error_log && sc->data_dir ? TP_OK : TP_ERROR;
}

int
tp_conf_server(struct tp_conf_ctx *c, const config_setting_t *s)
{
    struct tp_server_conf *sc = &c->m->server;
    const config_setting_t *v;

    server_defaults(sc);
    if (s != NULL) {
        if (tp_conf_apply(c, s, server_fields, TP_NELEM(server_fields), sc)
            != TP_OK)
        {
            return TP_ERROR;
        }
        v = config_setting_get_member(s, "workers");
        if (v != NULL && server_workers(c, v) != TP_OK) {
            return TP_ERROR;
        }
        v = config_setting_get_member(s, "log_level");
        if (v != NULL && server_log_level(c, v) != TP_OK) {
            return TP_ERROR;
        }
        v = config_setting_get_member(s, "resolve");
        if (v != NULL && server_resolve(c, v) != TP_OK) {
            return TP_ERROR;
        }
        if (server_identity(c, s) != TP_OK) {
            return TP_ERROR;
        }
    }
    if (sc->workers == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);

        sc->workers = n > 0 ? (int) TP_MIN(n, 512) : 1;
    }
    if (sc->max_uri_length > sc->max_header_size) {
        sc->max_uri_length = sc->max_header_size;
    }
    return server_paths(c) == TP_OK ? TP_OK
        : tp_conf_error(c, s, "out of memory");
}
