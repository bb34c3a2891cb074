/*
 * tp_upstream_conf.c: integration URIs -> backends + path templates.
 * Master only: host names are resolved here, at load, never on the hot path.
 */
#include "tp_upstream_conf.h"
#include "tp_tls.h"

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#define SV_PREFIX "${stageVariables."

char *
tp_upstream_expand_vars(struct tp_arena *a, const char *in,
    const struct tp_stage *st, char *err, size_t errlen)
{
    char out[4096];
    const char *p = in, *ref, *end, *val;
    size_t len = 0, n;

    while ((ref = strstr(p, SV_PREFIX)) != NULL) {
        end = strchr(ref, '}');
        if (end == NULL) {
            snprintf(err, errlen, "unterminated ${stageVariables...} in "
                "\"%s\"", in);
            return NULL;
        }
        n = (size_t) (ref - p);
        ref += sizeof(SV_PREFIX) - 1;
        val = st != NULL ? tp_model_stage_var(st, ref, (size_t) (end - ref))
                         : NULL;
        if (val == NULL) {
            snprintf(err, errlen, "stage \"%s\" does not define the variable "
                "'%.*s' used in \"%s\"", st != NULL ? st->name : "?",
                (int) (end - ref), ref, in);
            return NULL;
        }
        if (len + n + strlen(val) >= sizeof(out)) {
            snprintf(err, errlen, "expanded uri longer than %zu bytes: \"%s\"",
                sizeof(out), in);
            return NULL;
        }
        memcpy(out + len, p, n);
        memcpy(out + len + n, val, strlen(val));
        len += n + strlen(val);
        p = end + 1;
    }
    if (len + strlen(p) >= sizeof(out)) {
        snprintf(err, errlen, "expanded uri longer than %zu bytes: \"%s\"",
            sizeof(out), in);
        return NULL;
    }
    memcpy(out + len, p, strlen(p) + 1);
    return tp_arena_strdup(a, out);
}

/* Resolves <host> at load time; IPv4 first (backends commonly bind it).
 * server.resolve entries answer first, like curl's --resolve. */
static int
upstream_resolve(const struct tp_model *m, const char *host, uint16_t port,
    struct tp_backend *b)
{
    struct addrinfo hints, *res = NULL, *ai, *pick = NULL;
    char sport[8], addr[300];
    const char *colon;
    unsigned i;

    for (i = 0; i < m->nresolve; i++) {
        if (m->resolve[i].port == port
            && strcasecmp(m->resolve[i].host, host) == 0)
        {
            colon = strrchr(m->resolve[i].address, ':');
            snprintf(addr, sizeof(addr), "%.*s",
                (int) (colon - m->resolve[i].address), m->resolve[i].address);
            host = addr[0] == '[' ? addr + 1 : addr;
            if (addr[0] == '[') {
                addr[strlen(addr) - 1] = '\0';
            }
            port = (uint16_t) atoi(colon + 1);
            break;
        }
    }
    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    snprintf(sport, sizeof(sport), "%u", port);
    if (getaddrinfo(host, sport, &hints, &res) != 0 || res == NULL) {
        return TP_ERROR;
    }
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        if (pick == NULL || (ai->ai_family == AF_INET
                && pick->ai_family != AF_INET))
        {
            pick = ai;
        }
    }
    memcpy(&b->addr, pick->ai_addr, pick->ai_addrlen);
    b->addrlen = pick->ai_addrlen;
    freeaddrinfo(res);
    return TP_OK;
}

