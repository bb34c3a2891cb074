/*
 * tp_conf_listen.c: the `listeners` and `domains` sections: addresses,
 * TLS identities (contexts built here so -t checks certificates too).
 * Master only.
 */
#include "tp_conf_int.h"
#include "tp_tls.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#define L_OFF(f) offsetof(struct tp_listener, f)
#define T_OFF(f) offsetof(struct tp_tls_conf, f)

static const struct tp_conf_field listener_fields[] = {
    { "address", TP_CT_ANY, 0, 0, 0, NULL },
    { "default_api", TP_CT_ANY, 0, 0, 0, NULL },
    { "tls", TP_CT_GROUP, 0, 0, 0, NULL },
    { "private", TP_CT_BOOL, L_OFF(private), 0, 0, NULL },
    { "allow", TP_CT_LIST, 0, 0, 0, NULL },
    { "name", TP_CT_STR, L_OFF(name), 0, 0, NULL },
};

static const struct tp_conf_field tls_fields[] = {
    { "certificate", TP_CT_PATH, T_OFF(certificate), 0, 0, NULL },
    { "key", TP_CT_PATH, T_OFF(key), 0, 0, NULL },
    { "policy", TP_CT_ANY, 0, 0, 0, NULL },
};

static const struct tp_conf_field domain_fields[] = {
    { "name", TP_CT_STR, offsetof(struct tp_domain, name), 0, 0, NULL },
    { "certificate", TP_CT_ANY, 0, 0, 0, NULL },
    { "key", TP_CT_ANY, 0, 0, 0, NULL },
    { "policy", TP_CT_ANY, 0, 0, 0, NULL },
    { "truststore", TP_CT_ANY, 0, 0, 0, NULL },
    { "mappings", TP_CT_LIST, 0, 0, 0, NULL },
};

static const struct tp_conf_field mapping_fields[] = {
    { "base_path", TP_CT_ANY, 0, 0, 0, NULL },
    { "api", TP_CT_ANY, 0, 0, 0, NULL },
    { "stage", TP_CT_ANY, 0, 0, 0, NULL },
};

/* Parses "ip:port", "[v6]:port", "*:port" or "port" ("*" is handled by
 * the caller); TP_ERROR on anything else. */
static int
listen_parse_addr(const char *s, struct sockaddr_storage *ss,
    socklen_t *len, uint16_t *port)
{
    char host[256];
    const char *colon;
    struct addrinfo hints, *res = NULL;
    size_t hlen;
    char *end;
    long p;

    colon = strrchr(s, ':');
    if (colon == NULL) {
        return TP_ERROR;
    }
    hlen = (size_t) (colon - s);
    if (hlen >= sizeof(host)) {
        return TP_ERROR;
    }
    if (s[0] == '[') {
        if (hlen < 2 || s[hlen - 1] != ']') {
            return TP_ERROR;
        }
        memcpy(host, s + 1, hlen - 2);
        host[hlen - 2] = '\0';
    } else {
        memcpy(host, s, hlen);
        host[hlen] = '\0';
    }
    p = strtol(colon + 1, &end, 10);
    if (colon[1] == '\0' || *end != '\0' || p < 1 || p > 65535) {
        return TP_ERROR;
    }
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    if (getaddrinfo(host, colon + 1, &hints, &res) != 0 || res == NULL) {
        return TP_ERROR;
    }
    memcpy(ss, res->ai_addr, res->ai_addrlen);
    *len = res->ai_addrlen;
    *port = (uint16_t) p;
    freeaddrinfo(res);
    return TP_OK;
}

static int
listen_tls_policy(struct tp_conf_ctx *c, const config_setting_t *s,
    enum tp_tls_policy *out)
{
    const char *v = config_setting_get_string(s);

    if (v != NULL && strcmp(v, "TLS_1_0") == 0) {
        *out = TP_TLS_1_0;
    } else if (v != NULL && strcmp(v, "TLS_1_2") == 0) {
        *out = TP_TLS_1_2;
    } else {
        return tp_conf_error(c, s,
            "'policy' must be \"TLS_1_0\" or \"TLS_1_2\"");
    }
    return TP_OK;
}

