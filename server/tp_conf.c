/*
 * tp_conf.c: reads the libconfig file, walks the top-level sections and
 * provides the table-driven field checker used by every section.
 * Master only; the same code path serves start, -t and reload.
 */
#include "tp_conf_int.h"
#include "tp_log.h"
#include "tp_tls.h"
#include "tp_units.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

struct tp_src
tp_conf_src(struct tp_conf_ctx *c, const config_setting_t *s)
{
    struct tp_src src = { c->opts->path, 0 };
    const char *f;

    if (s != NULL) {
        f = config_setting_source_file(s);
        if (f != NULL) {
            src.file = tp_arena_strdup(c->a, f);
        }
        src.line = (int) config_setting_source_line(s);
    }
    return src;
}

static void
conf_format(struct tp_conf_ctx *c, const config_setting_t *s, char *out,
    size_t outlen, const char *fmt, va_list ap)
{
    struct tp_src src = tp_conf_src(c, s);
    int n;

    if (src.line > 0) {
        n = snprintf(out, outlen, "%s:%d: ", src.file, src.line);
    } else {
        n = snprintf(out, outlen, "%s: ", src.file);
    }
    if (n > 0 && (size_t) n < outlen) {
        vsnprintf(out + n, outlen - (size_t) n, fmt, ap);
    }
}

int
tp_conf_error(struct tp_conf_ctx *c, const config_setting_t *s,
    const char *fmt, ...)
{
    va_list ap;

    if (!c->failed) {            /* the first error is the one that counts */
        va_start(ap, fmt);
        conf_format(c, s, c->err, c->errlen, fmt, ap);
        va_end(ap);
        c->failed = true;
    }
    return TP_ERROR;
}

int
tp_conf_error_at(struct tp_conf_ctx *c, struct tp_src src, const char *fmt,
    ...)
{
    va_list ap;
    int n;

    if (!c->failed) {
        n = snprintf(c->err, c->errlen, "%s:%d: ", src.file, src.line);
        if (n > 0 && (size_t) n < c->errlen) {
            va_start(ap, fmt);
            vsnprintf(c->err + n, c->errlen - (size_t) n, fmt, ap);
            va_end(ap);
        }
        c->failed = true;
    }
    return TP_ERROR;
}

void
tp_conf_warn_at(struct tp_conf_ctx *c, struct tp_src src, const char *fmt,
    ...)
{
    char msg[1024];
    va_list ap;
    int n;

    (void) c;
    n = snprintf(msg, sizeof(msg), "%s:%d: ", src.file, src.line);
    va_start(ap, fmt);
    if (n > 0 && (size_t) n < sizeof(msg)) {
        vsnprintf(msg + n, sizeof(msg) - (size_t) n, fmt, ap);
    }
    va_end(ap);
    tp_log(TP_LOG_WARN, 0, "%s", msg);
}

void
tp_conf_warn(struct tp_conf_ctx *c, const config_setting_t *s,
    const char *fmt, ...)
{
    char msg[1024];
    va_list ap;

    va_start(ap, fmt);
    conf_format(c, s, msg, sizeof(msg), fmt, ap);
    va_end(ap);
    tp_log(TP_LOG_WARN, 0, "%s", msg);
}

const char *
tp_conf_type_name(int type)
{
    switch (type) {
    case CONFIG_TYPE_INT:
    case CONFIG_TYPE_INT64: return "an integer";
    case CONFIG_TYPE_FLOAT: return "a number";
    case CONFIG_TYPE_STRING: return "a string";
    case CONFIG_TYPE_BOOL: return "a boolean";
    case CONFIG_TYPE_GROUP: return "a group { ... }";
    case CONFIG_TYPE_LIST: return "a list ( ... )";
    case CONFIG_TYPE_ARRAY: return "an array [ ... ]";
    default: return "a setting";
    }
}

const char *
tp_conf_path(struct tp_conf_ctx *c, const char *p)
{
    if (p[0] == '/') {
        return tp_arena_strdup(c->a, p);
    }
    return tp_arena_sprintf(c->a, "%s/%s", c->dir, p);
}

const char *
tp_conf_str(struct tp_conf_ctx *c, const config_setting_t *s)
{
    const char *v = config_setting_get_string(s);

    return v != NULL ? tp_arena_strdup(c->a, v) : NULL;
}

/*
 * libconfig reads an integer literal without the L suffix as 32 bits and
 * wraps larger ones silently (5000000000 becomes 705032704).  For a
 * setting that may exceed 32 bits, read its literal again from the file:
 * true when it differs from what libconfig made of it.
 */