static struct tp_backend *
upstream_backend(struct tp_conf_ctx *c, bool tls, const char *host,
    size_t hlen, uint16_t port, const char *ca, char *err, size_t errlen)
{
    struct tp_model *m = c->m;
    struct tp_backend *b, **grown;
    unsigned i;
    bool dflt = port == (tls ? 443 : 80);

    for (i = 0; i < m->nbackends; i++) {
        b = m->backends[i];
        if (b->tls == tls && b->port == port && strlen(b->host) == hlen
            && strncasecmp(b->host, host, hlen) == 0
            && ((ca == NULL && b->tls_ca == NULL)
                || (ca != NULL && b->tls_ca != NULL
                    && strcmp(ca, b->tls_ca) == 0)))
        {
            return b;
        }
    }
    b = tp_arena_calloc(c->a, sizeof(*b));
    grown = tp_arena_alloc(c->a, sizeof(*grown) * (m->nbackends + 1));
    if (b == NULL || grown == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (m->nbackends > 0) {
        memcpy(grown, m->backends, sizeof(*grown) * m->nbackends);
    }
    b->id = m->nbackends;
    b->tls = tls;
    b->port = port;
    b->tls_ca = ca;
    b->host = tp_arena_strndup(c->a, host, hlen);
    /* IPv6 literals keep their brackets in Host but not for resolving. */
    b->hostport = dflt ? b->host
        : tp_arena_sprintf(c->a, "%s:%u", b->host, port);
    if (b->host[0] == '[') {
        b->host = tp_arena_strndup(c->a, host + 1, hlen - 2);
    }
    if (upstream_resolve(m, b->host, port, b) != TP_OK) {
        /* Not fatal: the host may exist where the gateway runs later (or
         * after a reload); until then its requests get 502. */
        tp_conf_warn(c, NULL, "cannot resolve backend host \"%s\"; requests "
            "to it answer 502 (an authorizer's keys there: 500) until a "
            "reload resolves it (server.resolve can point it elsewhere)",
            b->host);
        b->addrlen = 0;
    }
    if (tls && tp_tls_client_ctx(c->a, b, err, errlen) != TP_OK) {
        return NULL;
    }
    grown[m->nbackends++] = b;
    m->backends = grown;
    return b;
}

struct tp_backend *
tp_upstream_conf_origin(struct tp_conf_ctx *c, const char *uri, const char *ca,
    const char **path, char *err, size_t errlen)
{
    const char *h, *hend, *pend;
    bool tls;
    long port;
    char *e;

    if (strncasecmp(uri, "http://", 7) == 0) {
        tls = false;
        h = uri + 7;
    } else if (strncasecmp(uri, "https://", 8) == 0) {
        tls = true;
        h = uri + 8;
    } else {
        snprintf(err, errlen, "uri \"%s\" must start with http:// or "
            "https://", uri);
        return NULL;
    }
    pend = h + strcspn(h, "/?#");
    hend = h[0] == '[' ? memchr(h, ']', (size_t) (pend - h)) : NULL;
    hend = hend != NULL ? hend + 1 : h + strcspn(h, ":/?#");
    if (hend > pend) {
        hend = pend;
    }
    port = tls ? 443 : 80;
    if (*hend == ':') {
        port = strtol(hend + 1, &e, 10);
        if (e != pend || port < 1 || port > 65535) {
            snprintf(err, errlen, "bad port in uri \"%s\"", uri);
            return NULL;
        }
    } else if (hend != pend) {
        snprintf(err, errlen, "bad host in uri \"%s\"", uri);
        return NULL;
    }
    if (hend == h || memchr(h, '@', (size_t) (pend - h)) != NULL) {
        snprintf(err, errlen, "bad host in uri \"%s\"", uri);
        return NULL;
    }
    *path = pend;
    return upstream_backend(c, tls, h, (size_t) (hend - h), (uint16_t) port,
        ca, err, errlen);
}

/* {name} in a uri: a path mapping of the integration (REST
 * integration.request.path.NAME) wins over the route's own parameter. */
static int
upstream_param_index(const struct tp_route *r, const char *name, size_t len,
    uint8_t *kind)
{
    const struct tp_integration *in = &r->integ;
    unsigned i;

    for (i = 0; i < in->nreq_params && i < 256; i++) {
        if (in->req_params[i].target == TP_MT_PATH
            && strlen(in->req_params[i].name) == len
            && memcmp(in->req_params[i].name, name, len) == 0)
        {
            *kind = TP_TMPL_MAPPED;
            return (int) i;
        }
    }
    for (i = 0; i < r->nparams; i++) {
        if (strlen(r->params[i]) == len
            && memcmp(r->params[i], name, len) == 0)
        {
            *kind = TP_TMPL_PARAM;
            return (int) i;
        }
    }
    return -1;
}

/* Compiles "/a/{id}/b?x=1" into literal and parameter parts. */
static int
upstream_tmpl(struct tp_conf_ctx *c, const struct tp_route *r,
    const char *path, struct tp_target *t, char *err, size_t errlen)
{
    struct tp_tmpl_part *parts;
    const char *p = *path == '\0' ? "/" : path, *open, *close;
    unsigned n = 0;
    uint8_t kind = TP_TMPL_PARAM;
    int idx;

    if (*p != '/' && *p != '?') {
        snprintf(err, errlen, "uri path must start with '/'");
        return TP_ERROR;
    }
    parts = tp_arena_calloc(c->a, sizeof(*parts) * (strlen(p) + 2));
    if (parts == NULL) {
        snprintf(err, errlen, "out of memory");
        return TP_ERROR;
    }
    t->has_query = strchr(p, '?') != NULL;
    if (*p == '?') {
        parts[n++] = (struct tp_tmpl_part) { TP_TMPL_LIT, 0, 1, "/" };
    }
    while (*p != '\0') {
        open = strchr(p, '{');
        if (open == NULL) {
            open = p + strlen(p);
        }
        if (open > p) {
            parts[n++] = (struct tp_tmpl_part) { TP_TMPL_LIT, 0,
                (uint32_t) (open - p), p };
        }
        if (*open == '\0') {
            break;
        }
        close = strchr(open, '}');
        idx = close != NULL ? upstream_param_index(r, open + 1,
            (size_t) (close - open - 1), &kind) : -1;
        if (idx < 0) {
            snprintf(err, errlen, "uri refers to {%.*s}, which is neither a "
                "path parameter of route '%s' nor mapped by "
                "integration.request.path.%.*s", close != NULL
                ? (int) (close - open - 1) : (int) strlen(open + 1),
                open + 1, r->key, close != NULL
                ? (int) (close - open - 1) : (int) strlen(open + 1),
                open + 1);
            return TP_ERROR;
        }
        parts[n++] = (struct tp_tmpl_part) { kind, (uint8_t) idx, 0, NULL };
        p = close + 1;
    }
    t->parts = parts;
    t->nparts = n;
    return TP_OK;
}

int
tp_upstream_conf_targets(struct tp_conf_ctx *c, struct tp_api *api,
    struct tp_route *r)
{
    struct tp_integration *in = &r->integ;
    char err[512];
    const char *uri, *path;
    unsigned i;

    in->targets = tp_arena_calloc(c->a, sizeof(struct tp_target)
        * (api->nstages > 0 ? api->nstages : 1));
    if (in->targets == NULL) {
        return tp_conf_error(c, NULL, "out of memory");
    }
    for (i = 0; i < api->nstages; i++) {
        struct tp_target *t = &in->targets[i];

        uri = tp_upstream_expand_vars(c->a, in->uri, &api->stages[i], err,
            sizeof(err));
        if (uri == NULL && strstr(err, "unterminated") != NULL) {
            return tp_conf_error_at(c, in->src, "route '%s': %s", r->key,
                err);
        }
        if (uri == NULL) {
            /* As on AWS: the stage answers 500 (API_CONFIGURATION_ERROR). */
            tp_conf_warn_at(c, in->src, "route '%s': %s; the stage answers "
                "500 for it", r->key, err);
            t->error = tp_arena_strdup(c->a, err);
            continue;
        }
        t->backend = tp_upstream_conf_origin(c, uri, in->tls_ca, &path, err,
            sizeof(err));
        if (t->backend == NULL
            || upstream_tmpl(c, r, path, t, err, sizeof(err)) != TP_OK)
        {
            return tp_conf_error_at(c, in->src, "route '%s': %s", r->key,
                err);
        }
    }
    return TP_OK;
}