/* Builds a TLS identity from a group holding certificate/key/policy. */
static struct tp_tls_conf *
listen_tls(struct tp_conf_ctx *c, const config_setting_t *g, bool strict)
{
    struct tp_tls_conf *t = tp_arena_calloc(c->a, sizeof(*t));
    const config_setting_t *s;
    char msg[512];

    if (t == NULL) {
        tp_conf_error(c, g, "out of memory");
        return NULL;
    }
    t->policy = TP_TLS_1_2;
    t->src = tp_conf_src(c, g);
    if (strict && tp_conf_apply(c, g, tls_fields, TP_NELEM(tls_fields), t)
        != TP_OK)
    {
        return NULL;
    }
    if (!strict) {
        s = config_setting_get_member(g, "certificate");
        if (s != NULL && config_setting_type(s) == CONFIG_TYPE_STRING) {
            t->certificate = tp_conf_path(c, config_setting_get_string(s));
        }
        s = config_setting_get_member(g, "key");
        if (s != NULL && config_setting_type(s) == CONFIG_TYPE_STRING) {
            t->key = tp_conf_path(c, config_setting_get_string(s));
        }
    }
    s = config_setting_get_member(g, "policy");
    if (s != NULL && listen_tls_policy(c, s, &t->policy) != TP_OK) {
        return NULL;
    }
    if (t->certificate == NULL || t->key == NULL) {
        tp_conf_error(c, g, "TLS needs both 'certificate' and 'key'");
        return NULL;
    }
    if (tp_tls_server_ctx(c->a, t, msg, sizeof(msg)) != TP_OK) {
        tp_conf_error(c, g, "%s", msg);
        return NULL;
    }
    return t;
}

static int
listen_add(struct tp_conf_ctx *c, const config_setting_t *g,
    const struct tp_listener *tmpl, const char *addr)
{
    struct tp_model *m = c->m;
    struct tp_listener *l;
    unsigned i;

    l = &m->listeners[m->nlisteners];
    *l = *tmpl;
    if (listen_parse_addr(addr, &l->addr, &l->addrlen, &l->port) != TP_OK) {
        return tp_conf_error(c, config_setting_is_group(g)
            ? config_setting_get_member(g, "address") : g,
            "invalid listener address \"%s\" (use \"ip:port\", "
            "\"[ipv6]:port\" or \"*:port\")", tmpl->address);
    }
    for (i = 0; i < m->nlisteners; i++) {
        if (m->listeners[i].addrlen == l->addrlen
            && memcmp(&m->listeners[i].addr, &l->addr, l->addrlen) == 0)
        {
            return tp_conf_error(c, g, "duplicate listener address \"%s\" "
                "(also at line %d)", tmpl->address, m->listeners[i].src.line);
        }
    }
    l->fd = -1;
    m->nlisteners++;
    return TP_OK;
}

/* allow = ( "10.0.0.0/8", "::1/128" ): who may connect at all. */
static int
listen_allow(struct tp_conf_ctx *c, const config_setting_t *s,
    struct tp_listener *l)
{
    unsigned i, n = (unsigned) config_setting_length(s);

    if (n == 0) {
        return tp_conf_error(c, s, "'allow' needs at least one CIDR "
            "(leave it out to let anyone connect)");
    }
    l->allow = tp_arena_calloc(c->a, sizeof(*l->allow) * n);
    if (l->allow == NULL) {
        return tp_conf_error(c, s, "out of memory");
    }
    for (i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(s, i);
        const char *v = config_setting_get_string(e);

        /* Named by index at the list's line: libconfig gives a list
         * element the line of the token after it. */
        if (v == NULL || tp_cidr_parse(v, strlen(v), true, &l->allow[i])
            != TP_OK)
        {
            return tp_conf_error(c, s, "'allow'[%u]: entries are CIDRs such "
                "as \"10.0.0.0/8\" or \"::1/128\" (a bare address is /32 "
                "or /128), not %s%s%s", i, v != NULL ? "\"" : "",
                v != NULL ? v : tp_conf_type_name(config_setting_type(e)),
                v != NULL ? "\"" : "");
        }
    }
    l->nallow = n;
    return TP_OK;
}