static bool
conf_int_wrapped(const config_setting_t *s, const char *name, int64_t got)
{
    const char *file = config_setting_source_file(s);
    unsigned line = config_setting_source_line(s), n = 0;
    char buf[4096], *p, *end;
    size_t len = strlen(name);
    long long v;
    FILE *fp;

    if (file == NULL || line == 0 || (fp = fopen(file, "re")) == NULL) {
        return false;
    }
    while (n < line && fgets(buf, sizeof(buf), fp) != NULL) {
        n++;
    }
    fclose(fp);
    for (p = n == line ? strstr(buf, name) : NULL; p != NULL;
        p = strstr(p + 1, name))
    {
        end = p + len;
        end += strspn(end, " \t");
        if (*end != '=' && *end != ':') {
            continue;
        }
        errno = 0;
        v = strtoll(end + 1, &p, 0);
        return errno == ERANGE || v != got;
    }
    return false;
}

static int
conf_int(struct tp_conf_ctx *c, const config_setting_t *s,
    const struct tp_conf_field *f, int64_t *out)
{
    int t = config_setting_type(s);
    uint64_t u;

    if (t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64) {
        *out = config_setting_get_int64(s);
        if (t == CONFIG_TYPE_INT && f->max > INT32_MAX
            && conf_int_wrapped(s, f->name, *out))
        {
            return tp_conf_error(c, s, "'%s' does not fit in 32 bits: "
                "write 64-bit integers with an L suffix (5000000000L)",
                f->name);
        }
    } else if (f->type == TP_CT_SIZE && t == CONFIG_TYPE_STRING) {
        if (tp_units_size(config_setting_get_string(s), &u) != TP_OK
            || u > INT64_MAX)
        {
            return tp_conf_error(c, s, "'%s': invalid size \"%s\" (use bytes "
                "or a number with K, M or G)", f->name,
                config_setting_get_string(s));
        }
        *out = (int64_t) u;
    } else {
        return tp_conf_error(c, s, "'%s' must be %s, not %s", f->name,
            f->type == TP_CT_SIZE ? "a size (e.g. \"10M\")" : "an integer",
            tp_conf_type_name(t));
    }
    if (*out < f->min || *out > f->max) {
        return tp_conf_error(c, s, "'%s' = %lld is out of range [%lld, %lld]",
            f->name, (long long) *out, (long long) f->min, (long long) f->max);
    }
    return TP_OK;
}

static int
conf_store(struct tp_conf_ctx *c, const config_setting_t *s,
    const struct tp_conf_field *f, void *obj)
{
    int t = config_setting_type(s);
    char *dst = (char *) obj + f->off;
    int64_t v = 0;

    switch (f->type) {
    case TP_CT_INT:
    case TP_CT_SIZE:
        if (conf_int(c, s, f, &v) != TP_OK) {
            return TP_ERROR;
        }
        if (f->max > UINT32_MAX) {
            *(uint64_t *) (void *) dst = (uint64_t) v;
        } else {
            *(uint32_t *) (void *) dst = (uint32_t) v;
        }
        return TP_OK;
    case TP_CT_STR:
    case TP_CT_PATH:
        if (t != CONFIG_TYPE_STRING) {
            return tp_conf_error(c, s, "'%s' must be a string, not %s",
                f->name, tp_conf_type_name(t));
        }
        if (f->off != 0 || obj != NULL) {
            *(const char **) (void *) dst = f->type == TP_CT_PATH
                ? tp_conf_path(c, config_setting_get_string(s))
                : tp_conf_str(c, s);
        }
        return TP_OK;
    case TP_CT_BOOL:
        if (t != CONFIG_TYPE_BOOL) {
            return tp_conf_error(c, s, "'%s' must be true or false, not %s",
                f->name, tp_conf_type_name(t));
        }
        *(bool *) (void *) dst = config_setting_get_bool(s) != 0;
        return TP_OK;
    default:
        return TP_OK;
    }
}

