/*
 * sigv4_suite.h: what the SigV4 unit tests share: the AWS signing test
 * suite (../shared/conformance/sigv4/v4, read in place: TP_SIGV4_SUITE,
 * else that path from the current directory, else from the repository
 * the test binary was built in), its HTTP request files as tp_sigv4_req,
 * its context.json, and a key lookup over one key.
 */
#ifndef SIGV4_SUITE_H
#define SIGV4_SUITE_H

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tp_json.h"
#include "tp_sigv4.h"

#define SV_MAX_HDRS 32
#define SV_SUITE_REL "../shared/conformance/sigv4/v4"

/* A request file parsed in place: slices point into <text>. */
struct sv_msg {
    char *text;
    size_t len;
    struct tp_sigv4_hdr hdrs[SV_MAX_HDRS];
    struct tp_sigv4_req req;
};

/* One key: what the lookup answers, and whether it was asked. */
struct sv_keys {
    const char *akid;
    const char *secret;
    const char *token;               /* NULL: long-term key */
    int64_t token_expires;
    bool fail;                       /* answer TP_ERROR */
    int calls;
};

static inline int
sv_lookup(void *ctx, struct tp_str akid, struct tp_sigv4_key *key)
{
    struct sv_keys *k = ctx;

    k->calls++;
    if (k->fail) {
        return TP_ERROR;
    }
    if (akid.len != strlen(k->akid) || memcmp(akid.p, k->akid, akid.len)) {
        return TP_DECLINED;
    }
    key->secret = (struct tp_str) { k->secret, strlen(k->secret) };
    key->token = k->token != NULL
                 ? (struct tp_str) { k->token, strlen(k->token) }
                 : TP_NULL_STR;
    key->token_expires = k->token_expires;
    return TP_OK;
}

/* The whole file, NUL-ended (NULL if unreadable); *<len> its size. */
static inline char *
sv_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;

    *len = 0;
    if (f != NULL && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0
        && fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t) n + 1)))
    {
        *len = fread(buf, 1, (size_t) n, f);
        buf[*len] = '\0';
    }
    if (f != NULL) {
        fclose(f);
    }
    return buf;
}

static inline char *
sv_read_case(const char *dir, const char *name, const char *file,
    size_t *len)
{
    char path[PATH_MAX];

    snprintf(path, sizeof(path), "%s/%s/%s", dir, name, file);
    return sv_read(path, len);
}

static inline bool
sv_is_dir(const char *p)
{
    struct stat st;

    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The suite's directory, or NULL (and <tried> says where we looked). */
static inline const char *
sv_suite_dir(char *tried, size_t cap)
{
    static char buf[PATH_MAX + sizeof(SV_SUITE_REL) + 1];
    const char *env = getenv("TP_SIGV4_SUITE");
    char exe[PATH_MAX];
    ssize_t n;
    int up;

    if (env != NULL && *env != '\0') {
        snprintf(tried, cap, "TP_SIGV4_SUITE=%s", env);
        return sv_is_dir(env) ? env : NULL;
    }
    snprintf(tried, cap, "./%s", SV_SUITE_REL);
    if (sv_is_dir(SV_SUITE_REL)) {
        return SV_SUITE_REL;
    }
    /* objs/test/unit/server/<binary>: the repository is 5 levels up. */
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0) {
        return NULL;
    }
    exe[n] = '\0';
    for (up = 0; up < 5; up++) {
        char *slash = strrchr(exe, '/');

        if (slash == NULL) {
            return NULL;
        }
        *slash = '\0';
    }
    snprintf(buf, sizeof(buf), "%s/%s", exe, SV_SUITE_REL);
    snprintf(tried, cap, "./%s and %s", SV_SUITE_REL, buf);
    return sv_is_dir(buf) ? buf : NULL;
}

static inline int
sv_dirent_cmp(const struct dirent **x, const struct dirent **y)
{
    return strcmp((*x)->d_name, (*y)->d_name);
}

static inline int
sv_case_filter(const struct dirent *d)
{
    return d->d_name[0] != '.';
}

/* The suite's case names, sorted; free with sv_free_cases(). */
static inline int
sv_cases(const char *dir, struct dirent ***names)
{
    return scandir(dir, names, sv_case_filter, sv_dirent_cmp);
}

static inline void
sv_free_cases(struct dirent **names, int n)
{
    int i;

    for (i = 0; i < n; i++) {
        free(names[i]);
    }
    free(names);
}

static inline struct tp_str
sv_trim(const char *p, size_t len)
{
    while (len > 0 && (*p == ' ' || *p == '\t')) {
        p++;
        len--;
    }
    while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t')) {
        len--;
    }
    return (struct tp_str) { p, len };
}

/*
 * Parses "METHOD target HTTP/1.1\nName:value\n...\n\nbody": the target
 * may hold spaces (the suite's raw paths); a line starting with a blank
 * continues the previous value, which then spans the folded lines.
 */