/* A private listener's default name (its aws:SourceVpce): "vpce-" and
 * the address with each run of other characters than letters and
 * digits made one '-' ("10.0.0.5:8080" -> "vpce-10-0-0-5-8080",
 * "*:8443" -> "vpce-8443"). */
static const char *
listen_default_name(struct tp_conf_ctx *c, const char *addr)
{
    char *n = tp_arena_alloc(c->a, strlen(addr) + 6), *w;
    bool dash = true;

    if (n == NULL) {
        return NULL;
    }
    w = n + 5;
    memcpy(n, "vpce-", 5);
    for (; *addr != '\0'; addr++) {
        if (isalnum((unsigned char) *addr)) {
            *w++ = *addr;
            dash = false;
        } else if (!dash) {
            *w++ = '-';
            dash = true;
        }
    }
    if (dash && w > n + 5) {
        w--;
    }
    *w = '\0';
    return n;
}

/* private, name and allow of listener group <g> into <l>. */
static int
listen_private(struct tp_conf_ctx *c, const config_setting_t *g,
    struct tp_listener *l)
{
    const config_setting_t *s = config_setting_get_member(g, "allow");

    if (s != NULL && listen_allow(c, s, l) != TP_OK) {
        return TP_ERROR;
    }
    s = config_setting_get_member(g, "name");
    if (s != NULL && !l->private) {
        return tp_conf_error(c, s, "'name' is for private listeners "
            "(private = true): it is their aws:SourceVpce");
    }
    if (s != NULL && l->name[0] == '\0') {
        return tp_conf_error(c, s, "'name' must not be empty");
    }
    if (l->private && l->name == NULL
        && (l->name = listen_default_name(c, l->address)) == NULL)
    {
        return tp_conf_error(c, g, "out of memory");
    }
    return TP_OK;
}

static int
listen_one(struct tp_conf_ctx *c, const config_setting_t *g)
{
    struct tp_listener tmpl;
    const config_setting_t *s;
    const char *addr, *api;
    char buf[300];

    memset(&tmpl, 0, sizeof(tmpl));
    tmpl.src = tp_conf_src(c, g);
    if (!config_setting_is_group(g)) {
        return tp_conf_error(c, g, "each listener must be a group { ... }");
    }
    if (tp_conf_apply(c, g, listener_fields, TP_NELEM(listener_fields),
            &tmpl) != TP_OK)
    {
        return TP_ERROR;
    }
    s = config_setting_get_member(g, "address");
    addr = s != NULL ? config_setting_get_string(s) : NULL;
    if (addr == NULL) {
        return tp_conf_error(c, s != NULL ? s : g,
            "a listener needs 'address' = \"ip:port\"");
    }
    tmpl.address = tp_arena_strdup(c->a, addr);
    if (listen_private(c, g, &tmpl) != TP_OK) {
        return TP_ERROR;
    }
    s = config_setting_get_member(g, "default_api");
    if (s != NULL) {
        api = config_setting_get_string(s);
        tmpl.default_api = api != NULL
            ? tp_model_find_api(c->m, api, strlen(api)) : NULL;
        if (tmpl.default_api == NULL) {
            return tp_conf_error(c, s, "default_api \"%s\": unknown api "
                "(no apis entry has this id)", api != NULL ? api : "?");
        }
    }
    s = config_setting_get_member(g, "tls");
    if (s != NULL && (tmpl.tls = listen_tls(c, s, true)) == NULL) {
        return TP_ERROR;
    }
    /* "*:port" and "port" listen on every IPv4 and IPv6 address. */
    if (strncmp(addr, "*:", 2) == 0 || strchr(addr, ':') == NULL) {
        const char *port = addr[0] == '*' ? addr + 2 : addr;

        snprintf(buf, sizeof(buf), "0.0.0.0:%s", port);
        if (listen_add(c, g, &tmpl, buf) != TP_OK) {
            return TP_ERROR;
        }
        snprintf(buf, sizeof(buf), "[::]:%s", port);
        tmpl.optional = true;
        return listen_add(c, g, &tmpl, buf);
    }
    return listen_add(c, g, &tmpl, addr);
}