int
tp_conf_apply(struct tp_conf_ctx *c, const config_setting_t *g,
    const struct tp_conf_field *fields, size_t nfields, void *obj)
{
    int i, n = config_setting_length(g);
    const char *gname = config_setting_name(g);
    const struct tp_conf_field *f;
    const config_setting_t *s;
    size_t k;

    for (i = 0; i < n; i++) {
        s = config_setting_get_elem(g, (unsigned) i);
        for (k = 0, f = NULL; k < nfields; k++) {
            if (strcmp(fields[k].name, config_setting_name(s)) == 0) {
                f = &fields[k];
                break;
            }
        }
        if (f == NULL) {
            return tp_conf_error(c, s, "unknown setting '%s' in %s",
                config_setting_name(s), gname != NULL ? gname : "this group");
        }
        if (f->type == TP_CT_UNSUPPORTED) {
            tp_conf_warn(c, s, "not supported yet: '%s' (%s); ignored",
                f->name, f->note);
            continue;
        }
        if (f->type == TP_CT_GROUP && !config_setting_is_group(s)) {
            return tp_conf_error(c, s, "'%s' must be a group { ... }, not %s",
                f->name, tp_conf_type_name(config_setting_type(s)));
        }
        if (f->type == TP_CT_LIST && !config_setting_is_list(s)
            && !config_setting_is_array(s))
        {
            return tp_conf_error(c, s, "'%s' must be a list ( ... ), not %s",
                f->name, tp_conf_type_name(config_setting_type(s)));
        }
        if (f->type <= TP_CT_BOOL && obj != NULL
            && conf_store(c, s, f, obj) != TP_OK)
        {
            return TP_ERROR;
        }
    }
    return TP_OK;
}

char *
tp_conf_aws_vars(struct tp_conf_ctx *c, const char *json, size_t len,
    size_t *outlen)
{
    const struct {
        const char *name;
        const char *value;
    } vars[] = {
        { "${AWS::Region}", c->m->server.region },
        { "${AWS::AccountId}", c->m->server.account_id },
        { "${AWS::Partition}", "aws" },
    };
    size_t i, k, o = 0, cap = len + 1, longest = 0;
    char *out;

    for (k = 0; k < TP_NELEM(vars); k++) {
        longest = TP_MAX(longest, strlen(vars[k].value));
    }
    for (i = 0; i + 1 < len; i++) {
        cap += json[i] == '$' && json[i + 1] == '{' ? longest : 0;
    }
    if ((out = tp_arena_alloc(c->a, cap)) == NULL) {
        return NULL;
    }
    for (i = 0; i < len; ) {
        for (k = 0; k < TP_NELEM(vars); k++) {
            size_t n = strlen(vars[k].name);

            if (len - i >= n && memcmp(json + i, vars[k].name, n) == 0) {
                size_t vn = strlen(vars[k].value);

                memcpy(out + o, vars[k].value, vn);
                o += vn;
                i += n;
                break;
            }
        }
        if (k == TP_NELEM(vars)) {
            out[o++] = json[i++];
        }
    }
    out[o] = '\0';
    *outlen = o;
    return out;
}

/*
 * A top-level list of named groups (authorizers, functions ...): parses
 * each element of <l> with <parse> into an array of <size>-byte items,
 * refusing a name defined twice.  The item's name is the const char * at
 * <name_off>, its source the struct tp_src at <src_off>.
 */
int
tp_conf_named_list(struct tp_conf_ctx *c, const config_setting_t *l,
    size_t size, size_t name_off, size_t src_off, const char *what,
    int (*parse)(struct tp_conf_ctx *, const config_setting_t *, void *),
    void **out, unsigned *nout)
{
    int i, n = l != NULL ? config_setting_length(l) : 0;
    char *list;
    unsigned k;

    if (n == 0) {
        return TP_OK;
    }
    list = tp_arena_calloc(c->a, size * (size_t) n);
    if (list == NULL) {
        return tp_conf_error(c, l, "out of memory");
    }
    for (i = 0; i < n; i++) {
        const config_setting_t *g = config_setting_get_elem(l, (unsigned) i);
        char *it = list + size * (size_t) i;
        const char *name;

        if (parse(c, g, it) != TP_OK) {
            return TP_ERROR;
        }
        name = *(const char **) (void *) (it + name_off);
        for (k = 0; k < (unsigned) i; k++) {
            char *prev = list + size * k;

            if (strcmp(*(const char **) (void *) (prev + name_off), name)
                == 0)
            {
                return tp_conf_error(c, g, "%s \"%s\" is defined twice "
                    "(first at line %d)", what, name,
                    ((struct tp_src *) (void *) (prev + src_off))->line);
            }
        }
    }
    *out = list;
    *nout = (unsigned) n;
    return TP_OK;
}