static inline bool
sv_parse_msg(struct sv_msg *m, char *text, size_t len)
{
    char *p = text, *end = text + len, *nl, *sp1, *sp2, *q, *colon;
    struct tp_sigv4_req *r = &m->req;
    size_t n = 0;

    memset(m, 0, sizeof(*m));
    m->text = text;
    m->len = len;
    nl = memchr(p, '\n', (size_t) (end - p));
    nl = nl != NULL ? nl : end;
    sp1 = memchr(p, ' ', (size_t) (nl - p));
    for (sp2 = nl; sp2 > p && sp2[-1] != ' '; sp2--) {
        /* the version starts after the last space */
    }
    if (sp1 == NULL || sp2 - 1 <= sp1) {
        return false;
    }
    r->method = (struct tp_str) { p, (size_t) (sp1 - p) };
    q = memchr(sp1 + 1, '?', (size_t) (sp2 - 1 - (sp1 + 1)));
    r->path = (struct tp_str) { sp1 + 1,
                                (size_t) ((q ? q : sp2 - 1) - sp1 - 1) };
    r->query = q != NULL ? (struct tp_str) { q + 1,
                                             (size_t) (sp2 - 1 - q - 1) }
                         : (struct tp_str) { sp2 - 1, 0 };
    for (p = nl + 1; p < end; p = nl + 1) {
        nl = memchr(p, '\n', (size_t) (end - p));
        nl = nl != NULL ? nl : end;
        if (nl == p) {
            r->body = nl + 1 < end ? nl + 1 : NULL;
            r->body_len = nl + 1 < end ? (size_t) (end - nl - 1) : 0;
            break;
        }
        if ((*p == ' ' || *p == '\t') && n > 0) {
            m->hdrs[n - 1].value.len = (size_t) (nl - m->hdrs[n - 1].value.p);
            continue;
        }
        colon = memchr(p, ':', (size_t) (nl - p));
        if (colon == NULL || n == SV_MAX_HDRS) {
            return false;
        }
        m->hdrs[n].name = (struct tp_str) { p, (size_t) (colon - p) };
        m->hdrs[n].value = sv_trim(colon + 1, (size_t) (nl - colon - 1));
        n++;
    }
    r->hdrs = m->hdrs;
    r->nhdrs = n;
    return true;
}

/* The value of the first header <name> (any case), or a NULL slice. */
static inline struct tp_str
sv_header(const struct sv_msg *m, const char *name)
{
    size_t i;

    for (i = 0; i < m->req.nhdrs; i++) {
        if (tp_str_caseeq(m->hdrs[i].name, name)) {
            return m->hdrs[i].value;
        }
    }
    return TP_NULL_STR;
}

/* A case's context.json. */
struct sv_ctx {
    char akid[64];
    char secret[128];
    char token[1024];
    bool has_token;
    char region[64];
    char service[64];
    char date[TP_SIGV4_DATE_LEN + 1];
    int64_t now;
    int64_t expires;
    bool normalize;
    bool omit_token;
};

static inline void
sv_json_copy(const struct tp_json *d, int i, struct tp_arena *a, char *out,
    size_t cap)
{
    size_t len = 0;
    char *s = i >= 0 ? tp_json_str(d, i, a, &len) : NULL;

    snprintf(out, cap, "%.*s", (int) len, s != NULL ? s : "");
}

/* "2015-08-30T12:36:00Z" -> "20150830T123600Z" */
static inline void
sv_iso_basic(const char *ext, char *out)
{
    size_t i, o = 0;

    for (i = 0; ext[i] != '\0' && o < TP_SIGV4_DATE_LEN; i++) {
        if (ext[i] != '-' && ext[i] != ':') {
            out[o++] = ext[i];
        }
    }
    out[o] = '\0';
}

static inline bool
sv_load_ctx(const char *dir, const char *name, struct sv_ctx *c)
{
    struct tp_arena a;
    struct tp_json d;
    char err[128], ts[64];
    size_t len;
    char *buf = sv_read_case(dir, name, "context.json", &len);
    int creds, v;
    bool ok = false;

    memset(c, 0, sizeof(*c));
    tp_arena_init(&a, 4096);
    if (buf != NULL && tp_json_parse(&d, &a, buf, len, err, sizeof(err))
                       == TP_OK)
    {
        creds = tp_json_get(&d, 0, "credentials");
        sv_json_copy(&d, tp_json_get(&d, creds, "access_key_id"), &a,
                     c->akid, sizeof(c->akid));
        sv_json_copy(&d, tp_json_get(&d, creds, "secret_access_key"), &a,
                     c->secret, sizeof(c->secret));
        v = tp_json_get(&d, creds, "token");
        c->has_token = v >= 0;
        sv_json_copy(&d, v, &a, c->token, sizeof(c->token));
        sv_json_copy(&d, tp_json_get(&d, 0, "region"), &a, c->region,
                     sizeof(c->region));
        sv_json_copy(&d, tp_json_get(&d, 0, "service"), &a, c->service,
                     sizeof(c->service));
        sv_json_copy(&d, tp_json_get(&d, 0, "timestamp"), &a, ts,
                     sizeof(ts));
        sv_iso_basic(ts, c->date);
        c->normalize = tp_json_type(&d, tp_json_get(&d, 0, "normalize"))
                       == TP_JSON_TRUE;
        c->omit_token = tp_json_type(&d, tp_json_get(&d, 0,
                                                     "omit_session_token"))
                        == TP_JSON_TRUE;
        ok = tp_json_int(&d, tp_json_get(&d, 0, "expiration_in_seconds"),
                         &c->expires) == TP_OK
             && tp_sigv4_parse_time((struct tp_str) { c->date,
                                                      strlen(c->date) },
                                    false, &c->now) == TP_OK;
    }
    tp_arena_free(&a);
    free(buf);
    return ok;
}

static inline void
sv_ctx_conf(const struct sv_ctx *c, struct sv_keys *k,
    struct tp_sigv4_conf *conf)
{
    memset(k, 0, sizeof(*k));
    k->akid = c->akid;
    k->secret = c->secret;
    k->token = c->has_token ? c->token : NULL;
    memset(conf, 0, sizeof(*conf));
    conf->region = (struct tp_str) { c->region, strlen(c->region) };
    conf->service = (struct tp_str) { c->service, strlen(c->service) };
    conf->no_normalize = !c->normalize;
    conf->lookup = sv_lookup;
    conf->lookup_ctx = k;
}

#endif /* SIGV4_SUITE_H */