/* PRIVATE APIs are served on private listeners only: say so when there
 * is none. */
static void
listen_check_private(struct tp_conf_ctx *c, const config_setting_t *s)
{
    unsigned i;

    for (i = 0; i < c->m->nlisteners; i++) {
        if (c->m->listeners[i].private) {
            return;
        }
    }
    for (i = 0; i < c->m->napis; i++) {
        if (c->m->apis[i].endpoint_type == TP_ENDPOINT_PRIVATE) {
            tp_conf_warn(c, s, "api \"%s\" is PRIVATE but no listener is "
                "(private = true): it cannot be reached",
                c->m->apis[i].id);
        }
    }
}

int
tp_conf_listeners(struct tp_conf_ctx *c, const config_setting_t *s)
{
    int i, n = config_setting_length(s);

    c->m->listeners = tp_arena_calloc(c->a,
        sizeof(struct tp_listener) * ((size_t) n * 2 + 2));
    if (c->m->listeners == NULL) {
        return tp_conf_error(c, s, "out of memory");
    }
    for (i = 0; i < n; i++) {
        if (listen_one(c, config_setting_get_elem(s, (unsigned) i))
            != TP_OK)
        {
            return TP_ERROR;
        }
    }
    listen_check_private(c, s);
    return TP_OK;
}

/* 127.0.0.0/8 or ::1: the Invoke API has no authentication of its own. */
static bool
listen_loopback(const struct tp_listener *l)
{
    const struct sockaddr_in *v4 = (const struct sockaddr_in *) &l->addr;
    const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *) &l->addr;

    if (l->addr.ss_family == AF_INET) {
        return (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
    }
    return l->addr.ss_family == AF_INET6
        && IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr);
}

/*
 * metrics.admin = "127.0.0.1:9180": a plain HTTP listener of its own,
 * bound by the master like the others and served by the workers with
 * built-in routes only (tp_admin.c); an address an API listener has too
 * is refused as a duplicate, so no API is ever served on it.
 */
int
tp_conf_admin_listener(struct tp_conf_ctx *c, const config_setting_t *s)
{
    const char *addr = config_setting_get_string(s);
    struct tp_listener tmpl;
    unsigned first = c->m->nlisteners, i;
    char buf[300];

    if (addr == NULL || addr[0] == '\0') {
        return tp_conf_error(c, s, "'admin' must be an address such as "
            "\"127.0.0.1:9180\"");
    }
    memset(&tmpl, 0, sizeof(tmpl));
    tmpl.src = tp_conf_src(c, s);
    tmpl.address = tp_arena_strdup(c->a, addr);
    tmpl.admin = true;
    if (tmpl.address == NULL) {
        return tp_conf_error(c, s, "out of memory");
    }
    if (strncmp(addr, "*:", 2) == 0 || strchr(addr, ':') == NULL) {
        const char *port = addr[0] == '*' ? addr + 2 : addr;

        snprintf(buf, sizeof(buf), "0.0.0.0:%s", port);
        if (listen_add(c, s, &tmpl, buf) != TP_OK) {
            return TP_ERROR;
        }
        snprintf(buf, sizeof(buf), "[::]:%s", port);
        tmpl.optional = true;
        if (listen_add(c, s, &tmpl, buf) != TP_OK) {
            return TP_ERROR;
        }
    } else if (listen_add(c, s, &tmpl, addr) != TP_OK) {
        return TP_ERROR;
    }
    for (i = first; i < c->m->nlisteners; i++) {
        if (!listen_loopback(&c->m->listeners[i])) {
            tp_conf_warn(c, s, "the admin listener \"%s\" is not a "
                "loopback address: anyone who can connect may invoke "
                "functions (the Invoke API checks no credentials)", addr);
            break;
        }
    }
    return TP_OK;
}