static const struct tp_conf_field top_fields[] = {
    { "server", TP_CT_GROUP, 0, 0, 0, NULL },
    { "listeners", TP_CT_LIST, 0, 0, 0, NULL },
    { "apis", TP_CT_LIST, 0, 0, 0, NULL },
    { "domains", TP_CT_LIST, 0, 0, 0, NULL },
    { "throttle", TP_CT_GROUP, 0, 0, 0, NULL },
    { "cache", TP_CT_GROUP, 0, 0, 0, NULL },          /* tp_conf_cache.c */
    { "metrics", TP_CT_GROUP, 0, 0, 0, NULL },       /* tp_conf_metrics.c */
    { "lambda", TP_CT_GROUP, 0, 0, 0, NULL },        /* tp_conf_lambda.c */
    { "usage_plans", TP_CT_LIST, 0, 0, 0, NULL },
    { "api_keys", TP_CT_LIST, 0, 0, 0, NULL },
    { "authorizers", TP_CT_LIST, 0, 0, 0, NULL },     /* tp_conf_refs.c */
    { "iam", TP_CT_GROUP, 0, 0, 0, NULL },           /* tp_conf_iam.c */
    { "functions", TP_CT_LIST, 0, 0, 0, NULL },  /* tp_conf_functions.c */
};

static int
conf_sections(struct tp_conf_ctx *c, config_t *cfg)
{
    const config_setting_t *root = config_root_setting(cfg), *s;

    if (tp_conf_apply(c, root, top_fields, TP_NELEM(top_fields), NULL)
        != TP_OK)
    {
        return TP_ERROR;
    }
    /* Order matters: listeners name APIs, and domains carry certificates;
     * integrations and authorizers naming a Lambda ARN find the lambda
     * endpoint (m->lambda) already read. */
    if (tp_conf_server(c, config_lookup(cfg, "server")) != TP_OK
        || tp_conf_lambda(c, config_lookup(cfg, "lambda")) != TP_OK)
    {
        return TP_ERROR;
    }
    s = config_lookup(cfg, "apis");
    if ((s != NULL && tp_conf_apis(c, s) != TP_OK)
        || tp_conf_iam(c, config_lookup(cfg, "iam")) != TP_OK)
    {
        return TP_ERROR;
    }
    s = config_lookup(cfg, "domains");
    if ((s != NULL && tp_conf_domains(c, s) != TP_OK)
        || tp_conf_limits(c, cfg) != TP_OK || tp_conf_cache(c, cfg) != TP_OK
        || tp_conf_refs(c, cfg) != TP_OK)
    {
        return TP_ERROR;
    }
    s = config_lookup(cfg, "listeners");
    if (s == NULL || config_setting_length(s) == 0) {
        return tp_conf_error(c, s, "no listeners: add listeners = "
            "( { address = \"127.0.0.1:8080\"; } );");
    }
    if (tp_conf_listeners(c, s) != TP_OK) {
        return TP_ERROR;
    }
    return tp_conf_metrics(c, config_lookup(cfg, "metrics"));
}

struct tp_model *
tp_conf_load(struct tp_arena *a, const struct tp_conf_opts *opts, char *err,
    size_t errlen)
{
    struct tp_conf_ctx c = { .a = a, .opts = opts, .err = err,
        .errlen = errlen };
    char real[PATH_MAX], *tmp;
    config_t cfg;
    int rc;

    if (realpath(opts->path, real) == NULL) {
        snprintf(err, errlen, "%s: cannot open: %s", opts->path,
            strerror(errno));
        return NULL;
    }
    tmp = tp_arena_strdup(a, real);
    c.dir = tmp != NULL ? tp_arena_strdup(a, dirname(tmp)) : NULL;
    c.m = tp_arena_calloc(a, sizeof(*c.m));
    if (c.m == NULL || c.dir == NULL) {
        snprintf(err, errlen, "%s: out of memory", opts->path);
        return NULL;
    }

    config_init(&cfg);
    config_set_include_dir(&cfg, c.dir);
    if (config_read_file(&cfg, opts->path) != CONFIG_TRUE) {
        if (config_error_type(&cfg) == CONFIG_ERR_FILE_IO) {
            snprintf(err, errlen, "%s: cannot read: %s", opts->path,
                strerror(errno));
        } else {
            snprintf(err, errlen, "%s:%d: %s",
                config_error_file(&cfg) != NULL ? config_error_file(&cfg)
                                                : opts->path,
                config_error_line(&cfg), config_error_text(&cfg));
        }
        config_destroy(&cfg);
        return NULL;
    }
    rc = conf_sections(&c, &cfg);
    config_destroy(&cfg);
    if (rc != TP_OK) {
        return NULL;
    }
    tp_tls_bind_model(c.m);
    return c.m;
}