/* Where truststore warnings point. */
struct domain_warn {
    struct tp_conf_ctx *c;
    const config_setting_t *s;
    const struct tp_domain *d;
};

static const char *
domain_member(const config_setting_t *g, const char *name)
{
    const config_setting_t *s = config_setting_get_member(g, name);

    return s != NULL ? config_setting_get_string(s) : NULL;
}

/* One base path mapping: "" (the empty mapping) or "v1", "v1/orders". */
static int
domain_mapping(struct tp_conf_ctx *c, const config_setting_t *g,
    struct tp_domain *d, struct tp_base_mapping *bm)
{
    const char *bp = domain_member(g, "base_path");
    const char *api = domain_member(g, "api"), *stage;
    size_t len;
    unsigned i;

    bm->src = tp_conf_src(c, g);
    if (!config_setting_is_group(g) || tp_conf_apply(c, g, mapping_fields,
            TP_NELEM(mapping_fields), NULL) != TP_OK)
    {
        return tp_conf_error(c, g, "each mapping is { base_path = \"v1\"; "
            "api = \"ID\"; stage = \"NAME\"; }");
    }
    if (bp == NULL) {
        bp = "";
    }
    while (*bp == '/') {
        bp++;
    }
    len = strlen(bp);
    while (len > 0 && bp[len - 1] == '/') {
        len--;
    }
    bm->base_path = tp_arena_strndup(c->a, bp, len);
    bm->len = len;
    bm->api = api != NULL ? tp_model_find_api(c->m, api, strlen(api)) : NULL;
    if (bm->api == NULL) {
        return tp_conf_error(c, g, "domain \"%s\": mapping names api \"%s\", "
            "which no apis entry defines", d->name, api != NULL ? api : "");
    }
    stage = domain_member(g, "stage");
    bm->stage = stage != NULL ? tp_model_find_stage(bm->api, stage,
        strlen(stage)) : NULL;
    if (bm->stage == NULL) {
        return tp_conf_error(c, g, "domain \"%s\": mapping names stage "
            "\"%s\", which api \"%s\" does not have", d->name,
            stage != NULL ? stage : "", api);
    }
    for (i = 0; &d->mappings[i] != bm; i++) {
        if (d->mappings[i].len == len
            && memcmp(d->mappings[i].base_path, bm->base_path, len) == 0)
        {
            return tp_conf_error(c, g, "domain \"%s\": base path \"%s\" is "
                "mapped twice", d->name, bm->base_path);
        }
    }
    return TP_OK;
}

static int
mapping_cmp(const void *a, const void *b)
{
    const struct tp_base_mapping *x = a, *y = b;

    return x->len < y->len ? 1 : x->len > y->len ? -1 : 0;
}

static int
domain_mappings(struct tp_conf_ctx *c, const config_setting_t *g,
    struct tp_domain *d)
{
    const config_setting_t *l = config_setting_get_member(g, "mappings");
    int i, n = l != NULL ? config_setting_length(l) : 0;

    d->mappings = tp_arena_calloc(c->a, sizeof(*d->mappings)
        * (size_t) (n + 1));
    if (d->mappings == NULL) {
        return tp_conf_error(c, g, "out of memory");
    }
    for (i = 0; i < n; i++) {
        if (domain_mapping(c, config_setting_get_elem(l, (unsigned) i), d,
                &d->mappings[i]) != TP_OK)
        {
            return TP_ERROR;
        }
    }
    d->nmappings = (unsigned) n;
    /* Longest base path first: the most specific mapping wins. */
    qsort(d->mappings, d->nmappings, sizeof(*d->mappings), mapping_cmp);
    return TP_OK;
}

static void
domain_trust_warn(void *arg, const char *msg)
{
    struct domain_warn *w = arg;

    tp_conf_warn(w->c, w->s, "domain \"%s\": %s", w->d->name, msg);
}

/*
 * Mutual TLS (auth.md 9): the domain's own certificate and TLS 1.2 at
 * least, as AWS requires; an API it maps that still answers on its
 * execute-api host name can be reached without a client certificate.
 */
static int
domain_truststore(struct tp_conf_ctx *c, const config_setting_t *s,
    struct tp_domain *d)
{
    struct domain_warn w = { c, s, d };
    const char *v = config_setting_get_string(s);
    char msg[768];
    unsigned i;

    if (v == NULL || v[0] == '\0') {
        return tp_conf_error(c, s, "domain \"%s\": 'truststore' must be "
            "the path of a PEM file of CA certificates", d->name);
    }
    if (d->tls == NULL) {
        return tp_conf_error(c, s, "domain \"%s\": mutual TLS "
            "('truststore') needs the domain's own 'certificate' and 'key'",
            d->name);
    }
    if (d->tls->policy != TP_TLS_1_2) {
        return tp_conf_error(c, s, "domain \"%s\": mutual TLS "
            "('truststore') needs policy \"TLS_1_2\"", d->name);
    }
    d->tls->truststore = tp_conf_path(c, v);
    if (d->tls->truststore == NULL) {
        return tp_conf_error(c, s, "out of memory");
    }
    if (tp_tls_truststore(d->tls, d->name, domain_trust_warn, &w, msg,
            sizeof(msg)) != TP_OK)
    {
        return tp_conf_error(c, s, "domain \"%s\": %s", d->name, msg);
    }
    for (i = 0; i < d->nmappings; i++) {
        if (!d->mappings[i].api->disable_execute_api) {
            tp_conf_warn(c, s, "domain \"%s\" requires client certificates, "
                "but api \"%s\" also answers on its execute-api host name "
                "without one (set disable_execute_api_endpoint = true)",
                d->name, d->mappings[i].api->id);
        }
    }
    return TP_OK;
}

static int
domain_one(struct tp_conf_ctx *c, const config_setting_t *g,
    struct tp_domain *d)
{
    const config_setting_t *s;
    unsigned i;

    if (!config_setting_is_group(g)) {
        return tp_conf_error(c, g, "each domain must be a group { ... }");
    }
    d->src = tp_conf_src(c, g);
    if (tp_conf_apply(c, g, domain_fields, TP_NELEM(domain_fields), d)
        != TP_OK)
    {
        return TP_ERROR;
    }
    if (d->name == NULL || d->name[0] == '\0') {
        return tp_conf_error(c, g, "a domain needs 'name'");
    }
    for (i = 0; &c->m->domains[i] != d; i++) {
        if (strcasecmp(c->m->domains[i].name, d->name) == 0) {
            return tp_conf_error(c, g, "duplicate domain \"%s\"", d->name);
        }
    }
    if (config_setting_get_member(g, "certificate") != NULL
        || config_setting_get_member(g, "key") != NULL)
    {
        d->tls = listen_tls(c, g, false);
        if (d->tls == NULL) {
            return TP_ERROR;
        }
    }
    if (domain_mappings(c, g, d) != TP_OK) {
        return TP_ERROR;
    }
    s = config_setting_get_member(g, "truststore");
    return s != NULL ? domain_truststore(c, s, d) : TP_OK;
}

int
tp_conf_domains(struct tp_conf_ctx *c, const config_setting_t *s)
{
    int i, n = config_setting_length(s);

    c->m->domains = tp_arena_calloc(c->a,
        sizeof(struct tp_domain) * (size_t) (n > 0 ? n : 1));
    if (c->m->domains == NULL) {
        return tp_conf_error(c, s, "out of memory");
    }
    for (i = 0; i < n; i++) {
        if (domain_one(c, config_setting_get_elem(s, (unsigned) i),
                &c->m->domains[i]) != TP_OK)
        {
            return TP_ERROR;
        }
        c->m->ndomains++;
    }
    return TP_OK;
}
